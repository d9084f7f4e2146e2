import { join } from 'node:path';
import type { TenantEmulator } from '../../emulator/index.js';
import { rawReadRound } from './graph-floor.js';
import { rawLedger } from './ledger-floor.js';
import { rig } from './latency-bench.js';
import { spawnLocalHost } from './local-host-process.js';
import { readFixture, SAMPLE_POLICY } from './scenarios.js';

/** PIM's app id as the bench's host accepts it (PIM_CALLER_APP_IDS) and its tokens carry. */
const PIM_APP = 'c1d2e3f4-0000-4000-8000-0000000000be';
/** Avery: no conflict, no risk; a Tuesday at 10:00 UTC, inside the sample policy's Amsterdam window: the activation is Approved after every check ran. */
const PRINCIPAL = 'a7529cd7-a86d-4455-8c43-00e7495481b0';
const START = '2031-01-07T10:00:00Z';

const role = readFixture('pim/entra-role-activation.json');
let sequence = 0;

/** A fresh Entra role activation (its own request id) that the sample policy's privileged-activations scope evaluates in full. */
function freshActivation(): string {
  sequence++;
  const id = `9a0b1c2d-${(sequence % 65536).toString(16).padStart(4, '0')}-4e5f-8a6b-${String(Date.now() % 1e12).padStart(12, '0')}`;
  return JSON.stringify({
    ...role,
    id,
    principalId: PRINCIPAL,
    justification: 'Month-end close, change CHG0012401.',
    scheduleInfo: { startDateTime: START, expiration: { type: 'afterDuration', duration: 'PT4H' } },
    ticketInfo: { ticketNumber: 'CHG0012401', ticketSystem: 'ServiceNow' },
  });
}

/** The floor, sample by sample: the activation's reads in one raw round, then one raw ledger insert. */
async function floorOf(emulator: TenantEmulator, tableUrl: string, targets: readonly string[], n: number): Promise<number[]> {
  const [reads, ledger] = await Promise.all([rawReadRound(emulator, targets), rawLedger(emulator, tableUrl)]);
  const samples: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      await reads.round();
      await ledger.insert();
      samples.push(performance.now() - started);
    }
  } finally {
    reads.close();
    ledger.close();
  }
  return samples;
}

export interface ActivationFigures {
  readonly graphMs: number;
  readonly samples: number[];
  /** One round of the same reads at once, then the ledger insert, raw: what an activation's answer cannot do without. */
  readonly floor: number[];
  /** How many reads the round made. */
  readonly reads: number;
  /** The last answer, in brief: the bench measures what it says it does (Approved after every check). */
  readonly outcome: string;
}

/**
 * Activation→answer through the local host (its own process, the sample policy, the ledger on
 * Azurite), sequential, Graph at `graphMs` per call; and its floor in the same run.
 */
export async function activationLatencies(n: number, graphMs: number): Promise<ActivationFigures> {
  const r = await rig();
  const { emulator } = r;
  const host = await spawnLocalHost({ ...emulator.appEnv(), NODE_EXTRA_CA_CERTS: join(r.dir, 'ca.pem'), POLICY_PATH: SAMPLE_POLICY, DECISION_LEDGER_URL: r.table, PIM_CALLER_APP_IDS: PIM_APP });
  const token = await emulator.mintCallerToken({ appId: PIM_APP });
  const activate = async (): Promise<{ ms: number; outcome: string }> => {
    const body = freshActivation();
    const started = performance.now();
    const response = await fetch(`${host.url}/api/pim`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
    const answer = (await response.json()) as { evaluationOutcome?: string; reason?: string[] };
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(`the activation answered ${String(response.status)}: ${JSON.stringify(answer).slice(0, 300)}`);
    return { ms, outcome: `${answer.evaluationOutcome ?? '?'}: ${(answer.reason ?? []).join(' ')}` };
  };
  try {
    for (let i = 0; i < 20; i++) await activate(); // warm: keys, token, JIT
    emulator.clearCalls();
    await activate();
    const targets = emulator.calls({ service: 'graph', method: 'GET' }).map((c) => c.target);
    emulator.faults.setLatency('graph', graphMs);
    const samples: number[] = [];
    let outcome = '';
    for (let i = 0; i < n; i++) {
      const one = await activate();
      samples.push(one.ms);
      outcome = one.outcome;
    }
    return { graphMs, samples, floor: await floorOf(emulator, r.table, targets, Math.min(n, 50)), reads: targets.length, outcome };
  } finally {
    await host.stop();
    await r.close();
  }
}

