import { exactDurationMs } from './custom-extension-rules.js';
import { resumeRefusal } from '../graph/graph-actions.js';
import { graphError, isObject, type GraphReply } from '../graph/graph-errors.js';
import { graphVersion } from '../graph/graph-types.js';
import {
  OPEN_CALLOUT, type AwaitCallbackInput, type CalloutInstance, type CalloutStatus, type CalloutWindows, type EmulatedRequest, type RequestFilter, type RequestSeed,
  type WaitingSeed,
} from './request-model.js';
import { advance, APPROVAL_STAGE, approvalProblem, BEFORE_DELIVERY, callbackProblem, STAGES_AT_STATE, STATE_AT_STAGE, STATUS_OF, statusOf } from './request-stage-rules.js';

export {
  OPEN_CALLOUT, type AwaitCallbackInput, type CalloutInstance, type CalloutStatus, type CalloutWindows, type EmulatedRequest, type RequestFilter, type RequestSeed,
  type WaitingSeed,
} from './request-model.js';

/** The window of a callout whose extension the tenant does not know, or whose window is not an exact duration. */
export const DEFAULT_CALLBACK_WINDOW = 'PT1H';
const DEFAULT_WINDOW_MS = 3_600_000;

/** Properties of an accessPackageAssignmentRequest $select may name, per version (beta's type says completedDate). */
const COMMON_PROPERTIES = ['id', 'requestType', 'justification', 'createdDateTime', 'schedule', 'answers', 'customExtensionCalloutInstances'];
export const REQUEST_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'v1.0': [...COMMON_PROPERTIES, 'completedDateTime', 'state', 'status'],
  beta: [...COMMON_PROPERTIES, 'completedDate', 'requestState', 'requestStatus'],
};

function requestFrom(seed: RequestSeed, now: number): EmulatedRequest {
  const state = seed.state ?? 'submitted';
  return {
    id: seed.id.toLowerCase(),
    requestType: seed.requestType,
    state,
    status: STATUS_OF[state],
    justification: seed.justification ?? undefined,
    schedule: seed.schedule,
    createdDateTime: seed.createdDateTime ?? new Date(now).toISOString(),
    accessPackageId: seed.accessPackage?.toLowerCase() ?? undefined,
    requestorId: seed.requestor?.toLowerCase() ?? undefined,
    targetId: seed.target?.toLowerCase() ?? undefined,
    assignmentId: seed.assignment?.toLowerCase() ?? undefined,
    assignmentPolicyId: seed.assignmentPolicy?.toLowerCase() ?? undefined,
    answers: seed.answers ?? [],
    instances: [],
    resumes: [],
  };
}

/**
 * Entitlement management's assignment requests with the custom extension state machine: a
 * request waits for one callout instance at a time, and `resume` succeeds (204) only while it is
 * WaitingForCallback for that instance, with a body of the stage's shape.
 */
export class AssignmentRequests {
  private readonly requests = new Map<string, EmulatedRequest>();
  /** The requests with an open callout instance: what expireCallouts looks at (a soak's thousands of answered requests cost nothing). */
  private readonly waiting = new Set<EmulatedRequest>();
  /** Whether `assignmentRequestApproved` accepts a deny (sources disagree; default no). */
  denyAtApprovedStage = false;
  /** Whether v1.0 lists `customExtensionCalloutInstances` (sources disagree; beta always does). */
  v1ListsCalloutInstances = true;
  /**
   * The emulator's clock for requests (epoch ms): when callouts are sent and when their callback
   * windows end. Tests may set it to move time on (the Graph reads time callouts out against it).
   */
  clock: () => number = () => Date.now();

  /**
   * Requests the tenant knows before any callout (the tenant file's): readable at once, and when a
   * callout for one arrives it keeps the seed's requestType, justification and schedule. A seed
   * replaces a request of the same id, callouts and resumes included.
   */
  seed(requests: readonly RequestSeed[]): void {
    for (const seed of requests) this.replace(requestFrom(seed, this.clock()));
  }

  private replace(request: EmulatedRequest): void {
    const before = this.requests.get(request.id);
    if (before !== undefined) this.waiting.delete(before);
    this.requests.set(request.id, request);
  }

