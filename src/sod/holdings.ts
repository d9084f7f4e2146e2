import type { DirectoryRef } from '../facts/fact-types.js';
import type { HoldingFactValues } from '../facts/holding-fact-types.js';
import { isRemoval } from '../request-types.js';
import { Held, scannedMembership, type Membership } from './held.js';
import type { Holding } from './sod-model.js';

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

/**
 * The user's group memberships, kept as read: a user has groups by the ten thousand and rules name
 * few of them, so a group becomes a holding only when the rule index finds it.
 */
export interface GroupMemberships {
  /** Every group, direct or nested. */
  readonly groups: readonly DirectoryRef[];
  /** The direct ones: the others are nested. */
  readonly direct: readonly DirectoryRef[];
}

export interface UserHoldings {
  /** Everything but group memberships. */
  readonly holdings: Holding[];
  readonly memberships: GroupMemberships;
  /** Keys the request brings: the requested package and the groups and app roles it grants. */
  readonly touched: Set<string>;
  /** Every group of the user, for group exemptions. */
  readonly groupIds: Membership;
}

const isCurrent = (start: string | undefined, end: string | undefined, now: number): boolean =>
  (start === undefined || Date.parse(start) <= now) && (end === undefined || Date.parse(end) > now);

function requested(pkg: DirectoryRef, facts: Partial<HoldingFactValues>, holdings: Holding[], touched: Set<string>): void {
  const packageId = pkg.id.toLowerCase();
  const bring = (holding: Holding) => {
    holdings.push(holding);
    touched.add(holding.key);
  };
  bring(new Held('accessPackage', packageId, facts.requestedPackage?.displayName ?? pkg.displayName, { via: 'requestedPackage', accessPackage: packageId }));
  for (const grant of facts.requestedPackage?.grants ?? []) {
    if (grant.kind === 'group' && grant.role.toLowerCase() === 'member') {
      bring(new Held('group', grant.groupId, grant.displayName, { via: 'requestedPackage', accessPackage: packageId, role: 'Member' }));
    } else if (grant.kind === 'appRole') {
      bring(new Held('appRole', `${grant.servicePrincipalId}/${grant.appRoleId}`, grant.displayName, { via: 'requestedPackage', accessPackage: packageId, role: grant.displayName ?? grant.appRoleId }));
    }
  }
}

/**
 * What the user holds after the request: delivered assignments, pending requests for other
 * packages, groups (direct or nested), active and current PIM-eligible directory roles, app roles
 * (their own or a direct group's), and what the requested package grants.
 */
export function collectHoldings({ facts, requestId, requestedPackage, now }: HoldingInput): UserHoldings {
  const holdings: Holding[] = [];
  const touched = new Set<string>();
  for (const a of facts.targetPackageAssignments ?? []) {
    if (HELD.has(a.state.toLowerCase())) holdings.push(new Held('accessPackage', a.accessPackage.id, a.accessPackage.displayName, { via: 'assignment', assignmentId: a.id, state: a.state }));
  }
  for (const r of facts.targetPackageRequests ?? []) {
    if (r.id === requestId?.toLowerCase() || !PENDING.has(r.state.toLowerCase()) || isRemoval(r.requestType)) continue;
    holdings.push(new Held('accessPackage', r.accessPackage.id, r.accessPackage.displayName, { via: 'pendingRequest', requestId: r.id, state: r.state }));
  }
  if (requestedPackage !== undefined) requested(requestedPackage, facts, holdings, touched);
  const memberships: GroupMemberships = { groups: facts.targetGroups ?? [], direct: facts.targetDirectGroups ?? [] };
  const groupIds = scannedMembership(memberships.groups);
  for (const r of facts.targetActiveRoles ?? []) {
    holdings.push(new Held('directoryRole', r.roleTemplateId, undefined, { via: 'directoryRole', assignment: 'active', id: r.id, directoryScopeId: r.directoryScopeId }));
  }
  for (const r of facts.targetEligibleRoles ?? []) {
    if (!isCurrent(r.startDateTime, r.endDateTime, now)) continue;
    const until = r.endDateTime === undefined ? {} : { until: r.endDateTime };
    holdings.push(new Held('directoryRole', r.roleTemplateId, undefined, { via: 'directoryRole', assignment: 'eligible', id: r.id, directoryScopeId: r.directoryScopeId, ...until }, true));
  }
  for (const a of facts.targetAppRoles ?? []) {
    const principal = a.principalType.toLowerCase() === 'group' ? { principal: a.principalDisplayName ?? a.principalId } : {};
    holdings.push(new Held('appRole', `${a.resourceId}/${a.appRoleId}`, a.resourceDisplayName, { via: 'appRoleAssignment', assignmentId: a.id, principalType: a.principalType, ...principal }));
  }
  return { holdings, memberships, touched, groupIds };
}
