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

/** Reads the request (or task result) behind a refused resume, with the same retry budget. */
export async function readCalloutState(http: GraphHttp, request: ResumeRequest, deadline: Deadline, options: RetryOptions): Promise<CalloutState> {
  const answer = await sendWithRetry(http, { method: 'GET', version: 'v1.0', path: request.target.confirmPath }, deadline, options);
  if (answer.status === 404) {
    return { verdict: 'not-waiting', reason: 'The request no longer exists.', requestState: undefined, requestStatus: undefined, calloutStatus: undefined };
  }
  if (answer.status === 401 || answer.status === 403) {
    throw forbidden(answer, 'read the request back');
  }
  if (answer.status !== 200) throw invalidAnswer(`reading ${request.protocol === 'lcw' ? 'the task' : 'the request'} (HTTP ${answer.status})`);
  return request.protocol === 'lcw' ? classifyTaskResult(answer.json) : classifyRequest(answer.json, request.stageInstanceId ?? '');
}
