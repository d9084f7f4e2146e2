// Two local host processes (npm start's host, bundled for the run) sharing one ledger in Azurite:
// the cross-instance scenarios of issue 14 with real processes, one of them killed mid-callout.
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { emulatorCredential } from '../../scripts/common/emulator-credential.js';
import type { LocalHostProcess } from '../../scripts/common/local-host-process.js';
import { repositoryRoot, SAMPLE_POLICY, withFreshIds } from '../../scripts/demo/scenarios.js';
import { startAzuriteTables, type AzuriteTables } from '../support/azurite-tables.js';
import { fixture } from '../support/app.js';
import { addSoakFaults } from '../../scripts/soak/soak-faults.js';
import { runSoak } from '../../scripts/soak/soak-run.js';
import { verifySoak } from '../../scripts/soak/soak-verify.js';
import { startTestEmulator } from '../support/emulator.js';
import { bundleLocalHost, startHostProcess } from '../support/host-process.js';

const DEFAULT_POLICY = `${repositoryRoot()}/policy/policy.json`;
let emulator: TenantEmulator;
let azurite: AzuriteTables;
let table: string;
let bundle: { entry: string; remove(): void };
const hosts: LocalHostProcess[] = [];
/** Two instances for the whole file (processes are costly on these machines): A on the default policy, B on the sample policy. */
let a: LocalHostProcess;
let b: LocalHostProcess;

beforeAll(async () => {
  [emulator, bundle] = await Promise.all([startTestEmulator(), bundleLocalHost()]);
  azurite = await startAzuriteTables({ emulator });
  table = await azurite.createTable('decisions');
  [a, b] = await Promise.all([host(DEFAULT_POLICY), host(SAMPLE_POLICY)]);
}, 60_000);
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  await Promise.all([emulator.close(), azurite.stop()]);
  bundle.remove();
});

async function host(policy: string): Promise<LocalHostProcess> {
  const started = await startHostProcess(bundle.entry, { ...emulator.appEnv(), POLICY_PATH: policy, DECISION_LEDGER_URL: table, GRAPH_RETRY_BUDGET_SECONDS: '4', GRAPH_TIMEOUT_SECONDS: '2' });
  hosts.push(started);
  return started;
}

let n = 0;
function conflict(prefix: string): Record<string, unknown> {
  const body = withFreshIds(fixture('elm-request-created.sod-conflict.wire.json'), prefix, ++n);
  emulator.awaitCallout(body);
  return body;
}
const requestOf = (body: Record<string, unknown>) => body['AccessPackageAssignmentRequestId'] as string;
const received = (body: Record<string, unknown>) => emulator.requests.get(requestOf(body))?.resumes ?? [];

async function deliver(to: LocalHostProcess, body: object): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${to.url}/api/callout`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await emulator.mintCallerToken()}` }, body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}
const bodyOf = (answer: { json: Record<string, unknown> }) => (answer.json['resume'] as { body: unknown } | undefined)?.body;

describe('two host processes, one ledger', () => {
  test('each says at start where decisions are recorded', () => {
    expect(a.output.join('\n')).toContain('decisions are recorded in the ledger: table decisions at https://127.0.0.1:');
  });

  test('A continues; B (a policy that denies it) answers the repeat with A\'s decision; one resume', async () => {
    const body = conflict('2ec0a001');
    const first = await deliver(a, body);
    expect(first.json).toMatchObject({ outcome: 'resumed', decision: 'continue' });
    const repeat = await deliver(b, body);
    expect(repeat.json).toMatchObject({ outcome: 'already-resumed', decision: 'continue', ledger: { adopted: true } });
    expect(bodyOf(repeat)).toEqual(bodyOf(first));
    expect(received(body)).toHaveLength(1);
  });

  test('racing on one fresh callout: one body sent, both answers identical', async () => {
    const body = conflict('2ec0a002');
    const [one, two] = await Promise.all([deliver(a, body), deliver(b, body)]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(one.json['decision']).toBe(two.json['decision']);
    expect(bodyOf(one)).toEqual(bodyOf(two));
    expect(received(body)).toHaveLength(1);
    expect(received(body)[0]?.body).toEqual(bodyOf(one));
  });

  test('an instance killed between its ledger write and its resume: the next delivery, on another, finishes its decision exactly once', async () => {
    // Its own instance on the sample policy (which denies this request), killed; A (default policy, which would continue) finishes.
    const doomed = await host(SAMPLE_POLICY);
    const body = conflict('2ec0a003');
    emulator.faults.add({ service: 'graph', method: 'POST', path: `${requestOf(body)}/resume`, times: 1, action: { delayMs: 15_000 } });
    const pending = deliver(doomed, body).catch(() => undefined);
    const client = new TableClient(azurite.accountUrl, 'decisions', emulatorCredential(emulator));
    const key = { partition: requestOf(body).toLowerCase(), row: (body['CustomExtensionStageInstanceId'] as string).toLowerCase() };
    let entry: { decision?: unknown; state?: unknown } | undefined;
    for (let i = 0; i < 100 && entry === undefined; i++) {
      entry = await client.getEntity<{ decision: string; state: string }>(key.partition, key.row).catch(() => undefined);
      if (entry === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(entry).toMatchObject({ decision: 'deny', state: 'decided' });
    process.kill(doomed.pid, 'SIGKILL');
    await pending;
    emulator.faults.clear();
    const finished = await deliver(a, body);
    expect(finished.json).toMatchObject({ outcome: 'resumed', decision: 'deny', ledger: { adopted: true } });
    expect(received(body)).toHaveLength(1);
    expect((received(body)[0]?.body['data'] as Record<string, unknown>)['state']).toBe('denied');
  });

  test('the soak across both hosts, Graph faults on 10% of calls: every callout resumed once, every answer the body Graph received', async () => {
    addSoakFaults(emulator.faults, 0.1, 300);
    try {
      const run = await runSoak(emulator, { url: [a.url, b.url], callouts: 80, concurrency: 16, repeatRate: 0.1, tag: 'd0d0d0d0' });
      const verdict = verifySoak(emulator, run);
      expect(verdict.graphFaults).toBeGreaterThan(0);
      expect({ twice: verdict.resumedTwice, missing: verdict.notResumed, not200: verdict.distinctNot200, repeats: verdict.repeatsNotAlreadyResumed, bodies: verdict.answersNotGraph })
        .toEqual({ twice: [], missing: [], not200: [], repeats: [], bodies: [] });
      expect(verdict.holds).toBe(true);
    } finally {
      emulator.faults.clear();
    }
  }, 60_000);
});
