import { parseRisk, parseUser, referenceProblem, TenantFileError, type TenantRisk, type TenantUser } from './tenant-values.js';

/** What a test may give `upsertUser`: the tenant file's user format; a known user keeps what is left out. */
export type UserChange = { readonly id: string } & { readonly [key: string]: unknown };

/** What a test may give `setRisk`: the tenant file's risk format (riskDetail and the date are optional). */
export interface RiskChange {
  readonly riskLevel: TenantRisk['riskLevel'];
  readonly riskState: TenantRisk['riskState'];
  readonly riskDetail?: string;
  readonly riskLastUpdatedDateTime?: string;
}

/**
 * The emulated tenant's users with their managers, sponsors and Identity Protection risk, seeded
 * from a tenant file. Graph routes read it; tests change it through the mutators, which validate
 * like the tenant file loader does (a manager must be a user of the tenant, and so on).
 */
export class Directory {
  /** Items per page of a collection (sponsors), unless the call asks fewer with $top. */
  pageSize = 100;
  private readonly users = new Map<string, TenantUser>();
  private readonly removalListeners: ((id: string) => void)[] = [];

  constructor(users: readonly TenantUser[] = []) {
    for (const user of users) this.users.set(user.id, user);
  }

  /** A user by id or userPrincipalName (both without case), as Graph's /users/{id | userPrincipalName}. */
  get(idOrUpn: string): TenantUser | undefined {
    const key = idOrUpn.toLowerCase();
    return this.users.get(key) ?? [...this.users.values()].find((u) => u.userPrincipalName.toLowerCase() === key);
  }

  /** A user by id only (without case): a map lookup, for reads that must not scan the directory. */
  byId(id: string): TenantUser | undefined {
    return this.users.get(id.toLowerCase());
  }

  /** Calls `listener` with the id of each user removeUser removes (group memberships and the like go with it). */
  onRemoveUser(listener: (id: string) => void): void {
    this.removalListeners.push(listener);
  }

  all(): TenantUser[] {
    return [...this.users.values()];
  }

  managerOf(id: string): TenantUser | undefined {
    const manager = this.get(id)?.manager;
    return manager === undefined || manager === null ? undefined : this.users.get(manager);
  }

  /**
   * The management chain above a user, direct manager first, at most `levels` long. A chain that
   * loops (possible after setManager) stops before the first user it has already passed.
   */
  chainOf(id: string, levels: number): TenantUser[] {
    const start = this.get(id);
    if (start === undefined) return [];
    const chain: TenantUser[] = [];
    const seen = new Set([start.id]);
    for (let next = this.managerOf(start.id); next !== undefined && chain.length < levels && !seen.has(next.id); next = this.managerOf(next.id)) {
      seen.add(next.id);
      chain.push(next);
    }
    return chain;
  }

  sponsorsOf(id: string): TenantUser[] {
    return (this.get(id)?.sponsors ?? []).flatMap((s) => this.users.get(s) ?? []);
  }

  riskOf(id: string): TenantRisk | undefined {
    return this.get(id)?.risk ?? undefined;
  }

  /** Adds a user, or changes the given attributes of a known one. Returns the user as stored. */
  upsertUser(change: UserChange): TenantUser {
    const known = this.get(change.id);
    const user = parseUser('upsertUser', change.id, known === undefined ? change : { ...known, ...change, id: known.id });
    const problem = referenceProblem(user, (id) => id === user.id || this.users.has(id));
    if (problem !== undefined) throw new TenantFileError(`upsertUser: ${user.id}: ${problem}`);
    this.users.set(user.id, user);
    return user;
  }

  /** Removes a user and every reference to it (as manager or sponsor, and what listeners hold), as deleting it in Entra does. */
  removeUser(id: string): void {
    const user = this.require(id);
    this.users.delete(user.id);
    for (const other of this.users.values()) {
      if (other.manager === user.id || other.sponsors.includes(user.id)) {
        this.users.set(other.id, { ...other, manager: other.manager === user.id ? null : other.manager, sponsors: other.sponsors.filter((s) => s !== user.id) });
      }
    }
    for (const listener of this.removalListeners) listener(user.id);
  }

  /** Sets or removes (null) a user's manager. */
  setManager(id: string, managerId: string | null): void {
    const user = this.require(id);
    const manager = managerId === null ? null : this.require(managerId).id;
    if (manager === user.id) throw new TenantFileError(`setManager: ${user.id} cannot be its own manager`);
    this.users.set(user.id, { ...user, manager });
  }

  setSponsors(id: string, sponsorIds: readonly string[]): void {
    const user = this.require(id);
    const sponsors = [...new Set(sponsorIds.map((s) => this.require(s).id))];
    if (sponsors.includes(user.id)) throw new TenantFileError(`setSponsors: ${user.id} cannot sponsor itself`);
    this.users.set(user.id, { ...user, sponsors });
  }

  /** Sets a user's Identity Protection record, or removes it (null: the user was never risky). */
  setRisk(id: string, risk: RiskChange | null): void {
    const user = this.require(id);
    this.users.set(user.id, { ...user, risk: parseRisk('setRisk', user.id, risk) });
  }

  private require(id: string): TenantUser {
    const user = this.get(id);
    if (user === undefined) throw new TenantFileError(`no user ${id} in the emulated directory`);
    return user;
  }
}
