import type { ValidateFunction } from 'ajv';
import type { GraphCall } from '../../graph/graph-http.js';
import { graphPath, odataEq, type Query } from '../../graph/graph-path.js';
import type { ScanValidators } from './scan-schemas.js';

/**
 * The tenant-wide Graph reads of a scan (v1.0, GET only), one per entitlement, with the
 * permission each needs and how its items are read. Ids in filters are GUIDs validated by the
 * policy schema; paths and filters are built by graph-path.ts all the same.
 */

type Json = Record<string, unknown>;

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

export interface CollectionRead<T> {
  readonly call: GraphCall;
  readonly permission: string;
  /** The item's name in messages: "access package assignment". */
  readonly item: string;
  readonly validator: (v: ScanValidators) => ValidateFunction;
  /** The item, or undefined for items that are not about people (documented per read). */
  readonly parse: (json: Json) => T | undefined;
}

export interface UserItem {
  readonly id: string;
  readonly displayName: string | undefined;
}

export interface AssignmentItem extends UserItem {
  readonly assignmentId: string;
  readonly state: string;
}

export interface RoleGrantItem {
  readonly id: string;
  readonly scope: string;
  readonly principal: { readonly type: 'user' | 'group' | 'other'; readonly id: string; readonly displayName: string | undefined };
  readonly startDateTime: string | undefined;
  readonly endDateTime: string | undefined;
}

export interface AppRoleAssignmentItem {
  readonly id: string;
  readonly appRoleId: string;
  readonly principalType: 'user' | 'group' | 'other';
  readonly principalId: string;
  readonly principalDisplayName: string | undefined;
}

/** Assignment states in which the user has (or is being given) the package. */
const HELD = new Set(['delivered', 'partiallydelivered', 'delivering']);

function toUser(json: Json): UserItem {
  return { id: String(json['id']).toLowerCase(), displayName: str(json['displayName']) };
}

/**
 * Held assignments of one package. Assignments in other states (expired, delivery failed…) are
 * not held; a held one whose subject is a service principal is not about a person and is left
 * out; a held one to a user without an object id is an invalid answer.
 */
export function packageAssignments(accessPackageId: string): CollectionRead<AssignmentItem> {
  return {
    call: get([...ELM, 'assignments'], { $filter: odataEq('accessPackage/id', accessPackageId), $expand: 'target', $select: 'id,state' }),
    permission: 'EntitlementManagement.Read.All',
    item: 'access package assignment',
    validator: (v) => v.assignment,
    parse: (json) => {
      const state = String(json['state']);
      if (!HELD.has(state.toLowerCase())) return undefined;
      const target = json['target'] as Json | null | undefined;
      if (str(target?.['subjectType'])?.toLowerCase() === 'serviceprincipal') return undefined;
      const objectId = str(target?.['objectId']);
      if (objectId === undefined) throw new InvalidItem(`assignment ${String(json['id'])} is ${state} but names no target objectId`);
      return { id: objectId.toLowerCase(), displayName: str(target?.['displayName']), assignmentId: String(json['id']), state };
    },
  };
}

function usersOf(segments: readonly string[]): CollectionRead<UserItem> {
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

function toRoleGrant(json: Json): RoleGrantItem {
  const principal = json['principal'] as Json;
  const schedule = json['scheduleInfo'] as Json | null | undefined;
  const expiration = schedule?.['expiration'] as Json | null | undefined;
  return {
    id: String(json['id']),
    scope: str(json['directoryScopeId']) ?? '/',
    principal: { type: principalType(String(principal['@odata.type'])), id: String(principal['id']).toLowerCase(), displayName: str(principal['displayName']) },
    startDateTime: str(schedule?.['startDateTime']),
    endDateTime: str(expiration?.['endDateTime']),
  };
}

/** Active assignments of a directory role, any scope, with their principal (user, group or service principal). */
export function activeRoleAssignments(roleTemplateId: string): CollectionRead<RoleGrantItem> {
  return {
    call: get(['roleManagement', 'directory', 'roleAssignments'], { $filter: odataEq('roleDefinitionId', roleTemplateId), $expand: 'principal' }),
    permission: 'RoleManagement.Read.Directory',
    item: 'directory role assignment',
    validator: (v) => v.roleGrant,
    parse: toRoleGrant,
  };
}

/** PIM eligibility schedules of a directory role, with their principal and schedule. */
export function roleEligibilities(roleTemplateId: string): CollectionRead<RoleGrantItem> {
  return {
    call: get(['roleManagement', 'directory', 'roleEligibilitySchedules'], { $filter: odataEq('roleDefinitionId', roleTemplateId), $expand: 'principal' }),
    permission: 'RoleEligibilitySchedule.Read.Directory',
    item: 'directory role eligibility schedule',
    validator: (v) => v.roleGrant,
    parse: toRoleGrant,
  };
}

/** Every app role assignment of a resource application (all its roles: one read serves each role a rule names). */
export function appRoleAssignedTo(servicePrincipalId: string): CollectionRead<AppRoleAssignmentItem> {
  return {
    call: get(['servicePrincipals', servicePrincipalId, 'appRoleAssignedTo'], { $top: '999' }),
    permission: 'Application.Read.All',
    item: 'app role assignment',
    validator: (v) => v.appRoleAssignment,
    parse: (json) => {
      const type = String(json['principalType']).toLowerCase();
      return {
        id: String(json['id']),
        appRoleId: String(json['appRoleId']).toLowerCase(),
        principalType: type === 'user' ? 'user' : type === 'group' ? 'group' : 'other',
        principalId: String(json['principalId']).toLowerCase(),
        principalDisplayName: str(json['principalDisplayName']),
      };
    },
  };
}
