import type { TenantEmulator } from '../../emulator/index.js';
import type { SoakRun } from './soak-run.js';

export interface SoakVerdict {
  readonly distinct: number;
  readonly repeats: number;
  /** Distinct callouts with exactly one resume applied in the emulated tenant. */
  readonly exactlyOnce: number;
  readonly resumedTwice: string[];
  readonly notResumed: string[];
  /** Resumes Graph applied but whose answer the emulator dropped (counted in exactlyOnce). */
  readonly lostAnswers: number;
  readonly distinctNot200: string[];
  readonly repeatsNotAlreadyResumed: string[];
  /** 200 answers whose resume body is not the body Graph received for that request. */
  readonly answersNotGraph: string[];
  readonly answered503: number;
  readonly networkErrors: number;
  readonly relayRetries: number;
  readonly graphCalls: number;
  readonly graphFaults: number;
  readonly holds: boolean;
}

const RESUME_PATH = /\/assignmentRequests\/([^/]+)\/resume$/i;

/**
 * Every distinct callout must end with exactly one resume in the tenant: counted from the
 * emulator's call log (204s, plus resumes applied whose answer was dropped) and checked against
 * the request's own record of resumes. A repeat must be answered already-resumed.
 */
export function verifySoak(emulator: TenantEmulator, run: SoakRun): SoakVerdict {
  const applied = new Map<string, number>();
  let lostAnswers = 0;
  const count = (id: string) => applied.set(id, (applied.get(id) ?? 0) + 1);
  for (const call of emulator.acceptedResumes()) {
    const id = RESUME_PATH.exec(call.path)?.[1];
    if (id !== undefined) count(id.toLowerCase());
  }
  for (const call of emulator.calls({ service: 'graph', method: 'POST' })) {
    const id = RESUME_PATH.exec(call.path)?.[1];
    if (id !== undefined && call.status === 'dropped' && call.fault === 'drop after handling (204)') {
      count(id.toLowerCase());
      lostAnswers++;
    }
  }
  const resumedTwice: string[] = [];
  const notResumed: string[] = [];
  for (const id of run.distinctIds) {
    const fromLog = applied.get(id.toLowerCase()) ?? 0;
    const inTenant = emulator.requests.get(id)?.resumes.length ?? 0;
    if (fromLog > 1 || inTenant > 1) resumedTwice.push(id);
    else if (fromLog === 0 || inTenant === 0) notResumed.push(id);
  }
  const distinct = run.sent.filter((s) => s.kind === 'distinct');
  const repeats = run.sent.filter((s) => s.kind === 'repeat');
  const distinctNot200 = distinct.filter((s) => s.delivery.status !== 200 || !['resumed', 'already-resumed'].includes(s.delivery.outcome ?? '')).map((s) => `${s.requestId} ${String(s.delivery.status)} ${s.delivery.outcome ?? ''}`);
  const repeatsNotAlreadyResumed = repeats.filter((s) => s.delivery.status !== 200 || s.delivery.outcome !== 'already-resumed').map((s) => `${s.requestId} ${String(s.delivery.status)} ${s.delivery.outcome ?? ''}`);
  // Every answer describes what Graph received: its body is the one resume the tenant applied.
  const answersNotGraph = run.sent.filter((s) => {
    if (s.delivery.status !== 200 || s.delivery.resumeBody === undefined) return false;
    const received = emulator.requests.get(s.requestId)?.resumes[0]?.body;
    return JSON.stringify(received) !== JSON.stringify(s.delivery.resumeBody);
  }).map((s) => `${s.requestId} answered a body Graph did not receive`);
  const graph = emulator.calls({ service: 'graph' });
  const sum = (f: (d: SoakRun['sent'][number]['delivery']) => number) => run.sent.reduce((n, s) => n + f(s.delivery), 0);
  const exactlyOnce = run.distinctIds.length - resumedTwice.length - notResumed.length;
  return {
    distinct: distinct.length,
    repeats: repeats.length,
    exactlyOnce,
    resumedTwice,
    notResumed,
    lostAnswers,
    distinctNot200,
    repeatsNotAlreadyResumed,
    answersNotGraph,
    answered503: sum((d) => d.answered503),
    networkErrors: sum((d) => d.networkErrors),
    relayRetries: sum((d) => d.attempts - 1),
    graphCalls: graph.length,
    graphFaults: graph.filter((c) => c.fault !== undefined).length,
    holds: resumedTwice.length === 0 && notResumed.length === 0 && distinctNot200.length === 0 && repeatsNotAlreadyResumed.length === 0 && answersNotGraph.length === 0 && exactlyOnce === run.distinctIds.length,
  };
}
