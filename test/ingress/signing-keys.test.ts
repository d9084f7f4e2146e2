import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { AppError } from '../../src/errors.js';
import { MIN_REFRESH_COOLDOWN_MS, SigningKeys } from '../../src/ingress/signing-keys.js';
import { systemClock, type Clock } from '../../src/ports.js';
import { startTestEmulator } from '../support/emulator.js';
import { VirtualClock } from '../support/fake-graph.js';

let emulator: TenantEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.faults.clear();
  emulator.clearCalls();
});

function keys(clock: Clock, cooldownMs = 5000) {
  return new SigningKeys({ authorityHost: emulator.origin, tenantId: emulator.tenantId, refreshCooldownMs: cooldownMs, clock, maxAgeMs: 60_000 });
}

describe('the tenant signing keys', () => {
  test('reads v1 and v2 issuers from the metadata', async () => {
    const k = keys(new VirtualClock());
    expect(await k.issuer(1)).toEqual({ issuer: `https://sts.windows.net/${emulator.tenantId}/`, jwksUri: `${emulator.origin}/common/discovery/keys` });
    expect(await k.issuer(2)).toEqual({ issuer: `${emulator.origin}/${emulator.tenantId}/v2.0`, jwksUri: `${emulator.origin}/${emulator.tenantId}/discovery/v2.0/keys` });
  });

  test('concurrent first uses share one fetch', async () => {
    const k = keys(new VirtualClock());
    const { jwksUri } = await k.issuer(1);
    await Promise.all(Array.from({ length: 5 }, () => k.key(jwksUri, { alg: 'RS256', kid: emulator.issuer.currentKid })));
    expect(emulator.calls({ service: 'jwks' })).toHaveLength(1);
  });

  test('an unknown kid waits out the cooldown before refreshing, so forged kids cannot hammer Entra', async () => {
    const clock = new VirtualClock();
    const k = keys(clock, 5000);
    const { jwksUri } = await k.issuer(1);
    await k.key(jwksUri, { alg: 'RS256', kid: emulator.issuer.currentKid });
    await expect(k.key(jwksUri, { alg: 'RS256', kid: 'forged' })).rejects.toThrow(/no applicable key/i);
    expect(clock.sleeps).toEqual([5000]);
    expect(emulator.calls({ service: 'jwks' })).toHaveLength(2);
  });

  // Issue 12, item 9: a cooldown of 0 let every forged kid re-read the key set.
  test.each([0, 999, -1, Number.NaN])('a cooldown of %s ms (under the 1 s minimum) is refused where the key cache is built', (cooldownMs) => {
    const error = (() => {
      try {
        keys(new VirtualClock(), cooldownMs);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'CONFIG.INVALID', details: { setting: 'SIGNING_KEY_REFRESH_COOLDOWN_SECONDS' } });
  });

  test('forged kids arriving within the (least) cooldown cause at most one key-set refresh', async () => {
    const k = keys(systemClock, MIN_REFRESH_COOLDOWN_MS);
    const { jwksUri } = await k.issuer(1);
    await k.key(jwksUri, { alg: 'RS256', kid: emulator.issuer.currentKid });
    expect(emulator.calls({ service: 'jwks' })).toHaveLength(1);
    // Ten forged kids, 50 ms apart: all within one cooldown of the first fetch.
    const lookups: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      lookups.push(k.key(jwksUri, { alg: 'RS256', kid: `forged-${i}` }).then(() => 'found', (e: unknown) => e));
      await systemClock.sleep(50);
    }
    const results = await Promise.all(lookups);
    for (const result of results) expect(result).toBeInstanceOf(Error);
    expect(emulator.calls({ service: 'jwks' })).toHaveLength(2);
  });

  test('stale keys are refreshed; if that fails the old keys still serve', async () => {
    const clock = new VirtualClock();
    const k = keys(clock);
    const { jwksUri } = await k.issuer(1);
    await k.key(jwksUri, { alg: 'RS256', kid: emulator.issuer.currentKid });
    clock.time += 120_000;
    emulator.faults.add({ service: 'jwks', action: { status: 503 } });
    await expect(k.key(jwksUri, { alg: 'RS256', kid: emulator.issuer.currentKid })).resolves.toBeDefined();
    emulator.faults.add({ service: 'openid', action: { status: 503 } });
    await expect(k.issuer(1)).resolves.toMatchObject({ issuer: `https://sts.windows.net/${emulator.tenantId}/` });
  });

  test('no metadata at all is an outage (retryable), not a verdict on the token', async () => {
    const k = keys(new VirtualClock());
    emulator.faults.add({ service: 'openid', action: { status: 404 } });
    const error = await k.issuer(2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'AUTH.METADATA_UNAVAILABLE', retryable: true });
  });

  test('metadata of another tenant is not trusted', async () => {
    const k = keys(new VirtualClock());
    emulator.faults.add({ service: 'openid', action: { status: 200, body: { issuer: 'https://sts.windows.net/11111111-2222-4333-8444-555555555555/', jwks_uri: `${emulator.origin}/common/discovery/keys` } } });
    await expect(k.issuer(1)).rejects.toMatchObject({ code: 'AUTH.METADATA_UNAVAILABLE' });
  });
});
