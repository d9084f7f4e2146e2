import {
  DEFAULT_ACCESS_ROLE, type TenantAccessPackage, type TenantAppRoleAssignment, type TenantAssignment, type TenantRoleAssignment, type TenantRoleScope,
  type TenantServicePrincipal,
} from './governance-values.js';
import type { TenantRequest } from '../directory/tenant-values.js';

/** What a reference check needs to know about the tenant: the tenant file's indexes, or the live emulator's. */
export interface GovernanceRefs {
  isUser(id: string): boolean;
  isGroup(id: string): boolean;
  servicePrincipal(id: string): TenantServicePrincipal | undefined;
  accessPackage(id: string): TenantAccessPackage | undefined;
}

/**
 * The first of a group's members that is neither a user nor a group of the tenant. Each check
 * here answers a problem phrased after the place (e.g. `members: "…" is not the id of …`), or
 * undefined; the caller puts the file and the place in front.
 */
export function membersProblem(members: readonly string[], refs: GovernanceRefs): string | undefined {
  const i = members.findIndex((id) => !refs.isUser(id) && !refs.isGroup(id));
  return i < 0 ? undefined : `members[${i}] "${members[i] ?? ''}" is not the id of a user or group in the tenant`;
}

/** The app role's problem on a service principal: it must be one of its appRoles, or default access. */
function appRoleProblem(key: string, appRole: string, sp: TenantServicePrincipal): string | undefined {
  if (appRole === DEFAULT_ACCESS_ROLE || sp.appRoles.some((r) => r.id === appRole)) return undefined;
  const roles = sp.appRoles.map((r) => `${r.id} (${r.displayName})`).join(', ');
  return `${key} "${appRole}" is not an app role of service principal ${sp.id} (${sp.displayName}); its app roles: ${roles === '' ? 'none' : roles}, or ${DEFAULT_ACCESS_ROLE} (default access)`;
}

function scopeProblem(scope: TenantRoleScope, where: string, refs: GovernanceRefs): string | undefined {
  if ('group' in scope) return refs.isGroup(scope.group) ? undefined : `${where}.group "${scope.group}" is not the id of a group in the tenant`;
  const sp = refs.servicePrincipal(scope.servicePrincipal);
  if (sp === undefined) return `${where}.servicePrincipal "${scope.servicePrincipal}" is not the id of a service principal in the tenant`;
  return appRoleProblem(`${where}.appRole`, scope.appRole, sp);
}

export function accessPackageProblem(pkg: TenantAccessPackage, refs: GovernanceRefs): string | undefined {
  for (const [i, scope] of pkg.resourceRoleScopes.entries()) {
    const problem = scopeProblem(scope, `resourceRoleScopes[${i}]`, refs);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

export function assignmentProblem(assignment: TenantAssignment, refs: GovernanceRefs): string | undefined {
  if (refs.accessPackage(assignment.accessPackage) === undefined) return `accessPackage "${assignment.accessPackage}" is not the id of an access package in the tenant`;
  return refs.isUser(assignment.target) ? undefined : `target "${assignment.target}" is not the id of a user in the tenant`;
}

/** Directory roles (active or eligible) are held by users or groups. */
export function roleProblem(role: TenantRoleAssignment, refs: GovernanceRefs): string | undefined {
  return refs.isUser(role.principal) || refs.isGroup(role.principal) ? undefined : `principal "${role.principal}" is not the id of a user or group in the tenant`;
}

export function appRoleAssignmentProblem(assignment: TenantAppRoleAssignment, refs: GovernanceRefs): string | undefined {
  if (!refs.isUser(assignment.principal) && !refs.isGroup(assignment.principal)) return `principal "${assignment.principal}" is not the id of a user or group in the tenant`;
  const sp = refs.servicePrincipal(assignment.servicePrincipal);
  if (sp === undefined) return `servicePrincipal "${assignment.servicePrincipal}" is not the id of a service principal in the tenant`;
  return appRoleProblem('appRole', assignment.appRole, sp);
}

export function requestProblem(request: TenantRequest, refs: GovernanceRefs): string | undefined {
  if (request.accessPackage !== null && refs.accessPackage(request.accessPackage) === undefined) {
    return `accessPackage "${request.accessPackage}" is not the id of an access package in the tenant`;
  }
  if (request.requestor !== null && !refs.isUser(request.requestor)) return `requestor "${request.requestor}" is not the id of a user in the tenant`;
  return request.target === null || refs.isUser(request.target) ? undefined : `target "${request.target}" is not the id of a user in the tenant`;
}
