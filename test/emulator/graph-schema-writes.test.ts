// Every write the product makes is checked against Graph's published types first: a property the
// type lacks is refused with Graph's error, nested objects by their @odata.type or declared type; an
// @odata.type must name a type of the model, derived from the type declared where it stands.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { miToken, type Json } from './graph-calls.js';
import { ELM, EMPLOYEES, EXTENSIONS, extensionBody, FINANCE, graphSend, POP, taskBody } from './graph-writes.js';

let emulator: TenantEmulator;
let token: string;
beforeAll(async () => {
  emulator = await startTestEmulator();
  token = await miToken(emulator);
});
afterAll(() => emulator.close());

const REQUEST = '12345678-0000-4000-8000-0000000000aa';
const USER = '12345678-0000-4000-8000-0000000000bb';
const TASKS = '/v1.0/identityGovernance/lifecycleWorkflows/customTaskExtensions';
const error = (answer: { json: Json }) => answer.json['error'] as { code?: string; message?: string } | undefined;
/** Graph's refusal of an unknown property: 400 BadRequest, its message word for word, and an innerError. */
const unknown = (property: string, type: string): unknown =>
  expect.objectContaining({
    code: 'BadRequest',
    message: `The property '${property}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
    innerError: expect.objectContaining({ 'request-id': expect.any(String) as unknown }) as unknown,
  });

describe('custom extensions and the catalog role', () => {
  test('create and PUT of a catalog extension', async () => {
    const created = await graphSend(emulator, 'POST', EXTENSIONS, token, extensionBody());
    expect(created.status).toBe(201);
    const put = await graphSend(emulator, 'PUT', `${EXTENSIONS}/${String(created.json['id'])}`, token, extensionBody({ authenticationConfiguration: { ...POP, resourceId: USER } }));
    expect([put.status, error(put)]).toEqual([400, unknown('resourceId', 'microsoft.graph.azureAdPopTokenAuthentication')]);
  });

  test('create and PATCH of a custom task extension', async () => {
    const created = await graphSend(emulator, 'POST', TASKS, token, taskBody({ displayName: 'schema', callbackConfiguration: { '@odata.type': '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration', durationBeforeTimeout: 'PT1H' } }));
    expect([created.status, error(created)]).toEqual([400, unknown('durationBeforeTimeout', 'microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration')]);
    const ok = await graphSend(emulator, 'POST', TASKS, token, taskBody({ displayName: 'schema' }));
    const patched = await graphSend(emulator, 'PATCH', `${TASKS}/${String(ok.json['id'])}`, token, { displayName: 'schema', state: 'on' });
    expect([patched.status, error(patched)]).toEqual([400, unknown('state', 'microsoft.graph.identityGovernance.customTaskExtension')]);
  });

  test('the catalog role assignment', async () => {
    const refused = await graphSend(emulator, 'POST', '/v1.0/roleManagement/entitlementManagement/roleAssignments', token, { principalId: USER, roleDefinitionId: 'e2182095-804a-4656-ae11-64734e9b7ae5', appScopeId: `/AccessPackageCatalog/${FINANCE}`, catalogId: FINANCE });
    expect([refused.status, error(refused)]).toEqual([400, unknown('catalogId', 'microsoft.graph.unifiedRoleAssignment')]);
    // A body that names another entity type: its properties fit either, the type does not (OData's wording for an entity type).
    const named = await graphSend(emulator, 'POST', '/v1.0/roleManagement/entitlementManagement/roleAssignments', token, { '@odata.type': '#microsoft.graph.accessPackageAssignmentPolicy', id: USER });
    expect([named.status, error(named)?.message]).toEqual([400, "A resource with type 'microsoft.graph.accessPackageAssignmentPolicy' was found, but it is not assignable to the expected type 'microsoft.graph.unifiedRoleAssignment'. The type specified in the resource must be equal to either the expected type or a derived type."]);
  });
});

describe('assignment policy PUT', () => {
  test('v1.0: a subject set by its @odata.type (v1.0 singleUser has no isBackup)', async () => {
    const stage = { durationBeforeAutomaticDenial: 'P7D', primaryApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: USER, isBackup: false }] };
    const body = { id: EMPLOYEES, displayName: 'Employees', accessPackage: { id: '97979783-38c5-40ae-b74e-404935a04ffd' }, requestApprovalSettings: { isApprovalRequiredForAdd: true, stages: [stage] } };
    const refused = await graphSend(emulator, 'PUT', `${ELM}/assignmentPolicies/${EMPLOYEES}`, token, body);
    expect([refused.status, error(refused)]).toEqual([400, unknown('isBackup', 'microsoft.graph.singleUser')]);
  });

  test('an @odata.type the model does not have is refused with OData\'s wording, its object not let through unread', async () => {
    const body = { id: EMPLOYEES, displayName: 'Employees', expiration: { '@odata.type': '#microsoft.graph.nope', bogus: 1 } };
    const refused = await graphSend(emulator, 'PUT', `${ELM}/assignmentPolicies/${EMPLOYEES}`, token, body);
    expect([refused.status, error(refused)?.message]).toEqual([400, "A type named 'microsoft.graph.nope' could not be resolved by the model. When a model is available, each type name must resolve to a valid type."]);
  });

  test('an @odata.type that does not derive from the declared type: OData\'s wording for a complex type', async () => {
    const body = { id: EMPLOYEES, displayName: 'Employees', expiration: { '@odata.type': '#microsoft.graph.singleUser', userId: USER } };
    const refused = await graphSend(emulator, 'PUT', `${ELM}/assignmentPolicies/${EMPLOYEES}`, token, body);
    expect([refused.status, error(refused)?.message]).toEqual([400, "A value was encountered that has a type name that is incompatible with the metadata. The value specified its type as 'microsoft.graph.singleUser', but the type specified in the metadata is 'microsoft.graph.expirationPattern'."]);
  });

  test("beta: checked against beta's type, which has no v1.0 properties", async () => {
    const refused = await graphSend(emulator, 'PUT', `/beta/identityGovernance/entitlementManagement/accessPackageAssignmentPolicies/${EMPLOYEES}`, token, { displayName: 'Employees', allowedTargetScope: 'allMemberUsers' });
    expect([refused.status, error(refused)]).toEqual([400, unknown('allowedTargetScope', 'microsoft.graph.accessPackageAssignmentPolicy')]);
  });
});

describe('resume actions', () => {
  const elm = (version: string) => `/${version}/identityGovernance/entitlementManagement/assignmentRequests/${REQUEST}/resume`;
  const elmBody = (data: Json, extra: Json = {}) => ({ source: 'test', type: 'microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated', data, ...extra });
  const callback = (instance: string, extra: Json = {}) => ({ '@odata.type': 'microsoft.graph.accessPackageAssignmentRequestCallbackData', stage: 'assignmentRequestCreated', customExtensionStageInstanceId: instance, ...extra });

  test('an action parameter the action does not have, and a property of data its type does not have', async () => {
    emulator.requests.awaitCallback({ requestId: REQUEST, stage: 'assignmentRequestCreated', stageInstanceId: 'i-1' });
    const parameter = await graphSend(emulator, 'POST', elm('v1.0'), token, elmBody(callback('i-1'), { reason: 'x' }));
    expect([parameter.status, error(parameter)?.message]).toEqual([400, "The parameter 'reason' in the request payload is not a valid parameter for the operation 'resume'."]);
    const data = await graphSend(emulator, 'POST', elm('v1.0'), token, elmBody(callback('i-1', { decision: 'deny' })));
    expect([data.status, error(data)]).toEqual([400, unknown('decision', 'microsoft.graph.accessPackageAssignmentRequestCallbackData')]);
    expect((await graphSend(emulator, 'POST', elm('v1.0'), token, elmBody(callback('i-1', { state: 'denied' })))).status).toBe(204);
  });

  test("beta's approval stage: accessPackageApprovalStage's properties, subject sets in either documented shape", async () => {
    const body = (instance: string, approvalStage: Json) => ({
      ...elmBody({ '@odata.type': 'microsoft.graph.assignmentRequestApprovalStageCallbackData', stage: 'assignmentRequestDeterminingApprovalRequirements', customExtensionStageInstanceId: instance, approvalStage }),
    });
    const approvers = (set: Json) => ({ durationBeforeAutomaticDenial: 'P2D', primaryApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', ...set }] });
    emulator.requests.awaitCallback({ requestId: REQUEST, stage: 'assignmentRequestDeterminingApprovalRequirements', stageInstanceId: 'i-2' });
    const days = await graphSend(emulator, 'POST', elm('beta'), token, body('i-2', { ...approvers({ userId: USER }), approvalStageTimeOutInDays: 2 }));
    expect([days.status, error(days)]).toEqual([400, unknown('approvalStageTimeOutInDays', 'microsoft.graph.accessPackageApprovalStage')]);
    const other = await graphSend(emulator, 'POST', elm('beta'), token, body('i-2', approvers({ userId: USER, objectId: USER })));
    expect([other.status, error(other)]).toEqual([400, unknown('objectId', 'microsoft.graph.singleUser')]);
    // Entra's dynamic approval example writes beta's userSet (id, isBackup); its note says v1.0's parameters (userId).
    expect((await graphSend(emulator, 'POST', elm('beta'), token, body('i-2', approvers({ id: USER, isBackup: false, description: 'approver' })))).status).toBe(204);
    emulator.requests.awaitCallback({ requestId: REQUEST, stage: 'assignmentRequestDeterminingApprovalRequirements', stageInstanceId: 'i-3' });
    expect((await graphSend(emulator, 'POST', elm('beta'), token, body('i-3', approvers({ userId: USER })))).status).toBe(204);
  });

  test('Lifecycle Workflows: data is a customTaskExtensionCallbackData', async () => {
    const [W, T, P] = ['22222222-0000-4000-8000-0000000000a1', '22222222-0000-4000-8000-0000000000a2', '22222222-0000-4000-8000-0000000000a3'];
    emulator.tasks.awaitTask({ id: P, workflowId: W, runId: REQUEST, userProcessingResultId: REQUEST, taskId: T, subjectId: USER });
    const path = `/v1.0/identityGovernance/lifecycleWorkflows/workflows/${W}/tasks/${T}/taskProcessingResults/${P}/resume`;
    const refused = await graphSend(emulator, 'POST', path, token, { source: 's', type: 'lifecycleEvent', data: { operationStatus: 'completed', detail: 'ok' } });
    expect([refused.status, error(refused)]).toEqual([400, unknown('detail', 'microsoft.graph.identityGovernance.customTaskExtensionCallbackData')]);
    const member = await graphSend(emulator, 'POST', path, token, { source: 's', type: 'lifecycleEvent', data: { operationStatus: 'done' } });
    expect([member.status, error(member)?.message]).toEqual([400, expect.stringContaining("'done' of operationStatus is not a member of the enum type 'microsoft.graph.identityGovernance.customTaskExtensionOperationStatus'") as unknown]);
    expect((await graphSend(emulator, 'POST', path, token, { source: 's', type: 'lifecycleEvent', data: { '@odata.type': 'microsoft.graph.identityGovernance.customTaskExtensionCallbackData', operationStatus: 'completed' } })).status).toBe(204);
  });
});
