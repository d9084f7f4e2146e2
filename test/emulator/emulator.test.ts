// The emulator's strictness is what makes the end-to-end tests mean something: it must refuse
// what Graph, Entra and App Service would refuse.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';

let emulator: TenantEmulator;
let token: string;
const REQ = '12345678-0000-4000-8000-000000000001';
const ELM = `/identityGovernance/entitlementManagement/assignmentRequests/${REQ}`;

async function miToken(headers: Record<string, string> = { 'x-identity-header': emulator.identityHeader }, clientId = emulator.managedIdentityClientId) {
  const url = `${emulator.origin}/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(emulator.origin)}&client_id=${clientId}`;
  return fetch(url, { headers });
}

async function graph(method: 'GET' | 'POST', path: string, body?: unknown, bearer = token) {
  const response = await fetch(`${emulator.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown> | undefined };
}

function resumeBody(stage: string, instance: string, extra: Record<string, unknown> = {}) {
  return {
    source: 'test',
    type: `microsoft.graph.accessPackageCustomExtensionStage.${stage}`,
    data: { '@odata.type': 'microsoft.graph.accessPackageAssignmentRequestCallbackData', stage, customExtensionStageInstanceId: instance, ...extra },
  };
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  token = ((await (await miToken()).json()) as { access_token: string }).access_token;
});
afterAll(() => emulator.close());

describe('managed identity endpoint', () => {
  test('answers the App Service protocol', async () => {
    const response = await miToken();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: 'Bearer', resource: emulator.origin, client_id: emulator.managedIdentityClientId, expires_on: expect.stringMatching(/^\d+$/) as unknown });
  });
  test('refuses a wrong X-IDENTITY-HEADER and an unknown identity', async () => {
    expect((await miToken({ 'x-identity-header': 'guess' })).status).toBe(401);
    expect((await miToken(undefined, '00000000-0000-4000-8000-000000000000')).status).toBe(400);
  });
});

describe('Graph assignment requests', () => {
  test('a resume needs a valid token with the role', async () => {
    emulator.requests.awaitCallback({ requestId: REQ, stage: 'assignmentRequestCreated', stageInstanceId: 'i-0' });
    expect((await graph('POST', `/v1.0${ELM}/resume`, resumeBody('assignmentRequestCreated', 'i-0'), 'garbage')).json).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    const caller = await emulator.mintCallerToken({ audience: emulator.origin }); // valid signature, but no roles
    expect((await graph('POST', `/v1.0${ELM}/resume`, resumeBody('assignmentRequestCreated', 'i-0'), caller)).status).toBe(403);
  });

  test('refuses bodies Graph would refuse, then accepts the right one once', async () => {
    emulator.requests.awaitCallback({ requestId: REQ, stage: 'assignmentRequestGranted', stageInstanceId: 'i-1' });
    const path = `/v1.0${ELM}/resume`;
    expect((await graph('POST', path, resumeBody('assignmentRequestGranted', 'other'))).status).toBe(400);
    expect((await graph('POST', path, resumeBody('assignmentRequestCreated', 'i-1'))).status).toBe(400);
    expect((await graph('POST', path, resumeBody('assignmentRequestGranted', 'i-1', { state: 'denied' }))).json).toMatchObject({ error: { message: expect.stringContaining('cannot be denied') as unknown } });
    expect((await graph('POST', path, resumeBody('assignmentRequestGranted', 'i-1', { colour: 'red' }))).status).toBe(400);
    expect((await graph('POST', path, { ...resumeBody('assignmentRequestGranted', 'i-1'), extra: 1 })).status).toBe(400);
    expect((await graph('POST', path, resumeBody('assignmentRequestGranted', 'i-1', { customExtensionStageInstanceDetail: 'ok' }))).status).toBe(204);
    expect((await graph('POST', path, resumeBody('assignmentRequestGranted', 'i-1'))).status).toBe(400);
  });

  test('reads the request with v1.0 or beta property names and its callout instances', async () => {
    const v1 = await graph('GET', `/v1.0${ELM}`);
    expect(v1.json).toMatchObject({ id: REQ, state: 'delivered', status: 'Delivered' });
    expect(v1.json?.['customExtensionCalloutInstances']).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'i-1', status: 'callbackReceived', detail: 'ok' })]));
    expect((await graph('GET', `/beta${ELM}`)).json).toMatchObject({ requestState: 'delivered', requestStatus: 'Delivered' });
    expect((await graph('GET', '/v1.0/identityGovernance/entitlementManagement/assignmentRequests/12345678-0000-4000-8000-00000000ffff')).status).toBe(404);
  });

  test('an approval stage only through beta, and only a valid one', async () => {
    emulator.requests.awaitCallback({ requestId: REQ, stage: 'assignmentRequestDeterminingApprovalRequirements', stageInstanceId: 'i-2' });
    const body = (approvalStage: unknown) => ({
      source: 'test',
      type: 'microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated',
      data: { '@odata.type': 'microsoft.graph.assignmentRequestApprovalStageCallbackData', stage: 'assignmentRequestDeterminingApprovalRequirements', customExtensionStageInstanceId: 'i-2', approvalStage },
    });
    const valid = { durationBeforeAutomaticDenial: 'P2D', primaryApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: REQ }] };
    expect((await graph('POST', `/v1.0${ELM}/resume`, body(valid))).status).toBe(400);
    expect((await graph('POST', `/beta${ELM}/resume`, body({ ...valid, primaryApprovers: [] }))).status).toBe(400);
    expect((await graph('POST', `/beta${ELM}/resume`, body({ ...valid, durationBeforeAutomaticDenial: '2 days' }))).status).toBe(400);
    expect((await graph('POST', `/beta${ELM}/resume`, body({ ...valid, primaryApprovers: [{ '@odata.type': '#microsoft.graph.microsoft.graph.singleUser', userId: REQ }] }))).status).toBe(400);
    expect((await graph('POST', `/beta${ELM}/resume`, body({ ...valid, primaryApprovers: [{ '@odata.type': '#microsoft.graph.requestorManager', managerLevel: 3 }] }))).status).toBe(400);
    expect((await graph('POST', `/beta${ELM}/resume`, body(valid))).status).toBe(204);
  });

  test('other Graph paths are not served', async () => {
    expect((await graph('POST', `/v1.0${ELM}/cancel`, {})).status).toBe(405);
    expect((await graph('GET', '/v1.0/users')).status).toBe(400);
  });
});

describe('Graph LCW task processing results', () => {
  const W = '22222222-0000-4000-8000-000000000001';
  const T = '22222222-0000-4000-8000-000000000002';
  const P = '22222222-0000-4000-8000-000000000003';
  const base = `/v1.0/identityGovernance/lifecycleWorkflows/workflows/${W}/tasks/${T}/taskProcessingResults/${P}`;
  test('resumes once with a valid operation status, read back as completed', async () => {
    emulator.tasks.awaitTask({ id: P, workflowId: W, runId: REQ, userProcessingResultId: REQ, taskId: T, subjectId: REQ });
    expect((await graph('POST', `${base}/resume`, { data: { operationStatus: 'done' }, source: 's', type: 'lifecycleEvent' })).status).toBe(400);
    expect((await graph('POST', `/v1.0/identityGovernance/lifecycleWorkflows/workflows/${W}/tasks/${REQ}/taskProcessingResults/${P}/resume`, { data: { operationStatus: 'completed' }, source: 's', type: 'lifecycleEvent' })).status).toBe(404);
    expect((await graph('POST', `${base}/resume`, { data: { operationStatus: 'completed' }, source: 's', type: 'lifecycleEvent' })).status).toBe(204);
    expect((await graph('POST', `${base}/resume`, { data: { operationStatus: 'completed' }, source: 's', type: 'lifecycleEvent' })).status).toBe(400);
    expect((await graph('GET', base)).json).toMatchObject({ id: P, processingStatus: 'completed' });
  });
});

describe('OpenID metadata', () => {
  test('v1 and v2, and only for the tenant', async () => {
    const v2 = (await (await fetch(`${emulator.origin}/${emulator.tenantId}/v2.0/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(v2['issuer']).toBe(`${emulator.origin}/${emulator.tenantId}/v2.0`);
    const keys = (await (await fetch(String(v2['jwks_uri']))).json()) as { keys: Record<string, unknown>[] };
    expect(keys.keys[0]).toMatchObject({ kty: 'RSA', use: 'sig' });
    expect(keys.keys[0]).not.toHaveProperty('alg');
    expect((await fetch(`${emulator.origin}/11111111-2222-4333-8444-555555555555/.well-known/openid-configuration`)).status).toBe(400);
  });
});
