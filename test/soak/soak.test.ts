import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { startLocalHost, type LocalHost } from '../../host/local-host.js';
import { addSoakFaults } from '../../scripts/soak/soak-faults.js';
import { runSoak } from '../../scripts/soak/soak-run.js';
import { verifySoak } from '../../scripts/soak/soak-verify.js';
import { startTestEmulator } from '../support/emulator.js';

let emulator: TenantEmulator;
let host: LocalHost;
const saved = { ...process.env };

beforeAll(async () => {
  emulator = await startTestEmulator();
  // The soak's short Graph budget, so that some faults outlast it and the relay retries.
  Object.assign(process.env, emulator.appEnv(), { GRAPH_RETRY_BUDGET_SECONDS: '1.5', GRAPH_TIMEOUT_SECONDS: '1' });
  const { httpFunctions } = await import('../../functions/index.js');
  host = await startLocalHost(httpFunctions, { port: 0 });
});
afterAll(async () => {
  await host.close();
  await emulator.close();
  process.env = saved;
});

describe('the soak core, in process, with Graph faults on 10% of calls', () => {
  test('every distinct callout ends with exactly one resume; repeats are answered already-resumed', async () => {
    addSoakFaults(emulator.faults, 0.1, 300);
    const run = await runSoak(emulator, { url: host.url, callouts: 200, concurrency: 32, repeatRate: 0.05, tag: 'c0c0c0c0' });
    const verdict = verifySoak(emulator, run);
    expect(verdict.graphFaults).toBeGreaterThan(0);
    expect(verdict.repeats).toBe(10);
    expect({ twice: verdict.resumedTwice, missing: verdict.notResumed, not200: verdict.distinctNot200, repeats: verdict.repeatsNotAlreadyResumed }).toEqual({ twice: [], missing: [], not200: [], repeats: [] });
    expect(verdict.exactlyOnce).toBe(200);
    expect(verdict.holds).toBe(true);
  });
});
