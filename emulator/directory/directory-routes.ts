import type { IncomingHttpHeaders } from 'node:http';
import { grantedRoles, hasAnyRole, insufficientPrivileges } from '../identity/graph-auth.js';
import { directoryNotFound, graphError, type GraphReply } from '../graph/graph-errors.js';
import { collectionReply } from '../graph/graph-paging.js';
import { parseQuery, parseSelect, type ExpandItem, type ODataQuery } from '../graph/odata-query.js';
import type { TenantFacts } from './tenant-facts.js';
import type { TenantUser } from './tenant-values.js';
import {
  DEFAULT_USER_PROPERTIES, LIFECYCLE_PROPERTIES, odataContext, projectRiskyUser, projectUser, resolveSelect, RISKY_USER_PROPERTIES, USER_PROPERTIES, userObject,
} from './user-resource.js';

export const USER_READ_ROLES = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
export const LIFECYCLE_READ_ROLES = ['User-LifeCycleInfo.Read.All', 'User-LifeCycleInfo.ReadWrite.All'];
export const RISKY_USER_READ_ROLES = ['IdentityRiskyUser.Read.All', 'IdentityRiskyUser.ReadWrite.All'];

/** One Graph call to the directory: the path after the version, as sent. */
export interface DirectoryCall {
  readonly version: string;
  readonly method: string;
  readonly path: readonly string[];
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
}

const USER_TYPE = 'microsoft.graph.user';
const MAX_LEVELS = 1000;

/** Whether Graph's directory routes (users, riskyUsers) serve this path. */
export function isDirectoryPath(path: readonly string[]): boolean {
  const first = path[0]?.toLowerCase();
  return first === 'users' || (first === 'identityprotection' && path[1]?.toLowerCase() === 'riskyusers');
}

function badRequest(message: string): GraphReply {
  return graphError(400, 'BadRequest', message);
}

function selectUser(select: readonly string[] | undefined, roles: readonly string[]): string[] | GraphReply {
  const properties = resolveSelect(select, USER_PROPERTIES, DEFAULT_USER_PROPERTIES, USER_TYPE);
  if ('status' in properties) return properties;
  const lifecycle = properties.some((p) => LIFECYCLE_PROPERTIES.includes(p));
  return lifecycle && !hasAnyRole(roles, LIFECYCLE_READ_ROLES) ? insufficientPrivileges() : properties;
}

/** How many levels of `$expand=manager(…)` to answer, or Graph's refusal. */
function levelsOf(item: ExpandItem, headers: IncomingHttpHeaders): number | GraphReply {
  const unknown = [...item.options.keys()].find((k) => k !== '$select' && k !== '$levels');
  if (unknown !== undefined) return badRequest(`Query option '${unknown}' is not allowed in $expand=manager (the tenant emulator serves $select and $levels).`);
  const levels = item.options.get('$levels');
  if (levels === undefined) return 1;
  const consistency = [headers['consistencylevel'] ?? []].flat().join(',').trim().toLowerCase();
  if (consistency !== 'eventual') {
    return graphError(400, 'Request_UnsupportedQuery', "$levels in $expand needs the request header 'ConsistencyLevel: eventual' (advanced query).");
  }
  if (levels.toLowerCase() === 'max') return MAX_LEVELS;
  const n = Number(levels);
  return /^\d+$/.test(levels) && n >= 1 && n <= MAX_LEVELS ? n : badRequest(`Invalid $levels value '${levels}': max or a number from 1 to ${MAX_LEVELS} is expected.`);
}

/** GET /users/{id}: the user, and with $expand=manager its manager, or its chain as nested `manager` objects. */
function userEntity(t: TenantFacts, call: DirectoryCall, user: TenantUser, q: ODataQuery, roles: readonly string[]): GraphReply {
  const properties = selectUser(q.select, roles);
  if ('status' in properties) return properties;
  const [expand, ...more] = q.expand;
  const selected = q.select === undefined ? undefined : properties;
  if (expand === undefined) return { status: 200, body: { '@odata.context': odataContext(call.version, 'users', selected, true), ...projectUser(user, properties) } };
  if (more.length > 0 || expand.name.toLowerCase() !== 'manager') {
    return badRequest(`The tenant emulator expands only manager on a user, not '${q.expand.map((e) => e.name).join(',')}'.`);
  }
  const levels = levelsOf(expand, call.headers);
  if (typeof levels !== 'number') return levels;
  const nestedText = expand.options.get('$select');
  const nested = nestedText === undefined ? undefined : parseSelect(nestedText);
  if (nested !== undefined && 'status' in nested) return nested;
  const managerProperties = selectUser(nested, roles);
  if ('status' in managerProperties) return managerProperties;
  let manager: Record<string, unknown> | undefined;
  for (const above of t.directory.chainOf(user.id, levels).reverse()) {
    manager = { ...userObject(above, managerProperties), ...(manager === undefined ? {} : { manager }) };
  }
  const context = odataContext(call.version, 'users', selected && [...properties, nested === undefined ? 'manager' : `manager(${managerProperties.join(',')})`], true);
  return { status: 200, body: { '@odata.context': context, ...projectUser(user, properties), ...(manager === undefined ? {} : { manager }) } };
}

