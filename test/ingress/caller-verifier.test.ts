// Issue 12, item 7: app-only means no scp AND idtyp absent or "app". A token typed "user" without
// an scp claim was accepted.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { DEFAULT_PIM_DEADLINE_MS, loadConfig } from '../../src/config.js';
import { isAppError } from '../../src/errors.js';
import { createCallerVerifier, pimCallers, type CallerVerifier } from '../../src/ingress/caller-verifier.js';
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

describe('PIM as the caller (POST /api/pim): PIM_CALLER_APP_IDS, no app role', () => {
  const PIM_APP = 'ba5e1111-2222-4333-8444-555566667777';
  function pimVerifier(env: Record<string, string>): CallerVerifier {
    const config = loadConfig({ ...emulator.appEnv(), ...env });
    return createCallerVerifier(config, new SigningKeys({ authorityHost: config.authorityHost, tenantId: config.tenantId, refreshCooldownMs: config.keyRefreshCooldownMs, clock: systemClock }), pimCallers(config));
  }

  test('PIM’s app, v1 or v2, without any role: accepted', async () => {
    const verifier = pimVerifier({ PIM_CALLER_APP_IDS: PIM_APP.toUpperCase(), REQUIRED_CALLER_ROLE: 'Callout.Invoke' });
    for (const version of [1, 2] as const) {
      const token = await emulator.mintCallerToken({ version, appId: PIM_APP, roles: [] });
      await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ appId: PIM_APP, tokenVersion: version });
    }
  });

  test('the relay’s app, or any other, is refused 403 naming its app id and the setting; none set refuses every caller', async () => {
    const relay = await emulator.mintCallerToken();
    expect(await refusal(pimVerifier({ PIM_CALLER_APP_IDS: PIM_APP }).verify(`Bearer ${relay}`))).toMatchObject({
      code: 'CALLOUT.CALLER_NOT_ALLOWED', reason: `app ${emulator.callerAppId} is not in PIM_CALLER_APP_IDS`, claim: 'appid',
    });
    const pim = await emulator.mintCallerToken({ appId: PIM_APP });
    expect(await refusal(pimVerifier({}).verify(`Bearer ${pim}`))).toMatchObject({ code: 'CALLOUT.CALLER_NOT_ALLOWED', reason: `app ${PIM_APP} is not in PIM_CALLER_APP_IDS` });
  });

  test('a user token from PIM’s app is refused as not app-only', async () => {
    const token = await emulator.mintCallerToken({ appId: PIM_APP, claims: { scp: 'user_impersonation' } });
    expect(await refusal(pimVerifier({ PIM_CALLER_APP_IDS: PIM_APP }).verify(`Bearer ${token}`))).toMatchObject({ code: 'CALLOUT.CALLER_NOT_ALLOWED', reason: 'a user token was presented; PIM calls with its own identity' });
  });

  test('the settings: PIM_CALLER_APP_IDS GUIDs, PIM_DEADLINE_MS 500–120000 ms (default 9000)', () => {
    const withoutPim = Object.fromEntries(Object.entries(emulator.appEnv()).filter(([name]) => name !== 'PIM_CALLER_APP_IDS'));
    expect(loadConfig(withoutPim)).toMatchObject({ pimCallerAppIds: [], pimDeadlineMs: DEFAULT_PIM_DEADLINE_MS });
    expect(loadConfig(emulator.appEnv()).pimCallerAppIds).toEqual([emulator.pimAppId]);
    expect(loadConfig({ ...emulator.appEnv(), PIM_CALLER_APP_IDS: ` ${PIM_APP.toUpperCase()} `, PIM_DEADLINE_MS: '7500' })).toMatchObject({ pimCallerAppIds: [PIM_APP], pimDeadlineMs: 7500 });
    expect(() => loadConfig({ ...emulator.appEnv(), PIM_CALLER_APP_IDS: 'pim' })).toThrow(/PIM_CALLER_APP_IDS must be a comma-separated list of GUIDs/);
    expect(() => loadConfig({ ...emulator.appEnv(), PIM_DEADLINE_MS: '100' })).toThrow(/PIM_DEADLINE_MS/);
  });
});
