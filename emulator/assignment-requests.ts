import { approvalStageProblem } from './approval-stage-rules.js';
import { exactDurationMs } from './custom-extension-rules.js';
import { resumeRefusal } from './graph-actions.js';
import { graphError, isObject, unknownProperty, type GraphReply } from './graph-errors.js';
import { graphVersion } from './graph-types.js';
import type { RequestState, TenantRequest, TenantSchedule } from './tenant-values.js';

/** What `customExtensionCalloutInstance.status` says (Graph's enum, less unknownFutureValue). */
export type CalloutStatus = 'calloutSent' | 'waitingForCallback' | 'callbackReceived' | 'calloutFailed' | 'callbackTimedOut';
/** The statuses of a callout that still waits for its callback: the request can be resumed for it. */
export const OPEN_CALLOUT: ReadonlySet<CalloutStatus> = new Set(['calloutSent', 'waitingForCallback']);

/** A custom extension callout Entra made for a request, as `customExtensionCalloutInstances` lists it. */
export interface CalloutInstance {
  readonly id: string;
  readonly customExtensionId: string;
  readonly stage: string;
  status: CalloutStatus;
  detail: string | undefined;
  /** When Entra sent it, epoch ms on the requests' clock: its callback window runs from here (Graph does not show it). */
  readonly sentAt: number;
}

export interface EmulatedRequest {
  readonly id: string;
  readonly requestType: string;
  state: string;
  status: string;
  readonly justification: string | undefined;
  /** Graph's entitlementManagementSchedule of what was requested. */
  readonly schedule: TenantSchedule;
  readonly createdDateTime: string;
  /** The access package requested: the seed's, or the last callout's `AccessPackage.Id`. */
  accessPackageId: string | undefined;
  /** The user who asked: the seed's, or the last callout's `Requestor.ObjectId`. */
  requestorId: string | undefined;
  readonly instances: CalloutInstance[];
  /** Resume bodies Graph accepted for this request, in order. */
  readonly resumes: { readonly version: string; readonly body: Record<string, unknown> }[];
}

export interface AwaitCallbackInput {
  readonly requestId: string;
  readonly stage: string;
  readonly stageInstanceId: string;
  readonly requestType?: string;
  readonly justification?: string;
  readonly schedule?: TenantSchedule;
  readonly customExtensionId?: string;
  readonly accessPackageId?: string | undefined;
  readonly requestorId?: string | undefined;
}

/** A request to seed: the tenant file's format; what it leaves out of package, requestor and state reads as unknown and submitted. */
export type RequestSeed = Omit<TenantRequest, 'accessPackage' | 'requestor' | 'state'> & Partial<Pick<TenantRequest, 'accessPackage' | 'requestor' | 'state'>>;

/**
 * A request that waits on a custom extension, for tests and the demo: the request (the tenant
 * file's format, `createdDateTime` an ISO instant or `ageMs` before the requests' clock) and the
 * callout Entra sent for it, open (calloutSent or waitingForCallback), sent when the request was
 * created unless `sentDateTime` says otherwise.
 */
export interface WaitingSeed extends Omit<RequestSeed, 'createdDateTime' | 'schedule' | 'requestType' | 'justification'> {
  readonly requestType?: RequestSeed['requestType'];
  readonly justification?: string | null;
  readonly schedule?: TenantSchedule;
  readonly createdDateTime?: string;
  /** How long ago the request was made, in ms (instead of createdDateTime). */
  readonly ageMs?: number;
  readonly callout: {
    readonly stage: string;
    readonly stageInstanceId: string;
    readonly customExtensionId: string;
    readonly status?: 'calloutSent' | 'waitingForCallback';
    readonly sentDateTime?: string;
  };
}

/** The list filters of GET …/assignmentRequests ($filter=requestor/objectId eq '…', accessPackage/id eq '…', state eq '…'). */
export interface RequestFilter {
  readonly requestorId?: string | undefined;
  readonly accessPackageId?: string | undefined;
  /** One of Graph's accessPackageRequestState values, compared without case. */
  readonly state?: string | undefined;
}

/** A custom extension's callback window as the registry holds it (`callbackConfiguration.timeoutDuration`), undefined when unknown. */
export type CalloutWindows = (customExtensionId: string) => string | undefined;

