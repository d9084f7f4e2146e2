import type * as V1 from '@microsoft/microsoft-graph-types';
import type * as Beta from '@microsoft/microsoft-graph-types-beta';
import { asciiLower } from '../ascii.js';
import { AppError } from '../errors.js';
import type { ResumeRequest } from '../decision/resume-request.js';
import { parseGuid } from '../guid.js';
import type { ElmStage } from '../stages.js';
import { forbidden, type GraphHttp } from './graph-http.js';
import type { Unchecked } from './graph-types.js';
import { sendWithRetry, type Deadline, type RetryOptions } from './retry.js';

/** What reading a request (or LCW task result) back says about our callout. */
export interface CalloutState {
  /** answered: our callout got its callback; not-waiting: nothing waits for it; waiting: it still does. */
  readonly verdict: 'answered' | 'waiting' | 'not-waiting';
  readonly reason: string;
  readonly requestState: string | undefined;
  readonly requestStatus: string | undefined;
  readonly calloutStatus: string | undefined;
  /** What Graph stored as our instance's detail, when it lists one: the text the answer that settled it carried. */
  readonly calloutDetail?: string;
}

/**
 * An accessPackageAssignmentRequest read back, by Graph's names, nothing checked yet: v1.0 names
 * its state and status `state` and `status`, beta `requestState` and `requestStatus`; both list
 * `customExtensionCalloutInstances`.
 */
type RequestReadBack = Unchecked<V1.AccessPackageAssignmentRequest, 'id' | 'state' | 'status' | 'customExtensionCalloutInstances'> &
  Unchecked<Beta.AccessPackageAssignmentRequest, 'requestState' | 'requestStatus' | 'customExtensionCalloutInstances'>;
/** A customExtensionCalloutInstance (the same in v1.0 and beta), nothing checked yet. */
type InstanceReadBack = Unchecked<V1.CustomExtensionCalloutInstance, 'id' | 'status' | 'detail'>;
/** A Lifecycle Workflows taskProcessingResult, nothing checked yet. */
type TaskResultReadBack = Unchecked<V1.IdentityGovernanceNamespace.TaskProcessingResult, 'processingStatus'>;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 200 ? value : undefined;
}

/** Any object (an array too), for a read-back type to name its fields; anything else is undefined. */
function fieldsOf(value: unknown): object | undefined {
  return typeof value === 'object' && value !== null ? value : undefined;
}

function invalidAnswer(what: string): AppError {
  return new AppError('GRAPH.INVALID_RESPONSE', `Graph's answer for ${what} is not the resource expected.`, {
    retryable: true,
    retryAfterSeconds: 10,
  });
}

/** An instance status as Graph's enum spells it (the same in v1.0 and beta), folded as we compare it. */
type InstanceStatus = Lowercase<V1.CustomExtensionCalloutInstanceStatus>;
const ANSWERED: ReadonlySet<string> = new Set<InstanceStatus>(['callbackreceived']);
const STILL_OURS: ReadonlySet<string> = new Set<InstanceStatus>(['calloutsent', 'waitingforcallback']);
/**
 * Our callout instance is over without an answer of ours: Entra gave up on it. calloutTimedOut is
 * in neither version's enum nor on the resource's page (callbackTimedOut is).
 */
const INSTANCE_OVER: ReadonlySet<string> = new Set<InstanceStatus | 'callouttimedout'>(['callouttimedout', 'callbacktimedout', 'calloutfailed']);
/**
 * Request statuses that positively say the request waits for no callback: the status texts Graph
 * shows beside each `accessPackageRequestState` (submitted → Accepted, pendingApproval →
 * PendingApproval, …) and the states themselves. Any other status is not understood, and a read
 * that is not understood never concludes anything (503: the relay asks again).
 */
const NOT_WAITING_STATUSES = new Set([
  'accepted', 'submitted', 'pendingapproval', 'pendingapprovalnotification', 'delivering', 'delivered', 'deliveryfailed', 'denied',
  'scheduled', 'canceled', 'cancelled', 'partiallydelivered', 'fulfilled', 'expired', 'timedout',
]);

/** Request states (and their status texts) after which nothing will ever wait for a callback. */
const FINISHED = new Set(['denied', 'canceled', 'cancelled', 'delivered', 'deliveryfailed', 'partiallydelivered', 'expired', 'fulfilled']);

