import type { RouteCall } from '../graph/graph-call.js';
import { readGovernanceQuery, selection } from '../graph/collection-query.js';
import { directoryNotFound, graphError, type GraphReply } from '../graph/graph-errors.js';
import { collectionReply } from '../graph/graph-paging.js';
import { schemaRefusal } from '../graph/graph-schema-check.js';
import { graphVersion } from '../graph/graph-types.js';
import { APP_ROLE_ASSIGNMENT_PROPERTIES } from '../governance/governance-resources.js';
import { grantedRoles, hasAnyRole, insufficientPrivileges } from '../identity/graph-auth.js';
import type { EmulatedServicePrincipal, ServicePrincipalAppRoleAssignment, ServicePrincipals } from './service-principals.js';
import type { TenantFacts } from './tenant-facts.js';
import { odataContext, resolveSelect } from './user-resource.js';

/**
 * Graph's /servicePrincipals routes that granting application permissions calls (`npm run
 * grant-permissions`): the list by `$filter=appId eq '…'`, one service principal by id, the app
 * roles granted to one (GET, paged) and granting one (POST). Permissions as Graph's reference
 * gives them: reads take Application.Read.All or a higher read, a grant AppRoleAssignment.ReadWrite.All
 * together with Application.Read.All (or a higher read of the directory).
 */

