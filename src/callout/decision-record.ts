import type { Decision } from '../decision/decision.js';
import type { ApproverRecord, PolicyEvaluation } from '../engine/policy-engine.js';
import type { CheckRun } from '../engine/run-checks.js';
import type { FactSource } from '../facts/gather-facts.js';
import type { CalloutState } from '../graph/callout-state.js';
import type { DecidedBy, DecisionLedger, LedgerEntry, LedgerState } from '../ledger/ledger.js';
import type { CalloutRequest, Named } from './model.js';

/**
 * How a callout ended:
 * - resumed / already-resumed / not-waiting: a resume was due (Graph settled it);
 * - launch-and-continue: Entra does not wait, the decision is recorded only;
 * - not-resumable: a pre-expiration stage; connection-test: the set-up ping.
 */
export type Outcome = 'resumed' | 'already-resumed' | 'not-waiting' | 'launch-and-continue' | 'not-resumable' | 'connection-test';

/** Ids and display names only: no e-mail, no UPN, no token. */
export interface CalloutSummary {
  readonly kind: CalloutRequest['kind'];
  readonly shape: CalloutRequest['shape'];
  readonly stage?: string | undefined;
  readonly stageInstanceId?: string | undefined;
  readonly requestId?: string | undefined;
  readonly requestType?: string | undefined;
  readonly catalog?: Named | undefined;
  readonly accessPackage?: Named | undefined;
  readonly targetObjectId?: string | undefined;
  readonly targetDisplayName?: string | undefined;
  readonly taskProcessingResultId?: string | undefined;
  readonly workflow?: Named | undefined;
  readonly task?: Named | undefined;
}

export interface ResumeSummary {
  readonly apiVersion: 'v1.0' | 'beta';
  readonly path: string;
  readonly body: Readonly<Record<string, unknown>>;
  /**
   * Whether Graph received `body` from this callout's settling: false when the read-back showed the
   * callout already answered by another delivery (the note then says what Graph stored) or not waiting.
   */
  readonly sent: boolean;
  readonly graphStatus: number | undefined;
  readonly attempts: number;
  readonly confirmation: CalloutState | undefined;
  readonly note: string;
  /** A deny Graph refused at a stage where sources disagree it may deny; `body` above is what was sent instead. */
  readonly refused?: { readonly body: Readonly<Record<string, unknown>>; readonly graphStatus: number; readonly graphCode: string };
}

export interface Timings {
  readonly totalMs: number;
  readonly verifyMs: number;
  readonly parseMs: number;
  /** The round of fact reads. */
  readonly factsMs: number;
  readonly checksMs: number;
  /** The resume, read-backs included. */
  readonly resumeMs: number;
}

/**
 * The answer to the relay on success, and the structured log event of the callout: what was
 * decided and sent, under which policy version, every check run with its findings and evidence,
 * where each fact came from, and the time each step took. Ids and display names only.
 */
export interface DecisionRecord {
  readonly outcome: Outcome;
  readonly decision: Decision['kind'];
  readonly detail: string;
  readonly callout: CalloutSummary;
  readonly caller: { readonly appId: string; readonly tokenVersion: 1 | 2 };
  /** undefined for the connection test, which no policy concerns. */
  readonly policy: PolicyEvaluation['policy'] | undefined;
  readonly checks: readonly CheckRun[];
  readonly facts: readonly FactSource[];
  readonly approvers: ApproverRecord | undefined;
  readonly resume: ResumeSummary | undefined;
  /** The ledger's entry for this callout: whose decision it is and how far it got. */
  readonly ledger?: LedgerNote;
  readonly timings: Timings;
  readonly correlation: Readonly<Record<string, string>>;
}

export interface LedgerNote {
  /** Where the entry is kept: a table every instance shares, or this instance's memory. */
  readonly where: string;
  readonly state: LedgerState;
  readonly decidedBy: DecidedBy;
  readonly decidedAt: string;
  /** The entry was there before this delivery (another delivery's, the sweeper's or an operator's): carried out, not decided again. */
  readonly adopted: boolean;
  readonly policyVersion: string | undefined;
}

export function ledgerNote(entry: LedgerEntry, adopted: boolean, ledger: DecisionLedger): LedgerNote {
  return { where: ledger.where, state: entry.state, decidedBy: entry.decidedBy, decidedAt: entry.decidedAt, adopted, policyVersion: entry.policy?.version };
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function summarize(callout: CalloutRequest): CalloutSummary {
  switch (callout.kind) {
    case 'connection-test':
      return defined({ kind: callout.kind, shape: callout.shape, stage: callout.stage, stageInstanceId: callout.stageInstanceId, catalog: callout.catalog });
    case 'elm-assignment':
    case 'elm-request':
      return defined({
        kind: callout.kind,
        shape: callout.shape,
        stage: callout.stage,
        stageInstanceId: callout.stageInstanceId,
        requestId: callout.requestId,
        requestType: callout.kind === 'elm-request' ? callout.requestType : undefined,
        catalog: callout.catalog,
        accessPackage: callout.accessPackage,
        targetObjectId: callout.target?.objectId,
        targetDisplayName: callout.target?.displayName,
      });
    case 'lcw-task':
      return defined({
        kind: callout.kind,
        shape: callout.shape,
        taskProcessingResultId: callout.taskProcessingResultId,
        workflow: callout.workflow === undefined ? undefined : { id: callout.workflow.id, displayName: callout.workflow.displayName },
        task: callout.task,
        targetObjectId: callout.subject?.objectId,
        targetDisplayName: callout.subject?.displayName,
      });
  }
}
