// The callout route's rejection matrix applied to POST /api/pim: each rejection answers problem+json and reads nothing from Graph.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import type { Deps } from '../../src/composition.js';
import { MAX_BODY_BYTES } from '../../src/ingress/body.js';
import { SAMPLE_POLICY } from '../../scripts/demo/scenarios.js';
import { appFor, callHandler, callPimHandler, fixture as calloutFixture, type CallOptions } from '../support/app.js';
import { startTestEmulator } from '../support/emulator.js';

let emulator: TenantEmulator;
let deps: Deps;
let pimOff: Deps;
const PIM_APP = 'c1d2e3f4-0000-4000-8000-0000000000aa';
const OTHER_APP = '11111111-2222-4333-8444-555555555555';
const body = JSON.parse(readFileSync(new URL('../fixtures/pim/entra-role-activation.json', import.meta.url), 'utf8')) as Record<string, unknown>;

beforeAll(async () => {
  emulator = await startTestEmulator();
  deps = appFor(emulator, { POLICY_PATH: SAMPLE_POLICY, PIM_CALLER_APP_IDS: PIM_APP });
  pimOff = appFor(emulator, { POLICY_PATH: SAMPLE_POLICY });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.clearCalls();
});

const pimToken = (options: Parameters<TenantEmulator['mintCallerToken']>[0] = {}) => emulator.mintCallerToken({ appId: PIM_APP, ...options });

async function expectRejected(options: CallOptions, status: number, code: string, sent: unknown = body, app = deps) {
  const answer = await callPimHandler(app, sent as object, options);
  expect(answer.status).toBe(status);
  expect(answer.json).toMatchObject({ status, code });
  expect(answer.headers['content-type']).toContain('application/problem+json');
  expect(emulator.calls({ service: 'graph' })).toEqual([]);
  expect(emulator.calls({ service: 'identity' })).toEqual([]);
  return answer;
}

describe('tokens', () => {
  test('no token → 401', async () => {
    const answer = await expectRejected({ token: null }, 401, 'CALLOUT.MISSING_TOKEN');
    expect(answer.headers['www-authenticate']).toBe('Bearer');
  });

  test.each([
    ['wrong audience', { audience: 'https://graph.microsoft.com' }],
    ['expired beyond the skew', { expiresIn: -120 }],
    ['not yet valid', { notBefore: 600 }],
    ['another tenant', { tenantId: OTHER_APP }],
    ['a key the tenant never published', { kid: 'not-a-published-kid' }],
  ] as const)('%s → 401', async (_name, options) => {
    await expectRejected({ token: await pimToken(options) }, 401, 'CALLOUT.INVALID_TOKEN');
  });

  test('another app → 403 naming the caller\'s app id and the setting', async () => {
    const answer = await expectRejected({ token: await emulator.mintCallerToken({ appId: OTHER_APP }) }, 403, 'CALLOUT.CALLER_NOT_ALLOWED');
    expect(String(answer.json['detail'])).toContain(OTHER_APP);
    expect(String(answer.json['detail'])).toContain('PIM_CALLER_APP_IDS');
  });

  test('the relay\'s identity is not PIM → 403', async () => {
    await expectRejected({ token: await emulator.mintCallerToken() }, 403, 'CALLOUT.CALLER_NOT_ALLOWED');
  });

  test('PIM not set up (PIM_CALLER_APP_IDS empty) → 403 naming PIM\'s app id, so an operator can set it', async () => {
    const answer = await expectRejected({ token: await pimToken() }, 403, 'CALLOUT.CALLER_NOT_ALLOWED', body, pimOff);
    expect(String(answer.json['detail'])).toContain(PIM_APP);
  });

  test('a delegated (user) token → 403', async () => {
    await expectRejected({ token: await pimToken({ claims: { scp: 'user_impersonation' } }) }, 403, 'CALLOUT.CALLER_NOT_ALLOWED');
  });

  test('PIM\'s token on the relay\'s route → 403: each route has its own callers', async () => {
    const answer = await callHandler(deps, calloutFixture('elm-request-created.wire.json'), { token: await pimToken() });
    expect(answer.status).toBe(403);
    expect(emulator.calls({ service: 'graph' })).toEqual([]);
  });

  test('a v2 token of PIM is accepted', async () => {
    const answer = await callPimHandler(deps, body, { token: await pimToken({ version: 2 }) });
    expect(answer.status).toBe(200);
  });
});

describe('bodies', () => {
  test('text/plain → 415', async () => {
    await expectRejected({ token: await pimToken(), contentType: 'text/plain' }, 415, 'CALLOUT.UNSUPPORTED_MEDIA_TYPE');
  });

  test('no content type → 415', async () => {
    await expectRejected({ token: await pimToken(), contentType: null }, 415, 'CALLOUT.UNSUPPORTED_MEDIA_TYPE');
  });

  test('larger than the limit → 413', async () => {
    await expectRejected({ token: await pimToken() }, 413, 'CALLOUT.TOO_LARGE', { ...body, justification: 'x'.repeat(MAX_BODY_BYTES) });
  });

  test.each([
    ['not JSON', '{"id": '],
    ['empty', ''],
  ])('%s → 400', async (_name, text) => {
    await expectRejected({ token: await pimToken() }, 400, 'CALLOUT.INVALID_JSON', text);
  });

  test('a key given twice (in another casing) → 400: a body that says two things is not read', async () => {
    await expectRejected({ token: await pimToken() }, 400, 'CALLOUT.INVALID_BODY', '{"principalId": "a", "PrincipalId": "b"}');
  });

  test.each([
    ['a model PIM does not send', { ...body, '@odata.type': '#microsoft.graph.accessPackageAssignmentRequest' }, '@odata.type'],
    ['no model at all', { principalId: body['principalId'] }, '@odata.type'],
    ['a principal that is not a GUID', { ...body, principalId: '../users/admin' }, 'principalId'],
    ['a role definition that is not a GUID', { ...body, roleDefinitionId: 'Global Administrator' }, 'roleDefinitionId'],
    ['a directory scope that is a path out', { ...body, directoryScopeId: '/../../me' }, 'directoryScopeId'],
    ['a justification far too long', { ...body, justification: 'x'.repeat(5000) }, 'justification'],
    ['a schedule that is not an object', { ...body, scheduleInfo: 'PT8H' }, 'scheduleInfo'],
    ['an Azure role definition that is not one', { properties: { principalId: body['principalId'], roleDefinitionId: '/subscriptions/x', scope: '/subscriptions/x' } }, 'properties.roleDefinitionId'],
  ])('%s → 400 naming the field', async (_name, sent, field) => {
    const answer = await expectRejected({ token: await pimToken() }, 400, 'CALLOUT.INVALID_BODY', sent);
    expect(answer.json['field']).toBe(field);
  });
});
