import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, TenantEmulator } from '../../emulator/index.js';
import { startAzuriteTables, type AzuriteTablesProcess } from '../common/azurite-tables.js';
import { freshCallout, rawGraph } from './graph-floor.js';
import { createTableRaw, rawLedger } from './ledger-floor.js';
import { spawnLocalHost } from '../common/local-host-process.js';
import { measureScenario, POLICY_SCENARIOS, type PolicyFigures } from './policy-bench.js';
import { SAMPLE_POLICY } from '../demo/scenarios.js';
import { median } from './stats.js';
import { AnswerTally, mergeBad, RESUMED, timedAnswers, type BadAnswers, type Progress } from './answers.js';

/**
 * Callout→answer times, sequential, each a fresh callout of the sample request's shape; a bad
 * answer is counted in `tally` (its time left out), and the run goes on.
 */
export async function calloutLatencies(emulator: TenantEmulator, url: string, n: number, tally: AnswerTally, tick?: () => void): Promise<number[]> {
  const token = await emulator.mintCallerToken();
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  return timedAnswers(n, () => fetch(`${url}/api/callout`, { method: 'POST', headers, body: JSON.stringify(freshCallout(emulator)) }), RESUMED, tally, tick);
}

export interface LatencyFigures {
  readonly graphMs: number;
  readonly samples: number[];
  /** The floor at that latency: the calls the decision cannot do without, raw, in its order. */
  readonly floor: number[];
  /** Answers that were not a 200 that resumed, if any. */
  readonly bad: BadAnswers | undefined;
}

/**
 * The floor of a decision, measured as a decision makes its calls: one after another, each
 * sample a fresh callout's (a round of reads when it reads), the ledger insert, then the resume,
 * raw HTTPS on keep-alive connections; n samples, in ms.
 */
async function decisionFloor(emulator: TenantEmulator, tableUrl: string, n: number, reads: boolean): Promise<number[]> {
  const [graph, ledger] = await Promise.all([rawGraph(emulator), rawLedger(emulator, tableUrl)]);
  const samples: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      if (reads) await graph.read();
      await ledger.insert();
      await graph.resume();
      samples.push(performance.now() - started);
    }
  } finally {
    graph.close();
    ledger.close();
  }
  return samples;
}

export interface Rig {
  readonly emulator: TenantEmulator;
  readonly azurite: AzuriteTablesProcess;
  readonly table: string;
  readonly dir: string;
  close(): Promise<void>;
}

/** The tenant emulator and Azurite's tables on one CA, a ledger table made, and the CA written for the host to trust. */
export async function rig(): Promise<Rig> {
  const ca = await createCertificateAuthority();
  const [emulator, azurite] = await Promise.all([TenantEmulator.start({ ca }), startAzuriteTables({ ca })]);
  await createTableRaw(emulator, azurite.accountUrl, 'decisions');
  const dir = mkdtempSync(join(tmpdir(), 'eg-bench-'));
  writeFileSync(join(dir, 'ca.pem'), emulator.caCertPem);
  return {
    emulator, azurite, table: azurite.tableUrl('decisions'), dir,
    close: async () => {
      await Promise.all([emulator.close(), azurite.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Through the local host (its own process, with the ledger) without a policy: the decision needs the ledger insert and the resume. */
export async function noPolicyLatencies(callouts: number, graphLatencies: readonly number[], progress?: Progress): Promise<LatencyFigures[]> {
  const r = await rig();
  const { emulator } = r;
  const host = await spawnLocalHost({ ...emulator.appEnv(), NODE_EXTRA_CA_CERTS: join(r.dir, 'ca.pem'), DECISION_LEDGER_URL: r.table });
  try {
    const warm = new AnswerTally();
    await calloutLatencies(emulator, host.url, 30, warm); // warm: keys, token, JIT
    const figures: LatencyFigures[] = [];
    for (const [i, graphMs] of graphLatencies.entries()) {
      emulator.faults.setLatency('graph', graphMs);
      const n = graphMs === 0 ? callouts : Math.min(callouts, 100);
      const tally = new AnswerTally();
      const tick = progress?.start(`callout→answer, no policy, Graph ${String(graphMs)} ms`, n, 'callouts');
      const samples = await calloutLatencies(emulator, host.url, n, tally, tick);
      figures.push({ graphMs, samples, floor: await decisionFloor(emulator, r.table, n, false), bad: mergeBad(i === 0 ? warm.result() : undefined, tally.result()) });
    }
    return figures;
  } finally {
    await host.stop();
    await r.close();
  }
}

export interface ScenarioFigures extends PolicyFigures {
  /** The round trips its decision cannot do without (Graph at the measured latency, and the ledger insert), ms. */
  readonly floorMs: number;
}

/** Each policy scenario through the local host on the sample policy, Graph at a set latency. */
export async function policyScenarioLatencies(callouts: number, graphMs: number, progress?: Progress): Promise<ScenarioFigures[]> {
  const r = await rig();
  const { emulator } = r;
  const host = await spawnLocalHost({ ...emulator.appEnv(), NODE_EXTRA_CA_CERTS: join(r.dir, 'ca.pem'), POLICY_PATH: SAMPLE_POLICY, DECISION_LEDGER_URL: r.table });
  try {
    const warm = POLICY_SCENARIOS.map(() => new AnswerTally());
    for (const [i, scenario] of POLICY_SCENARIOS.entries()) await measureScenario(emulator, host.url, scenario, 5, `aaaaaaa${String(i)}`, warm[i]); // warm
    emulator.faults.setLatency('graph', graphMs);
    const withReads = median(await decisionFloor(emulator, r.table, 30, true));
    const withoutReads = median(await decisionFloor(emulator, r.table, 30, false));
    const rows: ScenarioFigures[] = [];
    for (const [i, scenario] of POLICY_SCENARIOS.entries()) {
      const tick = progress?.start(`sample policy: ${scenario.name}`, callouts, 'callouts');
      const figures = await measureScenario(emulator, host.url, scenario, callouts, `bbbbbbb${String(i)}`, undefined, tick);
      rows.push({ ...figures, bad: mergeBad(warm[i]?.result(), figures.bad), floorMs: figures.reads > 0 ? withReads : withoutReads });
    }
    return rows;
  } finally {
    await host.stop();
    await r.close();
  }
}
