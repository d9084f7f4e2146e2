import type * as V1 from '@microsoft/microsoft-graph-types';
import type { ValidateFunction } from 'ajv';
import type { GraphCall } from '../../graph/graph-http.js';
import { graphPath, odataEq, type Query } from '../../graph/graph-path.js';
import type { Keyed, OrUndefined, Present } from '../../graph/graph-types.js';
import type { ScanAppRoleAssignment, ScanAssignment, ScanRoleGrant, ScanUser, ScanValidators } from './scan-schemas.js';

/**
 * The tenant-wide Graph reads of a scan (v1.0, GET only), one per entitlement, with the
 * permission each needs and how its items are read. Ids in filters are GUIDs validated by the
 * policy schema; paths and filters are built by graph-path.ts all the same.
 */

/** Advanced queries (OData casts with complete counts) need this header and $count=true. */
const EVENTUAL = { ConsistencyLevel: 'eventual' } as const;
const ELM = ['identityGovernance', 'entitlementManagement'] as const;
const get = (segments: readonly string[], query: Query, headers?: Readonly<Record<string, string>>): GraphCall => ({
  method: 'GET',
  version: 'v1.0',
  path: graphPath(segments, query),
  ...(headers ? { headers } : {}),
});
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** An item Graph answered that the schema accepts but the scan cannot use (e.g. a held assignment without a target). */
export class InvalidItem extends Error {
  override readonly name = 'InvalidItem';
}

/** A collection read whose items (`A`, what the validator checks) are parsed into `T`. */
export interface CollectionRead<T, A> {
  readonly call: GraphCall;
  readonly permission: string;
  /** The item's name in messages: "access package assignment". */
  readonly item: string;
  readonly validator: (v: ScanValidators) => ValidateFunction<A>;
  /** The item, or undefined for items that are not about people (documented per read). */
  readonly parse: (json: A) => T | undefined;
}

/** A user (or a group, as a principal) by id and display name. */
export interface UserItem extends Present<Pick<V1.User, 'id'>>, OrUndefined<Pick<V1.User, 'displayName'>> {}

/** A held assignment: `id` and `displayName` are its target user's. */
export interface AssignmentItem extends UserItem, Present<Pick<V1.AccessPackageAssignment, 'state'>> {
  readonly assignmentId: string;
}

/**
 * A role assignment or eligibility schedule: scope is its directoryScopeId ('/' when none), the
 * window its scheduleInfo's; the principal's type is read from its `@odata.type`.
 */
export interface RoleGrantItem
  extends Present<Pick<V1.UnifiedRoleAssignment, 'id'>>,
    OrUndefined<Pick<V1.RequestSchedule, 'startDateTime'>>,
    OrUndefined<Pick<V1.ExpirationPattern, 'endDateTime'>>,
    Keyed<V1.UnifiedRoleAssignment, 'principal', UserItem & { readonly type: 'user' | 'group' | 'other' }> {
  readonly scope: string;
}

export interface AppRoleAssignmentItem
  extends Present<Pick<V1.AppRoleAssignment, 'id' | 'appRoleId' | 'principalId'>>,
    OrUndefined<Pick<V1.AppRoleAssignment, 'principalDisplayName'>>,
    Keyed<V1.AppRoleAssignment, 'principalType', 'user' | 'group' | 'other'> {}

/** Assignment states in which the user has (or is being given) the package. */
const HELD = new Set(['delivered', 'partiallydelivered', 'delivering']);

function toUser(json: ScanUser): UserItem {
  return { id: json.id.toLowerCase(), displayName: str(json.displayName) };
}

/**
 * Held assignments of one package. Assignments in other states (expired, delivery failed…) are
 * not held; a held one whose subject is a service principal is not about a person and is left
 * out; a held one to a user without an object id is an invalid answer.
 */