/** The window of a callout whose extension the tenant does not know, or whose window is not an exact duration. */
export const DEFAULT_CALLBACK_WINDOW = 'PT1H';
const DEFAULT_WINDOW_MS = 3_600_000;

/** Properties of an accessPackageAssignmentRequest $select may name, per version (beta's type says completedDate). */
const COMMON_PROPERTIES = ['id', 'requestType', 'justification', 'createdDateTime', 'schedule', 'answers', 'customExtensionCalloutInstances'];
export const REQUEST_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'v1.0': [...COMMON_PROPERTIES, 'completedDateTime', 'state', 'status'],
  beta: [...COMMON_PROPERTIES, 'completedDate', 'requestState', 'requestStatus'],
};

/** Graph's status for a request state (what it says beside the state while no callout is pending). */
const STATUS_OF: Readonly<Record<RequestState, string>> = {
  submitted: 'Accepted',
  pendingApproval: 'PendingApproval',
  delivering: 'Delivering',
  delivered: 'Delivered',
  deliveryFailed: 'DeliveryFailed',
  denied: 'Denied',
  scheduled: 'Scheduled',
  canceled: 'Canceled',
  partiallyDelivered: 'PartiallyDelivered',
};

/** Graph's status beside a state (the state's own name for one the emulator has no text of). */
function statusOf(state: string): string {
  const found = Object.entries(STATUS_OF).find(([key]) => key.toLowerCase() === state.toLowerCase());
  return found?.[1] ?? state;
}

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
    instances: [],
    resumes: [],
  };
}

/** The request's state while it waits at each stage: before approval submitted, during approval pendingApproval, once granted delivered. */
const STATE_AT_STAGE: Readonly<Record<string, RequestState>> = {
  assignmentrequestcreated: 'submitted',
  assignmentrequestdeterminingapprovalrequirements: 'submitted',
  assignmentrequestapproved: 'pendingApproval',
  assignmentrequestgranted: 'delivered',
  assignmentrequestremoved: 'delivered',
};

/** The stages a request can wait at in each state (a seeded request keeps its state when it fits the stage). */
const STAGES_AT_STATE: Readonly<Record<string, readonly string[]>> = {
  submitted: ['assignmentrequestcreated', 'assignmentrequestdeterminingapprovalrequirements'],
  pendingapproval: ['assignmentrequestapproved'],
  delivering: ['assignmentrequestapproved', 'assignmentrequestgranted', 'assignmentrequestremoved'],
  delivered: ['assignmentrequestgranted', 'assignmentrequestremoved'],
  partiallydelivered: ['assignmentrequestgranted', 'assignmentrequestremoved'],
};

/** The stages before the access is delivered: a callout that times out there fails the request ("considered a failure"). */
const BEFORE_DELIVERY = new Set(['assignmentrequestcreated', 'assignmentrequestdeterminingapprovalrequirements', 'assignmentrequestapproved']);

const DENIABLE = new Set(['assignmentrequestcreated']);
const APPROVAL_STAGE = 'assignmentrequestdeterminingapprovalrequirements';
const ELM_DATA_KEYS = ['@odata.type', 'stage', 'customExtensionStageInstanceId', 'customExtensionStageInstanceDetail', 'state'];
const APPROVAL_DATA_KEYS = ['@odata.type', 'stage', 'customExtensionStageInstanceId', 'customExtensionStageInstanceDetail', 'approvalStage'];
const TYPE_PREFIX = 'microsoft.graph.accessPackageCustomExtensionStage.';

