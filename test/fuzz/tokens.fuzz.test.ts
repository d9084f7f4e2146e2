import fc from 'fast-check';
import { exportSPKI, importJWK, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { v1Issuer } from '../../emulator/identity/caller-tokens.js';
import { TokenIssuer } from '../../emulator/identity/token-issuer.js';
import type { Deps } from '../../src/composition.js';
import { appFor, callHandler, fixture } from '../support/app.js';
import { startTestEmulator } from '../support/emulator.js';
import { checkProperty } from './fuzz-run.js';

/**
 * Hostile relay tokens: a valid token mutated in its header, claims, signature, shape and the
 * Authorization header around it. Every mutation that should fail is refused with 401 or 403,
 * never 500 and never with a Graph call; the unmutated token (the control) is accepted.
 */

const ROLE = 'Callout.Invoke';
const OTHER = '11111111-2222-4333-8444-555555555555';
const body = fixture('elm-request-created.wire.json');

let emulator: TenantEmulator;
let plain: Deps;
let withRole: Deps;
let stranger: TokenIssuer;
let valid: string;
let claims: Record<string, unknown>;
let publicPem: string;
let publicJwk: JWK;
beforeAll(async () => {
  emulator = await startTestEmulator();
  plain = appFor(emulator);
  withRole = appFor(emulator, { REQUIRED_CALLER_ROLE: ROLE });
  stranger = await TokenIssuer.create();
  valid = await emulator.mintCallerToken({ roles: [ROLE] });
  claims = JSON.parse(Buffer.from(valid.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
  publicJwk = emulator.issuer.jwks().keys[0] as JWK;
  publicPem = await exportSPKI((await importJWK({ ...publicJwk, alg: 'RS256' }, 'RS256', { extractable: true })) as Parameters<typeof exportSPKI>[0]);
  emulator.awaitCallout(body);
});
afterAll(() => emulator.close());

/** What the verifier must do with a case: refuse it, accept it, or either (a change it need not care about). */
type Expect = 'reject' | 'accept' | 'either';
interface Built {
  readonly authorization: string | null;
  readonly expect: Expect;
}

const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const parts = (token: string): [string, string, string] => {
  const [h = '', p = '', s = ''] = token.split('.');
  return [h, p, s];
};
const header = (): Record<string, unknown> => JSON.parse(Buffer.from(parts(valid)[0], 'base64url').toString()) as Record<string, unknown>;
const now = (): number => Math.floor(Date.now() / 1000);
const resign = (changed: Record<string, unknown>, options: { kid?: string; typ?: string } = {}): Promise<string> => {
  const present = Object.fromEntries(Object.entries({ ...claims, ...changed }).filter(([, v]) => v !== undefined));
  return emulator.issuer.sign(present, options);
};

const junk = fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));

type Mutation =
  | { kind: 'control'; version: 1 | 2 }
  | { kind: 'alg'; alg: string; keepSignature: boolean }
  | { kind: 'hs256'; secret: 'pem' | 'jwk-n' | 'jwk-json' }
  | { kind: 'kid'; kid: 'unknown' | 'missing' | 'number' | 'stranger' }
  | { kind: 'typ'; typ: string }
  | { kind: 'claim'; claim: string; value: unknown; expect: Expect }
  | { kind: 'time'; claim: 'exp' | 'nbf' | 'iat'; offset: number }
  | { kind: 'roles'; roles: unknown }
  | { kind: 'signature'; how: 'truncate' | 'flip' | 'empty' | 'other-token' | 'stranger'; at: number }
  | { kind: 'shape'; how: 'extra-dot-end' | 'extra-dot-mid' | 'leading-dot' | 'two-parts' | 'one-part' | 'garbage-header' | 'garbage-payload' | 'array-payload' | 'text-payload' | 'huge-claim' | 'huge-garbage'; junk: string }
  | { kind: 'scheme'; how: 'lower' | 'upper' | 'double-space' | 'trailing-space' | 'tab' | 'leading-space' | 'no-space' | 'basic' | 'alone' | 'two-values' | 'two-values-comma' | 'no-header' | 'quoted' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('control' as const), version: fc.constantFrom(1 as const, 2 as const) }),
  fc.record({ kind: fc.constant('alg' as const), alg: fc.constantFrom('none', 'None', 'NONE', 'RS384', 'RS512', 'PS256', 'ES256', 'HS256', 'rs256', '', 'RS256 '), keepSignature: fc.boolean() }),
  fc.record({ kind: fc.constant('hs256' as const), secret: fc.constantFrom('pem' as const, 'jwk-n' as const, 'jwk-json' as const) }),
  fc.record({ kind: fc.constant('kid' as const), kid: fc.constantFrom('unknown' as const, 'missing' as const, 'number' as const, 'stranger' as const) }),
  fc.record({ kind: fc.constant('typ' as const), typ: fc.constantFrom('at+jwt', 'JWS', '', 'none', 'JWE') }),
  fc.oneof(
    fc.record({ kind: fc.constant('claim' as const), claim: fc.constant('aud'), value: fc.oneof(junk, fc.constantFrom('https://graph.microsoft.com', 'api://other', [OTHER])), expect: fc.constant('reject' as const) }),
    fc.record({ kind: fc.constant('claim' as const), claim: fc.constant('iss'), value: fc.oneof(junk, fc.constantFrom(v1Issuer(OTHER), `https://login.microsoftonline.com/${OTHER}/v2.0`, 'https://sts.windows.net/', `https://sts.windows.net/${OTHER}`)), expect: fc.constant('reject' as const) }),
    fc.record({ kind: fc.constant('claim' as const), claim: fc.constant('tid'), value: fc.oneof(junk, fc.constantFrom(OTHER, undefined)), expect: fc.constant('reject' as const) }),
    fc.record({ kind: fc.constant('claim' as const), claim: fc.constant('appid'), value: fc.oneof(junk, fc.constantFrom(OTHER, undefined)), expect: fc.constant('reject' as const) }),
    fc.record({ kind: fc.constant('claim' as const), claim: fc.constant('azp'), value: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constant(OTHER)), expect: fc.constant('reject' as const) }),
    fc.record({ kind: fc.constant('claim' as const), claim: fc.constant('scp'), value: fc.constantFrom('user_impersonation', 'Callout.Invoke', ''), expect: fc.constant('reject' as const) }),
  ),
  fc.record({ kind: fc.constant('time' as const), claim: fc.constantFrom('exp' as const, 'nbf' as const, 'iat' as const), offset: fc.integer({ min: 120, max: 10 * 365 * 86_400 }) }),
  fc.record({ kind: fc.constant('roles' as const), roles: fc.constantFrom(undefined, [], ['Something.Else'], ROLE, [ROLE.toLowerCase()], [[ROLE]], null, {}) }),
  fc.record({ kind: fc.constant('signature' as const), how: fc.constantFrom('truncate' as const, 'flip' as const, 'empty' as const, 'other-token' as const, 'stranger' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('shape' as const), how: fc.constantFrom('extra-dot-end' as const, 'extra-dot-mid' as const, 'leading-dot' as const, 'two-parts' as const, 'one-part' as const, 'garbage-header' as const, 'garbage-payload' as const, 'array-payload' as const, 'text-payload' as const, 'huge-claim' as const, 'huge-garbage' as const), junk: fc.string({ minLength: 1, maxLength: 30 }) }),
  fc.record({ kind: fc.constant('scheme' as const), how: fc.constantFrom('lower' as const, 'upper' as const, 'double-space' as const, 'trailing-space' as const, 'tab' as const, 'leading-space' as const, 'no-space' as const, 'basic' as const, 'alone' as const, 'two-values' as const, 'two-values-comma' as const, 'no-header' as const, 'quoted' as const) }),
);

