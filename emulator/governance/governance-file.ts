import { findCycle } from '../directory/group-graph.js';
import {
  accessPackageProblem, appRoleAssignmentProblem, assignmentProblem, membersProblem, roleProblem, type GovernanceRefs,
} from './governance-references.js';
import {
  parseAccessPackage, parseAppRoleAssignment, parseAssignment, parseGroup, parseRoleAssignment, parseRoleEligibility, parseServicePrincipal,
  type TenantGovernance,
} from './governance-values.js';
import { TenantFileError, type Fields } from '../directory/tenant-values.js';

export const GOVERNANCE_SECTIONS = [
  'groups', 'servicePrincipals', 'accessPackages', 'assignments', 'roleAssignments', 'roleEligibilities', 'appRoleAssignments',
] as const;

type Labelled = { readonly id: string; readonly displayName?: string };

const label = (item: Labelled): string => (item.displayName === undefined ? item.id : `${item.id} (${item.displayName})`);

/**
 * Parses one list of the file; ids are unique in the list, and `taken` names the place of an id
 * already used elsewhere (users, groups and service principals share the directory's ids).
 */
function section<T extends Labelled>(
  f: Fields,
  key: string,
  parse: (source: string, where: string, raw: unknown) => T,
  taken: (id: string) => string | undefined = () => undefined,
): T[] {
  const seen = new Map<string, number>();
  return f.list(key).map((raw, i) => {
    const item = parse(f.source, `${key}[${i}]`, raw);
    const index = seen.get(item.id);
    const same = index === undefined ? taken(item.id) : `${key}[${index}]`;
    if (same !== undefined) throw new TenantFileError(`${f.source}: ${key}[${i}].id "${item.id}" is already the id of ${same}`);
    seen.set(item.id, i);
    return item;
  });
}

/** Throws the first reference problem of a list, naming the file, the place and the item. */
function check<T extends Labelled>(source: string, key: string, items: readonly T[], problem: (item: T) => string | undefined): void {
  for (const [i, item] of items.entries()) {
    const found = problem(item);
    if (found !== undefined) throw new TenantFileError(`${source}: ${key}[${i}] ${label(item)}: ${found}`);
  }
}

/**
 * The governance sections of a tenant file, validated: every id a GUID (lower-cased) and unique,
 * every reference resolved (members, packages' groups and app roles, assignment targets,
 * principals), and no cycle among nested groups. Linear in the size of the file. Returns the
 * lookups too, for the checks of the requests.
 */
export function parseGovernance(f: Fields, users: ReadonlyMap<string, number>, now = new Date()): { governance: TenantGovernance; refs: GovernanceRefs } {
  const { source } = f;
  const user = (id: string) => (users.has(id) ? `users[${users.get(id) ?? 0}]` : undefined);
  const groups = section(f, 'groups', parseGroup, user);
  const groupIndex = new Map(groups.map((g, i) => [g.id, i]));
  const group = (id: string) => (groupIndex.has(id) ? `groups[${groupIndex.get(id) ?? 0}]` : undefined);
  const servicePrincipals = section(f, 'servicePrincipals', parseServicePrincipal, (id) => user(id) ?? group(id));
  const accessPackages = section(f, 'accessPackages', parseAccessPackage);
  const spById = new Map(servicePrincipals.map((sp) => [sp.id, sp]));
  const packageById = new Map(accessPackages.map((p) => [p.id, p]));
  const refs: GovernanceRefs = {
    isUser: (id) => users.has(id),
    isGroup: (id) => groupIndex.has(id),
    servicePrincipal: (id) => spById.get(id),
    accessPackage: (id) => packageById.get(id),
  };
  check(source, 'groups', groups, (g) => membersProblem(g.members, refs));
  const cycle = findCycle(groups);
  if (cycle !== undefined) {
    const first = groupIndex.get(cycle[0] ?? '') ?? 0;
    const path = cycle.map((id) => label(groups[groupIndex.get(id) ?? 0] ?? { id })).join(' → ');
    throw new TenantFileError(`${source}: groups[${first}] ${label(groups[first] ?? { id: '' })}: members form a cycle: ${path}`);
  }
  check(source, 'accessPackages', accessPackages, (p) => accessPackageProblem(p, refs));
  const assignments = section(f, 'assignments', parseAssignment);
  check(source, 'assignments', assignments, (a) => assignmentProblem(a, refs));
  const roleAssignments = section(f, 'roleAssignments', parseRoleAssignment);
  check(source, 'roleAssignments', roleAssignments, (r) => roleProblem(r, refs));
  const roleEligibilities = section(f, 'roleEligibilities', (s, w, raw) => parseRoleEligibility(s, w, raw, now));
  check(source, 'roleEligibilities', roleEligibilities, (r) => roleProblem(r, refs));
  const appRoleAssignments = section(f, 'appRoleAssignments', (s, w, raw) => parseAppRoleAssignment(s, w, raw, now));
  check(source, 'appRoleAssignments', appRoleAssignments, (a) => appRoleAssignmentProblem(a, refs));
  return { governance: { groups, servicePrincipals, accessPackages, assignments, roleAssignments, roleEligibilities, appRoleAssignments }, refs };
}
