// Assignment policies on the tenant emulator: GET with $expand in v1.0 and beta, and the PUT checks on stage settings and approval stages.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { graphGet, miToken, type Json } from './graph-calls.js';
import { ASSIGNMENT_TYPE, ELM, EMPLOYEES, EXTENSIONS, extensionBody, graphSend, PAYMENTS, REQUEST_TYPE, without } from './graph-writes.js';

let emulator: TenantEmulator;
let token: string;
beforeEach(async () => {
  emulator = await startTestEmulator();
  token = await miToken(emulator);
});
afterEach(() => emulator.close());

const V1 = `${ELM}/assignmentPolicies/${EMPLOYEES}`;
const BETA = `/beta/identityGovernance/entitlementManagement/accessPackageAssignmentPolicies/${EMPLOYEES}`;
const EXPAND = '$expand=accessPackage,catalog,customExtensionStageSettings($expand=customExtension)';
const message = (answer: { json: Json }) => (answer.json['error'] as { message?: string } | undefined)?.message;

async function extension(change: Record<string, unknown> = {}): Promise<string> {
  const created = await graphSend(emulator, 'POST', EXTENSIONS, token, extensionBody({ displayName: `ext ${Math.random()}`, ...change }));
  expect(created.status).toBe(201);
  return String(created.json['id']);
}

/** The v1.0 policy as read, made into a PUT body (read-only parts left out). */
async function v1Body(): Promise<Json> {
  const body = without((await graphGet(emulator, `${V1}?${EXPAND}`, token)).json, 'createdDateTime', 'modifiedDateTime', '@odata.context', 'catalog');
  return { ...body, accessPackage: { id: PAYMENTS } };
}

const setting = (stage: string, id: string) => ({ stage, customExtension: { '@odata.type': REQUEST_TYPE, id } });

describe('GET', () => {
  test('v1.0 with $expand: the package, the catalog, the stage settings with their extensions', async () => {
    const id = await extension();
    expect((await graphSend(emulator, 'PUT', V1, token, { ...(await v1Body()), customExtensionStageSettings: [setting('assignmentRequestCreated', id)] })).status).toBe(200);
    const got = await graphGet(emulator, `${V1}?${EXPAND}`, token);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ id: EMPLOYEES, displayName: 'Employees', accessPackage: { id: PAYMENTS, displayName: 'Payments - Approver' }, catalog: { displayName: 'Finance' } });
    expect(got.json['customExtensionStageSettings']).toEqual([{ id: expect.any(String) as unknown, stage: 'assignmentRequestCreated', customExtension: expect.objectContaining({ id, '@odata.type': REQUEST_TYPE }) as unknown }]);
    const plain = await graphGet(emulator, `${V1}?$expand=customExtensionStageSettings`, token);
    expect(plain.json['customExtensionStageSettings']).toEqual([{ id: expect.any(String) as unknown, stage: 'assignmentRequestCreated' }]);
  });

  test('beta shows approvalStages in its own shape; 404 for an unknown policy; beta path not in v1.0', async () => {
    const beta = await graphGet(emulator, BETA, token);
    expect(beta.json).toMatchObject({ accessPackageId: PAYMENTS, requestApprovalSettings: { approvalMode: 'SingleStage', approvalStages: [{ approvalStageTimeOutInDays: 7 }] } });
    expect((await graphGet(emulator, `${ELM}/assignmentPolicies/99999999-9999-4999-8999-999999999999`, token)).status).toBe(404);
    expect((await graphGet(emulator, `${ELM}/accessPackageAssignmentPolicies/${EMPLOYEES}`, token)).status).toBe(400);
  });

  test('an $expand the emulator does not serve is refused', async () => {
    expect((await graphGet(emulator, `${V1}?$expand=questions`, token)).status).toBe(400);
    expect((await graphGet(emulator, `${V1}?$expand=customExtensionStageSettings($expand=catalog)`, token)).status).toBe(400);
  });
});

