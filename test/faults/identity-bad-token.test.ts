// Issue 12, item 6: the identity endpoint handing out a token Graph refuses (401). The token was
// cached until it expired, and every callout got 503 "check its Graph permissions". Now a 401
// renews the token once from the identity endpoint and retries; a 403 is a permission, not a
// token. In a file of its own (see identity-row.ts): MSAL keeps managed identity tokens per
// process, and the first test needs the process's first token to be the bad one.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import type { BadToken } from '../../emulator/graph/faults.js';
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

describe('a token Graph refuses', () => {
  test('the first token is for another audience, the second good → one renewal, the callout resumes once (200); two token requests', async () => {
    const deps = fastApp(emulator);
    const callout = freshCallout(emulator, 'fa120601');
    emulator.faults.add({ service: 'identity', times: 1, action: { badToken: 'wrong-audience' } });
    const answer = await deliver(emulator, deps, callout);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ outcome: 'resumed', decision: 'continue', resume: { attempts: 1, graphStatus: 204 } });
    expect(resumesOf(emulator, callout)).toBe(1);
    expect(emulator.calls({ service: 'identity' }).map((c) => c.fault ?? 'good')).toEqual(['bad token (wrong-audience)', 'good']);
    // Graph refused the first token (every read that held it), then took the renewed one.
    const graph = emulator.calls({ service: 'graph' });
    expect(graph.filter((c) => c.status === 401).length).toBeGreaterThanOrEqual(1);
    expect(graph.at(-1)).toMatchObject({ method: 'POST', status: 204 });

    // The renewed token is the one kept: the next callout needs no token request.
    emulator.clearCalls();
    const next = freshCallout(emulator, 'fa120602');
    expect((await deliver(emulator, deps, next)).status).toBe(200);
    expect(emulator.calls({ service: 'identity' })).toEqual([]);
    expect(emulator.calls({ service: 'graph' }).filter((c) => c.status === 401)).toEqual([]);
  });

  test('Graph 403 (a permission missing) → 503 GRAPH.FORBIDDEN naming the permission; the token is not renewed', async () => {
    const deps = fastApp(emulator);
    await deliver(emulator, deps, freshCallout(emulator, 'fa120603')); // a token in the cache
    emulator.clearCalls();
    const callout = freshCallout(emulator, 'fa120604');
    emulator.faults.add({ service: 'graph', path: '/resume', action: { status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } } });
    const answer = await deliver(emulator, deps, callout);
    expect(answer.status).toBe(503);
    expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(answer.json).toMatchObject({ code: 'GRAPH.FORBIDDEN', graphStatus: 403, graphCode: 'Authorization_RequestDenied', permission: 'EntitlementManagement.ReadWrite.All' });
    expect(answer.json['detail']).toContain('grant it EntitlementManagement.ReadWrite.All');
    expect(answer.json['detail']).not.toMatch(/token/i);
    expect(emulator.calls({ service: 'identity' })).toEqual([]);
    expect(emulator.calls({ service: 'graph', method: 'POST' }).map((c) => c.status)).toEqual([403]);
    expect(resumesOf(emulator, callout)).toBe(0);
  });
});

describe('the tenant emulator’s bad tokens', () => {
  test.each<BadToken>(['wrong-audience', 'expired', 'not-a-jwt'])('%s: handed out as a good answer, refused by Graph with 401', async (badToken) => {
    emulator.faults.add({ service: 'identity', action: { badToken } });
    const url = `${emulator.origin}/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(emulator.origin)}&client_id=${emulator.managedIdentityClientId}`;
    const issued = await fetch(url, { headers: { 'x-identity-header': emulator.identityHeader } });
    expect(issued.status).toBe(200);
    const { access_token: token, expires_on: expiresOn } = (await issued.json()) as { access_token: string; expires_on: string };
    expect(Number(expiresOn) * 1000).toBeGreaterThan(Date.now() + 30 * 60_000);
    const refused = await fetch(`${emulator.origin}/v1.0/users`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('InvalidAuthenticationToken');
    expect(emulator.calls({ service: 'identity' })).toMatchObject([{ status: 200, fault: `bad token (${badToken})` }]);
  });
});
