import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { loadConfig } from '../../src/config.js';
import { isAppError } from '../../src/errors.js';
import { CLOCK_SKEW_SECONDS, createCallerVerifier } from '../../src/ingress/caller-verifier.js';
import { SigningKeys } from '../../src/ingress/signing-keys.js';
import { VerifiedTokens } from '../../src/ingress/verified-tokens.js';
import { systemClock } from '../../src/ports.js';
import { startTestEmulator } from '../support/emulator.js';

const T0 = Date.parse('2026-12-01T12:00:00Z');
const S0 = T0 / 1000;
const times = { exp: S0 + 3600, nbf: S0 - 10, iat: S0 - 10 };

describe('remembered verifications', () => {
  const cache = () => new VerifiedTokens<string>({ skewSeconds: 60, ttlMs: 300_000, capacity: 3 });

  test('a verified token is a hit under the same key generation; another token is not', () => {
    const c = cache();
    c.set(VerifiedTokens.key('token-a'), 'caller', times, 7, T0);
    expect(c.get(VerifiedTokens.key('token-a'), 7, T0 + 1000)).toBe('caller');
    expect(c.get(VerifiedTokens.key('token-a '), 7, T0 + 1000)).toBeUndefined();
    expect(c.get(VerifiedTokens.key('token-b'), 7, T0 + 1000)).toBeUndefined();
  });

  test('the key is a SHA-256 digest: the token itself is not kept', () => {
    const key = VerifiedTokens.key('eyJhbGciOiJSUzI1NiJ9.payload.signature');
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key).not.toContain('payload');
  });

  test('any refresh of the metadata or keys ends the verification (and forgets it)', () => {
    const c = cache();
    c.set('k', 'caller', times, 7, T0);
    expect(c.get('k', 8, T0)).toBeUndefined();
    expect(c.size).toBe(0);
    expect(c.get('k', 7, T0)).toBeUndefined();
  });

  test('the token’s own times are checked at every use, with the same skew as the verification', () => {
    const c = cache();
    c.set('k', 'caller', { exp: S0 + 100, nbf: undefined, iat: undefined }, 1, T0);
    expect(c.get('k', 1, (S0 + 100 + 59) * 1000)).toBe('caller');
    expect(c.get('k', 1, (S0 + 100 + 60) * 1000)).toBeUndefined(); // expired beyond the skew
    c.set('k', 'caller', { exp: S0 + 3600, nbf: S0 + 100, iat: undefined }, 1, T0);
    expect(c.get('k', 1, (S0 + 39) * 1000)).toBeUndefined(); // not yet valid (clock moved back)
    c.set('k', 'caller', { exp: S0 + 3600, nbf: undefined, iat: S0 }, 1, T0);
    expect(c.get('k', 1, T0 - 61_000)).toBeUndefined(); // issued in the future of a clock set back
  });

  test('a verification is trusted for the TTL only, and not across a clock set back before it', () => {
    const c = cache();
    c.set('k', 'caller', times, 1, T0);
    expect(c.get('k', 1, T0 + 299_999)).toBe('caller');
    expect(c.get('k', 1, T0 + 300_000)).toBeUndefined();
    c.set('k', 'caller', times, 1, T0);
    expect(c.get('k', 1, T0 - 1)).toBeUndefined();
  });

  test('bounded: past its capacity the oldest verification is forgotten', () => {
    const c = cache();
    for (const k of ['a', 'b', 'c', 'd']) c.set(k, k, times, 1, T0);
    expect(c.size).toBe(3);
    expect(c.get('a', 1, T0)).toBeUndefined();
    expect(c.get('d', 1, T0)).toBe('d');
  });
});

describe('the caller verifier remembers what it verified', () => {
  let emulator: TenantEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.close());
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  function verifierFor() {
    const config = loadConfig({ ...emulator.appEnv(), SIGNING_KEY_REFRESH_COOLDOWN_SECONDS: '1' });
    const keys = new SigningKeys({ authorityHost: config.authorityHost, tenantId: config.tenantId, refreshCooldownMs: 1000, clock: systemClock });
    return { keys, verifier: createCallerVerifier(config, keys) };
  }

  async function refusal(promise: Promise<unknown>): Promise<unknown> {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(isAppError(error)).toBe(true);
    return isAppError(error) ? { code: error.code, ...error.details } : error;
  }

  test('the relay’s token is checked with RSA once; later callouts with it cost no key lookup', async () => {
    const { keys, verifier } = verifierFor();
    const token = `Bearer ${await emulator.mintCallerToken()}`;
    const first = await verifier.verify(token); // fetches metadata and keys: not remembered yet
    await verifier.verify(token);
    const lookups = vi.spyOn(keys, 'key');
    const again = await verifier.verify(token);
    expect(again).toEqual(first);
    expect(lookups).not.toHaveBeenCalled();
    // Another token (same claims, a new signature) is verified in full.
    await verifier.verify(`Bearer ${await emulator.mintCallerToken({ claims: { uti: 'another' } })}`);
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  test('a remembered token is refused once it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now());
    const { verifier } = verifierFor();
    const token = `Bearer ${await emulator.mintCallerToken({ expiresIn: 120 })}`;
    await verifier.verify(token);
    await verifier.verify(token);
    vi.setSystemTime(Date.now() + (120 + CLOCK_SKEW_SECONDS + 1) * 1000);
    expect(await refusal(verifier.verify(token))).toMatchObject({ code: 'CALLOUT.INVALID_TOKEN', claim: 'exp' });
  });

  test('once the keys are refreshed, a remembered token is verified again against them, and refused when its key is gone', async () => {
    const { keys, verifier } = verifierFor();
    const oldKid = emulator.issuer.currentKid;
    const token = `Bearer ${await emulator.mintCallerToken()}`;
    await verifier.verify(token);
    await verifier.verify(token);
    await emulator.rotateSigningKey({ retirePrevious: true });
    // A token with the new kid makes the verifier refresh the keys: the old key is gone now.
    await verifier.verify(`Bearer ${await emulator.mintCallerToken()}`);
    const lookups = vi.spyOn(keys, 'key');
    expect(await refusal(verifier.verify(token))).toMatchObject({ code: 'CALLOUT.INVALID_TOKEN', claim: 'kid' });
    expect(lookups).toHaveBeenCalled();
    expect(emulator.issuer.currentKid).not.toBe(oldKid);
  });

  test('refusals are never remembered: a refused token is refused again in full', async () => {
    const { keys, verifier } = verifierFor();
    const token = `Bearer ${await emulator.mintCallerToken({ appId: '00000000-0000-4000-8000-000000000bad' })}`;
    expect(await refusal(verifier.verify(token))).toMatchObject({ code: 'CALLOUT.CALLER_NOT_ALLOWED' });
    const lookups = vi.spyOn(keys, 'key');
    expect(await refusal(verifier.verify(token))).toMatchObject({ code: 'CALLOUT.CALLER_NOT_ALLOWED' });
    expect(lookups).toHaveBeenCalledTimes(1);
  });
});
