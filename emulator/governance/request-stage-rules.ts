import { approvalStageProblem } from './approval-stage-rules.js';
import { unknownProperty } from '../graph/graph-errors.js';
import type { EmulatedRequest } from './request-model.js';
import type { RequestState } from '../directory/tenant-values.js';

// How a request's state follows the stages of its callouts, and what a resume body must say for
// the stage its request waits at (the data's type, its properties, a deny only where Entra takes one).

/** Graph's status for a request state (what it says beside the state while no callout is pending). */
export const STATUS_OF: Readonly<Record<RequestState, string>> = {
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
export function statusOf(state: string): string {
  const found = Object.entries(STATUS_OF).find(([key]) => key.toLowerCase() === state.toLowerCase());
  return found?.[1] ?? state;
}

/** The request's state while it waits at each stage: before approval submitted, during approval pendingApproval, once granted delivered. */
export const STATE_AT_STAGE: Readonly<Record<string, RequestState>> = {
  assignmentrequestcreated: 'submitted',
  assignmentrequestdeterminingapprovalrequirements: 'submitted',
  assignmentrequestapproved: 'pendingApproval',
  assignmentrequestgranted: 'delivered',
  assignmentrequestremoved: 'delivered',
};

/** The stages a request can wait at in each state (a seeded request keeps its state when it fits the stage). */
export const STAGES_AT_STATE: Readonly<Record<string, readonly string[]>> = {
  submitted: ['assignmentrequestcreated', 'assignmentrequestdeterminingapprovalrequirements'],
  pendingapproval: ['assignmentrequestapproved'],
  delivering: ['assignmentrequestapproved', 'assignmentrequestgranted', 'assignmentrequestremoved'],
  delivered: ['assignmentrequestgranted', 'assignmentrequestremoved'],
  partiallydelivered: ['assignmentrequestgranted', 'assignmentrequestremoved'],
};

/** The stages before the access is delivered: a callout that times out there fails the request ("considered a failure"). */
export const BEFORE_DELIVERY = new Set(['assignmentrequestcreated', 'assignmentrequestdeterminingapprovalrequirements', 'assignmentrequestapproved']);

const DENIABLE = new Set(['assignmentrequestcreated']);
/** The stage whose callback sets the approval stages (beta's assignmentRequestApprovalStageCallbackData). */
export const APPROVAL_STAGE = 'assignmentrequestdeterminingapprovalrequirements';
const ELM_DATA_KEYS = ['@odata.type', 'stage', 'customExtensionStageInstanceId', 'customExtensionStageInstanceDetail', 'state'];
const APPROVAL_DATA_KEYS = ['@odata.type', 'stage', 'customExtensionStageInstanceId', 'customExtensionStageInstanceDetail', 'approvalStage'];
const TYPE_PREFIX = 'microsoft.graph.accessPackageCustomExtensionStage.';

function odataType(value: unknown): string {
  return typeof value === 'string' ? value.replace(/^#/, '') : '';
}

/** Where a request goes once its callout is answered. */
export function advance(request: EmulatedRequest, stage: string, data: Record<string, unknown>): void {
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

/** What is wrong with a resume at the approval-requirements stage (beta only, an approval stage's data), or undefined. */
export function approvalProblem(version: string, body: Record<string, unknown>, data: Record<string, unknown>): string | undefined {
  if (version !== 'beta') return 'An approval stage can only be set through the beta endpoint.';
  if (body['type'] !== `${TYPE_PREFIX}assignmentRequestCreated`) return `type must be ${TYPE_PREFIX}assignmentRequestCreated.`;
  if (odataType(data['@odata.type']) !== 'microsoft.graph.assignmentRequestApprovalStageCallbackData') {
    return 'data must be a microsoft.graph.assignmentRequestApprovalStageCallbackData.';
  }
  const extra = unknownProperty(data, APPROVAL_DATA_KEYS);
  if (extra !== undefined) return `The property '${extra}' does not exist on assignmentRequestApprovalStageCallbackData.`;
  return approvalStageProblem(data['approvalStage']);
}

/**
 * What is wrong with a resume at another stage (`stage` lower case, `stageName` as the callout
 * spelt it), or undefined; `denyAtApprovedStage`: whether assignmentRequestApproved takes a deny.
 */
export function callbackProblem(body: Record<string, unknown>, data: Record<string, unknown>, stage: string, stageName: string, denyAtApprovedStage: boolean): string | undefined {
  if (body['type'] !== `${TYPE_PREFIX}${stageName}`) return `type must be ${TYPE_PREFIX}${stageName}.`;
  if (odataType(data['@odata.type']) !== 'microsoft.graph.accessPackageAssignmentRequestCallbackData') {
    return 'data must be a microsoft.graph.accessPackageAssignmentRequestCallbackData.';
  }
  const extra = unknownProperty(data, ELM_DATA_KEYS);
  if (extra !== undefined) return `The property '${extra}' does not exist on accessPackageAssignmentRequestCallbackData.`;
  const state = data['state'];
  if (state !== undefined && state !== null) {
    if (state !== 'denied' && state !== 'canceled') return `data.state ${JSON.stringify(state)} is not supported.`;
    const deniable = DENIABLE.has(stage) || (denyAtApprovedStage && stage === 'assignmentrequestapproved');
    if (!deniable) return `A request cannot be denied at the ${stageName} stage.`;
  }
  return undefined;
}
