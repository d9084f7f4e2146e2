import { isObject } from '../graph/graph-errors.js';
import { Fields, TenantFileError } from '../directory/tenant-values.js';

export const ASSIGNMENT_STATES = ['delivered', 'delivering', 'partiallyDelivered', 'expired', 'deliveryFailed'] as const;
export const GROUP_ROLES = ['Member', 'Owner'] as const;
/** The app role of "default access": an assignment to an application that names none of its roles. */
export const DEFAULT_ACCESS_ROLE = '00000000-0000-0000-0000-000000000000';

export type AssignmentState = (typeof ASSIGNMENT_STATES)[number];
export type GroupRole = (typeof GROUP_ROLES)[number];

/** A security group; `members` are ids of users or of other groups (nesting), direct members only. */
export interface TenantGroup {
  readonly id: string;
  readonly displayName: string;
  /** The group's description in Entra (the file's `description`, for people and for Graph). */
  readonly description: string | null;
  readonly members: readonly string[];
}

export interface TenantAppRole {
  readonly id: string;
  readonly displayName: string;
  readonly value: string;
}

/** An application's service principal with the app roles it defines. */
export interface TenantServicePrincipal {
  readonly id: string;
  readonly appId: string | null;
  readonly displayName: string;
  readonly appRoles: readonly TenantAppRole[];
}

/** What an access package grants: a group membership (or ownership), or an app role of a service principal. */
export type TenantRoleScope =
  | { readonly group: string; readonly role: GroupRole }
  | { readonly servicePrincipal: string; readonly appRole: string };

export interface TenantAccessPackage {
  readonly id: string;
  readonly displayName: string;
  /** The package's description in Entra (the file's `description`, for people and for Graph). */
  readonly description: string | null;
  readonly catalog: { readonly id: string; readonly displayName: string } | null;
  readonly resourceRoleScopes: readonly TenantRoleScope[];
}

/** A user's assignment of an access package. */
export interface TenantAssignment {
  readonly id: string;
  readonly accessPackage: string;
  readonly target: string;
  readonly state: AssignmentState;
}

/** An active Entra directory role of a user or group. */
export interface TenantRoleAssignment {
  readonly id: string;
  readonly principal: string;
  readonly roleTemplateId: string;
  readonly directoryScopeId: string;
}

/** A PIM eligibility for an Entra directory role; no end date: it does not expire. */
export interface TenantRoleEligibility extends TenantRoleAssignment {
  readonly startDateTime: string;
  readonly endDateTime: string | null;
}

/** An app role of a service principal granted to a user or group. */
export interface TenantAppRoleAssignment {
  readonly id: string;
  readonly principal: string;
  readonly servicePrincipal: string;
  readonly appRole: string;
  readonly createdDateTime: string;
}

/** The tenant file's governance sections: groups, applications, access packages and who holds what. */
export interface TenantGovernance {
  readonly groups: readonly TenantGroup[];
  readonly servicePrincipals: readonly TenantServicePrincipal[];
  readonly accessPackages: readonly TenantAccessPackage[];
  readonly assignments: readonly TenantAssignment[];
  readonly roleAssignments: readonly TenantRoleAssignment[];
  readonly roleEligibilities: readonly TenantRoleEligibility[];
  readonly appRoleAssignments: readonly TenantAppRoleAssignment[];
}

/** One group of the file; that its members exist (and form no cycle) is checked by the caller, which knows the others. */
export function parseGroup(source: string, where: string, value: unknown): TenantGroup {
  const f = Fields.of(source, where, value, ['description', 'id', 'displayName', 'members']);
  const group = { id: f.guid('id', true), displayName: f.text('displayName', true), description: f.text('description'), members: f.guids('members', 'user or group ids') };
  if (group.members.includes(group.id)) f.fail('members', 'names the group itself');
  return group;
}

export function parseServicePrincipal(source: string, where: string, value: unknown): TenantServicePrincipal {
  const f = Fields.of(source, where, value, ['description', 'id', 'appId', 'displayName', 'appRoles']);
  const seen = new Map<string, number>();
  const appRoles = f.list('appRoles').map((raw, i) => {
    const r = Fields.of(source, `${where}.appRoles[${i}]`, raw, ['description', 'id', 'displayName', 'value']);
    const role = { id: r.guid('id', true), displayName: r.text('displayName', true), value: r.text('value', true) };
    if (role.id === DEFAULT_ACCESS_ROLE) r.fail('id', `${DEFAULT_ACCESS_ROLE} is the default access role, which every application has`);
    const same = seen.get(role.id);
    if (same !== undefined) r.fail('id', `"${role.id}" is already the id of appRoles[${same}]`);
    seen.set(role.id, i);
    return role;
  });
  return { id: f.guid('id', true), appId: f.guid('appId'), displayName: f.text('displayName', true), appRoles };
}

