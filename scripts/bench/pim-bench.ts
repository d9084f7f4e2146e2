import { join } from 'node:path';
import type { TenantEmulator } from '../../emulator/index.js';
import { rawReadRound } from './graph-floor.js';
import { rawLedger } from './ledger-floor.js';
import { rig } from './latency-bench.js';
import { spawnLocalHost } from '../common/local-host-process.js';
import { readFixture, SAMPLE_POLICY } from '../demo/scenarios.js';
import { AnswerTally, jsonOf, timedAnswers, type Answer, type BadAnswers, type Progress } from './answers.js';

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
  /** Answers that were not a 200 with an evaluation outcome, if any (their times are left out). */
  readonly bad: BadAnswers | undefined;
}

/** An activation's answer is good when it is 200 and carries PIM's evaluation outcome. */
export const ANSWERED = (answer: Answer): boolean => answer.status === 200 && typeof jsonOf(answer.text)['evaluationOutcome'] === 'string';

/** Sends one fresh activation to `url` (the host's /api/pim); its time and outcome, or undefined after a bad answer (counted in `tally`). */
export async function activateOnce(url: string, token: string, tally: AnswerTally): Promise<{ ms: number; outcome: string } | undefined> {
  const body = freshActivation();
  let last: Answer | undefined;
  const [ms] = await timedAnswers(1, () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body }), (answer) => {
    last = answer;
    return ANSWERED(answer);
  }, tally);
  if (ms === undefined || last === undefined) return undefined;
  const answer = jsonOf(last.text) as { evaluationOutcome?: string; reason?: string[] };
  return { ms, outcome: `${answer.evaluationOutcome ?? '?'}: ${(answer.reason ?? []).join(' ')}` };
}

/**
 * Activation→answer through the local host (its own process, the sample policy, the ledger on
 * Azurite), sequential, Graph at `graphMs` per call; and its floor in the same run.
 */
export async function activationLatencies(n: number, graphMs: number, progress?: Progress): Promise<ActivationFigures> {
  const r = await rig();
  const { emulator } = r;
  const host = await spawnLocalHost({ ...emulator.appEnv(), NODE_EXTRA_CA_CERTS: join(r.dir, 'ca.pem'), POLICY_PATH: SAMPLE_POLICY, DECISION_LEDGER_URL: r.table, PIM_CALLER_APP_IDS: PIM_APP });
  const token = await emulator.mintCallerToken({ appId: PIM_APP });
  const url = `${host.url}/api/pim`;
  const tally = new AnswerTally();
  try {
    for (let i = 0; i < 20; i++) await activateOnce(url, token, tally); // warm: keys, token, JIT
    emulator.clearCalls();
    await activateOnce(url, token, tally);
    const targets = emulator.calls({ service: 'graph', method: 'GET' }).map((c) => c.target);
    emulator.faults.setLatency('graph', graphMs);
    const samples: number[] = [];
    let outcome = '';
    const tick = progress?.start(`PIM activation→answer, Graph ${String(graphMs)} ms`, n, 'activations');
    for (let i = 0; i < n; i++) {
      const one = await activateOnce(url, token, tally);
      tick?.();
      if (one === undefined) continue;
      samples.push(one.ms);
      outcome = one.outcome;
    }
    const floor = await floorOf(emulator, r.table, targets, Math.min(n, 50));
    return { graphMs, samples, floor, reads: targets.length, outcome, bad: tally.result() };
  } finally {
    await host.stop();
    await r.close();
  }
}
