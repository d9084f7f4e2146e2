// In a file of its own: MSAL keeps managed identity tokens in a per-process cache, and this test
// needs the first token of the process to fail.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { appFor, callHandler, fixture } from '../support/app.js';
import { startTestEmulator } from '../support/emulator.js';

let emulator: TenantEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());

test('managed identity endpoint failing → 503 and no resume; the same credential works once it recovers', async () => {
  const deps = appFor(emulator, { GRAPH_RETRY_BUDGET_SECONDS: '3', GRAPH_TIMEOUT_SECONDS: '1' });
  const body = fixture('elm-request-created.wire.json');
  emulator.awaitCallout(body);
  emulator.faults.add({ service: 'identity', times: Infinity, action: { status: 400, body: { statusCode: 400, message: 'Unable to load the proper Managed Identity.' } } });
  const failed = await callHandler(deps, body, { token: await emulator.mintCallerToken() });
  expect(failed.status).toBe(503);
  expect(failed.json).toMatchObject({ code: 'IDENTITY.UNAVAILABLE' });
  expect(emulator.calls({ service: 'graph' })).toEqual([]);

  emulator.faults.clear();
  const recovered = await callHandler(deps, body, { token: await emulator.mintCallerToken() });
  expect(recovered.status).toBe(200);
  expect(recovered.json).toMatchObject({ outcome: 'resumed' });
  expect(emulator.acceptedResumes()).toHaveLength(1);
});
