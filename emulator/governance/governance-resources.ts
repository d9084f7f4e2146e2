import { createHash } from 'node:crypto';
import type { Governance, Principal } from './governance.js';
import {
  DEFAULT_ACCESS_ROLE, type AssignmentState, type TenantAccessPackage, type TenantAppRoleAssignment, type TenantAssignment, type TenantRoleAssignment,
  type TenantRoleEligibility, type TenantRoleScope,
} from './governance-values.js';
import type { GroupSummary } from '../directory/group-graph.js';
import type { TenantUser } from '../directory/tenant-values.js';

/** Properties of microsoft.graph.group the emulator answers (a security group: not mail-enabled, no group types). */
export const GROUP_PROPERTIES = ['id', 'displayName', 'description', 'securityEnabled', 'mailEnabled', 'groupTypes', 'mail'] as const;
export const ASSIGNMENT_PROPERTIES = ['id', 'state', 'status'] as const;
export const ACCESS_PACKAGE_PROPERTIES = ['id', 'displayName', 'description'] as const;
/** microsoft.graph.accessPackageSubject: `id` is the subject's own, `objectId` the user's; beta's type says `type` for v1.0's subjectType. */
export const SUBJECT_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'v1.0': ['id', 'objectId', 'displayName', 'principalName', 'email', 'subjectType'],
  beta: ['id', 'objectId', 'displayName', 'principalName', 'email', 'type'],
};
export const ROLE_ASSIGNMENT_PROPERTIES = ['id', 'principalId', 'roleDefinitionId', 'directoryScopeId'] as const;
export const ROLE_ELIGIBILITY_PROPERTIES = [...ROLE_ASSIGNMENT_PROPERTIES, 'memberType', 'status', 'scheduleInfo'] as const;
export const PRINCIPAL_PROPERTIES = ['id', 'displayName'] as const;
const APP_ROLE_V1 = ['id', 'appRoleId', 'createdDateTime', 'deletedDateTime', 'principalId', 'principalType', 'principalDisplayName', 'resourceId', 'resourceDisplayName'];
/** appRoleAssignment: beta's type says creationTimestamp for v1.0's createdDateTime. */
export const APP_ROLE_ASSIGNMENT_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'v1.0': APP_ROLE_V1,
  beta: APP_ROLE_V1.map((p) => (p === 'createdDateTime' ? 'creationTimestamp' : p)),
};

const ASSIGNMENT_STATUS: Readonly<Record<AssignmentState, string>> = {
  delivered: 'Delivered',
  delivering: 'Delivering',
  partiallyDelivered: 'PartiallyDelivered',
  expired: 'Expired',
  deliveryFailed: 'DeliveryFailed',
};

