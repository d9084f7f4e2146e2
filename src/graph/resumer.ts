import { AppError } from '../errors.js';
import type { ResumeRequest } from '../decision/resume-request.js';
import { readCalloutState, stagesForState, type CalloutState } from './callout-state.js';
import { forbidden, graphErrorCode, GraphTransportError, type GraphAnswer, type GraphHttp } from './graph-http.js';
import { attempt, backOff, type AttemptResult, type Deadline, type RetryOptions } from './retry.js';

export type ResumeOutcomeKind = 'resumed' | 'already-resumed' | 'not-waiting';

export interface ResumeOutcome {
  readonly outcome: ResumeOutcomeKind;
  /** Status of the last resume answer (204 on success); undefined when none came back. */
  readonly graphStatus: number | undefined;
  readonly attempts: number;
  /** How a refused or unanswered resume was settled: by reading the request (or task) back. */
  readonly confirmation: CalloutState | undefined;
  readonly note: string;
}

export interface Resumer {
  resume(request: ResumeRequest, deadline: Deadline): Promise<ResumeOutcome>;
}

/**
 * Resumes a request (or LCW task) exactly once, as far as anyone can tell (repeats and concurrent
 * deliveries of one callout are held back before they get here, by the decision memory, so that
 * they report the body Graph received):
 * - whenever Graph refuses the resume, or its answer is lost (5xx, timeout, dropped connection),
 *   the request is read back before anything is concluded: if our callout was already answered
 *   (by an earlier delivery, or by an attempt whose answer was lost) or nothing waits for it any
 *   more, that settles it; if it still waits, a refusal is real (500) and a lost answer is
 *   retried within the budget (then 503, so the relay retries).
 * Throttling (429/408) is waited out without reading.
 */
export function createResumer(http: GraphHttp, options: RetryOptions): Resumer {
  async function run(request: ResumeRequest, deadline: Deadline): Promise<ResumeOutcome> {
    const call = { method: 'POST', version: request.apiVersion, path: request.target.path, body: request.body } as const;
    let ambiguous = false;
    for (let attempts = 1; ; attempts++) {
      const result: AttemptResult = await attempt(http, call, deadline, options);
      const answer: GraphAnswer | undefined = result instanceof GraphTransportError ? undefined : result;
      const status = answer?.status;
      if (status !== undefined && status >= 200 && status < 300) {
        return { outcome: 'resumed', graphStatus: status, attempts, confirmation: undefined, note: 'Graph accepted the resume.' };
      }
      if (answer !== undefined && (status === 401 || status === 403)) throw forbidden(answer, 'resume');
      const lost = (result instanceof GraphTransportError && result.kind !== 'identity') || (status !== undefined && status >= 500);
      ambiguous ||= lost;
      const throttled = status === 429 || status === 408 || (result instanceof GraphTransportError && result.kind === 'identity');
      if (!throttled) {
        const state = await readCalloutState(http, request, deadline, options, !lost);
        if (state.verdict === 'answered') {
          return {
            outcome: ambiguous ? 'resumed' : 'already-resumed',
            graphStatus: status,
            attempts,
            confirmation: state,
            note: ambiguous
              ? 'A resume whose answer was lost had been applied; confirmed by reading the request.'
              : 'This callout had already been answered; confirmed by reading the request.',
          };
        }
        if (state.verdict === 'not-waiting') {
          return { outcome: 'not-waiting', graphStatus: status, attempts, confirmation: state, note: state.reason };
        }
        if (answer !== undefined && !lost) throw refusedWhileWaiting(request, answer, state);
      }
      await backOff(result, attempts, deadline, options);
    }
  }

  return { resume: run };
}

/**
 * Graph refused the resume and the read-back shows the request still waiting for this very
 * callout: the body is what Graph refused. When the request's state says it waits at another
 * stage than the body claims, the callout lied about its stage: a 400 naming both, which the
 * relay does not retry in vain. Otherwise Graph refused a body we made: GRAPH.REJECTED (500).
 */
function refusedWhileWaiting(request: ResumeRequest, answer: GraphAnswer, state: CalloutState): AppError {
  const details = { graphStatus: answer.status, graphCode: graphErrorCode(answer) };
  const waitsAt = request.stage === undefined ? undefined : stagesForState(state.requestState);
  if (request.stage !== undefined && waitsAt !== undefined && !waitsAt.includes(request.stage)) {
    return new AppError(
      'CALLOUT.STAGE_MISMATCH',
      `The callout says stage ${request.stage}, but the request waits at ${waitsAt.join(' or ')} (state ${state.requestState ?? ''}); Graph refused the resume (${answer.status} ${details.graphCode}).`,
      { details: { ...details, calloutStage: request.stage, requestState: state.requestState ?? '', waitingStage: waitsAt.join(' or ') } },
    );
  }
  return new AppError('GRAPH.REJECTED', `Graph refused the resume (${answer.status} ${details.graphCode}) while the request still waits for it.`, { details });
}