const bearer = (token: string): Built => ({ authorization: `Bearer ${token}`, expect: 'reject' });

async function build(m: Mutation, roleRequired: boolean): Promise<Built> {
  const [h, p, s] = parts(valid);
  switch (m.kind) {
    case 'control':
      return { authorization: `Bearer ${m.version === 1 ? valid : await emulator.mintCallerToken({ version: 2, roles: [ROLE] })}`, expect: 'accept' };
    case 'alg':
      return bearer(`${b64({ ...header(), alg: m.alg })}.${p}.${m.keepSignature ? s : ''}`);
    case 'hs256': {
      const secret = m.secret === 'pem' ? publicPem : m.secret === 'jwk-n' ? Buffer.from(publicJwk.n ?? '', 'base64url') : JSON.stringify(publicJwk);
      const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : new Uint8Array(secret);
      return bearer(await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: publicJwk.kid ?? '' }).sign(key));
    }
    case 'kid': {
      if (m.kid === 'unknown') return bearer(await resign({}, { kid: 'not-a-published-kid' }));
      if (m.kid === 'stranger') return bearer(await stranger.sign(claims, { kid: publicJwk.kid ?? '' }));
      const changed = header();
      if (m.kid === 'missing') Reflect.deleteProperty(changed, 'kid');
      else changed['kid'] = 42;
      return bearer(`${b64(changed)}.${p}.${s}`);
    }
    case 'typ':
      // Validly signed with another typ: the verifier may ignore typ, but must not fail on it.
      return { ...bearer(await resign({}, { typ: m.typ })), expect: 'either' };
    case 'claim':
      return { ...bearer(await resign({ [m.claim]: m.value })), expect: m.expect };
    case 'time': {
      const offset = m.claim === 'exp' ? -m.offset : m.offset;
      return bearer(await resign({ [m.claim]: now() + offset }));
    }
    case 'roles': {
      // Only a configured REQUIRED_CALLER_ROLE makes the roles claim matter.
      const built = bearer(await resign({ roles: m.roles }));
      return roleRequired ? built : { ...built, expect: 'accept' };
    }
    case 'signature': {
      const sig = Buffer.from(s, 'base64url');
      if (m.how === 'truncate') return bearer(`${h}.${p}.${s.slice(0, m.at % s.length)}`);
      if (m.how === 'empty') return bearer(`${h}.${p}.`);
      if (m.how === 'flip') {
        const i = m.at % sig.length;
        sig[i] = (sig[i] ?? 0) ^ (1 << (m.at % 8));
        return bearer(`${h}.${p}.${sig.toString('base64url')}`);
      }
      const other = m.how === 'stranger' ? await stranger.sign(claims) : await emulator.mintCallerToken({ roles: [ROLE], claims: { oid: OTHER } });
      return bearer(`${h}.${p}.${parts(other)[2]}`);
    }
    case 'shape':
      switch (m.how) {
        case 'extra-dot-end': return bearer(`${valid}.`);
        case 'extra-dot-mid': return bearer(`${h}..${p}.${s}`);
        case 'leading-dot': return bearer(`.${valid}`);
        case 'two-parts': return bearer(`${h}.${p}`);
        case 'one-part': return bearer(h);
        case 'garbage-header': return bearer(`${h}${encodeURIComponent(m.junk)}+/=.${p}.${s}`);
        case 'garbage-payload': return bearer(`${h}.${p.slice(0, -2)}!*${encodeURIComponent(m.junk)}.${s}`);
        case 'array-payload': return bearer(`${h}.${b64([claims])}.${s}`);
        case 'text-payload': return bearer(`${h}.${b64(m.junk)}.${s}`);
        case 'huge-claim': return bearer(await resign({ pad: 'x'.repeat(20_000) }));
        case 'huge-garbage': return bearer(`${valid}${'A'.repeat(1_000_000)}`);
      }
      break;
    case 'scheme':
      switch (m.how) {
        case 'lower': return { authorization: `bearer ${valid}`, expect: 'accept' };
        case 'upper': return { authorization: `BEARER ${valid}`, expect: 'accept' };
        case 'double-space': return { authorization: `Bearer  ${valid}`, expect: 'either' };
        case 'trailing-space': return { authorization: `Bearer ${valid} `, expect: 'either' };
        case 'tab': return { authorization: `Bearer\t${valid}`, expect: 'either' };
        case 'leading-space': return { authorization: ` Bearer ${valid}`, expect: 'either' };
        case 'no-space': return { authorization: `Bearer${valid}`, expect: 'reject' };
        case 'basic': return { authorization: `Basic ${valid}`, expect: 'reject' };
        case 'alone': return { authorization: 'Bearer', expect: 'reject' };
        // Two Authorization headers reach the function joined by ", ".
        case 'two-values': return { authorization: `Bearer ${valid}, Bearer ${valid}`, expect: 'reject' };
        case 'two-values-comma': return { authorization: `Bearer ${valid},${valid}`, expect: 'reject' };
        case 'no-header': return { authorization: null, expect: 'reject' };
        case 'quoted': return { authorization: `Bearer "${valid}"`, expect: 'reject' };
      }
  }
  throw new Error('unreachable');
}

