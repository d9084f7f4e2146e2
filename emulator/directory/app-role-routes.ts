import { readGovernanceQuery, selection } from '../graph/collection-query.js';
import type { DirectoryCall } from './directory-routes.js';
import { directoryNotFound, type GraphReply } from '../graph/graph-errors.js';
import { collectionReply } from '../graph/graph-paging.js';
import { APP_ROLE_ASSIGNMENT_PROPERTIES, appRoleAssignmentResource } from '../governance/governance-resources.js';
import type { TenantAppRoleAssignment } from '../governance/governance-values.js';
import { grantObject } from './service-principal-routes.js';
import type { ServicePrincipalAppRoleAssignment } from './service-principals.js';
import type { TenantFacts } from './tenant-facts.js';
import { odataContext, resolveSelect } from './user-resource.js';

/** An app role assignment to a user or group (governance's), or to a service principal (service-principals.ts). */
type Held = { readonly to: 'person'; readonly a: TenantAppRoleAssignment } | { readonly to: 'servicePrincipal'; readonly a: ServicePrincipalAppRoleAssignment };

const toPerson = (a: TenantAppRoleAssignment): Held => ({ to: 'person', a });

function appRoleCollection(t: TenantFacts, call: DirectoryCall, set: (id: string) => string, assignments: (id: string) => readonly Held[] | undefined): GraphReply {
  const q = readGovernanceQuery(call.query);
  if ('status' in q) return q;
  const known = APP_ROLE_ASSIGNMENT_PROPERTIES[call.version] ?? [];
  const properties = resolveSelect(q.select, known, known, 'microsoft.graph.appRoleAssignment');
  if ('status' in properties) return properties;
  const id = call.path[1] ?? '';
  const items = assignments(id);
  if (items === undefined) return directoryNotFound(id);
  const context = odataContext(call.version, set(id), selection(q, properties), false);
  return collectionReply({ origin: t.origin, ...call }, q, items, t.governance.pageSize, context, (h) => (h.to === 'person' ? appRoleAssignmentResource(t.governance, h.a, properties) : grantObject(t.servicePrincipals, h.a, properties)));
}

/**
 * GET /users/{id}/appRoleAssignments: the user's own app role assignments, then those of the
 * groups the user is a DIRECT member of, as Graph documents it (nested groups pass none on).
 */
export function userAppRoleAssignments(t: TenantFacts, call: DirectoryCall): GraphReply {
  return appRoleCollection(
    t,
    call,
    (id) => `users('${id}')/appRoleAssignments`,
    (id) => {
      const user = t.directory.get(id);
      if (user === undefined) return undefined;
      const records = t.governance.appRoleAssignments;
      return [user.id, ...t.governance.groups.directGroupsOf(user.id)].flatMap((principal) => records.where({ principal }).map(toPerson));
    },
  );
}

/**
 * GET /servicePrincipals/{id}/appRoleAssignedTo: every assignment of the resource's app roles, to
 * users or groups, then to service principals (a resource no read finds yet is 404).
 */
export function appRoleAssignedTo(t: TenantFacts, call: DirectoryCall): GraphReply {
  return appRoleCollection(
    t,
    call,
    (id) => `servicePrincipals('${id}')/appRoleAssignedTo`,
    (id) => {
      const sp = t.servicePrincipals.visible(id);
      if (sp === undefined) return undefined;
      const grants = t.servicePrincipals.assignedTo(sp.id).map((a): Held => ({ to: 'servicePrincipal', a }));
      return [...t.governance.appRoleAssignments.where({ servicePrincipal: sp.id }).map(toPerson), ...grants];
    },
  );
}