  /**
   * A request that already waits on a custom extension, as Entra holds one whose callout went out
   * (for tests and the demo): the request seeded (replacing one of the same id), its state moved
   * to one the stage fits, WaitingForCallback, with one open callout instance sent at
   * `callout.sentDateTime`, else when the request was created. Whether it has timed out is
   * decided when it is read (see expireCallouts).
   */
  seedWaiting(seed: WaitingSeed): EmulatedRequest {
    const now = this.clock();
    const createdDateTime = seed.createdDateTime ?? new Date(now - (seed.ageMs ?? 0)).toISOString();
    const request = requestFrom({
      ...seed,
      requestType: seed.requestType ?? 'userAdd',
      justification: seed.justification ?? null,
      schedule: seed.schedule ?? { startDateTime: createdDateTime, expiration: { endDateTime: null, duration: null, type: 'notSpecified' } },
      createdDateTime,
    }, now);
    this.replace(request);
    const sentAt = Date.parse(seed.callout.sentDateTime ?? createdDateTime);
    if (Number.isNaN(sentAt)) throw new Error(`seedWaiting: ${seed.callout.sentDateTime ?? createdDateTime} is not an ISO 8601 instant`);
    this.open(request, { stage: seed.callout.stage, stageInstanceId: seed.callout.stageInstanceId, customExtensionId: seed.callout.customExtensionId }, sentAt, seed.callout.status ?? 'waitingForCallback');
    return request;
  }

  /**
   * Times callouts out, as Entra does when no resume comes within the extension's callback window
   * (`callbackConfiguration.timeoutDuration`, from `windowOf`; DEFAULT_CALLBACK_WINDOW when it
   * gives none): every open instance sent at least a window before `now` becomes callbackTimedOut.
   * A request that waited for it stops waiting: before delivery it fails (deliveryFailed, the
   * "considered a failure" of Entra's documentation), after delivery it stays delivered. The Graph
   * routes call this on every read and resume of a request, against the requests' clock and the
   * registry's windows; tests may call it themselves. Returns the instances it timed out.
   */
  expireCallouts(now: number = this.clock(), windowOf: CalloutWindows = () => undefined): CalloutInstance[] {
    const expired: CalloutInstance[] = [];
    for (const request of [...this.waiting]) {
      for (const instance of request.instances) {
        if (!OPEN_CALLOUT.has(instance.status)) continue;
        const windowMs = exactDurationMs(windowOf(instance.customExtensionId)) ?? DEFAULT_WINDOW_MS;
        if (now - instance.sentAt < windowMs) continue;
        instance.status = 'callbackTimedOut';
        expired.push(instance);
        if (request.status !== 'WaitingForCallback' || request.instances.at(-1) !== instance) continue;
        if (BEFORE_DELIVERY.has(instance.stage.toLowerCase())) request.state = 'deliveryFailed';
        request.status = statusOf(request.state);
      }
      if (!request.instances.some((i) => OPEN_CALLOUT.has(i.status))) this.waiting.delete(request);
    }
    return expired;
  }

  awaitCallback(input: AwaitCallbackInput): EmulatedRequest {
    const id = input.requestId.toLowerCase();
    let request = this.requests.get(id);
    const now = this.clock();
    if (request === undefined) {
      const createdDateTime = new Date(now).toISOString();
      request = {
        id,
        requestType: input.requestType ?? 'userAdd',
        state: 'submitted',
        status: 'Accepted',
        justification: input.justification,
        schedule: input.schedule ?? { startDateTime: createdDateTime, expiration: { endDateTime: null, duration: null, type: 'notSpecified' } },
        createdDateTime,
        accessPackageId: undefined,
        requestorId: undefined,
        targetId: undefined,
        assignmentId: undefined,
        assignmentPolicyId: undefined,
        answers: [],
        instances: [],
        resumes: [],
      };
      this.replace(request);
    }
    if (input.accessPackageId !== undefined) request.accessPackageId = input.accessPackageId.toLowerCase();
    if (input.requestorId !== undefined) request.requestorId = input.requestorId.toLowerCase();
    if (input.targetId !== undefined) request.targetId = input.targetId.toLowerCase();
    if (input.assignmentId !== undefined) request.assignmentId = input.assignmentId.toLowerCase();
    if (input.assignmentPolicyId !== undefined) request.assignmentPolicyId = input.assignmentPolicyId.toLowerCase();
    if (input.answers !== undefined) request.answers = input.answers;
    this.open(request, input, now, 'calloutSent');
    return request;
  }

