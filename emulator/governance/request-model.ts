import type { RequestAnswer, TenantRequest, TenantSchedule } from '../directory/tenant-values.js';

// What the emulator holds of an assignment request, and what seeds and callouts give it (AssignmentRequests, assignment-requests.ts).

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

/** An assignment request as the emulator holds it: what Graph answers of it, live. */
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
  /** The user the assignment is for: the seed's, or the last callout's `Assignment.Target.ObjectId` (see request-read.ts for when it is unknown). */
  targetId: string | undefined;
  /** The assignment's id: the seed's, or the last callout's `Assignment.Id`. */
  assignmentId: string | undefined;
  /** The assignment policy: the seed's, or the last callout's `Assignment.AssignmentPolicy.Id`. */
  assignmentPolicyId: string | undefined;
  /** The requestor's answers: the seed's, or the last callout's `Answers` (Graph answers them as accessPackageAnswerString). */
  answers: readonly RequestAnswer[];
  readonly instances: CalloutInstance[];
  /** Resume bodies Graph accepted for this request, in order. */
  readonly resumes: { readonly version: string; readonly body: Record<string, unknown> }[];
}

/** A callout Entra sent for a request (AssignmentRequests.awaitCallback): what it says of the request; left out, the request keeps what it knows. */
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
  readonly targetId?: string | undefined;
  readonly assignmentId?: string | undefined;
  readonly assignmentPolicyId?: string | undefined;
  readonly answers?: readonly RequestAnswer[] | undefined;
}

/** What a seed may leave out. */
type SeedOptional = 'accessPackage' | 'requestor' | 'state' | 'target' | 'assignment' | 'assignmentPolicy' | 'answers';
/**
 * A request to seed: the tenant file's format (`target`, `assignment`, `assignmentPolicy` ids,
 * `answers` of `questionId`, `questionText`, `value`, `displayValue`); what it leaves out of
 * package, requestor, target, assignment and policy reads as unknown, answers as none, state as
 * submitted.
 */
export type RequestSeed = Omit<TenantRequest, SeedOptional> & Partial<Pick<TenantRequest, SeedOptional>>;

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