describe('PUT in v1.0', () => {
  test('keeps the settings it is given and drops the others; a PUT without them keeps them', async () => {
    const [a, b] = [await extension(), await extension()];
    const body = await v1Body();
    expect((await graphSend(emulator, 'PUT', V1, token, { ...body, customExtensionStageSettings: [setting('assignmentRequestCreated', a), setting('assignmentRequestGranted', b)] })).status).toBe(200);
    const withoutSettings = without(body, 'customExtensionStageSettings');
    expect((await graphSend(emulator, 'PUT', V1, token, { ...withoutSettings, displayName: 'Staff' })).status).toBe(200);
    expect(emulator.registry.policy(EMPLOYEES)?.stageSettings.map((s) => [s.stage, s.extensionId])).toEqual([['assignmentRequestCreated', a], ['assignmentRequestGranted', b]]);
    expect(emulator.registry.policy(EMPLOYEES)?.displayName).toBe('Staff');
    expect((await graphSend(emulator, 'PUT', V1, token, { ...body, customExtensionStageSettings: [] })).status).toBe(200);
    expect(emulator.registry.policy(EMPLOYEES)?.stageSettings).toEqual([]);
  });

  test.each([
    ['an unknown stage', (a: string) => [{ stage: 'assignmentRequestDenied', customExtension: { id: a } }], "'assignmentRequestDenied' of customExtensionStageSettings[0].stage is not a member of the enum type 'microsoft.graph.accessPackageCustomExtensionStage'"],
    ['an extension that does not exist', () => [setting('assignmentRequestCreated', '99999999-9999-4999-8999-999999999999')], 'custom extension 99999999-9999-4999-8999-999999999999 is not in catalog'],
    ['two extensions at one stage', (a: string, b: string) => [setting('assignmentRequestCreated', a), setting('assignmentRequestCreated', b)], 'stage assignmentRequestCreated already has a custom extension in this policy'],
    ['a request extension at a pre-expiration stage', (a: string) => [setting('assignmentOneDayBeforeExpiration', a)], 'stage assignmentOneDayBeforeExpiration takes an accessPackageAssignmentWorkflowExtension'],
    ['the approval-requirements stage without a dynamic stage', (a: string) => [setting('assignmentRequestDeterminingApprovalRequirements', a)], 'needs an accessPackageDynamicApprovalStage'],
    ['a setting without an extension id', () => [{ stage: 'assignmentRequestCreated' }], 'customExtensionStageSettings[0].customExtension.id must be the id of a custom extension'],
  ])('400 for %s', async (_, settings, text) => {
    const [a, b] = [await extension(), await extension()];
    const refused = await graphSend(emulator, 'PUT', V1, token, { ...(await v1Body()), customExtensionStageSettings: settings(a, b) });
    expect(refused.status).toBe(400);
    expect(message(refused)).toContain(text);
    expect(emulator.registry.policy(EMPLOYEES)?.stageSettings).toEqual([]);
  });

  test('400 for a sixth extension in one policy', async () => {
    const stages = ['assignmentRequestCreated', 'assignmentRequestApproved', 'assignmentRequestGranted', 'assignmentRequestRemoved'];
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await extension(i < 4 ? {} : { '@odata.type': ASSIGNMENT_TYPE, callbackConfiguration: undefined }));
    const settings = [...stages.map((s, i) => setting(s, ids[i] ?? '')), { stage: 'assignmentFourteenDaysBeforeExpiration', customExtension: { id: ids[4] } }, { stage: 'assignmentOneDayBeforeExpiration', customExtension: { id: ids[5] } }];
    const refused = await graphSend(emulator, 'PUT', V1, token, { ...(await v1Body()), customExtensionStageSettings: settings });
    expect([refused.status, message(refused)]).toEqual([400, 'a policy may use at most 5 custom extensions; these settings use 6']);
    expect((await graphSend(emulator, 'PUT', V1, token, { ...(await v1Body()), customExtensionStageSettings: settings.slice(0, 5) })).status).toBe(200);
  });

  test.each([
    ['a property the type does not have', { approvalSettings: {} }, "The property 'approvalSettings' does not exist on type 'microsoft.graph.accessPackageAssignmentPolicy'"],
    ['a beta property', { accessPackageId: PAYMENTS }, "The property 'accessPackageId' does not exist on type 'microsoft.graph.accessPackageAssignmentPolicy'"],
    ['a nested property the type does not have', { requestApprovalSettings: { isApprovalRequiredForAdd: false, stages: [], approvalMode: 'NoApproval' } }, "The property 'approvalMode' does not exist on type 'microsoft.graph.accessPackageAssignmentApprovalSettings'"],
    ['another policy id', { id: '99999999-9999-4999-8999-999999999999' }, 'is not the id of the policy updated'],
    ['another access package', { accessPackage: { id: '99999999-9999-4999-8999-999999999999' } }, 'is not the access package of this policy'],
    ['no displayName', { displayName: '' }, 'displayName is required'],
    ['a dynamic approval stage', { requestApprovalSettings: { isApprovalRequiredForAdd: true, stages: [{ '@odata.type': '#microsoft.graph.accessPackageDynamicApprovalStage' }] } }, 'cannot be written in v1.0'],
    ['approval required without a stage', { requestApprovalSettings: { isApprovalRequiredForAdd: true, stages: [] } }, 'isApprovalRequiredForAdd is true but there is no approval stage'],
  ])('400 for %s', async (_, change, text) => {
    const refused = await graphSend(emulator, 'PUT', V1, token, { ...(await v1Body()), ...change });
    expect(refused.status).toBe(400);
    expect(message(refused)).toContain(text);
  });

  test('the policy as read, read-only and expanded properties included, is taken back', async () => {
    const read = (await graphGet(emulator, `${V1}?${EXPAND}`, token)).json;
    expect(read).toHaveProperty('createdDateTime');
    expect(read).toHaveProperty('catalog');
    expect((await graphSend(emulator, 'PUT', V1, token, read)).status).toBe(200);
  });

  test('404 for a policy that does not exist', async () => {
    expect((await graphSend(emulator, 'PUT', `${ELM}/assignmentPolicies/99999999-9999-4999-8999-999999999999`, token, await v1Body())).status).toBe(404);
  });
});

