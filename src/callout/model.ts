import type { GraphPath } from '../graph/graph-path.js';
import type { Guid } from '../guid.js';
import type { ElmStage } from '../stages.js';

/** Which of the spellings Entra uses the body arrived in (docs/protocol.md §4, §7). */
export type CalloutShape = 'flat-pascal' | 'flat-camel' | 'wrapped' | 'lifecycle-workflows';

/** Ids are checked GUIDs: the parser refuses a callout whose id is anything else (docs/protocol.md §10). */
export interface Named {
  readonly id: Guid | undefined;
  readonly displayName: string | undefined;
}

export interface Subject {
  readonly objectId: Guid | undefined;
  readonly displayName: string | undefined;
  readonly principalName: string | undefined;
  readonly email: string | undefined;
  readonly subjectType: string | undefined;
}

export interface Answer {
  readonly questionId: string | undefined;
  readonly questionText: string | undefined;
  readonly value: string | undefined;
  readonly displayValue: string | undefined;
}

/**
 * Where to resume: a versionless Graph path rebuilt by us from validated ids (never the caller's
 * string), and what to read to confirm a refused resume.
 */
export interface ResumeTarget {
  readonly path: GraphPath;
  readonly confirmPath: GraphPath;
}

interface CalloutBase {
  readonly shape: CalloutShape;
}

/** A request-workflow stage: created, approval requirements, approved, granted, removed. */
export interface ElmRequestCallout extends CalloutBase {
  readonly kind: 'elm-request';
  readonly stage: ElmStage;
  readonly stageInstanceId: Guid;
  /** The stage instance id as the body spelled it, when not in canonical (lower) case: the resume echoes it as given. */
  readonly stageInstanceIdAsSent?: string;
  readonly requestId: Guid;
  /** null: launch-and-continue, Entra does not wait for a resume. */
  readonly resume: ResumeTarget | null;
  readonly callbackTimeout: string | undefined;
  readonly requestType: string | undefined;
  readonly state: string | undefined;
  readonly status: string | undefined;
  readonly accessPackage: Named | undefined;
  readonly catalog: Named | undefined;
  readonly assignmentId: Guid | undefined;
  readonly assignmentPolicy: Named | undefined;
  readonly target: Subject | undefined;
  readonly requestor: Subject | undefined;
  readonly answers: readonly Answer[];
}

/** The pre-expiration stages: a smaller body, nothing to resume. */
export interface ElmAssignmentCallout extends CalloutBase {
  readonly kind: 'elm-assignment';
  readonly stage: ElmStage;
  readonly stageInstanceId: Guid;
  readonly requestId: Guid | undefined;
  readonly accessPackage: Named | undefined;
  readonly catalog: Named | undefined;
  readonly assignmentId: Guid | undefined;
  readonly target: Subject | undefined;
}

/** The ping Entra sends when an extension is set up. */
export interface ConnectionTestCallout extends CalloutBase {
  readonly kind: 'connection-test';
  readonly stage: 'customExtensionConnectionTest';
  readonly stageInstanceId: Guid;
  readonly catalog: Named | undefined;
}

/** A Lifecycle Workflows custom task extension callout. */
export interface LcwTaskCallout extends CalloutBase {
  readonly kind: 'lcw-task';
  readonly taskProcessingResultId: Guid;
  /** null: launch-and-continue. */
  readonly resume: ResumeTarget | null;
  readonly subject: Subject | undefined;
  readonly managerId: Guid | undefined;
  readonly task: Named | undefined;
  readonly workflow: (Named & { readonly version: number | undefined }) | undefined;
}

export type CalloutRequest = ElmRequestCallout | ElmAssignmentCallout | ConnectionTestCallout | LcwTaskCallout;

/**
 * The id that makes a callout unique: what a repeat delivery shares with the original. An
 * entitlement-management callout is one stage instance of one request, so both ids make the key:
 * another request that carries a settled stage instance id is not a repeat (it is its own callout,
 * and Graph decides whether its stage instance is real).
 */
export function calloutKey(callout: CalloutRequest): string {
  switch (callout.kind) {
    case 'lcw-task':
      return `lcw:${callout.taskProcessingResultId}`;
    case 'connection-test':
      return `test:${callout.stageInstanceId}`;
    case 'elm-assignment':
      return `elm:${callout.requestId ?? callout.assignmentId ?? '-'}:${callout.stageInstanceId}`;
    case 'elm-request':
      return `elm:${callout.requestId}:${callout.stageInstanceId}`;
  }
}
