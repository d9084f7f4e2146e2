import { exportSPKI, importJWK, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { TokenIssuer } from '../../emulator/identity/token-issuer.js';
import type { Deps } from '../../src/composition.js';
import { MAX_BODY_BYTES } from '../../src/ingress/body.js';
import { appFor, callHandler, fixture, type CallOptions } from '../support/app.js';
import { startTestEmulator } from '../support/emulator.js';

let emulator: TenantEmulator;
let deps: Deps;
let withRole: Deps;
const OTHER_TENANT = '11111111-2222-4333-8444-555555555555';
const body = fixture('elm-request-created.wire.json');
const REQUEST_ID = '3c7ee35f-ab17-4893-bb65-7a761c670d1a';

beforeAll(async () => {
  emulator = await startTestEmulator();
  deps = appFor(emulator);
  withRole = appFor(emulator, { REQUIRED_CALLER_ROLE: 'Callout.Invoke' });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.awaitCallout(body);
  emulator.clearCalls();
});

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

async function expectRejected(options: CallOptions, status: number, code: string, sent: unknown = body, app = deps) {
  const answer = await callHandler(app, sent as object, options);
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

  test('another scheme → 401', async () => {
    await expectRejected({ token: null, headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } }, 401, 'CALLOUT.MISSING_TOKEN');
  });

  test('malformed token → 401', async () => {
    const answer = await expectRejected({ token: 'not.a-jwt' }, 401, 'CALLOUT.INVALID_TOKEN');
    expect(answer.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  test('alg none → 401', async () => {
    const valid = await emulator.mintCallerToken();
    const payload = valid.split('.')[1] ?? '';
    await expectRejected({ token: `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.` }, 401, 'CALLOUT.INVALID_TOKEN');
  });

  test('a header with control characters in alg → 401, never a broken answer', async () => {
    const valid = await emulator.mintCallerToken();
    const [, payload, signature] = valid.split('.');
    const answer = await expectRejected({ token: `${b64url({ alg: 'RS256\r\nSet-Cookie: x=1', typ: 'JWT' })}.${payload ?? ''}.${signature ?? ''}` }, 401, 'CALLOUT.INVALID_TOKEN');
    expect(answer.headers['www-authenticate']).not.toMatch(/[\r\n]/);
  });

  test('HS256 signed with the public key → 401', async () => {
    const jwk = emulator.issuer.jwks().keys[0] as JWK;
    const pem = await exportSPKI((await importJWK({ ...jwk, alg: 'RS256' }, 'RS256', { extractable: true })) as Parameters<typeof exportSPKI>[0]);
    const claims = JSON.parse(Buffer.from((await emulator.mintCallerToken()).split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: jwk.kid ?? '' }).sign(new TextEncoder().encode(pem));
    const answer = await expectRejected({ token: forged }, 401, 'CALLOUT.INVALID_TOKEN');
    expect(answer.json).toMatchObject({ claim: 'alg' });
  });

  test('unknown kid → 401 after one refresh of the keys', async () => {
    const answer = await expectRejected({ token: await emulator.mintCallerToken({ kid: 'not-a-published-kid' }) }, 401, 'CALLOUT.INVALID_TOKEN');
    expect(answer.json).toMatchObject({ claim: 'kid' });
  });

  test('signed by a key the tenant does not publish → 401', async () => {
    const stranger = await TokenIssuer.create();
    const claims = JSON.parse(Buffer.from((await emulator.mintCallerToken()).split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    const forged = await stranger.sign(claims, { kid: emulator.issuer.currentKid });
    const answer = await expectRejected({ token: forged }, 401, 'CALLOUT.INVALID_TOKEN');
    expect(answer.json).toMatchObject({ claim: 'signature' });
  });

  test('tampered payload → 401', async () => {
    const [header, , signature] = (await emulator.mintCallerToken()).split('.');
    const claims = JSON.parse(Buffer.from((await emulator.mintCallerToken()).split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    await expectRejected({ token: `${header ?? ''}.${b64url({ ...claims, roles: ['Admin'] })}.${signature ?? ''}` }, 401, 'CALLOUT.INVALID_TOKEN');
  });

  test.each([
    ['wrong issuer', { issuer: 'https://sts.windows.net/11111111-2222-4333-8444-555555555555/' }, 'iss'],
    ['issuer of another cloud', { issuer: 'https://login.microsoftonline.us/0c6f5d3e-8a57-4f4e-9b1a-2d7c1a3e5f00/v2.0' }, 'iss'],
    ['wrong tenant (tid)', { tenantId: OTHER_TENANT, issuer: 'https://sts.windows.net/0c6f5d3e-8a57-4f4e-9b1a-2d7c1a3e5f00/' }, 'tid'],
    ['token of another tenant', { tenantId: OTHER_TENANT }, 'iss'],
    ['wrong audience', { audience: 'https://graph.microsoft.com' }, 'aud'],
    ['expired beyond the skew', { expiresIn: -120 }, 'exp'],
    ['not yet valid beyond the skew', { notBefore: 300 }, 'nbf'],
    // Found by test/fuzz/tokens.fuzz.test.ts: jose alone accepts an iat in the future.
    ['issued in the future beyond the skew', { claims: { iat: Math.floor(Date.now() / 1000) + 3600 } }, 'iat'],
    ['no tid', { claims: { tid: undefined } }, 'tid'],
    ['no appid', { claims: { appid: undefined } }, 'appid'],
    ['appid and azp disagree', { claims: { azp: OTHER_TENANT } }, 'azp'],
  ])('%s → 401 naming the claim', async (_, options, claim) => {
    const answer = await expectRejected({ token: await emulator.mintCallerToken(options) }, 401, 'CALLOUT.INVALID_TOKEN');
    expect(answer.json).toMatchObject({ claim });
  });

  test('caller not allowed → 403', async () => {
    const answer = await expectRejected({ token: await emulator.mintCallerToken({ appId: OTHER_TENANT }) }, 403, 'CALLOUT.CALLER_NOT_ALLOWED');
    expect(answer.json).toMatchObject({ claim: 'appid' });
  });

  test('caller not allowed in a v2 token (azp) → 403', async () => {
    const answer = await expectRejected({ token: await emulator.mintCallerToken({ version: 2, appId: OTHER_TENANT }) }, 403, 'CALLOUT.CALLER_NOT_ALLOWED');
    expect(answer.json).toMatchObject({ claim: 'azp' });
  });

  test('a user (delegated) token of the allowed app → 403', async () => {
    await expectRejected({ token: await emulator.mintCallerToken({ claims: { scp: 'user_impersonation' } }) }, 403, 'CALLOUT.CALLER_NOT_ALLOWED');
  });

  test('missing role → 403', async () => {
    await expectRejected({ token: await emulator.mintCallerToken({ roles: ['Something.Else'] }) }, 403, 'CALLOUT.ROLE_MISSING', body, withRole);
  });
});

describe('tokens that pass', () => {
  test.each([
    ['v1', {}],
    ['v2 (azp)', { version: 2 as const }],
    ['expired within the skew', { expiresIn: -30 }],
    ['valid within the skew', { notBefore: 30 }],
    ['issued within the skew', { claims: { iat: Math.floor(Date.now() / 1000) + 30 } }],
  ])('%s', async (_, options) => {
    const answer = await callHandler(deps, body, { token: await emulator.mintCallerToken(options) });
    expect(answer.status).toBe(200);
  });

  test('with the required role', async () => {
    const answer = await callHandler(withRole, body, { token: await emulator.mintCallerToken({ roles: ['Callout.Invoke'] }) });
    expect(answer.status).toBe(200);
  });
});

describe('bodies', () => {
  const token = () => emulator.mintCallerToken();
  test('not JSON → 400', async () => {
    await expectRejected({ token: await token() }, 400, 'CALLOUT.INVALID_JSON', '{"Stage":');
  });
  test('wrong content type → 415', async () => {
    await expectRejected({ token: await token(), contentType: 'text/plain' }, 415, 'CALLOUT.UNSUPPORTED_MEDIA_TYPE');
  });
  test('no content type → 415', async () => {
    await expectRejected({ token: await token(), contentType: null }, 415, 'CALLOUT.UNSUPPORTED_MEDIA_TYPE');
  });
  test('too large → 413', async () => {
    await expectRejected({ token: await token() }, 413, 'CALLOUT.TOO_LARGE', { ...body, Padding: 'x'.repeat(MAX_BODY_BYTES) });
  });
  test('missing stage instance id → 400', async () => {
    await expectRejected({ token: await token() }, 400, 'CALLOUT.INVALID_BODY', { ...body, CustomExtensionStageInstanceId: null });
  });
  test('callback path of another request → 400', async () => {
    await expectRejected({ token: await token() }, 400, 'CALLOUT.ID_MISMATCH', {
      ...body,
      CallbackUriPath: '/identityGovernance/entitlementManagement/assignmentRequests/99999999-9999-4999-8999-999999999999/resume',
    });
  });
  test('request id that disagrees with the callback path → 400', async () => {
    await expectRejected({ token: await token() }, 400, 'CALLOUT.ID_MISMATCH', { ...body, AccessPackageAssignmentRequestId: '99999999-9999-4999-8999-999999999999' });
  });
  test('absolute callback URL → 400', async () => {
    await expectRejected({ token: await token() }, 400, 'CALLOUT.INVALID_CALLBACK_PATH', {
      ...body,
      CallbackUriPath: `https://attacker.example/v1.0/identityGovernance/entitlementManagement/assignmentRequests/${REQUEST_ID}/resume`,
    });
  });
  test('callback path to a non-resume Graph endpoint → 400', async () => {
    await expectRejected({ token: await token() }, 400, 'CALLOUT.INVALID_CALLBACK_PATH', {
      ...body,
      CallbackUriPath: `/identityGovernance/entitlementManagement/assignmentRequests/${REQUEST_ID}/cancel`,
    });
  });
  test('an LCW callback path to another task result → 400', async () => {
    const lcw = fixture('lcw-custom-task.json');
    const data = lcw['data'] as Record<string, unknown>;
    await expectRejected({ token: await token() }, 400, 'CALLOUT.ID_MISMATCH', {
      ...lcw,
      data: { ...data, taskProcessingResult: { id: '99999999-9999-4999-8999-999999999999' } },
    });
  });
  test('an unknown stage → 400', async () => {
    await expectRejected({ token: await token() }, 400, 'CALLOUT.UNKNOWN_STAGE', { ...body, Stage: 'assignmentRequestSomethingNew' });
  });
  test('the token is checked before the body', async () => {
    await expectRejected({ token: null }, 401, 'CALLOUT.MISSING_TOKEN', '{ not json');
  });
});
