import type { ElmStage } from '../stages.js';

/** Which of the spellings Entra uses the body arrived in (PROTOCOL.md §4, §7). */
export type CalloutShape = 'flat-pascal' | 'flat-camel' | 'wrapped' | 'lifecycle-workflows';

export interface Named {
  readonly id: string | undefined;
  readonly displayName: string | undefined;
}

export interface Subject {
  readonly objectId: string | undefined;
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
  readonly path: string;
  readonly confirmPath: string;
}

interface CalloutBase {
  readonly shape: CalloutShape;
}

/** A request-workflow stage: created, approval requirements, approved, granted, removed. */
export interface ElmRequestCallout extends CalloutBase {
  readonly kind: 'elm-request';
  readonly stage: ElmStage;
  readonly stageInstanceId: string;
  readonly requestId: string;
  /** null: launch-and-continue, Entra does not wait for a resume. */
  readonly resume: ResumeTarget | null;
  readonly callbackTimeout: string | undefined;
  readonly requestType: string | undefined;
  readonly state: string | undefined;
  readonly status: string | undefined;
  readonly accessPackage: Named | undefined;
  readonly catalog: Named | undefined;
  readonly assignmentId: string | undefined;
  readonly assignmentPolicy: Named | undefined;
  readonly target: Subject | undefined;
  readonly requestor: Subject | undefined;
  readonly answers: readonly Answer[];
}

/** The pre-expiration stages: a smaller body, nothing to resume. */
export interface ElmAssignmentCallout extends CalloutBase {
  readonly kind: 'elm-assignment';
  readonly stage: ElmStage;
  readonly stageInstanceId: string;
  readonly requestId: string | undefined;
  readonly accessPackage: Named | undefined;
  readonly catalog: Named | undefined;
  readonly assignmentId: string | undefined;
  readonly target: Subject | undefined;
}

/** The ping Entra sends when an extension is set up. */
export interface ConnectionTestCallout extends CalloutBase {
  readonly kind: 'connection-test';
  readonly stage: 'customExtensionConnectionTest';
  readonly stageInstanceId: string;
  readonly catalog: Named | undefined;
}

/** A Lifecycle Workflows custom task extension callout. */
export interface LcwTaskCallout extends CalloutBase {
  readonly kind: 'lcw-task';
  readonly taskProcessingResultId: string;
  /** null: launch-and-continue. */
  readonly resume: ResumeTarget | null;
  readonly subject: Subject | undefined;
  readonly managerId: string | undefined;
  readonly task: Named | undefined;
  readonly workflow: (Named & { readonly version: number | undefined }) | undefined;
}

export type CalloutRequest = ElmRequestCallout | ElmAssignmentCallout | ConnectionTestCallout | LcwTaskCallout;

/** The id that makes a callout unique: what a repeat delivery shares with the original. */
export function calloutKey(callout: CalloutRequest): string {
  return callout.kind === 'lcw-task' ? `lcw:${callout.taskProcessingResultId}` : `elm:${callout.stageInstanceId}`;
}