/**
 * The stages a request can be waiting at in each state (`accessPackageRequestState`): before
 * approval it is submitted; during and after approval pendingApproval, then delivering; once
 * granted (or removed) delivered. A state not listed says nothing about the stage.
 */
const STAGES_FOR_STATE: Readonly<Record<string, readonly ElmStage[]>> = {
  submitted: ['assignmentRequestCreated', 'assignmentRequestDeterminingApprovalRequirements'],
  pendingapproval: ['assignmentRequestApproved'],
  delivering: ['assignmentRequestApproved', 'assignmentRequestGranted', 'assignmentRequestRemoved'],
  delivered: ['assignmentRequestGranted', 'assignmentRequestRemoved'],
  partiallydelivered: ['assignmentRequestGranted', 'assignmentRequestRemoved'],
} satisfies Partial<Record<Lowercase<V1.AccessPackageRequestState>, readonly ElmStage[]>>;

/** Which stages a request in `state` can be waiting at; undefined when the state does not tell. */
export function stagesForState(state: string | undefined): readonly ElmStage[] | undefined {
  // Own keys only: a state of `constructor` or `__proto__` from a hostile answer is unknown, not Object's own.
  const key = state === undefined ? undefined : asciiLower(state);
  return key !== undefined && Object.hasOwn(STAGES_FOR_STATE, key) ? STAGES_FOR_STATE[key] : undefined;
}

/**
 * An assignment request, v1.0 (`state`/`status`) or beta (`requestState`/`requestStatus`), with
 * its `customExtensionCalloutInstances`. Only what the answer positively shows concludes:
 * - answered: our callout instance says callbackReceived;
 * - waiting: the request is WaitingForCallback and our instance is open (or not listed);
 * - not-waiting: our instance is over (timed out, failed), another instance is the one open, or the
 *   request's status is one Graph shows when nothing waits for a callback.
 * An answer that is not the request asked for (another id, an error object, no status, a status
 * not understood) throws GRAPH.INVALID_RESPONSE: 503, and nothing is concluded or remembered.
 */
export function classifyRequest(json: unknown, stageInstanceId: string, requestId?: string): CalloutState {
  const request: RequestReadBack | undefined = Array.isArray(json) ? undefined : fieldsOf(json);
  if (request === undefined) throw invalidAnswer('the assignment request');
  const id = parseGuid(request.id);
  if (id === undefined || (requestId !== undefined && id !== parseGuid(requestId))) throw invalidAnswer('the assignment request (not the request read)');
  const requestState = text(request.state) ?? text(request.requestState);
  const requestStatus = text(request.status) ?? text(request.requestStatus);
  if (requestStatus === undefined) throw invalidAnswer('the assignment request (no status)');
  const listed = request.customExtensionCalloutInstances;
  const instances: readonly (InstanceReadBack | undefined)[] = Array.isArray(listed) ? listed.map(fieldsOf) : [];
  const ours = instances.find((i): i is InstanceReadBack => i !== undefined && asciiLower(text(i.id) ?? '') === asciiLower(stageInstanceId));
  const calloutStatus = text(ours?.status);
  const detail = typeof ours?.detail === 'string' ? ours.detail.slice(0, 1000) : undefined;
  const base = { requestState, requestStatus, calloutStatus, ...(detail === undefined ? {} : { calloutDetail: detail }) };
  const instance = calloutStatus === undefined ? undefined : asciiLower(calloutStatus);
  if (instance !== undefined && ANSWERED.has(instance)) {
    return { ...base, verdict: 'answered', reason: 'The callout instance has received its callback.' };
  }
  if (instance !== undefined && INSTANCE_OVER.has(instance)) {
    return { ...base, verdict: 'not-waiting', reason: `This callout instance is ${calloutStatus ?? ''}; the request waits for it no more.` };
  }
  if (instance !== undefined && !STILL_OURS.has(instance)) throw invalidAnswer(`the assignment request (callout instance status ${calloutStatus ?? ''})`);
  const status = asciiLower(requestStatus);
  if (status === 'waitingforcallback') {
    const open = instances.some((i) => i !== undefined && i !== ours && STILL_OURS.has(asciiLower(text(i.status) ?? '')));
    if (ours === undefined && open) {
      return { ...base, verdict: 'not-waiting', reason: 'The request waits for another callout instance, not this one.' };
    }
    return { ...base, verdict: 'waiting', reason: 'The request still waits for this callout.' };
  }
  // Our instance still open beside a status that says nothing waits: only a request that is over
  // (denied, canceled, delivered…) settles that; otherwise the answer contradicts itself.
  const over = FINISHED.has(status) || (requestState !== undefined && FINISHED.has(asciiLower(requestState)));
  if (instance !== undefined && !over) throw invalidAnswer(`the assignment request (status ${requestStatus}, yet this callout instance is ${calloutStatus ?? ''})`);
  if (!NOT_WAITING_STATUSES.has(status)) throw invalidAnswer(`the assignment request (status ${requestStatus} is not one entitlement-guard knows)`);
  return { ...base, verdict: 'not-waiting', reason: `The request is no longer waiting for a callback (status ${requestStatus}).` };
}