/** GET /servicePrincipals, /servicePrincipals/{id}: least privileged first. */
export const SERVICE_PRINCIPAL_READ_ROLES = ['Application.Read.All', 'Application.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
/** GET /servicePrincipals/{id}/appRoleAssignments. */
export const SERVICE_PRINCIPAL_GRANTS_READ_ROLES = ['Application.Read.All', 'Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
/** POST /servicePrincipals/{id}/appRoleAssignments needs this role and one of SERVICE_PRINCIPAL_READ_ROLES. */
export const APP_ROLE_ASSIGNMENT_WRITE_ROLE = 'AppRoleAssignment.ReadWrite.All';

const SERVICE_PRINCIPAL_TYPE = 'microsoft.graph.servicePrincipal';
const APP_ROLE_ASSIGNMENT_TYPE = 'microsoft.graph.appRoleAssignment';
/** The properties of microsoft.graph.servicePrincipal the emulator answers (all of them without $select). */
export const SERVICE_PRINCIPAL_PROPERTIES = [
  'id', 'deletedDateTime', 'accountEnabled', 'alternativeNames', 'appDisplayName', 'appId', 'appRoleAssignmentRequired', 'appRoles', 'displayName', 'servicePrincipalNames',
  'servicePrincipalType', 'tags',
] as const;

/** /servicePrincipals, /servicePrincipals/{id} and /servicePrincipals/{id}/appRoleAssignments (appRoleAssignedTo stays governance's). */
export function isServicePrincipalPath(path: readonly string[]): boolean {
  if (path[0]?.toLowerCase() !== 'serviceprincipals') return false;
  return path.length <= 2 || (path.length === 3 && path[2]?.toLowerCase() === 'approleassignments');
}

function servicePrincipalObject(sp: EmulatedServicePrincipal, properties: readonly string[]): Record<string, unknown> {
  const all: Record<string, unknown> = {
    id: sp.id,
    deletedDateTime: null,
    accountEnabled: true,
    alternativeNames: [],
    appDisplayName: sp.servicePrincipalType === 'ManagedIdentity' ? null : sp.displayName,
    appId: sp.appId,
    appRoleAssignmentRequired: false,
    appRoles: sp.appRoles.map((r) => ({ allowedMemberTypes: [...r.allowedMemberTypes], description: r.description, displayName: r.displayName, id: r.id, isEnabled: r.isEnabled, origin: 'Application', value: r.value })),
    displayName: sp.displayName,
    servicePrincipalNames: [sp.appId],
    servicePrincipalType: sp.servicePrincipalType,
    tags: [],
  };
  return Object.fromEntries(properties.map((p) => [p, all[p] ?? null]));
}

/** An app role granted to a service principal, as microsoft.graph.appRoleAssignment (beta says creationTimestamp). */
export function grantObject(store: ServicePrincipals, grant: ServicePrincipalAppRoleAssignment, properties: readonly string[]): Record<string, unknown> {
  const all: Record<string, unknown> = {
    id: grant.id,
    appRoleId: grant.appRoleId,
    createdDateTime: grant.createdDateTime,
    creationTimestamp: grant.createdDateTime,
    deletedDateTime: null,
    principalId: grant.principalId,
    principalType: 'ServicePrincipal',
    principalDisplayName: store.find(grant.principalId)?.displayName ?? null,
    resourceId: grant.resourceId,
    resourceDisplayName: store.find(grant.resourceId)?.displayName ?? null,
  };
  return Object.fromEntries(properties.map((p) => [p, all[p] ?? null]));
}

/** GET /servicePrincipals: only `$filter=appId eq '{guid}'` is served, with $select, $top, $count and paging. */
function listServicePrincipals(t: TenantFacts, call: RouteCall): GraphReply {
  const q = readGovernanceQuery(call.query, ['appId']);
  if ('status' in q) return q;
  const properties = resolveSelect(q.select, SERVICE_PRINCIPAL_PROPERTIES, SERVICE_PRINCIPAL_PROPERTIES, SERVICE_PRINCIPAL_TYPE);
  if ('status' in properties) return properties;
  const appId = q.filters.get('appId');
  const items = t.servicePrincipals.visibleAll().filter((sp) => appId === undefined || sp.appId === appId);
  const context = odataContext(call.version, 'servicePrincipals', selection(q, properties), false);
  return collectionReply({ origin: t.origin, ...call }, q, items, t.servicePrincipals.pageSize, context, (sp) => servicePrincipalObject(sp, properties));
}

/** GET /servicePrincipals/{id}: $select only; 404 for an id no read finds (unknown, or not replicated yet). */
function servicePrincipalEntity(t: TenantFacts, call: RouteCall, id: string): GraphReply {
  const q = readGovernanceQuery(call.query);
  if ('status' in q) return q;
  const properties = resolveSelect(q.select, SERVICE_PRINCIPAL_PROPERTIES, SERVICE_PRINCIPAL_PROPERTIES, SERVICE_PRINCIPAL_TYPE);
  if ('status' in properties) return properties;
  const sp = t.servicePrincipals.visible(id);
  if (sp === undefined) return directoryNotFound(id);
  return { status: 200, body: { '@odata.context': odataContext(call.version, 'servicePrincipals', q.select === undefined ? undefined : properties, true), ...servicePrincipalObject(sp, properties) } };
}

/** GET /servicePrincipals/{id}/appRoleAssignments: the app roles the service principal holds, paged. */
function grantsOf(t: TenantFacts, call: RouteCall, id: string): GraphReply {
  const q = readGovernanceQuery(call.query);
  if ('status' in q) return q;
  const known = APP_ROLE_ASSIGNMENT_PROPERTIES[call.version] ?? [];
  const properties = resolveSelect(q.select, known, known, APP_ROLE_ASSIGNMENT_TYPE);
  if ('status' in properties) return properties;
  const sp = t.servicePrincipals.visible(id);
  if (sp === undefined) return directoryNotFound(id);
  const context = odataContext(call.version, `servicePrincipals('${sp.id}')/appRoleAssignments`, selection(q, properties), false);
  const store = t.servicePrincipals;
  return collectionReply({ origin: t.origin, ...call }, q, store.appRoleAssignments(sp.id), store.pageSize, context, (g) => grantObject(store, g, properties));
}

/** POST /servicePrincipals/{id}/appRoleAssignments: Graph's schema first, then the directory's rules (service-principals.ts). */
function grant(t: TenantFacts, call: RouteCall, id: string): GraphReply {
  if ([...call.query.keys()].some((k) => k.trim().startsWith('$'))) return graphError(400, 'BadRequest', 'A create takes no OData query options here.');
  const refused = schemaRefusal(graphVersion(call.version), call.body, APP_ROLE_ASSIGNMENT_TYPE);
  if (refused !== undefined) return refused;
  const done = t.servicePrincipals.assign(id, call.body);
  if ('reply' in done) return done.reply;
  const properties = APP_ROLE_ASSIGNMENT_PROPERTIES[call.version] ?? [];
  const context = odataContext(call.version, `servicePrincipals('${done.assignment.principalId}')/appRoleAssignments`, undefined, true);
  return { status: 201, body: { '@odata.context': context, ...grantObject(t.servicePrincipals, done.assignment, properties) } };
}

/** Answers a /servicePrincipals call: 401 without a valid token, 403 without the roles, 405 for another method. */
export async function servicePrincipalGraph(t: TenantFacts, call: RouteCall): Promise<GraphReply> {
  const roles = await grantedRoles(t, call.headers.authorization);
  if ('status' in roles) return roles;
  const [, id] = call.path;
  const grants = call.path.length === 3;
  if (grants && call.method === 'POST') {
    return roles.includes(APP_ROLE_ASSIGNMENT_WRITE_ROLE) && hasAnyRole(roles, SERVICE_PRINCIPAL_READ_ROLES) ? grant(t, call, id ?? '') : insufficientPrivileges();
  }
  if (!hasAnyRole(roles, grants ? SERVICE_PRINCIPAL_GRANTS_READ_ROLES : SERVICE_PRINCIPAL_READ_ROLES)) return insufficientPrivileges();
  if (call.method !== 'GET') return graphError(405, 'Request_BadRequest', 'The HTTP method is not allowed on this resource.');
  if (id === undefined) return listServicePrincipals(t, call);
  return grants ? grantsOf(t, call, id) : servicePrincipalEntity(t, call, id);
}
