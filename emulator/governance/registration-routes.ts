import { assignmentPolicy, catalogEntity, customWorkflowExtensions } from './catalog-routes.js';
import type { RouteCall } from '../graph/graph-call.js';
import { readGovernanceQuery } from '../graph/collection-query.js';
import { taskExtensionResource } from './extension-registry.js';
import { grantedRoles, hasAnyRole, insufficientPrivileges } from '../identity/graph-auth.js';
import { graphError, type GraphReply } from '../graph/graph-errors.js';
import { collectionReply } from '../graph/graph-paging.js';
import { schemaRefusal } from '../graph/graph-schema-check.js';
import { graphVersion } from '../graph/graph-types.js';
import type { TenantFacts } from '../directory/tenant-facts.js';
import { odataContext } from '../directory/user-resource.js';

/** Application permissions (Graph's permission tables): reads take either, writes the ReadWrite one. */
export const ELM_READ = ['EntitlementManagement.Read.All', 'EntitlementManagement.ReadWrite.All'];
export const ELM_WRITE = ['EntitlementManagement.ReadWrite.All'];
/** Custom task extensions: the LifecycleWorkflows-CustomExt permissions are the least privileged ones. */
export const LCW_EXTENSION_READ = ['LifecycleWorkflows-CustomExt.Read.All', 'LifecycleWorkflows-CustomExt.ReadWrite.All', 'LifecycleWorkflows.Read.All', 'LifecycleWorkflows.ReadWrite.All'];
export const LCW_EXTENSION_WRITE = ['LifecycleWorkflows-CustomExt.ReadWrite.All', 'LifecycleWorkflows.ReadWrite.All'];

/** A registration path: the permissions a read and a write of it need, and how it is answered. */
export interface RegistrationRoute {
  readonly read: readonly string[];
  readonly write: readonly string[];
  readonly serve: (t: TenantFacts, call: RouteCall) => GraphReply;
}

const TASK_EXTENSION_TYPE = 'microsoft.graph.identityGovernance.customTaskExtension';
const notAllowed = (): GraphReply => graphError(405, 'Request_BadRequest', 'The HTTP method is not allowed on this resource.');

/** roleManagement/entitlementManagement/roleAssignments[/{id}]: list (`$filter=principalId eq '…'`), create, get and delete one. */
function roleAssignments(t: TenantFacts, call: RouteCall): GraphReply {
  const r = t.registry;
  const id = call.path[3];
  if (id !== undefined) {
    if (call.method === 'DELETE') return r.deleteRoleAssignment(id);
    if (call.method !== 'GET') return notAllowed();
    const found = r.roleAssignments().find((a) => a.id === id.toLowerCase());
    return found === undefined ? graphError(404, 'ResourceNotFound', `The role assignment '${id}' does not exist.`) : { status: 200, body: found };
  }
  if (call.method === 'POST') return schemaRefusal(graphVersion(call.version), call.body, 'microsoft.graph.unifiedRoleAssignment') ?? r.createRoleAssignment(call.body);
  if (call.method !== 'GET') return notAllowed();
  const q = readGovernanceQuery(call.query, ['principalId']);
  if ('status' in q) return q;
  const principal = q.filters.get('principalId');
  const items = r.roleAssignments().filter((a) => principal === undefined || a.principalId === principal);
  return collectionReply({ origin: t.origin, ...call }, q, items, r.pageSize, odataContext(call.version, 'roleManagement/entitlementManagement/roleAssignments', undefined, false), (a) => ({ ...a }));
}

/** identityGovernance/lifecycleWorkflows/customTaskExtensions[/{id}]: list, create; get, update (PATCH) and delete one. */
function customTaskExtensions(t: TenantFacts, call: RouteCall): GraphReply {
  const r = t.registry;
  const id = call.path[3];
  const refused = call.method === 'POST' || call.method === 'PATCH' ? schemaRefusal(graphVersion(call.version), call.body, TASK_EXTENSION_TYPE) : undefined;
  if (refused !== undefined) return refused;
  if (id !== undefined) {
    if (call.method === 'GET') return r.getTaskExtension(id);
    if (call.method === 'PATCH') return r.updateTaskExtension(id, call.body);
    if (call.method === 'DELETE') return r.deleteTaskExtension(id);
    return notAllowed();
  }
  if (call.method === 'POST') return r.createTaskExtension(call.body);
  if (call.method !== 'GET') return notAllowed();
  const q = readGovernanceQuery(call.query);
  if ('status' in q) return q;
  const context = odataContext(call.version, 'identityGovernance/lifecycleWorkflows/customTaskExtensions', undefined, false);
  return collectionReply({ origin: t.origin, ...call }, q, r.taskExtensions(), r.pageSize, context, taskExtensionResource);
}

/**
 * The route of a path (after the version) that registering an extension uses, or undefined:
 * catalogs and their customWorkflowExtensions, assignment policies, entitlement management role
 * assignments, and Lifecycle Workflows custom task extensions.
 */
export function registrationRoute(path: readonly string[]): RegistrationRoute | undefined {
  const [a, b, c] = path.map((s) => s.toLowerCase());
  const size = path.length;
  if (a === 'identitygovernance' && b === 'entitlementmanagement') {
    if (c === 'catalogs' && size === 4) return { read: ELM_READ, write: ELM_WRITE, serve: catalogEntity };
    if (c === 'catalogs' && path[4]?.toLowerCase() === 'customworkflowextensions' && (size === 5 || size === 6)) return { read: ELM_READ, write: ELM_WRITE, serve: customWorkflowExtensions };
    if ((c === 'assignmentpolicies' || c === 'accesspackageassignmentpolicies') && size === 4) return { read: ELM_READ, write: ELM_WRITE, serve: assignmentPolicy };
    return undefined;
  }
  if (a === 'rolemanagement' && b === 'entitlementmanagement' && c === 'roleassignments' && size <= 4) return { read: ELM_READ, write: ELM_WRITE, serve: roleAssignments };
  if (a === 'identitygovernance' && b === 'lifecycleworkflows' && c === 'customtaskextensions' && size <= 4) return { read: LCW_EXTENSION_READ, write: LCW_EXTENSION_WRITE, serve: customTaskExtensions };
  return undefined;
}

/** Answers a registration call: 401 without a valid token, 403 without a role the method needs. */
export async function registrationGraph(t: TenantFacts, route: RegistrationRoute, call: RouteCall): Promise<GraphReply> {
  const roles = await grantedRoles(t, call.headers.authorization);
  if ('status' in roles) return roles;
  if (!hasAnyRole(roles, call.method === 'GET' ? route.read : route.write)) return insufficientPrivileges();
  return route.serve(t, call);
}
