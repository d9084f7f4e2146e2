// PIM custom extensions (roleManagementCustomCalloutExtension) on the tenant emulator: create, list, get, PATCH, delete, in v1.0 and beta; each refusal.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { graphGet, miToken, type Json } from './graph-calls.js';
import { graphSend } from './graph-writes.js';

let emulator: TenantEmulator;
let defaultRoles: string[];
beforeAll(async () => {
  emulator = await startTestEmulator();
  defaultRoles = [...emulator.managedIdentityRoles];
});
afterEach(() => {
  emulator.managedIdentityRoles = [...defaultRoles];
});
afterAll(() => emulator.close());

const BETA = '/beta/identityGovernance/privilegedAccess/customExtensions';
const V1 = '/v1.0/identityGovernance/privilegedAccess/customExtensions';
const WRITE = 'PrivilegedAccess-CustomExt.ReadWrite.All';
const READ = 'PrivilegedAccess-CustomExt.Read.All';
const message = (answer: { json: Json }) => (answer.json['error'] as { message?: string } | undefined)?.message;
const tokenWith = async (roles: readonly string[]) => {
  emulator.managedIdentityRoles = [...roles];
  return miToken(emulator);
};

/** Microsoft's how-to's create example, for the function's host. */
const body = (change: Record<string, unknown> = {}): Record<string, unknown> => ({
  '@odata.type': '#microsoft.graph.roleManagementCustomCalloutExtension',
  displayName: `entitlement-guard ${crypto.randomUUID()}`,
  description: 'policy on PIM activations',
  endpointConfiguration: { '@odata.type': '#microsoft.graph.httpRequestEndpoint', targetUrl: 'https://eg.example.net/api/pim' },
  clientConfiguration: { '@odata.type': '#microsoft.graph.customExtensionClientConfiguration', timeoutInMilliseconds: 10000, maximumRetries: 3 },
  authenticationConfiguration: { '@odata.type': '#microsoft.graph.azureAdTokenAuthentication', resourceId: 'api://eg.example.net/5e1a7c2b-3d4f-4a6b-8c9d-0e1f2a3b4c5d' },
  resourceType: 'entraGroups',
  customAttributes: [],
  ...change,
});