function parseRoleScope(source: string, where: string, value: unknown): TenantRoleScope {
  if (isObject(value) && 'group' in value) {
    const f = Fields.of(source, where, value, ['description', 'group', 'role']);
    return { group: f.guid('group', true), role: f.oneOf('role', GROUP_ROLES, 'Member') };
  }
  if (isObject(value) && 'servicePrincipal' in value) {
    const f = Fields.of(source, where, value, ['description', 'servicePrincipal', 'appRole']);
    return { servicePrincipal: f.guid('servicePrincipal', true), appRole: f.guid('appRole', true) };
  }
  throw new TenantFileError(`${source}: ${where} must be { "group": id, "role": "Member" | "Owner" } or { "servicePrincipal": id, "appRole": id }`);
}

/** One access package; the groups, service principals and app roles it names are checked by the caller. */
export function parseAccessPackage(source: string, where: string, value: unknown): TenantAccessPackage {
  const f = Fields.of(source, where, value, ['description', 'id', 'displayName', 'catalog', 'resourceRoleScopes']);
  const rawCatalog = f.value['catalog'];
  const c = rawCatalog === undefined || rawCatalog === null ? undefined : Fields.of(source, `${where}.catalog`, rawCatalog, ['description', 'id', 'displayName']);
  return {
    id: f.guid('id', true),
    displayName: f.text('displayName', true),
    description: f.text('description'),
    catalog: c === undefined ? null : { id: c.guid('id', true), displayName: c.text('displayName', true) },
    resourceRoleScopes: f.list('resourceRoleScopes').map((raw, i) => parseRoleScope(source, `${where}.resourceRoleScopes[${i}]`, raw)),
  };
}

export function parseAssignment(source: string, where: string, value: unknown): TenantAssignment {
  const f = Fields.of(source, where, value, ['description', 'id', 'accessPackage', 'target', 'state']);
  return { id: f.guid('id', true), accessPackage: f.guid('accessPackage', true), target: f.guid('target', true), state: f.oneOf('state', ASSIGNMENT_STATES, 'delivered') };
}

function roleFields(f: Fields): TenantRoleAssignment {
  const directoryScopeId = f.text('directoryScopeId') ?? '/';
  if (!directoryScopeId.startsWith('/')) f.fail('directoryScopeId', `"${directoryScopeId}" does not start with / (/ is the whole tenant)`);
  return { id: f.guid('id', true), principal: f.guid('principal', true), roleTemplateId: f.guid('roleTemplateId', true), directoryScopeId };
}

export function parseRoleAssignment(source: string, where: string, value: unknown): TenantRoleAssignment {
  return roleFields(Fields.of(source, where, value, ['description', 'id', 'principal', 'roleTemplateId', 'directoryScopeId']));
}

/** One eligibility; without a start date it starts at `now` (the load), without an end date it does not expire. */
export function parseRoleEligibility(source: string, where: string, value: unknown, now = new Date()): TenantRoleEligibility {
  const f = Fields.of(source, where, value, ['description', 'id', 'principal', 'roleTemplateId', 'directoryScopeId', 'startDateTime', 'endDateTime']);
  const startDateTime = f.instant('startDateTime') ?? now.toISOString();
  const endDateTime = f.instant('endDateTime');
  if (endDateTime !== null && Date.parse(endDateTime) <= Date.parse(startDateTime)) f.fail('endDateTime', 'is not after startDateTime');
  return { ...roleFields(f), startDateTime, endDateTime };
}

export function parseAppRoleAssignment(source: string, where: string, value: unknown, now = new Date()): TenantAppRoleAssignment {
  const f = Fields.of(source, where, value, ['description', 'id', 'principal', 'servicePrincipal', 'appRole', 'createdDateTime']);
  return {
    id: f.guid('id', true),
    principal: f.guid('principal', true),
    servicePrincipal: f.guid('servicePrincipal', true),
    appRole: f.guid('appRole', true),
    createdDateTime: f.instant('createdDateTime') ?? now.toISOString(),
  };
}
