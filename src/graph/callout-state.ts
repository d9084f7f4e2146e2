import { AppError } from '../errors.js';
import type { ResumeRequest } from '../decision/resume-request.js';
import { forbidden, type GraphHttp } from './graph-http.js';
import { sendWithRetry, type Deadline, type RetryOptions } from './retry.js';

/** What reading a request (or LCW task result) back says about our callout. */
export interface CalloutState {
  /** answered: our callout got its callback; not-waiting: nothing waits for it; waiting: it still does. */
  readonly verdict: 'answered' | 'waiting' | 'not-waiting';
  readonly reason: string;
  readonly requestState: string | undefined;
  readonly requestStatus: string | undefined;
  readonly calloutStatus: string | undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 200 ? value : undefined;
}

function invalidAnswer(what: string): AppError {
  return new AppError('GRAPH.INVALID_RESPONSE', `Graph's answer for ${what} is not the resource expected.`, {
    retryable: true,
    retryAfterSeconds: 10,
  });
}

const ANSWERED = new Set(['callbackreceived']);
const STILL_OURS = new Set(['calloutsent', 'waitingforcallback']);

/**
 * An assignment request, v1.0 (`state`/`status`) or beta (`requestState`/`requestStatus`), with
 * its `customExtensionCalloutInstances`. The callout is answered if its instance says
 * callbackReceived; it still waits only while the request is WaitingForCallback and the instance
 * is ours and open.
 */
export function classifyRequest(json: unknown, stageInstanceId: string): CalloutState {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalidAnswer('the assignment request');
  const request = json as Record<string, unknown>;
  const requestState = text(request['state']) ?? text(request['requestState']);
  const requestStatus = text(request['status']) ?? text(request['requestStatus']);
  const instances = Array.isArray(request['customExtensionCalloutInstances']) ? (request['customExtensionCalloutInstances'] as unknown[]) : [];
  const ours = instances.find(
    (i): i is Record<string, unknown> => typeof i === 'object' && i !== null && text((i as Record<string, unknown>)['id'])?.toLowerCase() === stageInstanceId.toLowerCase(),
  );
  const calloutStatus = text(ours?.['status']);
  const base = { requestState, requestStatus, calloutStatus };
  if (calloutStatus !== undefined && ANSWERED.has(calloutStatus.toLowerCase())) {
    return { ...base, verdict: 'answered', reason: 'The callout instance has received its callback.' };
  }
  const waiting = requestStatus?.toLowerCase() === 'waitingforcallback';
  if (!waiting) {
    return { ...base, verdict: 'not-waiting', reason: `The request is no longer waiting for a callback (status ${requestStatus ?? 'unknown'}).` };
  }
  if (calloutStatus !== undefined && !STILL_OURS.has(calloutStatus.toLowerCase())) {
    return { ...base, verdict: 'not-waiting', reason: `This callout instance is ${calloutStatus}; the request waits for another one.` };
  }
  return { ...base, verdict: 'waiting', reason: 'The request still waits for this callout.' };
}

const LCW_DONE = new Set(['completed', 'completedwitherrors', 'failed']);
const LCW_OPEN = new Set(['queued', 'inprogress']);

/** A Lifecycle Workflows taskProcessingResult: open while queued or inProgress. */
export function classifyTaskResult(json: unknown): CalloutState {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalidAnswer('the task processing result');
  const status = text((json as Record<string, unknown>)['processingStatus']);
  const base = { requestState: undefined, requestStatus: status, calloutStatus: undefined };
  const lower = status?.toLowerCase() ?? '';
  if (LCW_DONE.has(lower)) return { ...base, verdict: 'answered', reason: `The task processing result is already ${status ?? ''}.` };
  if (LCW_OPEN.has(lower)) return { ...base, verdict: 'waiting', reason: 'The task still waits for this callout.' };
  return { ...base, verdict: 'not-waiting', reason: `The task processing result is ${status ?? 'in an unknown state'}.` };
}

function hasInstanceList(json: unknown): boolean {
  return typeof json === 'object' && json !== null && Array.isArray((json as Record<string, unknown>)['customExtensionCalloutInstances']);
}

const UNKNOWN = { requestState: undefined, requestStatus: undefined, calloutStatus: undefined };

/**
 * Reads the request (or task result) behind a refused or lost resume, within the same budget.
 * - Entitlement management: v1.0 first; sources disagree whether v1.0 lists the callout
 *   instances, so when it does not and the request waits, beta (which does) settles whose
 *   callout it waits for. A request that is gone no longer waits.
 * - Lifecycle Workflows: a task result that cannot be read back (Graph documents the single GET
 *   only in its metadata) settles a refused resume as not waiting, and has a lost one retried.
 */
export async function readCalloutState(
  http: GraphHttp,
  request: ResumeRequest,
  deadline: Deadline,
  options: RetryOptions,
  refused: boolean,
): Promise<CalloutState> {
  const read = async (version: 'v1.0' | 'beta') => {
    const answer = await sendWithRetry(http, { method: 'GET', version, path: request.target.confirmPath }, deadline, options);
    if (answer.status === 401 || answer.status === 403) throw forbidden(answer, 'read the request back');
    return answer;
  };
  const answer = await read('v1.0');
  if (request.protocol === 'lcw') {
    if (answer.status === 200) return classifyTaskResult(answer.json);
    if (answer.status >= 400 && answer.status < 500) {
      return refused
        ? { ...UNKNOWN, verdict: 'not-waiting', reason: `Graph refused the resume and the task result cannot be read back (HTTP ${answer.status}).` }
        : { ...UNKNOWN, verdict: 'waiting', reason: `The task result cannot be read back (HTTP ${answer.status}); the resume is tried again.` };
    }
    throw invalidAnswer(`reading the task result (HTTP ${answer.status})`);
  }
  if (answer.status === 404) return { ...UNKNOWN, verdict: 'not-waiting', reason: 'The request no longer exists.' };
  if (answer.status !== 200) throw invalidAnswer(`reading the request (HTTP ${answer.status})`);
  const stageInstanceId = request.stageInstanceId ?? '';
  const state = classifyRequest(answer.json, stageInstanceId);
  if (state.verdict !== 'waiting' || hasInstanceList(answer.json)) return state;
  const beta = await read('beta');
  return beta.status === 200 ? classifyRequest(beta.json, stageInstanceId) : state;
}
