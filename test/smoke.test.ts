import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TenantEmulator } from '../emulator/index.js';
import { appFor, callHandler, fixture } from './support/app.js';
import { startTestEmulator } from './support/emulator.js';

let emulator: TenantEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());

test('smoke', async () => {
  const deps = appFor(emulator);
  const body = fixture('elm-request-created.wire.json');
  emulator.requests.awaitCallback({ requestId: '3c7ee35f-ab17-4893-bb65-7a761c670d1a', stage: 'assignmentRequestCreated', stageInstanceId: '64054d8d-4d73-4705-820a-866332af9a64' });
  const answer = await callHandler(deps, body, { token: await emulator.mintCallerToken() });
  console.log(JSON.stringify(answer, null, 1));
  console.log(emulator.calls());
  expect(answer.status).toBe(200);
});