export function packageAssignments(accessPackageId: string): CollectionRead<AssignmentItem, ScanAssignment> {
  return {
    call: get([...ELM, 'assignments'], { $filter: odataEq('accessPackage/id', accessPackageId), $expand: 'target', $select: 'id,state' }),
    permission: 'EntitlementManagement.Read.All',
    item: 'access package assignment',
    validator: (v) => v.assignment,
    parse: (json) => {
      const state = json.state;
      if (!HELD.has(state.toLowerCase())) return undefined;
      const target = json.target;
      if (str(target?.subjectType)?.toLowerCase() === 'serviceprincipal') return undefined;
      const objectId = str(target?.objectId);
      if (objectId === undefined) throw new InvalidItem(`assignment ${json.id} is ${state} but names no target objectId`);
      return { id: objectId.toLowerCase(), displayName: str(target?.displayName), assignmentId: json.id, state };
    },
  };
}

function usersOf(segments: readonly string[]): CollectionRead<UserItem, ScanUser> {
  return {
    call: get([...segments, 'microsoft.graph.user'], { $select: 'id,displayName', $top: '999', $count: 'true' }, EVENTUAL),
    permission: 'GroupMember.Read.All',
    item: 'user',
    validator: (v) => v.user,
    parse: toUser,
  };
}

/** Every user in the group, direct or through nested groups. */
export const transitiveUsers = (groupId: string) => usersOf(['groups', groupId, 'transitiveMembers']);
/** The group's direct user members: app roles do not pass to nested groups, and role-assignable groups cannot nest. */
export const directUsers = (groupId: string) => usersOf(['groups', groupId, 'members']);

function principalType(odataType: string): RoleGrantItem['principal']['type'] {
  const type = odataType.toLowerCase();
  return type === '#microsoft.graph.user' ? 'user' : type === '#microsoft.graph.group' ? 'group' : 'other';
}

function toRoleGrant(json: ScanRoleGrant): RoleGrantItem {
  const principal = json.principal;
  const schedule = json.scheduleInfo;
  const expiration = schedule?.expiration;
  return {
    id: json.id,
    scope: str(json.directoryScopeId) ?? '/',
    principal: { type: principalType(principal['@odata.type']), id: principal.id.toLowerCase(), displayName: str(principal.displayName) },
    startDateTime: str(schedule?.startDateTime),
    endDateTime: str(expiration?.endDateTime),
  };
}

/** Active assignments of a directory role, any scope, with their principal (user, group or service principal). */
export function activeRoleAssignments(roleTemplateId: string): CollectionRead<RoleGrantItem, ScanRoleGrant> {
  return {
    call: get(['roleManagement', 'directory', 'roleAssignments'], { $filter: odataEq('roleDefinitionId', roleTemplateId), $expand: 'principal' }),
    permission: 'RoleManagement.Read.Directory',
    item: 'directory role assignment',
    validator: (v) => v.roleGrant,
    parse: toRoleGrant,
  };
}

/** PIM eligibility schedules of a directory role, with their principal and schedule. */
export function roleEligibilities(roleTemplateId: string): CollectionRead<RoleGrantItem, ScanRoleGrant> {
  return {
    call: get(['roleManagement', 'directory', 'roleEligibilitySchedules'], { $filter: odataEq('roleDefinitionId', roleTemplateId), $expand: 'principal' }),
    permission: 'RoleEligibilitySchedule.Read.Directory',
    item: 'directory role eligibility schedule',
    validator: (v) => v.roleGrant,
    parse: toRoleGrant,
  };
}

/** Every app role assignment of a resource application (all its roles: one read serves each role a rule names). */
export function appRoleAssignedTo(servicePrincipalId: string): CollectionRead<AppRoleAssignmentItem, ScanAppRoleAssignment> {
  return {
    call: get(['servicePrincipals', servicePrincipalId, 'appRoleAssignedTo'], { $top: '999' }),
    permission: 'Application.Read.All',
    item: 'app role assignment',
    validator: (v) => v.appRoleAssignment,
    parse: (json) => {
      const type = json.principalType.toLowerCase();
      return {
        id: json.id,
        appRoleId: json.appRoleId.toLowerCase(),
        principalType: type === 'user' ? 'user' : type === 'group' ? 'group' : 'other',
        principalId: json.principalId.toLowerCase(),
        principalDisplayName: str(json.principalDisplayName),
      };
    },
  };
}
