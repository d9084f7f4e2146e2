import type { RouteCall } from '../graph/graph-call.js';
import { readGovernanceQuery } from '../graph/collection-query.js';
import { grantedRoles, hasAnyRole, insufficientPrivileges } from '../identity/graph-auth.js';
import { graphError, type GraphReply } from '../graph/graph-errors.js';
import { collectionReply } from '../graph/graph-paging.js';
import { schemaRefusal } from '../graph/graph-schema-check.js';
import { graphVersion } from '../graph/graph-types.js';
import { pimExtensionResource } from './pim-extensions.js';
import { assignmentResource, policyResource, type PolicyScope, type StoredRolePolicy } from './pim-policies.js';
import type { TenantFacts } from '../directory/tenant-facts.js';
import { odataContext } from '../directory/user-resource.js';

/**
 * Application permissions, from Graph's permission tables: PIM custom extensions
 * (rolemanagementcustomcalloutextension-get/-update, privilegedaccessroot-list-customextensions),
 * role management policies for directory roles and for groups (unifiedrolemanagementpolicyrule-get/-update).
 */
export const PIM_EXTENSION_READ = ['PrivilegedAccess-CustomExt.Read.All', 'PrivilegedAccess-CustomExt.ReadWrite.All'];
export const PIM_EXTENSION_WRITE = ['PrivilegedAccess-CustomExt.ReadWrite.All'];
export const ROLE_POLICY_WRITE = ['RoleManagementPolicy.ReadWrite.Directory', 'RoleManagement.ReadWrite.Directory'];
export const ROLE_POLICY_READ = ['RoleManagementPolicy.Read.Directory', 'RoleManagement.Read.Directory', 'RoleManagement.Read.All', ...ROLE_POLICY_WRITE];
export const GROUP_POLICY_WRITE = ['RoleManagementPolicy.ReadWrite.AzureADGroup'];
export const GROUP_POLICY_READ = ['RoleManagementPolicy.Read.AzureADGroup', ...GROUP_POLICY_WRITE];

const EXTENSION_TYPE = 'microsoft.graph.roleManagementCustomCalloutExtension';
const notAllowed = (): GraphReply => graphError(405, 'Request_BadRequest', 'The HTTP method is not allowed on this resource.');
const badQuery = (message: string): GraphReply => graphError(400, 'BadRequest', message);

/** What a PIM route is: the custom extensions, or the policies (their assignments, a policy, its rules). */
export type PimRoute = 'extensions' | 'policy-assignments' | 'policies';

/** The PIM route of a path after the version, or undefined. */
export function pimRoute(path: readonly string[]): PimRoute | undefined {
  const [a, b, c] = path.map((s) => s.toLowerCase());
  if (a === 'identitygovernance' && b === 'privilegedaccess' && c === 'customextensions' && path.length <= 4) return 'extensions';
  if (a === 'policies' && b === 'rolemanagementpolicyassignments' && path.length === 2) return 'policy-assignments';
  if (a === 'policies' && b === 'rolemanagementpolicies' && path.length >= 3 && path.length <= 5 && (path.length === 3 || path[3]?.toLowerCase() === 'rules')) return 'policies';
  return undefined;
}

/** …/customExtensions[/{id}]: list, create; get, update (PATCH) and delete one. */
function extensions(t: TenantFacts, call: RouteCall, roles: readonly string[]): GraphReply {
  if (!hasAnyRole(roles, call.method === 'GET' ? PIM_EXTENSION_READ : PIM_EXTENSION_WRITE)) return insufficientPrivileges();
  const store = t.pimExtensions;
  const id = call.path[3];
  if (call.method === 'POST' || call.method === 'PATCH') {
    const refused = schemaRefusal(graphVersion(call.version), call.body, EXTENSION_TYPE);
    if (refused !== undefined) return refused;
  }
  if (id !== undefined) {
    if (call.method === 'GET') return store.read(id);
    if (call.method === 'PATCH') return store.update(id, call.body);
    if (call.method === 'DELETE') return store.delete(id);
    return notAllowed();
  }
  if (call.method === 'POST') return store.create(call.body);
  if (call.method !== 'GET') return notAllowed();
  const q = readGovernanceQuery(call.query);
  if ('status' in q) return q;
  const context = odataContext(call.version, 'identityGovernance/privilegedAccess/customExtensions', undefined, false);
  return collectionReply({ origin: t.origin, ...call }, q, store.list(), 100, context, pimExtensionResource);
}

const FILTER_KEYS: Readonly<Record<string, string>> = { scopeid: 'scopeId', scopetype: 'scopeType', roledefinitionid: 'roleDefinitionId' };

/** `scopeId eq '…' and scopeType eq '…' [and roleDefinitionId eq '…']`: the one $filter of the policy assignments, scopeId and scopeType required (Graph's list page). */
function assignmentFilter(text: string | null): Map<string, string> | GraphReply {
  const found = new Map<string, string>();
  if (text === null || text.trim() === '') return badQuery('The $filter must name scopeId and scopeType.');
  for (const clause of text.trim().split(/\s+and\s+/i)) {
    const match = /^(scopeId|scopeType|roleDefinitionId)\s+eq\s+'([^']*)'$/i.exec(clause.trim());
    const key = FILTER_KEYS[match?.[1]?.toLowerCase() ?? ''];
    if (match?.[2] === undefined || key === undefined || found.has(key)) return badQuery(`Unsupported $filter '${text}': give scopeId eq '…' and scopeType eq 'DirectoryRole' | 'Group', optionally and roleDefinitionId eq '…'.`);
    found.set(key, match[2]);
  }
  return found.has('scopeId') && found.has('scopeType') ? found : badQuery('The $filter must name scopeId and scopeType.');
}

