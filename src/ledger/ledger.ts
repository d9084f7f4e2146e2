import type { Decision } from '../decision/decision.js';

/**
 * The decision ledger: one durable entry per callout (request or LCW task processing result, and
 * stage instance), shared by every instance, every tool and every person. The first decision
 * written wins: it is written insert-if-absent before the resume, and anyone who finds an entry
 * carries out that entry's body instead of deciding again.
 */

/** decided: written, not known to be in Graph; sent: Graph accepted the resume; confirmed: a read-back showed Graph holds it. */
export type LedgerState = 'decided' | 'sent' | 'confirmed';
export type DecidedBy = 'callout' | 'sweeper' | 'operator';

/** Where an entry lives: the request (or task processing result) id and the stage instance id, lower case. */
export interface LedgerKey {
  readonly subject: string;
  readonly stageInstance: string;
}

/** A finding in brief: which check said what (no evidence, no personal data beyond ids). */
export interface BriefFinding {
  readonly check: string;
  readonly outcome: string;
  readonly message: string;
}

export interface LedgerEntry {
  readonly key: LedgerKey;
  readonly protocol: 'elm' | 'lcw' | 'pim';
  readonly decision: Decision['kind'];
  readonly detail: string;
  /**
   * The exact resume: Graph version, path and body. A PIM activation is answered, not resumed:
   * `answer`, the route, and the body PIM received (evaluationId, evaluationOutcome, reason).
   */
  readonly resume: { readonly apiVersion: 'v1.0' | 'beta' | 'answer'; readonly path: string; readonly body: Readonly<Record<string, unknown>> };
  /** ELM: the stage the callout named, for reading the request back. PIM: what was activated (`pim group member`, `pim directory role`, `pim azure role`). */
  readonly stage: string | undefined;
  /** The stage instance id as Entra spelled it (the body echoes it). PIM: the activation's fingerprint (pim-answer.ts). */
  readonly stageInstanceId: string | undefined;
  readonly policy: { readonly version: string; readonly scopes: readonly string[] } | undefined;
  readonly findings: readonly BriefFinding[];
  /** The verified caller's app id (callouts and sweeps), or undefined for an operator. */
  readonly callerAppId: string | undefined;
  readonly decidedBy: DecidedBy;
  /** An operator's identity (UPN or object id) and reason. */
  readonly operator: string | undefined;
  readonly reason: string | undefined;
  /** What the decision concerns, for finding it again: ids only. */
  readonly subject: {
    readonly catalogId: string | undefined;
    readonly accessPackageId: string | undefined;
    readonly targetObjectId: string | undefined;
    readonly requestType: string | undefined;
  };
  readonly state: LedgerState;
  readonly decidedAt: string;
  readonly sentAt: string | undefined;
  readonly confirmedAt: string | undefined;
  /** A deny Graph refused, kept when the entry now holds the continue sent instead. */
  readonly refusedBody: Readonly<Record<string, unknown>> | undefined;
  /** What operators did to the entry after it was decided, oldest first (absent: nothing). */
  readonly history?: readonly LedgerNote[];
}

/**
 * An operator's action on an entry: `resent` (the entry's own decision sent by hand) or
 * `replaced` (a decision Graph never received swapped for the operator's; the one replaced is kept).
 */
export interface LedgerNote {
  readonly at: string;
  readonly action: 'resent' | 'replaced';
  readonly operator: string | undefined;
  readonly reason: string | undefined;
  readonly replaced?: Pick<LedgerEntry, 'decision' | 'detail' | 'decidedBy' | 'decidedAt' | 'operator' | 'reason' | 'policy' | 'findings' | 'callerAppId'>;
}

/** The result of a claim: `won` when this entry was written; otherwise the entry that was there first. */
export interface Claim {
  readonly won: boolean;
  readonly entry: LedgerEntry;
}

/** A filter for reading the ledger back (the decisions and requests commands, the sweeper). */
export interface LedgerQuery {
  readonly subject?: string;
  readonly targetObjectId?: string;
  readonly accessPackageId?: string;
  readonly decision?: Decision['kind'];
  readonly from?: Date;
  readonly to?: Date;
}

export interface DecisionLedger {
  /** Where the entries are kept, in words for the start-up line and records ("table decisions on …", "this instance's memory"). */
  readonly where: string;
  /** Whether entries outlive this process and are shared with other instances. */
  readonly durable: boolean;
  read(key: LedgerKey): Promise<LedgerEntry | undefined>;
  /** Insert-if-absent. */
  claim(entry: LedgerEntry): Promise<Claim>;
  /** Replaces an entry (a state advanced, a body swapped for the one Graph took). */
  update(entry: LedgerEntry): Promise<void>;
  /**
   * Writes `entry` over the stored one only while that is still `previous`, decided and never sent
   * (same decision time and decider): a compare-and-swap, so an operator's replacement never
   * overwrites a state another instance wrote meanwhile. Returns whether it wrote.
   */
  replaceDecided(entry: LedgerEntry, previous: LedgerEntry): Promise<boolean>;
  /**
   * Takes an entry out whose body Graph refused while the request still waited for it: it never
   * reached Graph, so it is no decision, and must not make every later delivery fail the same way.
   */
  release(key: LedgerKey): Promise<void>;
  list(query: LedgerQuery): AsyncIterable<LedgerEntry>;
  /** Deletes entries decided before `before`, at most `max` of them; returns how many. */
  purge(before: Date, max: number): Promise<number>;
}

/** Whether `stored` is still `previous`, decided and never sent: what replaceDecided requires. */
export function stillDecided(stored: LedgerEntry | undefined, previous: LedgerEntry): boolean {
  return stored !== undefined && stored.state === 'decided' && stored.decidedAt === previous.decidedAt && stored.decidedBy === previous.decidedBy && stored.decision === previous.decision;
}

/** The entry's key for a callout key's parts. */
export function ledgerKey(subject: string, stageInstance: string | undefined): LedgerKey {
  return { subject: subject.toLowerCase(), stageInstance: (stageInstance ?? 'task').toLowerCase() };
}