function managerOf(t: TenantFacts, call: DirectoryCall, user: TenantUser, q: ODataQuery, roles: readonly string[]): GraphReply {
  const properties = selectUser(q.select, roles);
  if ('status' in properties) return properties;
  const manager = t.directory.managerOf(user.id);
  if (manager === undefined) return directoryNotFound('manager');
  return { status: 200, body: { '@odata.context': odataContext(call.version, 'directoryObjects', undefined, true), ...userObject(manager, properties) } };
}

/** GET /users/{id}/sponsors: pages of `$top` (or pageSize) items, each with an absolute nextLink on the emulator. */
function sponsorsOf(t: TenantFacts, call: DirectoryCall, user: TenantUser, q: ODataQuery, roles: readonly string[]): GraphReply {
  const properties = selectUser(q.select, roles);
  if ('status' in properties) return properties;
  const context = odataContext(call.version, 'directoryObjects', q.select === undefined ? undefined : properties, false);
  return collectionReply({ origin: t.origin, ...call }, q, t.directory.sponsorsOf(user.id), t.directory.pageSize, context, (s) => userObject(s, properties));
}

function riskyUser(t: TenantFacts, call: DirectoryCall, id: string, q: ODataQuery): GraphReply {
  const properties = resolveSelect(q.select, RISKY_USER_PROPERTIES, RISKY_USER_PROPERTIES, 'microsoft.graph.riskyUser');
  if ('status' in properties) return properties;
  const user = t.directory.get(id);
  const risk = user?.id === id.toLowerCase() ? user.risk : null;
  if (user === undefined || risk === null) return graphError(404, 'ResourceNotFound', `The riskyUser '${id}' does not exist.`);
  const context = odataContext(call.version, 'identityProtection/riskyUsers', q.select === undefined ? undefined : properties, true);
  return { status: 200, body: { '@odata.context': context, ...projectRiskyUser(user, risk, properties) } };
}

/** Graph's directory reads: users (with manager, chain and sponsors) and Identity Protection's riskyUsers. GET only. */
export async function directoryGraph(t: TenantFacts, call: DirectoryCall): Promise<GraphReply> {
  const { path } = call;
  const risky = path[0]?.toLowerCase() === 'identityprotection';
  const roles = await grantedRoles(t, call.headers.authorization);
  if ('status' in roles) return roles;
  if (!hasAnyRole(roles, risky ? RISKY_USER_READ_ROLES : USER_READ_ROLES)) return insufficientPrivileges();
  const id = path[risky ? 2 : 1];
  const relation = risky ? undefined : path[2]?.toLowerCase();
  if (id === undefined || path.length > 3) {
    return badRequest(`The tenant emulator serves ${risky ? '/identityProtection/riskyUsers/{id}' : '/users/{id}, /users/{id}/manager and /users/{id}/sponsors'} only.`);
  }
  if (relation !== undefined && relation !== 'manager' && relation !== 'sponsors') return badRequest(`Resource not found for the segment '${path[2] ?? ''}'.`);
  if (call.method !== 'GET') return graphError(405, 'Request_BadRequest', 'The HTTP method is not allowed on this resource.');
  const q = parseQuery(call.query);
  if ('status' in q) return q;
  if (q.unsupported.length > 0) return graphError(400, 'Request_UnsupportedQuery', `The tenant emulator does not serve ${q.unsupported.join(', ')} here.`);
  if (relation !== undefined && q.expand.length > 0) return badRequest(`The tenant emulator does not serve $expand on /users/{id}/${relation}.`);
  if (risky) return riskyUser(t, call, id, q);
  const user = t.directory.get(id);
  if (user === undefined) return directoryNotFound(id);
  if (relation === 'manager') return managerOf(t, call, user, q, roles);
  if (relation === 'sponsors') return sponsorsOf(t, call, user, q, roles);
  return userEntity(t, call, user, q, roles);
}