/** A task's processingStatus as Graph's enum spells it, folded as we compare it; cancelled is not Graph's spelling. */
type TaskStatus = Lowercase<V1.IdentityGovernanceNamespace.LifecycleWorkflowProcessingStatus>;
const LCW_DONE: ReadonlySet<string> = new Set<TaskStatus>(['completed', 'completedwitherrors', 'failed']);
const LCW_OPEN: ReadonlySet<string> = new Set<TaskStatus>(['queued', 'inprogress']);
const LCW_OVER: ReadonlySet<string> = new Set<TaskStatus | 'cancelled'>(['canceled', 'cancelled']);

/** A Lifecycle Workflows taskProcessingResult: open while queued or inProgress; a status not understood concludes nothing. */
export function classifyTaskResult(json: unknown): CalloutState {
  const result: TaskResultReadBack | undefined = Array.isArray(json) ? undefined : fieldsOf(json);
  if (result === undefined) throw invalidAnswer('the task processing result');
  const status = text(result.processingStatus);
  const base = { requestState: undefined, requestStatus: status, calloutStatus: undefined };
  const lower = asciiLower(status ?? '');
  if (LCW_DONE.has(lower)) return { ...base, verdict: 'answered', reason: `The task processing result is already ${status ?? ''}.` };
  if (LCW_OPEN.has(lower)) return { ...base, verdict: 'waiting', reason: 'The task still waits for this callout.' };
  if (LCW_OVER.has(lower)) return { ...base, verdict: 'not-waiting', reason: `The task processing result is ${status ?? ''}.` };
  throw invalidAnswer(`the task processing result (status ${status ?? 'missing'})`);
}

function hasInstanceList(json: unknown): boolean {
  const request: RequestReadBack | undefined = fieldsOf(json);
  return Array.isArray(request?.customExtensionCalloutInstances);
}

const UNKNOWN = { requestState: undefined, requestStatus: undefined, calloutStatus: undefined };

/**
 * Reads the request (or task result) behind a refused or lost resume, within the same budget.
 * - Entitlement management: v1.0 first; sources disagree whether v1.0 lists the callout
 *   instances, so when it does not and the request waits, beta (which does) settles whose
 *   callout it waits for. A request that is gone no longer waits.
 * - Lifecycle Workflows: a task result that cannot be read back (Graph documents the single GET
 *   only in its metadata) has a lost resume retried; after a refusal it proves nothing: 503.
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
    // A lost answer is tried again; after a refusal, a task result that cannot be read back proves nothing (503).
    if (answer.status >= 400 && answer.status < 500 && !refused) {
      return { ...UNKNOWN, verdict: 'waiting', reason: `The task result cannot be read back (HTTP ${answer.status}); the resume is tried again.` };
    }
    throw invalidAnswer(`reading the task result (HTTP ${answer.status})`);
  }
  // A 404 may be replication, not deletion: it proves nothing, so it is not "not waiting".
  if (answer.status !== 200) throw invalidAnswer(`reading the request (HTTP ${answer.status})`);
  const stageInstanceId = request.stageInstanceId ?? '';
  const requestId = request.target.confirmPath.split('/').pop();
  const state = classifyRequest(answer.json, stageInstanceId, requestId);
  if (state.verdict !== 'waiting' || hasInstanceList(answer.json)) return state;
  const beta = await read('beta');
  return beta.status === 200 ? classifyRequest(beta.json, stageInstanceId, requestId) : state;
}
