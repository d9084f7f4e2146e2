import { createHash } from 'node:crypto';
import type { Decision } from '../decision/decision.js';
import { detailText, SEVERITY_RANK } from '../engine/decide.js';
import type { PolicyEvaluation } from '../engine/policy-engine.js';
import type { Finding } from '../engine/run-checks.js';
import type { PimActivation } from './activation.js';

/** What PIM's custom extension expects back, synchronously (docs/protocol.md §13). */
export const EVALUATION_OUTCOMES = ['Approved', 'AutoApproved', 'Denied'] as const;
export type EvaluationOutcome = (typeof EVALUATION_OUTCOMES)[number];

export interface PimAnswer {
  /** Ours: the ledger key, logged in PIM's audit. */
  readonly evaluationId: string;
  readonly evaluationOutcome: EvaluationOutcome;
  /** Why, a line each; PIM shows them to the user when the outcome is Denied. */
  readonly reason: readonly string[];
}

/** Reasons PIM receives: a few short lines, the most serious first. */
const MAX_REASONS = 10;
const MAX_REASON = 400;

const OUTCOME: Readonly<Partial<Record<Decision['kind'], EvaluationOutcome>>> = { deny: 'Denied', approve: 'Approved', 'auto-approve': 'AutoApproved' };

export function outcomeOf(decision: Decision['kind']): EvaluationOutcome {
  const outcome = OUTCOME[decision];
  if (outcome === undefined) throw new Error(`a PIM activation cannot be answered with ${decision}`);
  return outcome;
}

/** Hours since the epoch: what keys an Azure activation that names no start. */
const HOUR_MS = 3_600_000;
/** The nil GUID: no id, for keying (a placeholder is no request's id). */
const NIL = '00000000-0000-0000-0000-000000000000';

/** What an activation asks for (its status, which may move between PIM's retries, left out), as text. */
function askedFor(activation: PimActivation, start: string | undefined): string {
  const { schedule, target } = activation;
  // ARM ids and scopes are compared without case, as Azure does.
  const asked = target.kind === 'azure-role' ? { ...target, roleDefinitionId: target.roleDefinitionId.toLowerCase(), scope: target.scope.toLowerCase() } : target;
  return JSON.stringify([
    activation.model, activation.principalId, asked, activation.action?.toLowerCase(), start,
    schedule?.expirationType?.toLowerCase(), schedule?.duration, schedule?.endDateTime, activation.justification, activation.ticket,
  ]);
}

/**
 * A fingerprint of the whole activation, kept with its ledger entry: an entry found again under the
 * same evaluation id answers only the very same activation (PIM's retry), never another one that
 * reuses the id.
 */
export function activationFingerprint(activation: PimActivation): string {
  return `sha256:${createHash('sha256').update(askedFor(activation, activation.schedule?.startDateTime)).digest('hex').slice(0, 32)}`;
}

/**
 * The evaluation id: the schedule request's id where PIM sends one (groups, Entra roles), so a
 * retry of the same request finds the same ledger entry. The Azure model carries no id: its id is
 * derived from what the activation asks for (principal, role, scope, start, justification,
 * ticket), shaped as a GUID (version 8, RFC 9562), so PIM's retries of one activation share it.
 * An activation that names no start is keyed by the hour it arrived in as well: the same ask
 * made again later is a new activation, decided afresh.
 */
export function evaluationIdOf(activation: PimActivation, now: number): string {
  if (activation.requestId !== undefined && activation.requestId !== NIL) return activation.requestId;
  const hex = createHash('sha256').update(askedFor(activation, activation.schedule?.startDateTime ?? `hour:${String(Math.floor(now / HOUR_MS))}`)).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** What the activation asks for, in a few words: the ledger's `stage` for a PIM entry, compared when an entry is found again. */
export function activationText(activation: PimActivation): string {
  const { target } = activation;
  switch (target.kind) {
    case 'group':
      return `pim group ${target.groupId} ${target.access}`;
    case 'directory-role':
      return `pim directory role ${target.roleDefinitionId} at ${target.directoryScopeId}`;
    case 'azure-role':
      return `pim azure role ${target.roleDefinitionGuid} at ${target.scope.toLowerCase()}`;
  }
}

const clip = (text: string) => (text.length <= MAX_REASON ? text : `${text.slice(0, MAX_REASON - 1)}…`);

/** A finding as PIM shows it; a flag of a scope that auto-approves only kept the activation from being auto-approved. */
function line(finding: Finding, autoScopes: ReadonlySet<string>): string {
  const prefix = !finding.enforced ? 'Audit only: ' : finding.action === 'flag' && autoScopes.has(finding.scope) ? 'Not auto-approved: ' : '';
  return `${prefix}[${finding.checkId}] ${finding.message}`;
}

/**
 * The reasons: the findings that decided (a deny first), then the others and the audited ones,
 * then notices; when nothing was found, the verdict itself ("All 3 checks passed …") and the notices.
 */
export function reasonsOf(decision: Decision, evaluation: PolicyEvaluation | undefined): string[] {
  const findings = (evaluation?.checks ?? []).flatMap((r) => r.findings);
  const ranked = [...findings.filter((f) => f.kind !== 'notice')].sort(
    (a, b) => Number(b.enforced && b.action === 'deny') - Number(a.enforced && a.action === 'deny') || Number(b.enforced) - Number(a.enforced) || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
  );
  const notices = [...new Set([...(evaluation?.policy.notices ?? []), ...findings.filter((f) => f.kind === 'notice')].map((f) => `Noted: [${f.checkId}] ${f.message}`))];
  // An AutoApproved activation found nothing: its verdict names the scope that approved it.
  const autoScopes = new Set(evaluation?.policy.autoApprove ?? []);
  const reasons = ranked.length === 0 ? [verdictOf(decision, evaluation), ...notices] : [...ranked.map((f) => line(f, autoScopes)), ...notices];
  return reasons.slice(0, MAX_REASONS).map(clip);
}

/** The verdict alone, its notices left to their own lines: "AutoApproved by on-call. All 2 checks passed (activation-window)." */
function verdictOf(decision: Decision, evaluation: PolicyEvaluation | undefined): string {
  const runs = (evaluation?.checks ?? []).map((r) => ({ ...r, findings: r.findings.filter((f) => f.kind !== 'notice') }));
  if (!runs.some((r) => r.status !== 'skipped')) return decision.detail;
  const verdict = detailText(runs, undefined, undefined);
  const auto = evaluation?.policy.autoApprove ?? [];
  return decision.kind === 'auto-approve' ? `AutoApproved by ${auto.join(', ')}. ${verdict}` : verdict;
}

export function answerOf(evaluationId: string, decision: Decision, evaluation: PolicyEvaluation | undefined): PimAnswer {
  return { evaluationId, evaluationOutcome: outcomeOf(decision.kind), reason: reasonsOf(decision, evaluation) };
}
