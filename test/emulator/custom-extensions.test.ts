// A catalog's custom extensions on the tenant emulator: the bodies Graph takes and refuses, the limits, update and delete.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { callbackProblem, workflowExtensionProblem } from '../../emulator/governance/custom-extension-rules.js';
import type { TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { graphGet, miToken } from './graph-calls.js';
import { ASSIGNMENT_TYPE, ELM, endpoint, EXTENSIONS, extensionBody, FINANCE, graphSend, REQUEST_TYPE, without } from './graph-writes.js';

let emulator: TenantEmulator;
let token: string;
beforeEach(async () => {
  emulator = await startTestEmulator();
  token = await miToken(emulator);
});
afterEach(() => emulator.close());

const create = (body: unknown) => graphSend(emulator, 'POST', EXTENSIONS, token, body);
const TASK_WINDOW = '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration';
/** Beta's entitlement-management callback window; v1.0's metadata does not have it. */
const BETA_WINDOW = '#microsoft.graph.accessPackageRequestApprovalStageCallbackConfiguration';
const code = (answer: { json: Record<string, unknown> }) => (answer.json['error'] as { code?: string; message?: string } | undefined);

describe('the catalog', () => {
  test('GET answers the Finance catalog; an unknown one is 404', async () => {
    const found = await graphGet(emulator, `${ELM}/catalogs/${FINANCE}`, token);
    expect([found.status, found.json['displayName'], found.json['id']]).toEqual([200, 'Finance', FINANCE]);
    const missing = await graphGet(emulator, `${ELM}/catalogs/99999999-9999-4999-8999-999999999999`, token);
    expect([missing.status, code(missing)?.code]).toEqual([404, 'ResourceNotFound']);
  });

  test('is read-only (405)', async () => {
    expect((await graphSend(emulator, 'PATCH', `${ELM}/catalogs/${FINANCE}`, token, { displayName: 'x' })).status).toBe(405);
  });
});

describe('create', () => {
  test('201 with the extension as Graph answers it; it is listed', async () => {
    const created = await create(extensionBody());
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ '@odata.type': REQUEST_TYPE, displayName: 'entitlement-guard', endpointConfiguration: endpoint(), callbackConfiguration: { timeoutDuration: 'PT1H' } });
    const list = await graphGet(emulator, EXTENSIONS, token);
    expect((list.json['value'] as { id: string }[]).map((e) => e.id)).toEqual([created.json['id']]);
    expect(emulator.registry.extensionsOf(FINANCE)).toHaveLength(1);
  });

  test('an assignment workflow extension (pre-expiration) takes no callback', async () => {
    const plain = without(extensionBody({ '@odata.type': ASSIGNMENT_TYPE }), 'callbackConfiguration');
    expect((await create(plain)).status).toBe(201);
    const refused = await create(extensionBody({ '@odata.type': ASSIGNMENT_TYPE }));
    expect([refused.status, code(refused)?.message]).toEqual([400, 'callbackConfiguration is supported by accessPackageAssignmentRequestWorkflowExtension only']);
  });

  test.each([
    // Graph's schema comes first: the base type (named or not) has no callback window.
    ['an unknown @odata.type', { '@odata.type': '#microsoft.graph.customCalloutExtension' }, "The property 'callbackConfiguration' does not exist on type 'microsoft.graph.customCalloutExtension'"],
    ['no @odata.type', { '@odata.type': undefined }, "The property 'callbackConfiguration' does not exist on type 'microsoft.graph.customCalloutExtension'"],
    ['an unknown @odata.type, no window', { '@odata.type': '#microsoft.graph.customCalloutExtension', callbackConfiguration: undefined }, '@odata.type "#microsoft.graph.customCalloutExtension" is not one of'],
    ['no displayName', { displayName: ' ' }, 'displayName is required'],
    ['a window under 5 minutes', { callbackConfiguration: { '@odata.type': '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration', timeoutDuration: 'PT4M' } }, 'callbackConfiguration.timeoutDuration PT4M is outside PT5M to P14D'],
    ['a window over 14 days', { callbackConfiguration: { '@odata.type': '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration', timeoutDuration: 'P15D' } }, 'callbackConfiguration.timeoutDuration P15D is outside PT5M to P14D'],
    ['a window that is not a duration', { callbackConfiguration: { '@odata.type': '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration', timeoutDuration: '1 hour' } }, 'callbackConfiguration.timeoutDuration must be an ISO 8601 duration'],
    ['the window under the old example\'s name', { callbackConfiguration: { '@odata.type': '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration', durationBeforeTimeout: 'PT1H' } }, "The property 'durationBeforeTimeout' does not exist on type 'microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration'"],
    ['the abstract window type', { callbackConfiguration: { '@odata.type': '#microsoft.graph.customExtensionCallbackConfiguration', timeoutDuration: 'PT1H' } }, 'cannot create an instance of the abstract type microsoft.graph.customExtensionCallbackConfiguration'],
    ['a window without a type', { callbackConfiguration: { timeoutDuration: 'PT1H' } }, 'cannot create an instance of the abstract type'],
    ['a window in months', { callbackConfiguration: { '@odata.type': '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration', timeoutDuration: 'P1M' } }, 'must be an ISO 8601 duration'],
    ['another endpoint type with the Logic App\'s properties', { endpointConfiguration: endpoint({ '@odata.type': '#microsoft.graph.httpRequestEndpoint' }) }, "The property 'subscriptionId' does not exist on type 'microsoft.graph.httpRequestEndpoint'"],
    ['an unknown endpoint type', { endpointConfiguration: { '@odata.type': '#microsoft.graph.httpRequestEndpoint', targetUrl: 'https://example.org' } }, 'endpointConfiguration.@odata.type must be'],
    ['a subscription that is not a GUID', { endpointConfiguration: endpoint({ subscriptionId: 'prod' }) }, 'endpointConfiguration.subscriptionId must be a subscription id'],
    ['no Logic App name', { endpointConfiguration: endpoint({ logicAppWorkflowName: '' }) }, 'endpointConfiguration.logicAppWorkflowName is required'],
    ['a Logic App path over 150 characters', { endpointConfiguration: endpoint({ logicAppWorkflowName: 'x'.repeat(80) }) }, "the Logic App's resource path is 204 characters; at most 150 are accepted"],
    ['no authentication', { authenticationConfiguration: undefined }, 'authenticationConfiguration is required'],
    ['an authentication without its type', { authenticationConfiguration: {} }, 'authenticationConfiguration.@odata.type null is not one of'],
    // OData resolves every @odata.type against the model, and it must derive from the type declared where it stands.
    ['an authentication type Graph does not have', { authenticationConfiguration: { '@odata.type': '#microsoft.graph.notAnAuthentication' } }, "A type named 'microsoft.graph.notAnAuthentication' could not be resolved by the model. When a model is available, each type name must resolve to a valid type."],
    ['an endpoint typed as a callback window', { endpointConfiguration: { '@odata.type': '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration', timeoutDuration: 'PT1H' } }, "A value was encountered that has a type name that is incompatible with the metadata. The value specified its type as 'microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration', but the type specified in the metadata is 'microsoft.graph.customExtensionEndpointConfiguration'."],
    ['a callback window type only beta has, in v1.0', { callbackConfiguration: { '@odata.type': BETA_WINDOW, timeoutDuration: 'PT1H' } }, "A type named 'microsoft.graph.accessPackageRequestApprovalStageCallbackConfiguration' could not be resolved by the model."],
    ['a token authentication without resource', { authenticationConfiguration: { '@odata.type': '#microsoft.graph.azureAdTokenAuthentication' } }, 'authenticationConfiguration.resourceId must be an application id'],
    ['an unknown property', { url: 'https://example.org' }, "The property 'url' does not exist on type 'microsoft.graph.accessPackageAssignmentRequestWorkflowExtension'. Make sure to only use property names that are defined by the type or mark the type as open type."],
    ['a read-only property', { createdDateTime: '2026-01-01T00:00:00Z' }, 'createdDateTime is read-only in microsoft.graph.accessPackageAssignmentRequestWorkflowExtension'],
    ['an unknown property of a nested object', { clientConfiguration: { maximumRetries: 1, retryOn: [429] } }, "The property 'retryOn' does not exist on type 'microsoft.graph.customExtensionClientConfiguration'"],
    ['a retry count over 1', { clientConfiguration: { maximumRetries: 3 } }, 'clientConfiguration.maximumRetries must be 0 or 1'],
  ])('400 for %s', async (_, change, message) => {
    const refused = await create(extensionBody(change));
    expect(refused.status).toBe(400);
    expect(code(refused)?.message).toContain(message);
    expect(emulator.registry.extensionsOf(FINANCE)).toEqual([]);
  });

  test("beta's entitlement-management window type: beta takes it, v1.0 does not have it", async () => {
    const beta = await graphSend(emulator, 'POST', EXTENSIONS.replace(/^\/v1\.0\//, '/beta/'), token, extensionBody({ callbackConfiguration: { '@odata.type': BETA_WINDOW, timeoutDuration: 'PT1H' } }));
    expect(beta.status).toBe(201);
    const v1 = await create(extensionBody({ callbackConfiguration: { '@odata.type': BETA_WINDOW, timeoutDuration: 'PT1H' } }));
    expect(v1.status).toBe(400);
  });

  test('400 once the catalog has 20 extensions', async () => {
    for (let i = 0; i < 20; i++) expect((await create(extensionBody({ displayName: `ext ${i}` }))).status).toBe(201);
    const refused = await create(extensionBody({ displayName: 'one too many' }));
    expect([refused.status, code(refused)?.message]).toEqual([400, 'A catalog may have at most 20 custom extensions.']);
  });

  test('404 in a catalog that does not exist', async () => {
    expect((await graphSend(emulator, 'POST', `${ELM}/catalogs/99999999-9999-4999-8999-999999999999/customWorkflowExtensions`, token, extensionBody())).status).toBe(404);
  });
});

describe("the emulator's rules take the version's window types", () => {
  const body = (window: string) => extensionBody({ callbackConfiguration: { '@odata.type': window, timeoutDuration: 'PT1H' } });
  test("v1.0: the Lifecycle Workflows window only; beta: also beta's entitlement-management one", () => {
    expect(workflowExtensionProblem(body(TASK_WINDOW), 'v1.0')).toBeUndefined();
    expect(workflowExtensionProblem(body(BETA_WINDOW), 'v1.0')).toBe(`callbackConfiguration.@odata.type must be ${TASK_WINDOW} (v1.0)`);
    expect(workflowExtensionProblem(body(BETA_WINDOW), 'beta')).toBeUndefined();
    expect(workflowExtensionProblem(body(TASK_WINDOW), 'beta')).toBeUndefined();
  });

  test('the abstract window names the concrete types of the version', () => {
    expect(callbackProblem({ timeoutDuration: 'PT1H' }, 'v1.0')).toBe(`callbackConfiguration: cannot create an instance of the abstract type microsoft.graph.customExtensionCallbackConfiguration; name ${TASK_WINDOW} (v1.0)`);
    expect(callbackProblem({ timeoutDuration: 'PT1H' }, 'beta')).toBe(`callbackConfiguration: cannot create an instance of the abstract type microsoft.graph.customExtensionCallbackConfiguration; name one of ${TASK_WINDOW}, ${BETA_WINDOW} (beta)`);
  });
});

describe('update and delete', () => {
  test('PUT replaces what it gives (a new window); the kind cannot change; PATCH is not the documented method', async () => {
    const id = String((await create(extensionBody())).json['id']);
    const updated = await graphSend(emulator, 'PUT', `${EXTENSIONS}/${id}`, token, extensionBody({ callbackConfiguration: { '@odata.type': '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration', timeoutDuration: 'P2D' } }));
    expect([updated.status, (updated.json['callbackConfiguration'] as Record<string, unknown>)['timeoutDuration']]).toEqual([200, 'P2D']);
    const retyped = await graphSend(emulator, 'PUT', `${EXTENSIONS}/${id}`, token, { '@odata.type': ASSIGNMENT_TYPE });
    expect([retyped.status, code(retyped)?.message]).toEqual([400, `@odata.type cannot change from ${REQUEST_TYPE} to ${ASSIGNMENT_TYPE}`]);
    expect((await graphSend(emulator, 'PUT', `${EXTENSIONS}/${id}`, token, extensionBody({ callbackConfiguration: { '@odata.type': '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration', timeoutDuration: 'PT1M' } }))).status).toBe(400);
    expect((await graphSend(emulator, 'PATCH', `${EXTENSIONS}/${id}`, token, extensionBody())).status).toBe(405);
    expect((await graphGet(emulator, `${EXTENSIONS}/${id}`, token)).json['callbackConfiguration']).toMatchObject({ timeoutDuration: 'P2D' });
  });

  test('DELETE is 204, then 404; an unknown id is 404', async () => {
    const id = String((await create(extensionBody())).json['id']);
    expect((await graphSend(emulator, 'DELETE', `${EXTENSIONS}/${id}`, token)).status).toBe(204);
    expect((await graphSend(emulator, 'DELETE', `${EXTENSIONS}/${id}`, token)).status).toBe(404);
    expect((await graphGet(emulator, `${EXTENSIONS}/${id}`, token)).status).toBe(404);
  });

  test('an extension a policy uses cannot be deleted', async () => {
    const id = String((await create(extensionBody())).json['id']);
    const policy = (await graphGet(emulator, `${ELM}/assignmentPolicies/94f213d6-cfa4-4bda-86f9-6bb659b87cb0?$expand=accessPackage`, token)).json;
    const body = without(policy, 'createdDateTime', 'modifiedDateTime', '@odata.context');
    const put = await graphSend(emulator, 'PUT', `${ELM}/assignmentPolicies/94f213d6-cfa4-4bda-86f9-6bb659b87cb0`, token, { ...body, customExtensionStageSettings: [{ stage: 'assignmentRequestCreated', customExtension: { id } }] });
    expect(put.status).toBe(200);
    const refused = await graphSend(emulator, 'DELETE', `${EXTENSIONS}/${id}`, token);
    expect([refused.status, code(refused)?.message]).toEqual([400, `The custom extension '${id}' is in use by the assignment policy '94f213d6-cfa4-4bda-86f9-6bb659b87cb0'.`]);
  });
});
