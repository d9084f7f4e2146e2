import { AppError } from '../errors.js';
import type { ResumeRequest } from '../decision/resume-request.js';
import { forbidden, graphErrorCode, type GraphHttp } from './graph-http.js';
import { sendWithRetry, type Deadline, type RetryOptions } from './retry.js';
import { readCalloutState, type CalloutState } from './callout-state.js';

export type ResumeOutcomeKind = 'resumed' | 'already-resumed' | 'not-waiting';

export interface ResumeOutcome {
  readonly outcome: ResumeOutcomeKind;
  /** Status of the last resume answer (204 on success); undefined when no call was needed. */
  readonly graphStatus: number | undefined;
  readonly attempts: number;
  /** How a refused resume was settled: by reading the request (or task) back. */
  readonly confirmation: CalloutState | undefined;
  readonly note: string;
}

export interface Resumer {
  resume(request: ResumeRequest, deadline: Deadline): Promise<ResumeOutcome>;
}

/** How many settled callouts are remembered to answer repeats without calling Graph. */
const REMEMBERED = 10_000;


/**
 * Resumes a request (or LCW task) exactly once, as far as it can tell:
 * - a repeat of a callout this instance already settled is answered from memory;
 * - concurrent deliveries of one callout share one resume;
 * - a resume Graph refuses is settled by reading the request back: if our callout was already
 *   answered (by an earlier delivery, or by an earlier attempt whose answer was lost) or the
 *   request no longer waits for it, the outcome says so; if it still waits, the refusal is real.
 */
export function createResumer(http: GraphHttp, options: RetryOptions): Resumer {
  const settled = new Map<string, ResumeOutcome>();
  const inflight = new Map<string, Promise<ResumeOutcome>>();

  function remember(key: string, outcome: ResumeOutcome): void {
    settled.set(key, outcome);
    if (settled.size > REMEMBERED) settled.delete(settled.keys().next().value as string);
  }

  async function run(request: ResumeRequest, deadline: Deadline): Promise<ResumeOutcome> {
    const { answer, attempts, ambiguous } = await sendWithRetry(
      http,
      { method: 'POST', version: request.apiVersion, path: request.target.path, body: request.body },
      deadline,
      options,
    );
    if (answer.status >= 200 && answer.status < 300) {
      return { outcome: 'resumed', graphStatus: answer.status, attempts, confirmation: undefined, note: 'Graph accepted the resume.' };
    }
    if (answer.status === 401 || answer.status === 403) throw forbidden(answer, 'resume');
    const state = await readCalloutState(http, request, deadline, options);
    switch (state.verdict) {
      case 'answered':
        return {
          outcome: ambiguous ? 'resumed' : 'already-resumed',
          graphStatus: answer.status,
          attempts,
          confirmation: state,
          note: ambiguous
            ? 'An earlier attempt was applied although its answer was lost; confirmed by reading the request.'
            : 'This callout had already been answered; confirmed by reading the request.',
        };
      case 'not-waiting':
        return { outcome: 'not-waiting', graphStatus: answer.status, attempts, confirmation: state, note: state.reason };
      case 'waiting':
        throw new AppError('GRAPH.REJECTED', `Graph refused the resume (${answer.status} ${graphErrorCode(answer)}) while the request still waits for it.`, {
          details: { graphStatus: answer.status, graphCode: graphErrorCode(answer) },
        });
    }
  }

  return {
    async resume(request, deadline) {
      const known = settled.get(request.key);
      if (known !== undefined) {
        return { ...known, outcome: 'already-resumed', attempts: 0, note: 'A repeat of a callout this instance already settled.' };
      }
      const running = inflight.get(request.key);
      if (running !== undefined) {
        const first = await running;
        return { ...first, outcome: 'already-resumed', attempts: 0, note: 'A concurrent repeat of a callout being resumed.' };
      }
      const promise = run(request, deadline);
      inflight.set(request.key, promise);
      try {
        const outcome = await promise;
        remember(request.key, outcome);
        return outcome;
      } finally {
        inflight.delete(request.key);
      }
    },
  };
}
