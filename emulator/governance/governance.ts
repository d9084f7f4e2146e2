import { randomUUID } from 'node:crypto';
import type { Directory } from '../directory/directory.js';
import { GroupGraph, type GroupSummary } from '../directory/group-graph.js';
import { appRoleAssignmentProblem, assignmentProblem, membersProblem, roleProblem, type GovernanceRefs } from './governance-references.js';
import {
  parseAppRoleAssignment, parseAssignment, parseGroup, parseRoleAssignment, parseRoleEligibility, type TenantAccessPackage, type TenantAppRoleAssignment,
  type TenantAssignment, type TenantGovernance, type TenantRoleAssignment, type TenantRoleEligibility, type TenantServicePrincipal,
} from './governance-values.js';
import { IndexedRecords } from '../graph/indexed-records.js';
import { TenantFileError, type TenantUser } from '../directory/tenant-values.js';

/** What a test may give a mutator: the tenant file's format for that entry; the id may be left out (a new GUID). */
export type GovernanceChange = { readonly id?: string } & { readonly [key: string]: unknown };

/** A user or group a role, app role or membership is held by. */
export type Principal = { readonly kind: 'user'; readonly user: TenantUser } | { readonly kind: 'group'; readonly group: GroupSummary };

/** Reads of the groups and their (transitive) members; changes go through Governance, which validates them. */
export type GroupReads = Pick<GroupGraph, 'has' | 'get' | 'all' | 'directMembers' | 'transitiveMembers' | 'directGroupsOf' | 'transitiveGroupsOf'>;

/** Reads of indexed records (all, by id, filtered on indexed keys). */
export type RecordReads<T extends { readonly id: string }, K extends string> = Pick<IndexedRecords<T, K>, 'get' | 'all' | 'where'>;

const ROLE_KEYS = { principal: (r: TenantRoleAssignment) => r.principal, roleTemplateId: (r: TenantRoleAssignment) => r.roleTemplateId };

/**
 * The tenant's identity governance: groups and their nesting, applications' service principals
 * with app roles, access packages and what they grant, who holds which package (assignments),
 * which directory role (active or PIM-eligible) and which app role. Seeded from the tenant file;
 * Graph routes read it; tests change it through the mutators, which validate like the loader.
 * Every lookup is indexed, so a tenant of 50,000 users answers as fast as the sample tenant.
 */
export class Governance implements GovernanceRefs {
  /** Items per page of its collections, unless the call asks fewer with $top. */
  pageSize = 100;
  private readonly groupGraph: GroupGraph;
  private readonly servicePrincipals = new Map<string, TenantServicePrincipal>();
  private readonly packages = new Map<string, TenantAccessPackage>();
  private readonly assignmentRecords = new IndexedRecords<TenantAssignment, 'target' | 'accessPackage'>({ target: (a) => a.target, accessPackage: (a) => a.accessPackage });
  private readonly activeRoles = new IndexedRecords<TenantRoleAssignment, 'principal' | 'roleTemplateId'>(ROLE_KEYS);
  private readonly eligibleRoles = new IndexedRecords<TenantRoleEligibility, 'principal' | 'roleTemplateId'>(ROLE_KEYS);
  private readonly appRoleRecords = new IndexedRecords<TenantAppRoleAssignment, 'principal' | 'servicePrincipal'>({
    principal: (a) => a.principal,
    servicePrincipal: (a) => a.servicePrincipal,
  });

  constructor(
    tenant: TenantGovernance,
    private readonly directory: Directory,
  ) {
    this.groupGraph = new GroupGraph(tenant.groups);
    for (const sp of tenant.servicePrincipals) this.servicePrincipals.set(sp.id, sp);
    for (const pkg of tenant.accessPackages) this.packages.set(pkg.id, pkg);
    for (const a of tenant.assignments) this.assignmentRecords.add(a);
    for (const r of tenant.roleAssignments) this.activeRoles.add(r);
    for (const r of tenant.roleEligibilities) this.eligibleRoles.add(r);
    for (const a of tenant.appRoleAssignments) this.appRoleRecords.add(a);
    directory.onRemoveUser((id) => { this.forget(id); });
  }

  get groups(): GroupReads {
    return this.groupGraph;
  }

  get assignments(): RecordReads<TenantAssignment, 'target' | 'accessPackage'> {
    return this.assignmentRecords;
  }

  get roleAssignments(): RecordReads<TenantRoleAssignment, 'principal' | 'roleTemplateId'> {
    return this.activeRoles;
  }

  get roleEligibilities(): RecordReads<TenantRoleEligibility, 'principal' | 'roleTemplateId'> {
    return this.eligibleRoles;
  }

  get appRoleAssignments(): RecordReads<TenantAppRoleAssignment, 'principal' | 'servicePrincipal'> {
    return this.appRoleRecords;
  }

  isUser(id: string): boolean {
    return this.directory.byId(id) !== undefined;
  }

  isGroup(id: string): boolean {
    return this.groupGraph.has(id);
  }

  servicePrincipal(id: string): TenantServicePrincipal | undefined {
    return this.servicePrincipals.get(id.toLowerCase());
  }

  /** The tenant file's service principals. */
  servicePrincipalList(): TenantServicePrincipal[] {
    return [...this.servicePrincipals.values()];
  }

  accessPackage(id: string): TenantAccessPackage | undefined {
    return this.packages.get(id.toLowerCase());
  }

  /** A user or group by id. */
  principal(id: string): Principal | undefined {
    const user = this.directory.byId(id);
    if (user !== undefined) return { kind: 'user', user };
    const group = this.groupGraph.get(id);
    return group === undefined ? undefined : { kind: 'group', group };
  }

