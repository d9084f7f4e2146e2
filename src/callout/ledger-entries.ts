import type { ApprovalStage } from '../decision/approval-stage.js';
import type { Decision } from '../decision/decision.js';
import type { ResumeRequest, ShapedResume } from '../decision/resume-request.js';
import type { PolicyEvaluation } from '../engine/policy-engine.js';
import { AppError, isAppError } from '../errors.js';
import { ledgerKey, type BriefFinding, type Claim, type DecidedBy, type DecisionLedger, type LedgerEntry, type LedgerKey, type LedgerNote } from '../ledger/ledger.js';
import { calloutKey, type ElmRequestCallout, type LcwTaskCallout, type ResumeTarget } from './model.js';

/** Who is deciding: the verified caller of a callout, the sweeper, or an operator with a reason. */
export interface Decider {
  readonly by: DecidedBy;
  readonly callerAppId: string | undefined;
  readonly operator?: string;
  readonly reason?: string;
}

export type ResumableCallout = (ElmRequestCallout | LcwTaskCallout) & { readonly resume: ResumeTarget };

export function keyOf(callout: ResumableCallout): LedgerKey {
  return callout.kind === 'lcw-task' ? ledgerKey(callout.taskProcessingResultId, undefined) : ledgerKey(callout.requestId, callout.stageInstanceId);
}

/** Failed and errored checks, a line each: what an auditor needs to see why, without the evidence. */
export function brief(evaluation: PolicyEvaluation | undefined): BriefFinding[] {
  return (evaluation?.checks ?? []).flatMap((run) =>
    run.status === 'failed' || run.status === 'error'
      ? [{ check: run.id, outcome: run.status, message: run.findings.map((f) => f.message).join(' ').slice(0, 500) }]
      : [],
  );
}

/** The entry a fresh decision writes before its resume. */
export function entryOf(callout: ResumableCallout, shaped: ShapedResume, evaluation: PolicyEvaluation | undefined, decider: Decider, now: Date): LedgerEntry {
  const elm = callout.kind === 'elm-request' ? callout : undefined;
  return {
    key: keyOf(callout),
    protocol: shaped.request.protocol,
    decision: shaped.sent.kind,
    detail: shaped.sent.detail,
    resume: { apiVersion: shaped.request.apiVersion, path: shaped.request.target.path, body: shaped.request.body },
    stage: elm?.stage,
    stageInstanceId: elm === undefined ? undefined : (elm.stageInstanceIdAsSent ?? elm.stageInstanceId),
    policy: evaluation === undefined ? undefined : { version: evaluation.policy.version, scopes: evaluation.policy.scopes },
    findings: brief(evaluation),
    callerAppId: decider.callerAppId,
    decidedBy: decider.by,
    operator: decider.operator,
    reason: decider.reason,
    subject: {
      catalogId: elm?.catalog?.id,
      accessPackageId: elm?.accessPackage?.id,
      targetObjectId: elm?.target?.objectId ?? (callout.kind === 'lcw-task' ? callout.subject?.objectId : undefined),
      requestType: elm?.requestType,
    },
    state: 'decided',
    decidedAt: now.toISOString(),
    sentAt: undefined,
    confirmedAt: undefined,
    refusedBody: undefined,
  };
}

/** An operator's action noted on an entry (the entry replaced kept whole but for its body, which Graph never received). */
export function withNote(entry: LedgerEntry, action: LedgerNote['action'], decider: Decider, replaced?: LedgerEntry): LedgerEntry {
  const note: LedgerNote = {
    at: new Date().toISOString(),
    action,
    operator: decider.operator,
    reason: decider.reason,
    ...(replaced === undefined
      ? {}
      : {
          replaced: {
            decision: replaced.decision, detail: replaced.detail, decidedBy: replaced.decidedBy, decidedAt: replaced.decidedAt, operator: replaced.operator,
            reason: replaced.reason, policy: replaced.policy, findings: replaced.findings, callerAppId: replaced.callerAppId,
          },
        }),
  };
  return { ...entry, history: [...(replaced?.history ?? entry.history ?? []), note] };
}

/** The decision an entry holds (an approval stage is read from its body). */
export function decisionOf(entry: LedgerEntry): Decision {
  if (entry.decision !== 'approval-stage') return { kind: entry.decision, detail: entry.detail };
  const data = entry.resume.body['data'];
  const approvalStage = (typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['approvalStage'] : undefined) as ApprovalStage;
  return { kind: 'approval-stage', detail: entry.detail, approvalStage };
}

/** The resume an entry holds, for the callout it answers: the body is the entry's, never a new one. */
export function resumeOf(entry: LedgerEntry, callout: ResumableCallout): ShapedResume {
  const { protocol } = entry;
  const { apiVersion } = entry.resume;
  // PIM entries live under their own keys (evaluation ids); one found here is no resume of this callout.
  if (protocol === 'pim' || apiVersion === 'answer') throw new AppError('INTERNAL', `The ledger entry ${entry.key.subject} answers a PIM activation, not this callout.`);
  const request: ResumeRequest = {
    protocol,
    key: calloutKey(callout),
    apiVersion,
    target: callout.resume,
    body: entry.resume.body,
    stageInstanceId: callout.kind === 'elm-request' ? callout.stageInstanceId : undefined,
    stage: callout.kind === 'elm-request' ? callout.stage : undefined,
  };
  return { request, sent: decisionOf(entry) };
}

/** Any ledger failure is a 503: never decide (or resume) without recording. */
async function guarded<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isAppError(error)) throw error;
    throw new AppError('LEDGER.UNAVAILABLE', `The decision ledger could not ${what}; nothing was resumed.`, { retryable: true, retryAfterSeconds: 5, cause: error });
  }
}

export const readEntry = (ledger: DecisionLedger, key: LedgerKey): Promise<LedgerEntry | undefined> => guarded('be read', () => ledger.read(key));
export const releaseEntry = (ledger: DecisionLedger, key: LedgerKey): Promise<void> => guarded('release a refused entry', () => ledger.release(key));
export const updateEntry = (ledger: DecisionLedger, entry: LedgerEntry): Promise<void> => guarded('record the decision', () => ledger.update(entry));
export const replaceDecidedEntry = (ledger: DecisionLedger, entry: LedgerEntry, previous: LedgerEntry): Promise<boolean> => guarded('record the decision', () => ledger.replaceDecided(entry, previous));
export const claimEntry = (ledger: DecisionLedger, entry: LedgerEntry): Promise<Claim> => guarded('record the decision', () => ledger.claim(entry));
