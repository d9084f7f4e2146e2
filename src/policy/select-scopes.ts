import type { CheckedCallout } from '../checks/define-check.js';
import type { PimActivation } from '../pim/activation.js';
import { isSpecificRequestType, requestTypeOf } from '../request-types.js';
import type { ApproverPolicy, ConfiguredCheck, FailMode, Match, Mode, PimResourceType, Policy } from './policy-types.js';

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
  /** PIM activations: the matched scopes that answer AutoApproved when their checks pass. */
  readonly autoApprove: readonly string[];
}

function within(list: readonly string[] | undefined, value: string | undefined): boolean {
  return list === undefined || (value !== undefined && list.includes(value.toLowerCase()));
}

export const ELM_ONLY = ['catalogs', 'accessPackages', 'assignmentPolicies', 'stages', 'requestTypes'] as const satisfies readonly (keyof Match)[];
export const LCW_ONLY = ['workflows', 'tasks'] as const satisfies readonly (keyof Match)[];
export const PIM_ONLY = ['resourceTypes', 'roleDefinitions', 'groups', 'groupAccess', 'resourceScopes'] as const satisfies readonly (keyof Match)[];

const RESOURCE_TYPE: Readonly<Record<PimActivation['target']['kind'], PimResourceType>> = { group: 'entraGroups', 'directory-role': 'entraRoles', 'azure-role': 'azureResources' };

/** An ARM scope at or beneath one of `scopes` (lower-case, compared without case). */
function beneath(scopes: readonly string[], scope: string): boolean {
  const lower = scope.toLowerCase();
  return scopes.some((s) => {
    const base = s.replace(/\/+$/, '');
    return base === '' || lower === base || lower.startsWith(`${base}/`);
  });
}

/** How a scope's PIM keys fit an activation: a key that cannot apply to its resource type does not match. */
function fitsActivation(match: Match, activation: PimActivation): boolean {
  const { target } = activation;
  if (match.resourceTypes !== undefined && !match.resourceTypes.includes(RESOURCE_TYPE[target.kind])) return false;
  switch (target.kind) {
    case 'group':
      return match.roleDefinitions === undefined && match.resourceScopes === undefined && within(match.groups, target.groupId) && within(match.groupAccess, target.access);
    case 'directory-role':
      return match.groups === undefined && match.groupAccess === undefined && within(match.roleDefinitions, target.roleDefinitionId) && within(match.resourceScopes, target.directoryScopeId);
    case 'azure-role':
      return (
        match.groups === undefined &&
        match.groupAccess === undefined &&
        (within(match.roleDefinitions, target.roleDefinitionGuid) || within(match.roleDefinitions, target.roleDefinitionId)) &&
        (match.resourceScopes === undefined || beneath(match.resourceScopes, target.scope))
      );
  }
}

/**
 * How a scope's match fits a callout (ids and names compared without case): not at all; fully;
 * or by every key but `requestTypes`, when the request callout names no request type
 * entitlement-guard knows (absent, notSpecified, unknownFutureValue, or a type newer than the
 * list). Such a callout could be any request, so a filter on request types never skips it.
 */
export function fit(match: Match, callout: CheckedCallout): 'none' | 'full' | 'unknown-request-type' {
  if (callout.kind === 'pim-activation') {
    // Giving a role up (selfDeactivate, adminRemove) is never held against anyone: no scope selects it.
    if (callout.action !== undefined && /deactivate|remove/i.test(callout.action)) return 'none';
    return ELM_ONLY.every((k) => match[k] === undefined) && LCW_ONLY.every((k) => match[k] === undefined) && fitsActivation(match, callout) ? 'full' : 'none';
  }
  if (PIM_ONLY.some((k) => match[k] !== undefined)) return 'none';
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
    // A scope in audit mode never skips PIM's approval: it only records that it would have.
    autoApprove: callout.kind === 'pim-activation' ? matched.filter((s) => s.autoApprove && s.mode === 'enforce').map((s) => s.name) : [],
  };
}