/** The scopes a filter names: a directory role (or every role a policy was made for), a group's member and owner roles. */
function scopesOf(filter: ReadonlyMap<string, string>): PolicyScope[] | GraphReply {
  const type = filter.get('scopeType')?.toLowerCase();
  const scopeId = filter.get('scopeId') ?? '';
  const role = filter.get('roleDefinitionId');
  if (type === 'directoryrole') {
    if (scopeId !== '/') return badQuery("A DirectoryRole policy's scopeId is '/'.");
    return role === undefined ? [] : [{ scopeType: 'DirectoryRole', scopeId: '/', roleDefinitionId: role }];
  }
  if (type !== 'group') return badQuery(`scopeType '${filter.get('scopeType') ?? ''}' is not DirectoryRole or Group.`);
  const roles = role === undefined ? ['member', 'owner'] : [role.toLowerCase()];
  if (roles.some((r) => r !== 'member' && r !== 'owner')) return badQuery("A group's roleDefinitionId is 'member' or 'owner'.");
  return roles.map((r) => ({ scopeType: 'Group', scopeId, roleDefinitionId: r as 'member' | 'owner' }));
}

/** GET /policies/roleManagementPolicyAssignments?$filter=…: the assignment of each policy the filter names (none for a group the tenant does not have). */
function policyAssignments(t: TenantFacts, call: RouteCall, roles: readonly string[]): GraphReply {
  if (call.method !== 'GET') return notAllowed();
  const filter = assignmentFilter(call.query.get('$filter'));
  if ('status' in filter) return filter;
  const group = filter.get('scopeType')?.toLowerCase() === 'group';
  if (!hasAnyRole(roles, group ? GROUP_POLICY_READ : ROLE_POLICY_READ)) return insufficientPrivileges();
  const scopes = scopesOf(filter);
  if ('status' in scopes) return scopes;
  const rest = new URLSearchParams([...call.query].filter(([key]) => key.trim().toLowerCase() !== '$filter'));
  const q = readGovernanceQuery(rest);
  if ('status' in q) return q;
  const policies = scopes.flatMap((s) => t.pimPolicies.policyFor(s) ?? []);
  return collectionReply({ origin: t.origin, ...call }, q, policies, 100, odataContext(call.version, 'policies/roleManagementPolicyAssignments', undefined, false), assignmentResource);
}

/** /policies/roleManagementPolicies/{id}[?$expand=rules], …/rules, …/rules/{ruleId} (GET, PATCH). */
function policies(t: TenantFacts, call: RouteCall, roles: readonly string[]): GraphReply {
  const id = call.path[2] ?? '';
  const policy: StoredRolePolicy | undefined = t.pimPolicies.get(id);
  const group = policy?.scope.scopeType === 'Group';
  const readRoles = policy === undefined ? [...ROLE_POLICY_READ, ...GROUP_POLICY_READ] : group ? GROUP_POLICY_READ : ROLE_POLICY_READ;
  if (!hasAnyRole(roles, call.method === 'GET' ? readRoles : group ? GROUP_POLICY_WRITE : ROLE_POLICY_WRITE)) return insufficientPrivileges();
  if (policy === undefined) return graphError(404, 'ResourceNotFound', `The role management policy '${id}' does not exist.`);
  const ruleId = call.path[4];
  if (ruleId !== undefined && call.method === 'PATCH') return t.pimPolicies.patchRule(policy.id, ruleId, call.body, (ext) => t.pimExtensions.callSettings(ext)?.resourceType);
  if (call.method !== 'GET') return notAllowed();
  const q = readGovernanceQuery(call.query, [], call.path.length === 3 ? ['rules'] : []);
  if ('status' in q) return q;
  const set = 'policies/roleManagementPolicies';
  if (ruleId !== undefined) {
    const rule = policy.rules.get(ruleId);
    return rule === undefined ? graphError(404, 'ResourceNotFound', `The rule '${ruleId}' does not exist in policy '${policy.id}'.`) : { status: 200, body: { '@odata.context': odataContext(call.version, `${set}('${policy.id}')/rules`, undefined, true), ...rule } };
  }
  if (call.path.length === 4) return collectionReply({ origin: t.origin, ...call }, q, [...policy.rules.values()], 100, odataContext(call.version, `${set}('${policy.id}')/rules`, undefined, false), (r) => ({ ...r }));
  const rules = q.expansions.has('rules') ? { rules: [...policy.rules.values()] } : {};
  return { status: 200, body: { '@odata.context': odataContext(call.version, set, undefined, true), ...policyResource(policy), ...rules } };
}

/** Answers a PIM call: 401 without a valid token, 403 without a role the resource and method need. */
export async function pimGraph(t: TenantFacts, route: PimRoute, call: RouteCall): Promise<GraphReply> {
  const roles = await grantedRoles(t, call.headers.authorization);
  if ('status' in roles) return roles;
  if (route === 'extensions') return extensions(t, call, roles);
  return route === 'policy-assignments' ? policyAssignments(t, call, roles) : policies(t, call, roles);
}