  /** Adds a group (id, displayName, description, members), as the tenant file gives one. */
  addGroup(change: GovernanceChange): GroupSummary {
    const group = this.parsed('addGroup', change, parseGroup, (g) => membersProblem(g.members, this));
    if (this.isUser(group.id) || this.isGroup(group.id) || this.servicePrincipal(group.id) !== undefined) {
      throw new TenantFileError(`addGroup: ${group.id} is already the id of a directory object`);
    }
    this.groupGraph.addGroup(group);
    return this.requireGroup('addGroup', group.id);
  }

  /** Makes a user or group a direct member of a group; refused if it would nest a group in itself. */
  addGroupMember(groupId: string, memberId: string): void {
    const group = this.requireGroup('addGroupMember', groupId);
    const member = memberId.toLowerCase();
    if (!this.isUser(member) && !this.isGroup(member)) throw new TenantFileError(`addGroupMember: ${memberId} is not the id of a user or group in the tenant`);
    if (this.groupGraph.wouldCycle(group.id, member)) throw new TenantFileError(`addGroupMember: ${member} contains ${group.id} (${group.displayName}); adding it would make a cycle`);
    this.groupGraph.addMember(group.id, member);
  }

  removeGroupMember(groupId: string, memberId: string): void {
    const group = this.requireGroup('removeGroupMember', groupId);
    if (!this.groupGraph.removeMember(group.id, memberId.toLowerCase())) {
      throw new TenantFileError(`removeGroupMember: ${memberId} is not a direct member of ${group.id} (${group.displayName})`);
    }
  }

  /** Assigns an access package to a user (accessPackage, target, state). */
  addAssignment(change: GovernanceChange): TenantAssignment {
    const assignment = this.parsed('addAssignment', change, parseAssignment, (a) => assignmentProblem(a, this));
    return this.added('addAssignment', this.assignmentRecords, assignment);
  }

  removeAssignment(id: string): void {
    this.removed('removeAssignment', this.assignmentRecords, id);
  }

  /** An active directory role (principal, roleTemplateId, directoryScopeId). */
  addRoleAssignment(change: GovernanceChange): TenantRoleAssignment {
    const role = this.parsed('addRoleAssignment', change, parseRoleAssignment, (r) => roleProblem(r, this));
    return this.added('addRoleAssignment', this.activeRoles, role);
  }

  removeRoleAssignment(id: string): void {
    this.removed('removeRoleAssignment', this.activeRoles, id);
  }

  /** A PIM eligibility (principal, roleTemplateId, directoryScopeId, startDateTime, endDateTime). */
  addRoleEligibility(change: GovernanceChange): TenantRoleEligibility {
    const role = this.parsed('addRoleEligibility', change, parseRoleEligibility, (r) => roleProblem(r, this));
    return this.added('addRoleEligibility', this.eligibleRoles, role);
  }

  removeRoleEligibility(id: string): void {
    this.removed('removeRoleEligibility', this.eligibleRoles, id);
  }

  /** An app role of a service principal for a user or group (principal, servicePrincipal, appRole). */
  addAppRoleAssignment(change: GovernanceChange): TenantAppRoleAssignment {
    const assignment = this.parsed('addAppRoleAssignment', change, parseAppRoleAssignment, (a) => appRoleAssignmentProblem(a, this));
    return this.added('addAppRoleAssignment', this.appRoleRecords, assignment);
  }

  removeAppRoleAssignment(id: string): void {
    this.removed('removeAppRoleAssignment', this.appRoleRecords, id);
  }

  /** A removed user leaves its groups, and its assignments and roles go (the requests it made stay, as in Entra). */
  private forget(userId: string): void {
    this.groupGraph.forget(userId);
    for (const a of this.assignmentRecords.where({ target: userId })) this.assignmentRecords.remove(a.id);
    for (const r of this.activeRoles.where({ principal: userId })) this.activeRoles.remove(r.id);
    for (const r of this.eligibleRoles.where({ principal: userId })) this.eligibleRoles.remove(r.id);
    for (const a of this.appRoleRecords.where({ principal: userId })) this.appRoleRecords.remove(a.id);
  }

  private requireGroup(what: string, id: string): GroupSummary {
    const group = this.groupGraph.get(id);
    if (group === undefined) throw new TenantFileError(`${what}: no group ${id} in the emulated tenant`);
    return group;
  }

  /** A change parsed as the tenant file's entry would be, its references checked against the tenant as it is now. */
  private parsed<T extends { readonly id: string }>(
    what: string,
    change: GovernanceChange,
    parse: (source: string, where: string, value: unknown) => T,
    problem: (item: T) => string | undefined,
  ): T {
    const value = { id: randomUUID(), ...change };
    const item = parse(what, value.id, value);
    const found = problem(item);
    if (found !== undefined) throw new TenantFileError(`${what}: ${item.id}: ${found}`);
    return item;
  }

  private added<T extends { readonly id: string }, K extends string>(what: string, records: IndexedRecords<T, K>, item: T): T {
    if (records.get(item.id) !== undefined) throw new TenantFileError(`${what}: ${item.id} is already the id of another entry`);
    records.add(item);
    return item;
  }

  private removed<T extends { readonly id: string }, K extends string>(what: string, records: IndexedRecords<T, K>, id: string): void {
    if (records.remove(id) === undefined) throw new TenantFileError(`${what}: no entry ${id} in the emulated tenant`);
  }
}