/** A stable GUID-shaped id derived from names, for objects the tenant file does not name (subjects, resource roles and scopes). */
export function derivedId(...parts: readonly string[]): string {
  const hex = createHash('sha256').update(parts.join('\n')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const pick = (all: Readonly<Record<string, unknown>>, properties: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(properties.map((p) => [p, all[p] ?? null]));

/** A group as a directoryObject of a collection. */
export function groupObject(group: GroupSummary, properties: readonly string[]): Record<string, unknown> {
  const all = { id: group.id, displayName: group.displayName, description: group.description, securityEnabled: true, mailEnabled: false, groupTypes: [], mail: null };
  return { '@odata.type': '#microsoft.graph.group', ...pick(all, properties) };
}

/** A user or group as the directoryObject a role assignment's `principal` expands to. */
export function principalObject(principal: Principal | undefined, id: string, properties: readonly string[]): Record<string, unknown> {
  if (principal === undefined) return { '@odata.type': '#microsoft.graph.directoryObject', ...pick({ id }, properties) };
  const all = principal.kind === 'user' ? principal.user : principal.group;
  return { '@odata.type': `#microsoft.graph.${principal.kind}`, ...pick({ id: all.id, displayName: all.displayName }, properties) };
}

export function assignmentResource(assignment: TenantAssignment, properties: readonly string[]): Record<string, unknown> {
  return pick({ id: assignment.id, state: assignment.state, status: ASSIGNMENT_STATUS[assignment.state] }, properties);
}

/** An access package's own properties; a package the tenant does not hold (a callout's) answers its id only. */
export function accessPackageResource(id: string, pkg: TenantAccessPackage | undefined, properties: readonly string[]): Record<string, unknown> {
  return pick({ id, displayName: pkg?.displayName, description: pkg?.description }, properties);
}

/** The accessPackageSubject of a user (a target or a requestor); a user no longer in the directory answers its objectId only. */
export function subjectResource(userId: string, user: TenantUser | undefined, properties: readonly string[]): Record<string, unknown> {
  return pick(
    { id: derivedId('subject', userId), objectId: userId, displayName: user?.displayName, principalName: user?.userPrincipalName, email: user?.mail, subjectType: 'user', type: 'User' },
    properties,
  );
}

export function roleAssignmentResource(role: TenantRoleAssignment, properties: readonly string[]): Record<string, unknown> {
  return pick({ id: role.id, principalId: role.principal, roleDefinitionId: role.roleTemplateId, directoryScopeId: role.directoryScopeId }, properties);
}

/** A PIM eligibility as a unifiedRoleEligibilitySchedule: direct, provisioned, with its schedule. */
export function roleEligibilityResource(role: TenantRoleEligibility, properties: readonly string[]): Record<string, unknown> {
  const expiration = role.endDateTime === null ? { type: 'noExpiration', endDateTime: null, duration: null } : { type: 'afterDateTime', endDateTime: role.endDateTime, duration: null };
  return pick(
    {
      id: role.id,
      principalId: role.principal,
      roleDefinitionId: role.roleTemplateId,
      directoryScopeId: role.directoryScopeId,
      memberType: 'Direct',
      status: 'Provisioned',
      scheduleInfo: { startDateTime: role.startDateTime, recurrence: null, expiration },
    },
    properties,
  );
}

export function appRoleAssignmentResource(governance: Governance, assignment: TenantAppRoleAssignment, properties: readonly string[]): Record<string, unknown> {
  const principal = governance.principal(assignment.principal);
  const all = {
    id: assignment.id,
    appRoleId: assignment.appRole,
    createdDateTime: assignment.createdDateTime,
    creationTimestamp: assignment.createdDateTime,
    deletedDateTime: null,
    principalId: assignment.principal,
    principalType: principal?.kind === 'group' ? 'Group' : 'User',
    principalDisplayName: principal?.kind === 'group' ? principal.group.displayName : principal?.user.displayName,
    resourceId: assignment.servicePrincipal,
    resourceDisplayName: governance.servicePrincipal(assignment.servicePrincipal)?.displayName,
  };
  return pick(all, properties);
}

/** Which halves of a resource role scope `$expand=resourceRoleScopes($expand=role,scope)` asked for. */
export interface ScopeExpansion {
  readonly role: boolean;
  readonly scope: boolean;
}

/**
 * One of an access package's resourceRoleScopes as Graph describes it: a group's Member or Owner
 * role (originSystem AadGroup, role originId `Member_<groupId>`), or an app role of an
 * application (originSystem AadApplication, role originId the app role's id).
 */
export function roleScopeResource(governance: Governance, pkg: TenantAccessPackage, scope: TenantRoleScope, expand: ScopeExpansion): Record<string, unknown> {
  const group = 'group' in scope ? governance.groups.get(scope.group) : undefined;
  const sp = 'servicePrincipal' in scope ? governance.servicePrincipal(scope.servicePrincipal) : undefined;
  const [system, resourceId, roleOrigin, roleName] =
    'group' in scope
      ? ['AadGroup', scope.group, `${scope.role}_${scope.group}`, scope.role]
      : ['AadApplication', scope.servicePrincipal, scope.appRole, scope.appRole === DEFAULT_ACCESS_ROLE ? 'Default Access' : sp?.appRoles.find((r) => r.id === scope.appRole)?.displayName];
  const role = { id: derivedId('role', pkg.id, roleOrigin), displayName: roleName ?? null, description: null, originId: roleOrigin, originSystem: system };
  const resource = {
    id: derivedId('scope', pkg.id, resourceId),
    displayName: group?.displayName ?? sp?.displayName ?? null,
    description: null,
    originId: resourceId,
    originSystem: system,
    isRootScope: true,
  };
  return { id: derivedId('resourceRoleScope', pkg.id, roleOrigin), ...(expand.role ? { role } : {}), ...(expand.scope ? { scope: resource } : {}) };
}
