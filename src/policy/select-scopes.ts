import type { CheckedCallout } from '../checks/define-check.js';
import { isSpecificRequestType, requestTypeOf } from '../request-types.js';
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
  /**
   * Scopes that filter on request types and matched by their other keys alone, because the
   * callout names no request type entitlement-guard knows (the engine notes it); undefined when
   * there is none.
   */
  readonly unknownRequestType: { readonly requestType: string | undefined; readonly scopes: readonly string[] } | undefined;
}

function within(list: readonly string[] | undefined, value: string | undefined): boolean {
  return list === undefined || (value !== undefined && list.includes(value.toLowerCase()));
}

const ELM_ONLY: readonly (keyof Match)[] = ['catalogs', 'accessPackages', 'assignmentPolicies', 'stages', 'requestTypes'];
const LCW_ONLY: readonly (keyof Match)[] = ['workflows', 'tasks'];

/**
 * How a scope's match fits a callout (ids and names compared without case): not at all; fully;
 * or by every key but `requestTypes`, when the request callout names no request type
 * entitlement-guard knows (absent, notSpecified, unknownFutureValue, or a type newer than the
 * list). Such a callout could be any request, so a filter on request types never skips it.
 */
export function fit(match: Match, callout: CheckedCallout): 'none' | 'full' | 'unknown-request-type' {
  if (callout.kind === 'lcw-task') {
    return ELM_ONLY.every((k) => match[k] === undefined) && within(match.workflows, callout.workflow?.id) && within(match.tasks, callout.task?.id) ? 'full' : 'none';
  }
  const others =
    LCW_ONLY.every((k) => match[k] === undefined) &&
    within(match.catalogs, callout.catalog?.id) &&
    within(match.accessPackages, callout.accessPackage?.id) &&
    within(match.assignmentPolicies, callout.kind === 'elm-request' ? callout.assignmentPolicy?.id : undefined) &&
    within(match.stages, callout.stage);
  if (!others) return 'none';
  if (match.requestTypes === undefined) return 'full';
  // Pre-expiration callouts are no request: a scope that filters on request types is not about them.
  if (callout.kind !== 'elm-request') return 'none';
  const type = requestTypeOf(callout.requestType);
  if (type !== undefined && match.requestTypes.includes(type)) return 'full';
  return isSpecificRequestType(callout.requestType) ? 'none' : 'unknown-request-type';
}

/** Which configured checks run on this callout, and whose approver strategy answers it. */
export function selectScopes(policy: Policy, callout: CheckedCallout): Selection {
  const fits = policy.scopes.map((scope) => ({ scope, fit: fit(scope.match, callout) }));
  const matched = fits.filter((f) => f.fit !== 'none').map((f) => f.scope);
  const byUnknownType = fits.filter((f) => f.fit === 'unknown-request-type').map((f) => f.scope.name);
  const all = matched.flatMap((scope) => scope.checks);
  const first = callout.kind === 'elm-request' && callout.stage === 'assignmentRequestDeterminingApprovalRequirements' ? matched.find((s) => s.approvers !== undefined) : undefined;
  return {
    scopes: matched.map((s) => s.name),
    runs: all.filter((run) => run.check.appliesTo.includes(callout.kind)),
    skipped: all.filter((run) => !run.check.appliesTo.includes(callout.kind)),
    approvers: first?.approvers === undefined ? undefined : { scope: first.name, policy: first.approvers, mode: first.mode, failMode: first.failMode },
    unknownRequestType: byUnknownType.length === 0 || callout.kind !== 'elm-request' ? undefined : { requestType: callout.requestType, scopes: byUnknownType },
  };
}
