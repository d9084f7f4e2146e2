// The tenant emulator playing PIM: activate() builds each request model, calls the extension with PIM's token over http:// or https:// loopback, retries as the client configuration says, and reads the evaluation.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { DEFAULT_TENANT, PRE_APPROVAL_RULE_ID, type TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { PEOPLE, SOD } from './graph-calls.js';
import { bearerOf, claimsOf, evaluation, startPimTarget, type PimTarget } from './pim-target.js';

let emulator: TenantEmulator;
let http: PimTarget;
let https: PimTarget;
beforeAll(async () => {
  [emulator, http, https] = await Promise.all([startTestEmulator(), startPimTarget(), startPimTarget(true)]);
});
afterAll(() => Promise.all([emulator.close(), http.close(), https.close()]));
beforeEach(() => {
  for (const target of [http, https]) {
    target.received.length = 0;
    target.answer(evaluation('Approved'));
  }
});
afterEach(() => {
  emulator.pimActivations.length = 0;
});

const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const SUBSCRIPTION = '3f2e1d0c-0001-4b5a-9c8d-7e6f5a4b3c2d';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const quick = { retryDelayMs: 10, maxRetryAfterMs: 50 };
const group = { kind: 'group', principalId: PEOPLE.avery, groupId: SOD.paymentApprovers, justification: 'month-end run', ticket: { ticketNumber: 'CHG1', ticketSystem: 'ServiceNow' }, duration: 'PT4H' } as const;

function extension(targetUrl: string, resourceType: string, client: Record<string, number> = {}): string {
  const created = emulator.pimExtensions.create({
    displayName: `eg ${crypto.randomUUID()}`, resourceType, clientConfiguration: client,
    endpointConfiguration: { '@odata.type': '#microsoft.graph.httpRequestEndpoint', targetUrl: targetUrl.replace(/^http:/, 'https:') },
    authenticationConfiguration: { '@odata.type': '#microsoft.graph.azureAdTokenAuthentication', resourceId: `api://127.0.0.1/${DEFAULT_TENANT.callerAppId}` },
  });
  return String((created.body as Record<string, unknown>)['id']);
}

