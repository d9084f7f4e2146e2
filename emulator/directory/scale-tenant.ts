/** How big a generated tenant is; the same options (seed included) give the same tenant. */
export interface ScaleTenantOptions {
  readonly users: number;
  readonly groups: number;
  readonly packages: number;
  /** Direct group memberships per user: one department, the rest teams (default 3). */
  readonly membershipsPerUser?: number;
  /** Seed of the PRNG that picks teams and packages (default 1). */
  readonly seed?: number;
}

/** A user the generator put on both sides of a pair of access packages: a separation-of-duties conflict to find. */
export interface ScaleConflict {
  readonly userId: string;
  readonly accessPackages: readonly [string, string];
}

type Entry = Readonly<Record<string, unknown>>;

/**
 * A generated tenant in the tenant file's format. The answer key (`conflicts`, `conflictPairs`,
 * `allStaffGroup`) is not enumerable: the object passes as a tenant file (TenantEmulator.start,
 * JSON.stringify) and still carries what a scan of it should find.
 */
export interface ScaleTenant {
  readonly description: string;
  readonly users: readonly Entry[];
  readonly groups: readonly Entry[];
  readonly servicePrincipals: readonly Entry[];
  readonly accessPackages: readonly Entry[];
  readonly assignments: readonly Entry[];
  readonly roleAssignments: readonly Entry[];
  readonly roleEligibilities: readonly Entry[];
  readonly appRoleAssignments: readonly Entry[];
  /** Every user holding assignments of both packages of a pair, and which pair. */
  readonly conflicts: readonly ScaleConflict[];
  /** The pairs of packages that must not be held together (each grants groups nobody else is in). */
  readonly conflictPairs: readonly (readonly [string, string])[];
  /** The group every user is in through nesting (All Staff → departments → users). */
  readonly allStaffGroup: string;
}

/** mulberry32: a small, fast, seeded PRNG; floats in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Structured GUIDs, unique by construction: the kind of object in the second group, its number in the last. */
const KIND = { user: 1, group: 2, package: 3, assignment: 4, servicePrincipal: 5, appRole: 6, roleAssignment: 7, eligibility: 8, appRoleAssignment: 9, catalog: 10 };
const guid = (kind: number, n: number): string => `5ca1e000-${kind.toString(16).padStart(4, '0')}-4000-8000-${n.toString(16).padStart(12, '0')}`;
const USER_ADMINISTRATOR = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const APP_ROLES = ['Approve', 'Maintain', 'Report', 'Administer'];

function whole(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`generateScaleTenant: ${name} must be a whole number of at least ${min}, not ${value}`);
  return value;
}

/**
 * A large tenant for benchmarks and scans, deterministic from its options: users in departments
 * (all nested in one All Staff group) and random teams (half nested in a department), packages
 * granting a team and an app role, one assignment per user (its target a member of the granted
 * group, as delivery makes it), a few directory roles, eligibilities and app role assignments,
 * and pairs of packages (each granting a group of its own) some users deliberately hold both of;
 * a neighbour of each such user holds one side only.
 */
