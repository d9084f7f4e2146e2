// Start-up prefetch: the keys and the Graph token are fetched before the first callout needs
// them. Its own file: MSAL keeps managed identity tokens per process, and the first test counts
// the identity endpoint's calls.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { appFor } from '../support/app.js';
import { startTestEmulator } from '../support/emulator.js';
import { deliver, freshCallout } from '../faults/support.js';

let emulator: TenantEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.faults.clear();
  emulator.clearCalls();
});

test('prefetch reads both issuers’ metadata and keys and the Graph token, in parallel; the first callout then waits for none of them', async () => {
  // The metadata answers slowly: the token is asked for meanwhile, not after it.
  emulator.faults.add({ service: 'openid', times: 2, action: { delayMs: 400 } });
  const deps = appFor(emulator);
  await deps.prefetch();
  expect(emulator.calls({ service: 'openid' })).toHaveLength(2);
  expect(emulator.calls({ service: 'jwks' })).toHaveLength(2);
  expect(emulator.calls({ service: 'identity' })).toHaveLength(1);
  const [v1, v2, token] = [...emulator.calls({ service: 'openid' }), ...emulator.calls({ service: 'identity' })];
  expect(token?.at).toBeLessThan(Math.min(v1?.at ?? 0, v2?.at ?? 0));

  emulator.clearCalls();
  const answer = await deliver(emulator, deps, freshCallout(emulator, 'bf000001'));
  expect(answer.status).toBe(200);
  expect(answer.json).toMatchObject({ outcome: 'resumed' });
  expect(emulator.calls().map((c) => c.service)).toEqual(['graph']);
});

test('a prefetch that fails resolves all the same, and the first callout meets the failure and answers it', async () => {
  emulator.faults.add({ service: 'openid', times: Infinity, action: { status: 503 } });
  const deps = appFor(emulator);
  await expect(deps.prefetch()).resolves.toBeUndefined();
  const callout = freshCallout(emulator, 'bf000002');
  const failed = await deliver(emulator, deps, callout);
  expect(failed.status).toBe(503);
  expect(failed.json).toMatchObject({ code: 'AUTH.METADATA_UNAVAILABLE' });

  emulator.faults.clear();
  const retried = await deliver(emulator, deps, callout);
  expect(retried.json).toMatchObject({ outcome: 'resumed' });
});