describe('the custom extension resource', () => {
  test('create (201) in beta, read in both versions, list, PATCH (204) and read back, delete (204, then 404)', async () => {
    const token = await tokenWith([WRITE]);
    const sent = body();
    const created = await graphSend(emulator, 'POST', BETA, token, sent);
    expect(created.status).toBe(201);
    const id = String(created.json['id']);
    const { description, ...rest } = sent;
    expect(created.json).toEqual({ ...rest, id, description, type: null });
    expect((await graphGet(emulator, `${V1}/${id}`, token)).json).toEqual(created.json);
    expect(((await graphGet(emulator, BETA, token)).json['value'] as Json[]).map((e) => e['id'])).toContain(id);
    const patched = await graphSend(emulator, 'PATCH', `${BETA}/${id}`, token, { clientConfiguration: { timeoutInMilliseconds: 12000, maximumRetries: 1 } });
    expect(patched.status).toBe(204);
    expect((await graphGet(emulator, `${BETA}/${id}`, token)).json['clientConfiguration']).toEqual({ timeoutInMilliseconds: 12000, maximumRetries: 1 });
    expect(emulator.pimExtensions.callSettings(id)).toMatchObject({ targetUrl: 'https://eg.example.net/api/pim', timeoutInMilliseconds: 12000, maximumRetries: 1, resourceType: 'entraGroups' });
    expect((await graphSend(emulator, 'DELETE', `${BETA}/${id}`, token)).status).toBe(204);
    expect((await graphSend(emulator, 'DELETE', `${BETA}/${id}`, token)).status).toBe(404);
    expect((await graphGet(emulator, `${BETA}/${id}`, token)).status).toBe(404);
  });

  test('a create without @odata.type takes the collection\'s type; a given GUID id is kept; every resourceType is taken', async () => {
    const token = await tokenWith([WRITE]);
    const id = crypto.randomUUID();
    const plain = Object.fromEntries(Object.entries(body({ id, resourceType: 'entraRoles' })).filter(([key]) => key !== '@odata.type'));
    const created = await graphSend(emulator, 'POST', V1, token, plain);
    expect([created.status, created.json['id'], created.json['@odata.type']]).toEqual([201, id, '#microsoft.graph.roleManagementCustomCalloutExtension']);
    expect((await graphSend(emulator, 'POST', V1, token, body({ id }))).status).toBe(409);
    expect((await graphSend(emulator, 'POST', BETA, token, body({ resourceType: 'azureResources', type: 'preApproval' }))).status).toBe(201);
  });

  test.each([
    ['a resourceType Graph does not have', { resourceType: 'entraRole' }, 'resourceType "entraRole" is not one of entraRoles, azureResources, entraGroups'],
    ['no resourceType', { resourceType: undefined }, 'resourceType null is not one of'],
    ['a Logic App endpoint', { endpointConfiguration: { '@odata.type': '#microsoft.graph.logicAppTriggerEndpointConfiguration', subscriptionId: crypto.randomUUID(), resourceGroupName: 'rg', logicAppWorkflowName: 'la' } }, 'endpointConfiguration.@odata.type must be #microsoft.graph.httpRequestEndpoint'],
    ['an http target', { endpointConfiguration: { '@odata.type': '#microsoft.graph.httpRequestEndpoint', targetUrl: 'http://eg.example.net/api/pim' } }, 'targetUrl must be an absolute https URL'],
    ['PoP authentication', { authenticationConfiguration: { '@odata.type': '#microsoft.graph.azureAdPopTokenAuthentication' } }, 'authenticationConfiguration.@odata.type must be #microsoft.graph.azureAdTokenAuthentication'],
    ['no resourceId', { authenticationConfiguration: { '@odata.type': '#microsoft.graph.azureAdTokenAuthentication' } }, "resourceId must be the API's application ID URI"],
    ['a timeout of 0', { clientConfiguration: { timeoutInMilliseconds: 0 } }, 'timeoutInMilliseconds must be a whole number above 0'],
    ['no displayName', { displayName: ' ' }, 'displayName is required'],
    ['a type Graph does not have', { type: 'beforeApproval' }, 'type "beforeApproval" is not one of preApproval, postApproval, grant, revoke'],
    ['a property the type does not have', { callbackConfiguration: { timeoutDuration: 'PT1H' } }, "The property 'callbackConfiguration' does not exist on type 'microsoft.graph.roleManagementCustomCalloutExtension'"],
    ['another entity type', { '@odata.type': '#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension' }, "is not assignable to the expected type 'microsoft.graph.roleManagementCustomCalloutExtension'"],
    ['an id that is not a GUID', { id: 'eg' }, 'id must be a GUID'],
  ])('400 for %s', async (_, change, text) => {
    const refused = await graphSend(emulator, 'POST', BETA, await tokenWith([WRITE]), body(change));
    expect([refused.status, (refused.json['error'] as Json)['code']]).toEqual([400, 'BadRequest']);
    expect(message(refused)).toContain(text);
  });

  test('PATCH refuses a bad part (400) and an unknown id (404); GET of an unknown id is 404', async () => {
    const token = await tokenWith([WRITE]);
    const id = String((await graphSend(emulator, 'POST', BETA, token, body())).json['id']);
    const refused = await graphSend(emulator, 'PATCH', `${BETA}/${id}`, token, { resourceType: 'groups' });
    expect([refused.status, message(refused)]).toEqual([400, 'resourceType "groups" is not one of entraRoles, azureResources, entraGroups']);
    expect((await graphSend(emulator, 'PATCH', `${BETA}/${id}`, token, { id: crypto.randomUUID() })).status).toBe(400);
    const unknown = crypto.randomUUID();
    expect((await graphSend(emulator, 'PATCH', `${BETA}/${unknown}`, token, { displayName: 'x' })).status).toBe(404);
    const missing = await graphGet(emulator, `${BETA}/${unknown}`, token);
    expect([missing.status, (missing.json['error'] as Json)['code']]).toEqual([404, 'ResourceNotFound']);
  });
});

describe('permissions', () => {
  test('reads take PrivilegedAccess-CustomExt.Read.All or ReadWrite.All; writes only ReadWrite.All; others 403', async () => {
    const id = String((await graphSend(emulator, 'POST', BETA, await tokenWith([WRITE]), body())).json['id']);
    for (const role of [READ, WRITE]) expect([role, (await graphGet(emulator, `${BETA}/${id}`, await tokenWith([role]))).status]).toEqual([role, 200]);
    const readOnly = await tokenWith([READ]);
    for (const [method, path, sent] of [['POST', BETA, body()], ['PATCH', `${BETA}/${id}`, { displayName: 'x' }], ['DELETE', `${BETA}/${id}`, undefined]] as const) {
      const refused = await graphSend(emulator, method, path, readOnly, sent);
      expect([method, refused.status, (refused.json['error'] as Json)['code']]).toEqual([method, 403, 'Authorization_RequestDenied']);
    }
    expect((await graphGet(emulator, BETA, await tokenWith(defaultRoles.filter((r) => !r.startsWith('PrivilegedAccess'))))).status).toBe(403);
    expect((await graphGet(emulator, `${BETA}/${id}`, await tokenWith(['RoleManagement.ReadWrite.Directory']))).status).toBe(403);
  });

  test('no token or a bad one: 401', async () => {
    expect((await fetch(`${emulator.origin}${BETA}`)).status).toBe(401);
    expect((await graphGet(emulator, BETA, 'garbage')).status).toBe(401);
  });
});