export function generateScaleTenant(options: ScaleTenantOptions): ScaleTenant {
  const userCount = whole('users', options.users, 1);
  const groupCount = whole('groups', options.groups, 1);
  const packageCount = whole('packages', options.packages, 0);
  const teamsPerUser = whole('membershipsPerUser', options.membershipsPerUser ?? 3, 1) - 1;
  const random = prng(options.seed ?? 1);
  const pick = (n: number) => Math.floor(random() * n);
  const departments = groupCount === 1 ? 0 : Math.max(1, Math.min(groupCount - 1, Math.ceil(groupCount / 20)));
  const teams = groupCount - 1 - departments;
  const pairs = Math.min(5, Math.floor(packageCount / 2));
  const pairGroups = Math.min(2 * pairs, teams);
  const openTeams = teams - pairGroups;
  const userId = (u: number) => guid(KIND.user, u);
  const groupId = (g: number) => guid(KIND.group, g);
  const packageId = (p: number) => guid(KIND.package, p);

  const users = Array.from({ length: userCount }, (_, u) => ({
    id: userId(u), displayName: `Scale User ${u}`, userPrincipalName: `user${u}@scale.example`, department: `Department ${departments === 0 ? 0 : 1 + (u % departments)}`,
  }));
  /** The group a package grants: its own SoD group for a pair package (while groups last), else a team. */
  const packageGroup = (p: number): number | undefined => {
    if (p < 2 * pairs) return p < pairGroups ? groupCount - pairGroups + p : undefined;
    return openTeams === 0 ? undefined : 1 + departments + (p % openTeams);
  };
  const members: string[][] = Array.from({ length: groupCount }, () => []);
  const assignments: Entry[] = [];
  /** Assigns a package; a delivered assignment makes its target a member of the group the package grants, as in Entra. */
  const assign = (u: number, p: number, joined: Set<number>) => {
    assignments.push({ id: guid(KIND.assignment, assignments.length), accessPackage: packageId(p), target: userId(u) });
    const g = packageGroup(p);
    if (g !== undefined && !joined.has(g)) members[g]?.push(userId(u));
    if (g !== undefined) joined.add(g);
  };
  for (let d = 1; d <= departments; d++) members[0]?.push(groupId(d));
  for (let t = 0; t < openTeams; t += 2) members[1 + (t % departments)]?.push(groupId(1 + departments + t));
  const openPackages = packageCount - 2 * pairs;
  const conflictCount = pairs === 0 ? 0 : Math.max(1, Math.floor(userCount / 500));
  const conflictUsers = new Map(Array.from({ length: conflictCount }, (_, i) => [Math.floor((i * userCount) / conflictCount), i]));
  const conflicts: ScaleConflict[] = [];
  for (let u = 0; u < userCount; u++) {
    members[departments === 0 ? 0 : 1 + (u % departments)]?.push(userId(u));
    const joined = new Set<number>();
    for (let k = 0; k < Math.min(teamsPerUser, openTeams); k++) {
      let team = 1 + departments + pick(openTeams);
      while (joined.has(team)) team = 1 + departments + ((team - departments) % openTeams);
      joined.add(team);
      members[team]?.push(userId(u));
    }
    if (openPackages > 0) assign(u, 2 * pairs + pick(openPackages), joined);
    const conflict = conflictUsers.get(u);
    const oneSide = conflictUsers.get(u - 1);
    if (conflict !== undefined) {
      const pair = conflict % pairs;
      assign(u, 2 * pair, joined);
      assign(u, 2 * pair + 1, joined);
      conflicts.push({ userId: userId(u), accessPackages: [packageId(2 * pair), packageId(2 * pair + 1)] });
    } else if (oneSide !== undefined) {
      assign(u, 2 * (oneSide % pairs) + (oneSide % 2), joined);
    }
  }
  const groups = members.map((ids, g) => ({
    id: groupId(g),
    displayName: g === 0 ? 'All Staff' : g <= departments ? `Department ${g}` : g >= groupCount - pairGroups ? `SoD Group ${g}` : `Team ${g}`,
    members: ids,
  }));

  const sp = guid(KIND.servicePrincipal, 0);
  const appRoleId = (r: number) => guid(KIND.appRole, r);
  const servicePrincipals = [{ id: sp, displayName: 'Scale ERP', appRoles: APP_ROLES.map((name, r) => ({ id: appRoleId(r), displayName: name, value: `ERP.${name}` })) }];
  const accessPackages = Array.from({ length: packageCount }, (_, p) => {
    const group = packageGroup(p);
    return {
      id: packageId(p),
      displayName: p < 2 * pairs ? `SoD Pair ${Math.floor(p / 2)} ${p % 2 === 0 ? 'A' : 'B'}` : `Package ${p}`,
      catalog: { id: guid(KIND.catalog, 0), displayName: 'Scale Catalog' },
      resourceRoleScopes: [
        ...(group === undefined ? [] : [{ group: groupId(group), role: 'Member' }]),
        ...(p < 2 * pairs ? [] : [{ servicePrincipal: sp, appRole: appRoleId(p % APP_ROLES.length) }]),
      ],
    };
  });

  const admins = Math.min(2, userCount);
  const roleAssignments = Array.from({ length: admins }, (_, i) => ({ id: guid(KIND.roleAssignment, i), principal: userId(userCount - 1 - i), roleTemplateId: GLOBAL_ADMINISTRATOR }));
  const roleEligibilities = Array.from({ length: Math.min(10, userCount) }, (_, i) => ({ id: guid(KIND.eligibility, i), principal: userId(i), roleTemplateId: USER_ADMINISTRATOR }));
  const appRolePrincipals = [
    ...Array.from({ length: Math.min(5, departments) }, (_, d) => groupId(1 + d)),
    ...Array.from({ length: Math.ceil(userCount / 1000) }, (_, i) => userId(i * 1000)),
  ];
  const appRoleAssignments = appRolePrincipals.map((principal, i) => ({ id: guid(KIND.appRoleAssignment, i), principal, servicePrincipal: sp, appRole: appRoleId(i % APP_ROLES.length) }));

  const tenant = {
    description: `Generated: ${userCount} users, ${groupCount} groups, ${packageCount} packages, seed ${options.seed ?? 1}.`,
    users, groups, servicePrincipals, accessPackages, assignments, roleAssignments, roleEligibilities, appRoleAssignments,
  };
  const answerKey = {
    conflicts: { value: conflicts },
    conflictPairs: { value: Array.from({ length: pairs }, (_, i) => [packageId(2 * i), packageId(2 * i + 1)] as const) },
    allStaffGroup: { value: groupId(0) },
  };
  return Object.defineProperties(tenant, answerKey) as unknown as ScaleTenant;
}
