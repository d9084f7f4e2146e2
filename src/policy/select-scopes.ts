import type { CheckedCallout } from '../checks/define-check.js';
import type { ApproverPolicy, ConfiguredCheck, FailMode, Match, Mode, Policy } from './policy-types.js';

export interface Selection {
  /** Names of the scopes that matched, in document order. */
  readonly scopes: readonly string[];
  /** Configured checks of the matched scopes that can run on this callout. */
  readonly runs: readonly ConfiguredCheck[];
  /** Configured checks of the matched scopes that cannot run on this kind of callout. */
  readonly skipped: readonly ConfiguredCheck[];
  /** The approver strategy of the first matched scope that names one. */
  readonly approvers: { readonly scope: string; readonly policy: ApproverPolicy; readonly mode: Mode; readonly failMode: FailMode } | undefined;
}

function within(list: readonly string[] | undefined, value: string | undefined): boolean {
  return list === undefined || (value !== undefined && list.includes(value.toLowerCase()));
}

const ELM_ONLY: readonly (keyof Match)[] = ['catalogs', 'accessPackages', 'assignmentPolicies', 'stages', 'requestTypes'];
const LCW_ONLY: readonly (keyof Match)[] = ['workflows', 'tasks'];

/** Whether a scope's match fits a callout (ids and names compared without case). */
export function matches(match: Match, callout: CheckedCallout): boolean {
  if (callout.kind === 'lcw-task') {
    return ELM_ONLY.every((k) => match[k] === undefined) && within(match.workflows, callout.workflow?.id) && within(match.tasks, callout.task?.id);
  }
  return (
    LCW_ONLY.every((k) => match[k] === undefined) &&
    within(match.catalogs, callout.catalog?.id) &&
    within(match.accessPackages, callout.accessPackage?.id) &&
    within(match.assignmentPolicies, callout.kind === 'elm-request' ? callout.assignmentPolicy?.id : undefined) &&
    within(match.stages, callout.stage) &&
    within(match.requestTypes, callout.kind === 'elm-request' ? callout.requestType : undefined)
  );
}

/** Which configured checks run on this callout, and whose approver strategy answers it. */
export function selectScopes(policy: Policy, callout: CheckedCallout): Selection {
  const matched = policy.scopes.filter((scope) => matches(scope.match, callout));
  const all = matched.flatMap((scope) => scope.checks);
  const first = callout.kind === 'elm-request' && callout.stage === 'assignmentRequestDeterminingApprovalRequirements' ? matched.find((s) => s.approvers !== undefined) : undefined;
  return {
    scopes: matched.map((s) => s.name),
    runs: all.filter((run) => run.check.appliesTo.includes(callout.kind)),
    skipped: all.filter((run) => !run.check.appliesTo.includes(callout.kind)),
    approvers: first?.approvers === undefined ? undefined : { scope: first.name, policy: first.approvers, mode: first.mode, failMode: first.failMode },
  };
}