describe('the three request models', () => {
  test('a group: privilegedAccessGroupAssignmentScheduleRequest with its id, over http://, PIM\'s v1 token for the API', async () => {
    const result = await emulator.activate(group, { targetUrl: http.url });
    expect(result).toMatchObject({ outcome: 'Approved', reasons: ['ok'], targetUrl: http.url, extensionId: undefined, attempts: [{ attempt: 1, status: 200 }] });
    expect(result.requestId).toMatch(GUID);
    expect(http.received.map((r) => r.body)).toEqual([{
      '@odata.type': '#microsoft.graph.privilegedAccessGroupAssignmentScheduleRequest', id: result.requestId, action: 'selfActivate', justification: 'month-end run',
      principalId: PEOPLE.avery, accessId: 'member', groupId: SOD.paymentApprovers,
      scheduleInfo: { '@odata.type': 'microsoft.graph.requestSchedule', startDateTime: expect.any(String) as unknown, expiration: { '@odata.type': 'microsoft.graph.expirationPattern', type: 'afterDuration', duration: 'PT4H', endDateTime: null } },
      ticketInfo: { '@odata.type': 'microsoft.graph.ticketInfo', ticketNumber: 'CHG1', ticketSystem: 'ServiceNow' },
    }]);
    expect(claimsOf(bearerOf(http.received[0]))).toMatchObject({ appid: emulator.pimAppId, aud: emulator.apiAudience, iss: `https://sts.windows.net/${emulator.tenantId}/`, tid: emulator.tenantId, ver: '1.0' });
    expect(emulator.pimActivations.map((a) => [a.request, a.result.outcome])).toEqual([[group, 'Approved']]);
  });

  test('an Entra role: unifiedRoleAssignmentScheduleRequest, over https:// (the emulator\'s CA), a v2 token (azp) when asked', async () => {
    https.answer(evaluation('AutoApproved', ['on call']));
    const result = await emulator.activate({ kind: 'entraRole', principalId: PEOPLE.noor, roleDefinitionId: USER_ADMIN, status: 'PendingApproval' }, { targetUrl: https.url, tokenOptions: { version: 2 } });
    expect([result.outcome, result.reasons]).toEqual(['AutoApproved', ['on call']]);
    expect(https.received[0]?.body).toMatchObject({ '@odata.type': '#microsoft.graph.unifiedRoleAssignmentScheduleRequest', id: result.requestId, status: 'PendingApproval', action: 'selfActivate', roleDefinitionId: USER_ADMIN, directoryScopeId: '/', justification: null, ticketInfo: { ticketNumber: null, ticketSystem: null } });
    expect(claimsOf(bearerOf(https.received[0]))).toMatchObject({ azp: emulator.pimAppId, iss: `${emulator.origin}/${emulator.tenantId}/v2.0`, ver: '2.0' });
  });

  test('an Azure resource: the ARM request in properties, no id; a role GUID becomes its ARM id; Denied with the reasons', async () => {
    http.answer(evaluation('Denied', ['no change ticket', 'outside the window'], 'ev-1'));
    const result = await emulator.activate({ kind: 'azureResource', principalId: PEOPLE.avery, roleDefinitionId: CONTRIBUTOR, scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments`, startDateTime: '2026-12-03T10:00:00Z', duration: 'PT2H' }, { targetUrl: http.url });
    expect(result).toMatchObject({ outcome: 'Denied', evaluationId: 'ev-1', reasons: ['no change ticket', 'outside the window'], requestId: undefined });
    expect(http.received[0]?.body).toEqual({
      properties: {
        principalId: PEOPLE.avery, principalType: 'User', requestType: 'SelfActivate', roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`,
        scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments`, justification: null, scheduleInfo: { startDateTime: '2026-12-03T10:00:00Z', expiration: { type: 'AfterDuration', duration: 'PT2H' } },
      },
    });
  });
});

describe('retries, timeouts and answers', () => {
  test('a 503 with Retry-After is retried after it (cut to the cap), with the same request id and body', async () => {
    http.answer({ status: 503, headers: { 'retry-after': '30' } }, { status: 500 }, evaluation('Approved'));
    const result = await emulator.activate(group, { targetUrl: http.url, ...quick });
    expect(result.attempts.map((a) => [a.status, a.retryAfterMs])).toEqual([[503, 50], [500, undefined], [200, undefined]]);
    expect(result.outcome).toBe('Approved');
    expect(new Set(http.received.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(new Set(http.received.map((r) => (r.body as { id: string }).id))).toEqual(new Set([result.requestId]));
  });

  test('timeouts are retried maximumRetries times, then the activation has no evaluation', async () => {
    http.answer({ ...evaluation('Approved'), delayMs: 400 });
    const result = await emulator.activate(group, { targetUrl: http.url, timeoutMs: 80, maximumRetries: 1, ...quick });
    expect(result.attempts.map((a) => a.status)).toEqual(['timeout', 'timeout']);
    expect(result).toMatchObject({ outcome: 'failed', evaluationId: undefined, failure: expect.stringContaining('no evaluation after 2 attempt(s): the last timed out') as unknown });
    expect(result.totalMs).toBeGreaterThanOrEqual(160);
  });

  test('a connection that fails is retried too', async () => {
    const closed = await startPimTarget();
    await closed.close();
    const result = await emulator.activate(group, { targetUrl: closed.url, maximumRetries: 2, ...quick });
    expect(result.attempts.map((a) => a.status)).toEqual(['connection-failed', 'connection-failed', 'connection-failed']);
    expect(result.failure).toContain('connection failed');
  });

  test.each([
    ['a 401 (not retried)', { status: 401, body: { type: 'about:blank', status: 401 } }, 'the extension answered 401'],
    ['an outcome PIM does not know', evaluation('Maybe'), 'evaluationOutcome "Maybe" is not Approved, AutoApproved, Denied'],
    ['no evaluationId', { status: 200, body: { evaluationOutcome: 'Approved', reason: [] } }, 'evaluationId is missing'],
    ['reasons that are not strings', { status: 200, body: { evaluationId: 'e', evaluationOutcome: 'Denied', reason: 'no' } }, 'reason is not a list of strings'],
    ['a body that is not JSON', { status: 200, body: 'approved' }, 'the answer is not JSON'],
    ['a 204', { status: 204 }, 'the extension answered 204'],
  ])('%s: one attempt, outcome failed', async (_, answer, text) => {
    http.answer(answer);
    const result = await emulator.activate(group, { targetUrl: http.url, ...quick });
    expect([result.outcome, result.attempts.length]).toEqual(['failed', 1]);
    expect(result.failure).toContain(text);
  });
});

describe('the extension PIM calls', () => {
  test('an extension the emulator holds: its client configuration, a token for its resourceId; the URL may be overridden', async () => {
    const id = extension(https.url, 'entraRoles', { timeoutInMilliseconds: 80, maximumRetries: 2 });
    https.answer({ ...evaluation('Approved'), delayMs: 300 });
    const result = await emulator.activate({ kind: 'entraRole', principalId: PEOPLE.noor, roleDefinitionId: USER_ADMIN }, { extensionId: id, ...quick });
    expect([result.extensionId, result.targetUrl, result.attempts.map((a) => a.status)]).toEqual([id, https.url, ['timeout', 'timeout', 'timeout']]);
    expect(claimsOf(bearerOf(https.received[0]))['aud']).toBe(`api://127.0.0.1/${DEFAULT_TENANT.callerAppId}`);
    const local = await emulator.activate({ kind: 'entraRole', principalId: PEOPLE.noor, roleDefinitionId: USER_ADMIN }, { extensionId: id, targetUrl: http.url, timeoutMs: 2000 });
    expect([local.outcome, local.targetUrl]).toEqual(['Approved', http.url]);
  });

  test("without one given, the extension the role's policy links (its custom extension rule); nothing linked, nothing to call", async () => {
    const id = extension(http.url, 'entraGroups');
    const scope = { scopeType: 'Group', scopeId: SOD.paymentApprovers, roleDefinitionId: 'member' } as const;
    await expect(emulator.activate(group)).rejects.toThrow('nothing to call for this group activation');
    const policy = emulator.pimPolicies.policyFor(scope)?.id ?? '';
    expect(emulator.pimPolicies.patchRule(policy, PRE_APPROVAL_RULE_ID, { '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyCustomExtensionRule', customExtensionId: id, isEnabled: true }, () => 'entraGroups').status).toBe(204);
    const result = await emulator.activate(group, { targetUrl: http.url });
    expect([result.extensionId, result.outcome]).toEqual([id, 'Approved']);
  });

  test('an extension of another resource type, or one the emulator does not hold, is refused before any call', async () => {
    const id = extension(http.url, 'azureResources');
    await expect(emulator.activate(group, { extensionId: id })).rejects.toThrow('serves azureResources, not entraGroups');
    await expect(emulator.activate(group, { extensionId: crypto.randomUUID() })).rejects.toThrow('holds no PIM custom extension');
    expect(http.received).toEqual([]);
  });
});

describe('PIM as the function\'s caller', () => {
  test('appEnv names PIM\'s app id in PIM_CALLER_APP_IDS; the id can be chosen', async () => {
    expect(emulator.appEnv()['PIM_CALLER_APP_IDS']).toBe(DEFAULT_TENANT.pimAppId);
    const other = await startTestEmulator({ pimAppId: 'A1B2C3D4-0000-4000-8000-000000000001' });
    try {
      expect(other.appEnv()['PIM_CALLER_APP_IDS']).toBe('a1b2c3d4-0000-4000-8000-000000000001');
      expect(claimsOf(await other.mintPimToken())['appid']).toBe('a1b2c3d4-0000-4000-8000-000000000001');
    } finally {
      await other.close();
    }
  });
});
