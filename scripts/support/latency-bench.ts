import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TenantEmulator } from '../../emulator/index.js';
import { freshCallout, graphRoundTrips } from './graph-floor.js';
import { spawnLocalHost } from './local-host-process.js';
import { floorRounds, measureScenario, POLICY_SCENARIOS, type PolicyFigures } from './policy-bench.js';
import { SAMPLE_POLICY } from './scenarios.js';
import { median } from './stats.js';

/** Callout→answer times, sequential, each a fresh callout of the sample request's shape. */
async function calloutLatencies(emulator: TenantEmulator, url: string, n: number): Promise<number[]> {
  const token = await emulator.mintCallerToken();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const body = JSON.stringify(freshCallout(emulator));
    const started = performance.now();
    const response = await fetch(`${url}/api/callout`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
    await response.arrayBuffer();
    samples.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`callout answered ${String(response.status)}`);
  }
  return samples;
}

export interface LatencyFigures {
  readonly graphMs: number;
  readonly samples: number[];
  /** One Graph round trip at that latency, as the app makes it. */
  readonly roundTrips: number[];
}

/** Through the local host (its own process) without a policy: the decision needs only the resume. */
export async function noPolicyLatencies(callouts: number, graphLatencies: readonly number[]): Promise<LatencyFigures[]> {
  const emulator = await TenantEmulator.start();
  const dir = mkdtempSync(join(tmpdir(), 'eg-bench-'));
  writeFileSync(join(dir, 'ca.pem'), emulator.caCertPem);
  const host = await spawnLocalHost({ ...emulator.appEnv(), NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') });
  try {
    await calloutLatencies(emulator, host.url, 30); // warm: keys, token, JIT
    const figures: LatencyFigures[] = [];
    for (const graphMs of graphLatencies) {
      emulator.faults.setLatency('graph', graphMs);
      const n = graphMs === 0 ? callouts : Math.min(callouts, 100);
      figures.push({ graphMs, samples: await calloutLatencies(emulator, host.url, n), roundTrips: await graphRoundTrips(emulator, n) });
    }
    return figures;
  } finally {
    await host.stop();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ScenarioFigures extends PolicyFigures {
  /** The round trips its decision cannot do without, at the measured latency, ms. */
  readonly floorMs: number;
}

/** Each policy scenario through the local host on the sample policy, Graph at a set latency. */
export async function policyScenarioLatencies(callouts: number, graphMs: number): Promise<ScenarioFigures[]> {
  const emulator = await TenantEmulator.start();
  const dir = mkdtempSync(join(tmpdir(), 'eg-bench-'));
  writeFileSync(join(dir, 'ca.pem'), emulator.caCertPem);
  const host = await spawnLocalHost({ ...emulator.appEnv(), NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'), POLICY_PATH: SAMPLE_POLICY });
  try {
    for (const [i, scenario] of POLICY_SCENARIOS.entries()) await measureScenario(emulator, host.url, scenario, 5, `aaaaaaa${String(i)}`); // warm
    emulator.faults.setLatency('graph', graphMs);
    const roundTrip = median(await graphRoundTrips(emulator, 30));
    const rows: ScenarioFigures[] = [];
    for (const [i, scenario] of POLICY_SCENARIOS.entries()) {
      const figures = await measureScenario(emulator, host.url, scenario, callouts, `bbbbbbb${String(i)}`);
      rows.push({ ...figures, floorMs: floorRounds(figures) * roundTrip });
    }
    return rows;
  } finally {
    await host.stop();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