describe('PUT in beta: the dynamic approval stage', () => {
  const betaBody = async (): Promise<Json> => {
    return without((await graphGet(emulator, `${BETA}?$expand=customExtensionStageSettings($expand=customExtension)`, token)).json, 'createdDateTime', 'modifiedDateTime', '@odata.context');
  };
  const dynamic = (id: string) => ({ '@odata.type': '#microsoft.graph.accessPackageDynamicApprovalStage', customExtension: { '@odata.type': REQUEST_TYPE, id } });

  test('adds it before the manager stage with the approval-requirements stage; v1.0 then shows it without its extension and refuses to write the policy', async () => {
    const id = await extension();
    const body = await betaBody();
    const approval = body['requestApprovalSettings'] as Json;
    const stages = approval['approvalStages'] as unknown[];
    const put = await graphSend(emulator, 'PUT', BETA, token, {
      ...body,
      requestApprovalSettings: { ...approval, approvalMode: 'Serial', approvalStages: [dynamic(id), ...stages] },
      customExtensionStageSettings: [setting('assignmentRequestDeterminingApprovalRequirements', id)],
    });
    expect(put.status).toBe(200);
    const v1 = await graphGet(emulator, V1, token);
    expect((v1.json['requestApprovalSettings'] as Json)['stages']).toEqual([{ '@odata.type': '#microsoft.graph.accessPackageDynamicApprovalStage' }, expect.objectContaining({ durationBeforeAutomaticDenial: 'P7D' })]);
    const refused = await graphSend(emulator, 'PUT', V1, token, await v1Body());
    expect([refused.status, message(refused)]).toEqual([400, expect.stringContaining('update the policy in beta') as unknown]);
    expect(((await graphGet(emulator, BETA, token)).json['requestApprovalSettings'] as Json)['approvalStages']).toEqual([dynamic(id), ...stages]);
  });

  test.each([
    ['a dynamic stage without its stage setting', (id: string, stages: unknown[]) => ({ approvalStages: [dynamic(id), ...stages], approvalMode: 'Serial' }), [], 'needs its extension at stage assignmentRequestDeterminingApprovalRequirements'],
    ['a mode that does not fit the stages', (id: string, stages: unknown[]) => ({ approvalStages: [dynamic(id), ...stages], approvalMode: 'SingleStage' }), ['d'], 'approvalMode must be Serial with 2 approval stage(s)'],
    ['three stages', (id: string, stages: unknown[]) => ({ approvalStages: [dynamic(id), ...stages, ...stages], approvalMode: 'Serial' }), ['d'], 'at most 2 stages'],
    ['a changed fixed stage', (id: string) => ({ approvalStages: [dynamic(id), { approvalStageTimeOutInDays: 3 }], approvalMode: 'Serial' }), ['d'], 'fixed approval stages back in beta only unchanged'],
    ['a dynamic stage naming no extension of the catalog', (_: string, stages: unknown[]) => ({ approvalStages: [dynamic('99999999-9999-4999-8999-999999999999'), ...stages], approvalMode: 'Serial' }), [], 'customExtension must name an accessPackageAssignmentRequestWorkflowExtension'],
  ])('400 for %s', async (_, approval, withSetting, text) => {
    const id = await extension();
    const body = await betaBody();
    const current = body['requestApprovalSettings'] as Json;
    const refused = await graphSend(emulator, 'PUT', BETA, token, {
      ...body,
      requestApprovalSettings: { ...current, ...approval(id, current['approvalStages'] as unknown[]) },
      customExtensionStageSettings: withSetting.length > 0 ? [setting('assignmentRequestDeterminingApprovalRequirements', id)] : [],
    });
    expect(refused.status).toBe(400);
    expect(message(refused)).toContain(text);
  });
});