  /** A new open callout instance on the request (any open one before it timed out), the request waiting for it at a state its stage fits. */
  private open(request: EmulatedRequest, input: Pick<AwaitCallbackInput, 'stage' | 'stageInstanceId' | 'customExtensionId'>, sentAt: number, status: CalloutStatus): void {
    for (const open of request.instances.filter((i) => OPEN_CALLOUT.has(i.status))) open.status = 'callbackTimedOut';
    request.instances.push({
      id: input.stageInstanceId,
      customExtensionId: (input.customExtensionId ?? '4f1c7a9e-0000-4000-8000-000000000001').toLowerCase(),
      stage: input.stage,
      status,
      detail: undefined,
      sentAt,
    });
    const stage = input.stage.toLowerCase();
    if (!(STAGES_AT_STATE[request.state.toLowerCase()] ?? []).includes(stage)) request.state = STATE_AT_STAGE[stage] ?? request.state;
    request.status = 'WaitingForCallback';
    this.waiting.add(request);
  }

  get(id: string): EmulatedRequest | undefined {
    return this.requests.get(id.toLowerCase());
  }

  /** The requests of a requestor, for a package and/or in a state, in the order the tenant learnt of them; a requestor or package filter skips requests without one. */
  where(filter: RequestFilter): EmulatedRequest[] {
    const requestor = filter.requestorId?.toLowerCase();
    const accessPackage = filter.accessPackageId?.toLowerCase();
    const state = filter.state?.toLowerCase();
    return [...this.requests.values()].filter(
      (r) =>
        (requestor === undefined || r.requestorId === requestor) &&
        (accessPackage === undefined || r.accessPackageId === accessPackage) &&
        (state === undefined || r.state.toLowerCase() === state),
    );
  }

  /** A request's properties as Graph answers them on this version (v1.0: state/status/completedDateTime, beta: requestState/requestStatus/completedDate), live. */
  resource(version: string, request: EmulatedRequest): Record<string, unknown> {
    const [stateKey, statusKey, completedKey] = version === 'beta' ? ['requestState', 'requestStatus', 'completedDate'] : ['state', 'status', 'completedDateTime'];
    return {
      id: request.id,
      requestType: request.requestType,
      [stateKey]: request.state,
      [statusKey]: request.status,
      justification: request.justification ?? null,
      createdDateTime: request.createdDateTime,
      [completedKey]: null,
      schedule: { startDateTime: request.schedule.startDateTime, recurrence: null, expiration: { ...request.schedule.expiration } },
      ...(version === 'beta' || this.v1ListsCalloutInstances
        ? {
            customExtensionCalloutInstances: request.instances.map((i) => ({
              id: i.id,
              customExtensionId: i.customExtensionId,
              status: i.status,
              detail: i.detail ?? null,
              externalCorrelationId: null,
            })),
          }
        : {}),
    };
  }

  /** POST …/assignmentRequests/{id}/resume. */
  resume(version: string, id: string, body: unknown): GraphReply {
    const request = this.get(id);
    if (request === undefined) return graphError(404, 'ResourceNotFound', `Assignment request ${id} not found.`);
    if (!isObject(body) || !isObject(body['data'])) return graphError(400, 'BadRequest', 'The resume body must have a data object.');
    const refused = resumeRefusal(graphVersion(version), 'assignmentRequest', body);
    if (refused !== undefined) return refused;
    const data = body['data'];
    const instance = request.instances.at(-1);
    if (request.status !== 'WaitingForCallback' || instance === undefined || !OPEN_CALLOUT.has(instance.status)) {
      return graphError(400, 'BadRequest', 'The request is not waiting for a callback.');
    }
    if (data['customExtensionStageInstanceId'] !== instance.id) {
      return graphError(400, 'BadRequest', 'customExtensionStageInstanceId does not match the callout the request is waiting for.');
    }
    const stage = instance.stage.toLowerCase();
    if (typeof data['stage'] !== 'string' || data['stage'].toLowerCase() !== stage) {
      return graphError(400, 'BadRequest', `data.stage must be ${instance.stage}.`);
    }
    const problem = stage === APPROVAL_STAGE ? approvalProblem(version, body, data) : callbackProblem(body, data, stage, instance.stage, this.denyAtApprovedStage);
    if (problem !== undefined) return graphError(400, 'BadRequest', problem);
    instance.status = 'callbackReceived';
    instance.detail = typeof data['customExtensionStageInstanceDetail'] === 'string' ? data['customExtensionStageInstanceDetail'] : undefined;
    advance(request, stage, data);
    this.waiting.delete(request);
    request.resumes.push({ version, body });
    return { status: 204 };
  }
}
