// Issue 6, item 1: OpenID metadata and JWKS failing while the key cache is cold, and the tenant
// rotating its signing key. An outage of the keys must read as "try again" (503), never as a
// forged call (401), and never as a pass: no Graph call is made until the token is verified.
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import type { FaultRule } from '../../emulator/graph/faults.js';
import { startTestEmulator } from '../support/emulator.js';
import { deliver, fastApp, freshCallout, resumesOf } from './support.js';

let emulator: TenantEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.faults.clear();
  emulator.clearCalls();
});

const rows: readonly { fault: string; rule: FaultRule }[] = [
  { fault: 'OpenID metadata answering 503', rule: { service: 'openid', times: Infinity, action: { status: 503 } } },
  { fault: 'OpenID metadata dropping the connection', rule: { service: 'openid', times: Infinity, action: { drop: 'before-handling' } } },
  { fault: 'JWKS answering 500', rule: { service: 'jwks', times: Infinity, action: { status: 500 } } },
  { fault: 'JWKS dropping the connection', rule: { service: 'jwks', times: Infinity, action: { drop: 'before-handling' } } },
];

describe.each(rows)('$fault with the key cache cold', ({ rule }) => {
  test('→ 503 + Retry-After (not 401), no Graph call; recovered, the relay’s retry resumes once', async () => {
    const deps = fastApp(emulator);
    const callout = freshCallout(emulator, 'fa470001');
    emulator.faults.add(rule);
    const failed = await deliver(emulator, deps, callout);
    expect(failed.status).toBe(503);
    expect(Number(failed.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(failed.json).toMatchObject({ code: 'AUTH.METADATA_UNAVAILABLE' });
    expect(emulator.calls({ service: 'graph' })).toEqual([]);

    emulator.faults.clear();
    const retried = await deliver(emulator, deps, callout);
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({ outcome: 'resumed', decision: 'continue', resume: { attempts: 1, graphStatus: 204 } });
    expect(resumesOf(emulator, callout)).toBe(1);
  });
});

describe('the tenant rotating its signing key', () => {
  test('a token with the new kid is accepted after one key refresh; the old kid stays valid while published, refused once removed', async () => {
    const deps = fastApp(emulator);
    const oldToken = await emulator.mintCallerToken();
    const oldKid = decodeProtectedHeader(oldToken).kid;
    if (oldKid === undefined) throw new Error('the emulator signs without a kid');
    expect((await deliver(emulator, deps, freshCallout(emulator, 'fa470002'), oldToken)).status).toBe(200);
    expect(emulator.calls({ service: 'jwks' })).toHaveLength(1);

    const newKid = await emulator.rotateSigningKey();
    const rotated = freshCallout(emulator, 'fa470003');
    const newToken = await emulator.mintCallerToken();
    expect(decodeProtectedHeader(newToken).kid).toBe(newKid);
    const accepted = await deliver(emulator, deps, rotated, newToken);
    expect(accepted.status).toBe(200);
    expect(accepted.json).toMatchObject({ outcome: 'resumed' });
    expect(resumesOf(emulator, rotated)).toBe(1);
    expect(emulator.calls({ service: 'jwks' })).toHaveLength(2);

    // Both keys are published and cached now: the old kid verifies without another fetch.
    const stillOld = await emulator.mintCallerToken({ kid: oldKid });
    expect((await deliver(emulator, deps, freshCallout(emulator, 'fa470004'), stillOld)).status).toBe(200);
    expect(emulator.calls({ service: 'jwks' })).toHaveLength(2);

    // Once the tenant removes the old key, a process that fetches the keys refuses the old kid as
    // a forged token (401), after one refresh for it, and resumes nothing.
    await emulator.rotateSigningKey({ retirePrevious: true });
    const removed = freshCallout(emulator, 'fa470005');
    const refused = await deliver(emulator, fastApp(emulator), removed, await emulator.mintCallerToken({ kid: oldKid }));
    expect(refused.status).toBe(401);
    expect(resumesOf(emulator, removed)).toBe(0);
  });
});
