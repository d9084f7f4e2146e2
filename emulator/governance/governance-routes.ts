import { appRoleAssignedTo, userAppRoleAssignments } from '../directory/app-role-routes.js';
import type { DirectoryCall } from '../directory/directory-routes.js';
import { accessPackageEntity, assignmentList, requestList } from './elm-read-routes.js';
import { grantedRoles, hasAnyRole, insufficientPrivileges } from '../identity/graph-auth.js';
import { graphError, type GraphReply } from '../graph/graph-errors.js';
import { groupMembers, userGroups } from '../directory/membership-routes.js';
import { roleAssignments, roleEligibilitySchedules } from '../directory/role-routes.js';
import type { TenantFacts } from '../directory/tenant-facts.js';

/** Application permissions each read accepts, least privileged first (Graph's permission tables). */
export const ELM_READ_ROLES = ['EntitlementManagement.Read.All', 'EntitlementManagement.ReadWrite.All'];
export const MEMBER_OF_READ_ROLES = [
  'User.Read.All', 'GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All', 'User.ReadWrite.All', 'GroupMember.ReadWrite.All', 'Group.ReadWrite.All',
  'Directory.ReadWrite.All',
];
export const GROUP_MEMBERS_READ_ROLES = ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All', 'GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'];
export const ROLE_ASSIGNMENT_READ_ROLES = ['RoleManagement.Read.Directory', 'RoleManagement.Read.All', 'Directory.Read.All', 'RoleManagement.ReadWrite.Directory', 'Directory.ReadWrite.All'];
export const ROLE_ELIGIBILITY_READ_ROLES = [
  'RoleEligibilitySchedule.Read.Directory', 'RoleManagement.Read.Directory', 'RoleManagement.Read.All', 'RoleEligibilitySchedule.ReadWrite.Directory',
  'RoleManagement.ReadWrite.Directory',
];
/** A user's app role assignments: User.Read.All is not enough (Graph's documented least privilege is Directory.Read.All). */
export const USER_APP_ROLE_READ_ROLES = ['Directory.Read.All', 'AppRoleAssignment.ReadWrite.All', 'Directory.ReadWrite.All'];
export const APP_ROLE_ASSIGNED_TO_READ_ROLES = ['Application.Read.All', 'Directory.Read.All', 'Application.ReadWrite.All', 'Directory.ReadWrite.All'];

/** A governance read: the roles that allow it, and how it is answered once they do. */
export interface GovernanceRoute {
  readonly roles: readonly string[];
  readonly serve: (t: TenantFacts, call: DirectoryCall, roles: readonly string[]) => GraphReply;
}

/** A path of a governance family the emulator does not serve: 400, once the caller may read the family. */
const unserved = (roles: readonly string[], message: string): GovernanceRoute => ({ roles, serve: () => graphError(400, 'BadRequest', message) });

/**
 * The governance read a path (after the version) names, or undefined when it is not one: a
 * user's own reads (the user, manager, sponsors) stay the directory's, an assignment request by
 * id stays the request state machine's.
 */
export function governanceRoute(path: readonly string[]): GovernanceRoute | undefined {
  const [first, second, third] = path.map((s) => s.toLowerCase());
  const size = path.length;
  switch (first) {
    case 'users':
      if ((third === 'memberof' || third === 'transitivememberof') && size <= 4) return { roles: MEMBER_OF_READ_ROLES, serve: (t, call) => userGroups(t, call, third === 'transitivememberof') };
      return third === 'approleassignments' && size === 3 ? { roles: USER_APP_ROLE_READ_ROLES, serve: userAppRoleAssignments } : undefined;
    case 'groups':
      if ((third === 'members' || third === 'transitivemembers') && size <= 4) {
        return { roles: GROUP_MEMBERS_READ_ROLES, serve: (t, call, roles) => groupMembers(t, call, roles, third === 'transitivemembers') };
      }
      return unserved(GROUP_MEMBERS_READ_ROLES, 'The tenant emulator serves /groups/{id}/members and /groups/{id}/transitiveMembers only.');
    case 'serviceprincipals':
      if (third === 'approleassignedto' && size === 3) return { roles: APP_ROLE_ASSIGNED_TO_READ_ROLES, serve: appRoleAssignedTo };
      return unserved(APP_ROLE_ASSIGNED_TO_READ_ROLES, 'The tenant emulator serves /servicePrincipals, /servicePrincipals/{id}, /servicePrincipals/{id}/appRoleAssignments and /servicePrincipals/{id}/appRoleAssignedTo only.');
    case 'rolemanagement':
      if (second === 'directory' && third === 'roleassignments' && size === 3) return { roles: ROLE_ASSIGNMENT_READ_ROLES, serve: roleAssignments };
      if (second === 'directory' && third === 'roleeligibilityschedules' && size === 3) return { roles: ROLE_ELIGIBILITY_READ_ROLES, serve: roleEligibilitySchedules };
      return unserved(
        [...new Set([...ROLE_ASSIGNMENT_READ_ROLES, ...ROLE_ELIGIBILITY_READ_ROLES])],
        'The tenant emulator serves /roleManagement/directory/roleAssignments and /roleManagement/directory/roleEligibilitySchedules only.',
      );
    case 'identitygovernance':
      if (second !== 'entitlementmanagement') return undefined;
      if (third === 'assignments') return size === 3 ? { roles: ELM_READ_ROLES, serve: assignmentList } : unserved(ELM_READ_ROLES, 'The tenant emulator serves the list of assignments only.');
      if (third === 'assignmentrequests') return size === 3 ? { roles: ELM_READ_ROLES, serve: requestList } : undefined;
      if (third === 'accesspackages') return size === 4 ? { roles: ELM_READ_ROLES, serve: accessPackageEntity } : unserved(ELM_READ_ROLES, 'The tenant emulator serves /accessPackages/{id} only.');
      return undefined;
    default:
      return undefined;
  }
}

/** Answers a governance read: 401 without a valid token, 403 without one of its roles, 405 but for GET. */
export async function governanceGraph(t: TenantFacts, route: GovernanceRoute, call: DirectoryCall): Promise<GraphReply> {
  const roles = await grantedRoles(t, call.headers.authorization);
  if ('status' in roles) return roles;
  if (!hasAnyRole(roles, route.roles)) return insufficientPrivileges();
  if (call.method !== 'GET') return graphError(405, 'Request_BadRequest', 'The HTTP method is not allowed on this resource.');
  return route.serve(t, call, roles);
}
