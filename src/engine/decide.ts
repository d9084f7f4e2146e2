import type { CheckedCallout } from '../checks/define-check.js';
import { DEFAULT_APPROVAL_STAGE, type ApprovalStage, type SubjectSet } from '../decision/approval-stage.js';
import type { Decision } from '../decision/decision.js';
import type { CheckRun, Finding } from './run-checks.js';

/** Most serious first, for ordering findings wherever they are shown. */
export const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

function ordered(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => Number(b.action === 'deny') - Number(a.action === 'deny') || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
  );
}

function describeApprovers(sets: readonly SubjectSet[]): string {
  return sets
    .map((set) => {
      if (set['@odata.type'] === '#microsoft.graph.requestorManager') return `requestor's manager (level ${set.managerLevel})`;
      if ('description' in set) return set.description;
      return 'userId' in set ? `user ${set.userId}` : 'groupId' in set ? `group ${set.groupId}` : set['@odata.type'].replace('#microsoft.graph.', '');
    })
    .join(', ');
}

/**
 * The text approvers and the request history show (customExtensionStageInstanceDetail): the
 * verdict first, then each finding as `[check-id] message`, most serious first, the notices last
 * (the engine's own, then the checks'). Short: the resume clamps it to 500 characters.
 */
export function detailText(runs: readonly CheckRun[], approvalStage: ApprovalStage | undefined, approverNote: string | undefined, engineNotices: readonly Finding[] = []): string {
  const all = [...engineNotices, ...ordered(runs.flatMap((r) => r.findings))];
  const findings = all.filter((f) => f.kind !== 'notice');
  const notices = all.filter((f) => f.kind === 'notice');
  const enforced = findings.filter((f) => f.enforced);
  const audited = findings.filter((f) => !f.enforced);
  const parts: string[] = [];
  if (approvalStage !== undefined) parts.push(`Approvers: ${describeApprovers(approvalStage.primaryApprovers)}${approverNote ? ` (${approverNote})` : ''}.`);
  if (enforced.some((f) => f.action === 'deny')) parts.push('Denied by policy:');
  else if (enforced.length > 0) parts.push('Flagged by policy:');
  parts.push(...enforced.map((f) => `[${f.checkId}] ${f.message}`));
  if (audited.length > 0) {
    parts.push(audited.some((f) => f.action === 'deny') ? 'Audit only, would deny:' : 'Audit only, would flag:');
    parts.push(...audited.map((f) => `[${f.checkId}] ${f.message}`));
  }
  const ran = runs.filter((r) => r.status !== 'skipped');
  if (findings.length === 0 && ran.length > 0) parts.push(`All ${ran.length} check${ran.length === 1 ? '' : 's'} passed (${[...new Set(ran.map((r) => r.id))].join(', ')}).`);
  if (notices.length > 0) parts.push('Noted:', ...notices.map((f) => `[${f.checkId}] ${f.message}`));
  return parts.join(' ');
}

/**
 * Findings → the decision: deny when an enforced finding's action is deny (the resume shaper
 * turns that into continue where the stage cannot deny), an approval stage where one is the
 * answer (the strategy's, or the default when no strategy applies or it yields nobody), fail an
 * LCW task on deny, record only for pre-expiration stages. The engine's notices (how the policy
 * matched) are written into the text and decide nothing.
 */
export function decide(callout: CheckedCallout, runs: readonly CheckRun[], approvals: Approvals | undefined, notices: readonly Finding[] = [], autoApprove: readonly string[] = []): Decision {
  const denies = runs.some((r) => r.findings.some((f) => f.kind !== 'notice' && f.enforced && f.action === 'deny'));
  const ran = runs.some((r) => r.status !== 'skipped');
  if (callout.kind === 'pim-activation') {
    const detail = ran ? detailText(runs, undefined, undefined, notices) : 'No check applies to this activation.';
    if (denies) return { kind: 'deny', detail };
    // AutoApproved only when a scope in enforce mode asks for it and nothing at all was found: a
    // flag, an audited finding, a check that could not run, or a notice a person should see (a
    // conflict already held, an exemption used) leaves the activation to PIM's own approval.
    const clean = runs.every((r) => r.findings.every((f) => f.kind === 'notice' && f.withholdsAutoApproval !== true));
    return autoApprove.length > 0 && clean ? { kind: 'auto-approve', detail: `AutoApproved by ${autoApprove.join(', ')}. ${detail}` } : { kind: 'approve', detail };
  }
  if (callout.kind === 'elm-assignment') {
    return { kind: 'none', detail: `${callout.stage} cannot be resumed; recorded only.${ran ? ` ${detailText(runs, undefined, undefined, notices)}` : ''}` };
  }
  if (callout.kind === 'lcw-task') {
    const detail = ran ? detailText(runs, undefined, undefined, notices) : 'No check applies to this task.';
    return denies ? { kind: 'fail', detail } : { kind: 'complete', detail };
  }
  if (approvals !== undefined) {
    const approvalStage = approvals.stage ?? DEFAULT_APPROVAL_STAGE;
    const detail = !approvals.strategy && !ran ? 'No approver policy applies; the requestor\'s manager approves.' : detailText(runs, approvalStage, approvals.note, notices);
    return { kind: 'approval-stage', approvalStage, detail };
  }
  const detail = ran ? detailText(runs, undefined, undefined, notices) : 'No check applies to this stage.';
  return denies ? { kind: 'deny', detail } : { kind: 'continue', detail };
}

/** The approver strategy's result at the approval-requirements stage. */
export interface Approvals {
  /** undefined: nobody came of the strategy (or there is none); the default stage is sent. */
  readonly stage: ApprovalStage | undefined;
  readonly note: string | undefined;
  /** Whether a scope's strategy was applied (false: no scope names approvers). */
  readonly strategy: boolean;
}
