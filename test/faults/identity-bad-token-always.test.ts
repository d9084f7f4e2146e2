// Issue 12, item 6: the identity endpoint handing out only tokens Graph refuses. One renewal, then
// 503 GRAPH.UNAUTHORIZED saying token, not permission. In a file of its own (see identity-row.ts):
// the process's first token must be a bad one.
import { afterAll, afterEach, beforeAll, expect, test, vi } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { deliver, fastApp, freshCallout, resumesOf } from './support.js';

let emulator: TenantEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
afterEach(() => {
  vi.useRealTimers();
});

test('every token refused (expired) → one renewal, then 503 GRAPH.UNAUTHORIZED naming the token, not permissions; nothing resumed; fixed, the relay’s retry resumes once', async () => {
  const deps = fastApp(emulator);
  const callout = freshCallout(emulator, 'fa120611');
  emulator.faults.add({ service: 'identity', times: Infinity, action: { badToken: 'expired' } });
  const failed = await deliver(emulator, deps, callout);
  expect(failed.status).toBe(503);
  expect(Number(failed.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(failed.json).toMatchObject({ code: 'GRAPH.UNAUTHORIZED', graphStatus: 401, graphCode: 'InvalidAuthenticationToken' });
  const detail = String(failed.json['detail']);
  expect(detail).toMatch(/401/);
  expect(detail).toMatch(/token/);
  expect(detail).toContain('AZURE_CLIENT_ID');
  expect(detail).not.toMatch(/permission/i);
  // The first token and one renewal: the retried call's 401 stands, later calls do not renew again.
  expect(emulator.calls({ service: 'identity' }).map((c) => c.fault)).toEqual(['bad token (expired)', 'bad token (expired)']);
  expect(emulator.calls({ service: 'graph' }).every((c) => c.status === 401)).toBe(true);
  expect(resumesOf(emulator, callout)).toBe(0);

  // The endpoint fixed, the relay retries after Retry-After (past the renewal cooldown): the same
  // app renews the refused token again and resumes.
  emulator.faults.clear();
  emulator.clearCalls();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + Number(failed.headers['retry-after']) * 1000);
  const retried = await deliver(emulator, deps, callout);
  expect(retried.status).toBe(200);
  expect(retried.json).toMatchObject({ outcome: 'resumed' });
  expect(resumesOf(emulator, callout)).toBe(1);
  expect(emulator.calls({ service: 'identity' })).toHaveLength(1);
});
