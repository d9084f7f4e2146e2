import { approvalStageProblem } from './approval-stage-rules.js';
import { resumeRefusal } from './graph-actions.js';
import { graphError, isObject, unknownProperty, type GraphReply } from './graph-errors.js';
import { graphVersion } from './graph-types.js';
import type { RequestState, TenantRequest, TenantSchedule } from './tenant-values.js';

/** A custom extension callout Entra made for a request, as `customExtensionCalloutInstances` lists it. */
export interface CalloutInstance {
  readonly id: string;
  readonly customExtensionId: string;
  readonly stage: string;
  status: 'calloutSent' | 'callbackReceived' | 'calloutFailed' | 'callbackTimedOut';
  detail: string | undefined;
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

/** The list filters of GET …/assignmentRequests ($filter=requestor/objectId eq '…' and accessPackage/id eq '…'). */
export interface RequestFilter {
  readonly requestorId?: string | undefined;
  readonly accessPackageId?: string | undefined;
}

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

function requestFrom(seed: RequestSeed): EmulatedRequest {
  const state = seed.state ?? 'submitted';
  return {
    id: seed.id.toLowerCase(),
    requestType: seed.requestType,
    state,
    status: STATUS_OF[state],
    justification: seed.justification ?? undefined,
    schedule: seed.schedule,
    createdDateTime: seed.createdDateTime ?? new Date().toISOString(),
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
  /** Whether `assignmentRequestApproved` accepts a deny (sources disagree; default no). */
  denyAtApprovedStage = false;
  /** Whether v1.0 lists `customExtensionCalloutInstances` (sources disagree; beta always does). */
  v1ListsCalloutInstances = true;

  /**
   * Requests the tenant knows before any callout (the tenant file's): readable at once, and when a
   * callout for one arrives it keeps the seed's requestType, justification and schedule. A seed
   * replaces a request of the same id, callouts and resumes included.
   */
  seed(requests: readonly RequestSeed[]): void {
    for (const seed of requests) this.requests.set(seed.id.toLowerCase(), requestFrom(seed));
  }

  awaitCallback(input: AwaitCallbackInput): EmulatedRequest {
    const id = input.requestId.toLowerCase();
    let request = this.requests.get(id);
    if (request === undefined) {
      const createdDateTime = new Date().toISOString();
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
      this.requests.set(id, request);
    }
    if (input.accessPackageId !== undefined) request.accessPackageId = input.accessPackageId.toLowerCase();
    if (input.requestorId !== undefined) request.requestorId = input.requestorId.toLowerCase();
    for (const open of request.instances.filter((i) => i.status === 'calloutSent')) open.status = 'callbackTimedOut';
    request.instances.push({
      id: input.stageInstanceId,
      customExtensionId: input.customExtensionId ?? '4f1c7a9e-0000-4000-8000-000000000001',
      stage: input.stage,
      status: 'calloutSent',
      detail: undefined,
    });
    const stage = input.stage.toLowerCase();
    if (!(STAGES_AT_STATE[request.state.toLowerCase()] ?? []).includes(stage)) request.state = STATE_AT_STAGE[stage] ?? request.state;
    request.status = 'WaitingForCallback';
    return request;
  }

  get(id: string): EmulatedRequest | undefined {
    return this.requests.get(id.toLowerCase());
  }

  /** The requests of a requestor and/or for a package, in the order the tenant learnt of them; a requestor filter skips requests without one. */
  where(filter: RequestFilter): EmulatedRequest[] {
    const requestor = filter.requestorId?.toLowerCase();
    const accessPackage = filter.accessPackageId?.toLowerCase();
    return [...this.requests.values()].filter(
      (r) => (requestor === undefined || r.requestorId === requestor) && (accessPackage === undefined || r.accessPackageId === accessPackage),
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
    if (request.status !== 'WaitingForCallback' || instance === undefined || instance.status !== 'calloutSent') {
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