test('every mutated relay token is refused with 401/403 and costs no Graph call; the control passes', async () => {
  const seen = new Map<string, number>();
  await checkProperty('relay tokens', fc.record({ mutation, roleRequired: fc.boolean() }), 300, async ({ mutation: m, roleRequired }) => {
    const built = await build(m, roleRequired);
    const before = emulator.calls({ service: 'graph' }).length;
    const answer = await callHandler(roleRequired ? withRole : plain, body, { token: null, headers: built.authorization === null ? {} : { authorization: built.authorization } });
    const graphCalls = emulator.calls({ service: 'graph' }).slice(before);
    const key = `${built.expect}:${answer.status}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    const what = `${m.kind} ${JSON.stringify(m).slice(0, 200)} → ${answer.status} ${JSON.stringify(answer.json).slice(0, 200)}`;

    expect([200, 401, 403], what).toContain(answer.status);
    if (built.expect === 'reject') expect([401, 403], what).toContain(answer.status);
    if (built.expect === 'accept') expect(answer.status, what).toBe(200);
    if (answer.status !== 200) {
      expect(graphCalls, what).toEqual([]);
      expect(answer.json, what).toMatchObject({ status: answer.status });
      if (answer.status === 401) expect(answer.headers['www-authenticate'], what).toMatch(/^Bearer/);
    }
  });
  console.log(`[fuzz] relay tokens: answers by expectation:status ${JSON.stringify(Object.fromEntries([...seen].sort()))}`);
}, 120_000);
