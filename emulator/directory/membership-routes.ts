import { advancedQueryProblem, readGovernanceQuery, selection, type GovernanceQuery } from '../graph/collection-query.js';
import { LIFECYCLE_READ_ROLES, type DirectoryCall } from './directory-routes.js';
import { hasAnyRole, insufficientPrivileges } from '../identity/graph-auth.js';
import { directoryNotFound, graphError, type GraphReply } from '../graph/graph-errors.js';
import { collectionReply } from '../graph/graph-paging.js';
import { GROUP_PROPERTIES, groupObject } from '../governance/governance-resources.js';
import type { TenantFacts } from './tenant-facts.js';
import { DEFAULT_USER_PROPERTIES, LIFECYCLE_PROPERTIES, odataContext, resolveSelect, USER_PROPERTIES, userObject } from './user-resource.js';

const GROUP_CAST = 'microsoft.graph.group';
const USER_CAST = 'microsoft.graph.user';

/**
 * The OData cast segment after the relation (path[3]): none, one of `casts` (an advanced query:
 * ConsistencyLevel: eventual and $count=true), or Graph's refusal.
 */
function castOf(call: DirectoryCall, q: GovernanceQuery, casts: readonly string[]): string | undefined | GraphReply {
  const segment = call.path[3];
  if (segment === undefined) return undefined;
  const cast = casts.find((c) => c === segment.toLowerCase());
  if (cast === undefined) return graphError(400, 'Request_UnsupportedQuery', `The tenant emulator does not serve the cast '${segment}' here (it serves ${casts.join(', ')}).`);
  return advancedQueryProblem(call.headers, q, `The OData cast /${segment}`) ?? cast;
}

/** GET /users/{id}/memberOf and /transitiveMemberOf, optionally cast to microsoft.graph.group: the user's groups, nearest first. */
export function userGroups(t: TenantFacts, call: DirectoryCall, transitive: boolean): GraphReply {
  const q = readGovernanceQuery(call.query);
  if ('status' in q) return q;
  const cast = castOf(call, q, [GROUP_CAST]);
  if (typeof cast === 'object') return cast;
  const properties = resolveSelect(q.select, GROUP_PROPERTIES, GROUP_PROPERTIES, GROUP_CAST);
  if ('status' in properties) return properties;
  const id = call.path[1] ?? '';
  const user = t.directory.get(id);
  if (user === undefined) return directoryNotFound(id);
  const graph = t.governance.groups;
  const groups = (transitive ? graph.transitiveGroupsOf(user.id) : graph.directGroupsOf(user.id)).flatMap((g) => graph.get(g) ?? []);
  const context = odataContext(call.version, cast === undefined ? 'directoryObjects' : 'groups', selection(q, properties), false);
  return collectionReply({ origin: t.origin, ...call }, q, groups, t.governance.pageSize, context, (g) => groupObject(g, properties));
}

/**
 * What $select answers of each kind of member: properties of users and of groups, as the cast
 * allows (a name neither kind has is refused); employeeLeaveDateTime needs User-LifeCycleInfo.
 */
function memberProperties(q: GovernanceQuery, cast: string | undefined, roles: readonly string[]): { user: string[]; group: string[] } | GraphReply {
  if (q.select === undefined) return { user: [...DEFAULT_USER_PROPERTIES], group: [...GROUP_PROPERTIES] };
  const userKnown: readonly string[] = cast === GROUP_CAST ? [] : USER_PROPERTIES;
  const groupKnown: readonly string[] = cast === USER_CAST ? [] : GROUP_PROPERTIES;
  const user = new Set(['id']);
  const group = new Set(['id']);
  for (const name of q.select) {
    const asUser = userKnown.find((k) => k.toLowerCase() === name.toLowerCase());
    const asGroup = groupKnown.find((k) => k.toLowerCase() === name.toLowerCase());
    if (asUser === undefined && asGroup === undefined) {
      return graphError(400, 'BadRequest', `Parsing OData Select and Expand failed: Could not find a property named '${name}' on type '${cast ?? 'microsoft.graph.directoryObject'}'.`);
    }
    if (asUser !== undefined) user.add(asUser);
    if (asGroup !== undefined) group.add(asGroup);
  }
  if ([...user].some((p) => LIFECYCLE_PROPERTIES.includes(p)) && !hasAnyRole(roles, LIFECYCLE_READ_ROLES)) return insufficientPrivileges();
  return { user: [...user], group: [...group] };
}

/**
 * GET /groups/{id}/members and /transitiveMembers, optionally cast to microsoft.graph.user or
 * microsoft.graph.group: users projected as the directory projects them, nested groups as groups.
 * Pages slice the group's cached member list, however large.
 */
export function groupMembers(t: TenantFacts, call: DirectoryCall, roles: readonly string[], transitive: boolean): GraphReply {
  const q = readGovernanceQuery(call.query);
  if ('status' in q) return q;
  const cast = castOf(call, q, [USER_CAST, GROUP_CAST]);
  if (typeof cast === 'object') return cast;
  const properties = memberProperties(q, cast, roles);
  if ('status' in properties) return properties;
  const id = call.path[1] ?? '';
  const graph = t.governance.groups;
  const group = graph.get(id);
  if (group === undefined) return directoryNotFound(id);
  const members = transitive ? graph.transitiveMembers(group.id) : graph.directMembers(group.id);
  const items = cast === USER_CAST ? members.users : cast === GROUP_CAST ? members.groups : members.all;
  const set = cast === USER_CAST ? 'users' : cast === GROUP_CAST ? 'groups' : 'directoryObjects';
  const context = odataContext(call.version, set, q.select === undefined ? undefined : [...new Set([...properties.user, ...properties.group])], false);
  return collectionReply({ origin: t.origin, ...call }, q, items, t.governance.pageSize, context, (member) => {
    const nested = graph.get(member);
    if (nested !== undefined) return groupObject(nested, properties.group);
    const user = t.directory.byId(member);
    return user === undefined ? { '@odata.type': '#microsoft.graph.directoryObject', id: member } : userObject(user, properties.user);
  });
}