function odataType(value: unknown): string {
  return typeof value === 'string' ? value.replace(/^#/, '') : '';
}

/** Where a request goes once its callout is answered. */
function advance(request: EmulatedRequest, stage: string, data: Record<string, unknown>): void {
  if (data['state'] === 'denied' || data['state'] === 'canceled') {
    request.state = data['state'];
    request.status = data['state'] === 'denied' ? 'Denied' : 'Canceled';
    return;
  }
  const next: Record<string, [string, string]> = {
    assignmentrequestcreated: ['submitted', 'Accepted'],
    [APPROVAL_STAGE]: ['pendingApproval', 'PendingApproval'],
    assignmentrequestapproved: ['delivering', 'Delivering'],
    assignmentrequestgranted: ['delivered', 'Delivered'],
    assignmentrequestremoved: ['delivered', 'Delivered'],
  };
  [request.state, request.status] = next[stage] ?? [request.state, 'Accepted'];
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
        instances: [],
        resumes: [],
      };
      this.replace(request);
    }
    if (input.accessPackageId !== undefined) request.accessPackageId = input.accessPackageId.toLowerCase();
    if (input.requestorId !== undefined) request.requestorId = input.requestorId.toLowerCase();
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

  /**
   * GET …/assignmentRequests/{id}: v1.0 says state/status, beta requestState/requestStatus. With
   * $select, `id` and the selected properties only; an unknown one is refused as Graph does.
   */
  read(version: string, id: string, select?: readonly string[]): GraphReply {
    const known = REQUEST_PROPERTIES[version] ?? [];
    const selected = select?.map((name) => known.find((k) => k.toLowerCase() === name.toLowerCase()) ?? name);
    const unknown = selected?.find((name) => !known.includes(name));
    if (unknown !== undefined) {
      return graphError(400, 'BadRequest', `Parsing OData Select and Expand failed: Could not find a property named '${unknown}' on type 'microsoft.graph.accessPackageAssignmentRequest'.`);
    }
    const request = this.get(id);
    if (request === undefined) return graphError(404, 'ResourceNotFound', `Assignment request ${id} not found.`);
    const full = this.resource(version, request);
    const entity = `https://graph.microsoft.com/${version}/$metadata#identityGovernance/entitlementManagement/assignmentRequests`;
    if (selected === undefined) return { status: 200, body: { '@odata.context': `${entity}/$entity`, ...full } };
    const properties = [...new Set(['id', ...selected])];
    return {
      status: 200,
      body: {
        '@odata.context': `${entity}(${properties.join(',')})/$entity`,
        ...Object.fromEntries(properties.map((p) => [p, full[p] ?? (p === 'answers' ? [] : null)])),
      },
    };
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
    const problem = stage === APPROVAL_STAGE ? this.approvalProblem(version, body, data) : this.callbackProblem(body, data, stage, instance.stage);
    if (problem !== undefined) return graphError(400, 'BadRequest', problem);
    instance.status = 'callbackReceived';
    instance.detail = typeof data['customExtensionStageInstanceDetail'] === 'string' ? data['customExtensionStageInstanceDetail'] : undefined;
    advance(request, stage, data);
    this.waiting.delete(request);
    request.resumes.push({ version, body });
    return { status: 204 };
  }

  private approvalProblem(version: string, body: Record<string, unknown>, data: Record<string, unknown>): string | undefined {
    if (version !== 'beta') return 'An approval stage can only be set through the beta endpoint.';
    if (body['type'] !== `${TYPE_PREFIX}assignmentRequestCreated`) return `type must be ${TYPE_PREFIX}assignmentRequestCreated.`;
    if (odataType(data['@odata.type']) !== 'microsoft.graph.assignmentRequestApprovalStageCallbackData') {
      return 'data must be a microsoft.graph.assignmentRequestApprovalStageCallbackData.';
    }
    const extra = unknownProperty(data, APPROVAL_DATA_KEYS);
    if (extra !== undefined) return `The property '${extra}' does not exist on assignmentRequestApprovalStageCallbackData.`;
    return approvalStageProblem(data['approvalStage']);
  }

  private callbackProblem(body: Record<string, unknown>, data: Record<string, unknown>, stage: string, stageName: string): string | undefined {
    if (body['type'] !== `${TYPE_PREFIX}${stageName}`) return `type must be ${TYPE_PREFIX}${stageName}.`;
    if (odataType(data['@odata.type']) !== 'microsoft.graph.accessPackageAssignmentRequestCallbackData') {
      return 'data must be a microsoft.graph.accessPackageAssignmentRequestCallbackData.';
    }
    const extra = unknownProperty(data, ELM_DATA_KEYS);
    if (extra !== undefined) return `The property '${extra}' does not exist on accessPackageAssignmentRequestCallbackData.`;
    const state = data['state'];
    if (state !== undefined && state !== null) {
      if (state !== 'denied' && state !== 'canceled') return `data.state ${JSON.stringify(state)} is not supported.`;
      const deniable = DENIABLE.has(stage) || (this.denyAtApprovedStage && stage === 'assignmentrequestapproved');
      if (!deniable) return `A request cannot be denied at the ${stageName} stage.`;
    }
    return undefined;
  }
}
