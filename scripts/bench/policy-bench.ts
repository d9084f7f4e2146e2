import type { RecordedCall, TenantEmulator } from '../../emulator/index.js';
import { readFixture } from '../demo/scenarios.js';
import { AnswerTally, RESUMED, timedAnswers, type BadAnswers } from './answers.js';

/** Demo callouts that exercise the checks and the approver strategy of the sample policy. */
export const POLICY_SCENARIOS = [
  { name: 'clean request (created)', fixture: 'elm-request-created.wire.json' },
  { name: 'risky user (created, denied)', fixture: 'elm-request-created.risky-user.wire.json' },
  { name: 'SoD conflict (created, denied)', fixture: 'elm-request-created.sod-conflict.wire.json' },
  { name: 'missing ticket (approved, flagged)', fixture: 'elm-request-approved.wire.json' },
  { name: 'manager chain (approval stage)', fixture: 'elm-approval-requirements.wire.json' },
  { name: 'no check in scope (granted)', fixture: 'elm-request-granted.legacy-path.wire.json' },
] as const;

export interface PolicyFigures {
  readonly name: string;
  readonly reads: number;
  readonly resumes: number;
  /** Sequential waves of Graph calls: a call that starts after every call before it ended opens one. */
  readonly rounds: number;
  readonly samples: number[];
  /** Answers that were not a 200 that resumed, if any (their times are left out). */
  readonly bad: BadAnswers | undefined;
}

/** Waves of Graph calls: calls that overlap in time are one round trip. */
export function roundsOf(calls: readonly RecordedCall[]): number {
  const sorted = [...calls].sort((a, b) => a.startedAt - b.startedAt);
  let rounds = 0;
  let roundEnd = -Infinity;
  for (const call of sorted) {
    if (call.startedAt >= roundEnd) {
      rounds++;
      roundEnd = call.at;
    } else {
      roundEnd = Math.max(roundEnd, call.at);
    }
  }
  return rounds;
}

/**
 * Replays one scenario n times, each as a new callout (a fresh stage instance) on the same seeded
 * request, so its facts (justification, schedule) are those of the sample tenant. A bad answer
 * is counted (in `tally` when given) and the replay goes on; the Graph calls are those of the
 * last good answer.
 */
export async function measureScenario(
  emulator: TenantEmulator, url: string, scenario: (typeof POLICY_SCENARIOS)[number], n: number, tag: string,
  tally = new AnswerTally(), tick: () => void = () => undefined,
): Promise<PolicyFigures> {
  const base = readFixture(scenario.fixture);
  const token = await emulator.mintCallerToken();
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const samples: number[] = [];
  let reads = 0;
  let resumes = 0;
  let rounds = 0;
  for (let i = 0; i < n; i++) {
    const body = { ...base, CustomExtensionStageInstanceId: `${tag}-2222-4000-8000-${i.toString(16).padStart(12, '0')}` };
    emulator.awaitCallout(body);
    emulator.clearCalls();
    const [sample] = await timedAnswers(1, () => fetch(`${url}/api/callout`, { method: 'POST', headers, body: JSON.stringify(body) }), RESUMED, tally);
    tick();
    if (sample === undefined) continue;
    samples.push(sample);
    const graph = emulator.calls({ service: 'graph' });
    reads = graph.filter((c) => c.method === 'GET').length;
    resumes = graph.filter((c) => c.method === 'POST').length;
    rounds = roundsOf(graph);
  }
  return { name: scenario.name, reads, resumes, rounds, samples, bad: tally.result() };
}
