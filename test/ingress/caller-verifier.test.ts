// Issue 12, item 7: app-only means no scp AND idtyp absent or "app". A token typed "user" without
// an scp claim was accepted.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { loadConfig } from '../../src/config.js';
import { isAppError } from '../../src/errors.js';
import { createCallerVerifier, type CallerVerifier } from '../../src/ingress/caller-verifier.js';
import { SigningKeys } from '../../src/ingress/signing-keys.js';
import { systemClock } from '../../src/ports.js';
import { startTestEmulator } from '../support/emulator.js';

let emulator: TenantEmulator;
let verifier: CallerVerifier;
beforeAll(async () => {
  emulator = await startTestEmulator();
  const config = loadConfig(emulator.appEnv());
  verifier = createCallerVerifier(config, new SigningKeys({ authorityHost: config.authorityHost, tenantId: config.tenantId, refreshCooldownMs: config.keyRefreshCooldownMs, clock: systemClock }));
});
afterAll(() => emulator.close());

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(isAppError(error)).toBe(true);
  return isAppError(error) ? { code: error.code, ...error.details } : error;
}

describe('app-only tokens: no scp, idtyp absent or app', () => {
  test.each([
    ['v1, idtyp user, no scp', 1, 'user'],
    ['v2, idtyp user, no scp', 2, 'user'],
    ['idtyp device', 1, 'device'],
    ['idtyp App (not the claim’s value)', 1, 'App'],
    ['idtyp empty', 1, ''],
    ['idtyp not a string', 1, ['app']],
  ] as const)('%s → refused as not app-only (403 CALLOUT.CALLER_NOT_ALLOWED)', async (_, version, idtyp) => {
    const token = await emulator.mintCallerToken({ version, claims: { idtyp } });
    expect(await refusal(verifier.verify(`Bearer ${token}`))).toMatchObject({ code: 'CALLOUT.CALLER_NOT_ALLOWED', claim: 'idtyp' });
  });

  test('a user token with scp is still refused for its scp', async () => {
    const token = await emulator.mintCallerToken({ claims: { idtyp: 'user', scp: 'user_impersonation' } });
    expect(await refusal(verifier.verify(`Bearer ${token}`))).toMatchObject({ code: 'CALLOUT.CALLER_NOT_ALLOWED', claim: 'scp' });
  });

  test.each([
    ['v1, idtyp app', 1, { idtyp: 'app' }],
    ['v2, idtyp app', 2, { idtyp: 'app' }],
    ['v1, no idtyp', 1, {}],
    ['v2, no idtyp', 2, {}],
  ] as const)('%s → accepted', async (_, version, claims) => {
    const token = await emulator.mintCallerToken({ version, claims });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ appId: emulator.callerAppId, tokenVersion: version });
  });
});
