import type { DirectoryRef } from '../facts/fact-types.js';
import type { HoldingFactValues } from '../facts/holding-fact-types.js';
import { entitlementKey, type Holding } from './sod-model.js';

/** Assignment states in which the user has (or is being given) the package. */
const HELD = new Set(['delivered', 'partiallydelivered', 'delivering']);
/** Request states still on their way to an assignment. */
const PENDING = new Set(['submitted', 'pendingapproval', 'delivering', 'scheduled', 'accepted']);

export interface HoldingInput {
  readonly facts: Partial<HoldingFactValues>;
  /** The request being decided: left out of the pending requests, its package is what it touches. */
  readonly requestId: string | undefined;
  readonly requestedPackage: DirectoryRef | undefined;
  readonly now: number;
}

export interface UserHoldings {
  readonly holdings: Holding[];
  /** Keys the request brings: the requested package and the groups and app roles it grants. */
  readonly touched: Set<string>;
  /** Every group of the user, for group exemptions. */
  readonly groupIds: Set<string>;
}

const isCurrent = (start: string | undefined, end: string | undefined, now: number): boolean =>
  (start === undefined || Date.parse(start) <= now) && (end === undefined || Date.parse(end) > now);

/**
 * What the user holds after the request: delivered assignments, pending requests for other
 * packages, groups (direct or nested), active and current PIM-eligible directory roles, app roles
 * (their own or a direct group's), and what the requested package grants.
 */
export function collectHoldings({ facts, requestId, requestedPackage, now }: HoldingInput): UserHoldings {
  const holdings: Holding[] = [];
  const touched = new Set<string>();
  for (const a of facts.targetPackageAssignments ?? []) {
    if (!HELD.has(a.state.toLowerCase())) continue;
    holdings.push({ key: entitlementKey.accessPackage(a.accessPackage.id), kind: 'accessPackage', displayName: a.accessPackage.displayName, source: { via: 'assignment', assignmentId: a.id, state: a.state } });
  }
  for (const r of facts.targetPackageRequests ?? []) {
    if (r.id === requestId?.toLowerCase() || !PENDING.has(r.state.toLowerCase()) || /remove$/i.test(r.requestType)) continue;
    holdings.push({ key: entitlementKey.accessPackage(r.accessPackage.id), kind: 'accessPackage', displayName: r.accessPackage.displayName, source: { via: 'pendingRequest', requestId: r.id, state: r.state } });
  }
  if (requestedPackage !== undefined) {
    const name = facts.requestedPackage?.displayName ?? requestedPackage.displayName;
    const key = entitlementKey.accessPackage(requestedPackage.id);
    touched.add(key);
    holdings.push({ key, kind: 'accessPackage', displayName: name, source: { via: 'requestedPackage', accessPackage: requestedPackage.id.toLowerCase() } });
    for (const grant of facts.requestedPackage?.grants ?? []) {
      const source = { via: 'requestedPackage', accessPackage: requestedPackage.id.toLowerCase() } as const;
      if (grant.kind === 'group' && grant.role.toLowerCase() === 'member') {
        const groupKey = entitlementKey.group(grant.groupId);
        touched.add(groupKey);
        holdings.push({ key: groupKey, kind: 'group', displayName: grant.displayName, source: { ...source, role: 'Member' } });
      } else if (grant.kind === 'appRole') {
        const appKey = entitlementKey.appRole(grant.servicePrincipalId, grant.appRoleId);
        touched.add(appKey);
        holdings.push({ key: appKey, kind: 'appRole', displayName: grant.displayName, source: { ...source, role: grant.displayName ?? grant.appRoleId } });
      }
    }
  }
  const direct = new Set((facts.targetDirectGroups ?? []).map((g) => g.id));
  const groupIds = new Set<string>();
  for (const g of facts.targetGroups ?? []) {
    groupIds.add(g.id);
    holdings.push({ key: entitlementKey.group(g.id), kind: 'group', displayName: g.displayName, source: { via: 'groupMembership', membership: direct.has(g.id) ? 'direct' : 'nested' } });
  }
  for (const r of facts.targetActiveRoles ?? []) {
    holdings.push({ key: entitlementKey.directoryRole(r.roleTemplateId), kind: 'directoryRole', displayName: undefined, source: { via: 'directoryRole', assignment: 'active', id: r.id, directoryScopeId: r.directoryScopeId } });
  }
  for (const r of facts.targetEligibleRoles ?? []) {
    if (!isCurrent(r.startDateTime, r.endDateTime, now)) continue;
    const until = r.endDateTime === undefined ? {} : { until: r.endDateTime };
    holdings.push({ key: entitlementKey.directoryRole(r.roleTemplateId), kind: 'directoryRole', displayName: undefined, eligible: true, source: { via: 'directoryRole', assignment: 'eligible', id: r.id, directoryScopeId: r.directoryScopeId, ...until } });
  }
  for (const a of facts.targetAppRoles ?? []) {
    const principal = a.principalType.toLowerCase() === 'group' ? { principal: a.principalDisplayName ?? a.principalId } : {};
    holdings.push({ key: entitlementKey.appRole(a.resourceId, a.appRoleId), kind: 'appRole', displayName: a.resourceDisplayName, source: { via: 'appRoleAssignment', assignmentId: a.id, principalType: a.principalType, ...principal } });
  }
  return { holdings, touched, groupIds };
}
