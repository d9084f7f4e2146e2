import type { TenantGroup } from '../governance/governance-values.js';

/** A group as Graph describes it, without its members. */
export interface GroupSummary {
  readonly id: string;
  readonly displayName: string;
  readonly description: string | null;
}

/** Members of a group (direct, or transitive), all and by kind, in the order Graph lists them. */
export interface Members {
  readonly all: readonly string[];
  readonly users: readonly string[];
  readonly groups: readonly string[];
}

interface GroupRecord extends GroupSummary {
  readonly members: Set<string>;
}

/**
 * A cycle among nested groups, as the ids along it (the first repeated at the end), or undefined.
 * Depth-first without recursion, each group and membership once: linear in the tenant's size.
 */
export function findCycle(groups: readonly TenantGroup[]): string[] | undefined {
  const children = new Map(groups.map((g) => [g.id, g.members]));
  const state = new Map<string, 'open' | 'done'>();
  for (const root of children.keys()) {
    if (state.has(root)) continue;
    const stack = [{ id: root, next: 0 }];
    state.set(root, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top === undefined) break;
      const members = children.get(top.id) ?? [];
      const child = members[top.next++];
      if (child === undefined) {
        state.set(top.id, 'done');
        stack.pop();
      } else if (children.has(child)) {
        const seen = state.get(child);
        if (seen === 'open') return [...stack.slice(stack.findIndex((e) => e.id === child)).map((e) => e.id), child];
        if (seen === undefined) {
          state.set(child, 'open');
          stack.push({ id: child, next: 0 });
        }
      }
    }
  }
  return undefined;
}

/**
 * The tenant's groups and who is in them: group → direct members and member → direct groups,
 * both indexed, and the transitive closures (a group's nested members, the groups a user or group
 * is in through nesting) computed breadth-first on first use and kept until a membership changes.
 * Reading a group of 50,000 members page by page slices the same arrays.
 */
export class GroupGraph {
  private readonly groups = new Map<string, GroupRecord>();
  /** member (user or group) → the groups it is a direct member of. */
  private readonly parents = new Map<string, Set<string>>();
  private readonly direct = new Map<string, Members>();
  private readonly transitive = new Map<string, Members>();
  private readonly ancestors = new Map<string, readonly string[]>();

  constructor(groups: readonly TenantGroup[] = []) {
    for (const group of groups) this.addGroup(group);
  }

  has(id: string): boolean {
    return this.groups.has(id.toLowerCase());
  }

  get(id: string): GroupSummary | undefined {
    return this.groups.get(id.toLowerCase());
  }

  all(): GroupSummary[] {
    return [...this.groups.values()];
  }

  /** Adds a group (the caller has checked its id and members). */
  addGroup(group: TenantGroup): void {
    this.groups.set(group.id, { id: group.id, displayName: group.displayName, description: group.description, members: new Set() });
    for (const member of group.members) this.link(group.id, member);
    this.invalidate();
  }

  addMember(groupId: string, memberId: string): void {
    this.link(groupId, memberId);
    this.invalidate();
  }

  /** Whether it was a direct member. */
  removeMember(groupId: string, memberId: string): boolean {
    const removed = this.groups.get(groupId)?.members.delete(memberId) ?? false;
    this.parents.get(memberId)?.delete(groupId);
    if (removed) this.invalidate();
    return removed;
  }

  /** Takes a principal out of every group it is a direct member of (it was deleted). */
  forget(memberId: string): void {
    for (const groupId of this.parents.get(memberId) ?? []) this.groups.get(groupId)?.members.delete(memberId);
    this.parents.delete(memberId);
    this.invalidate();
  }

  /** Whether adding `memberId` to `groupId` would close a cycle (the member is the group, or contains it). */
  wouldCycle(groupId: string, memberId: string): boolean {
    return memberId === groupId || this.transitiveGroupsOf(groupId).includes(memberId);
  }

  directMembers(groupId: string): Members {
    return this.memo(this.direct, groupId, () => [...(this.groups.get(groupId)?.members ?? [])]);
  }

  /** Every user and group nested in a group, each once, nearest first. */
  transitiveMembers(groupId: string): Members {
    return this.memo(this.transitive, groupId, () => this.breadthFirst(groupId, (id) => this.groups.get(id)?.members ?? []));
  }

  /** The groups a user or group is a direct member of. */
  directGroupsOf(memberId: string): readonly string[] {
    return [...(this.parents.get(memberId) ?? [])];
  }

  /** The groups a user or group is in, directly or through nesting, nearest first. */
  transitiveGroupsOf(memberId: string): readonly string[] {
    const known = this.ancestors.get(memberId);
    if (known !== undefined) return known;
    const found = this.breadthFirst(memberId, (id) => this.parents.get(id) ?? []);
    this.ancestors.set(memberId, found);
    return found;
  }

  private link(groupId: string, memberId: string): void {
    this.groups.get(groupId)?.members.add(memberId);
    const parents = this.parents.get(memberId) ?? new Set<string>();
    parents.add(groupId);
    this.parents.set(memberId, parents);
  }

  private breadthFirst(start: string, next: (id: string) => Iterable<string>): string[] {
    const seen = new Set<string>([start]);
    const found: string[] = [];
    for (let i = -1; i < found.length; i++) {
      for (const id of next(i < 0 ? start : (found[i] ?? ''))) {
        if (seen.has(id)) continue;
        seen.add(id);
        found.push(id);
      }
    }
    return found;
  }

  private memo(cache: Map<string, Members>, groupId: string, ids: () => string[]): Members {
    const known = cache.get(groupId);
    if (known !== undefined) return known;
    const all = ids();
    const members = { all, users: all.filter((id) => !this.groups.has(id)), groups: all.filter((id) => this.groups.has(id)) };
    cache.set(groupId, members);
    return members;
  }

  private invalidate(): void {
    this.direct.clear();
    this.transitive.clear();
    this.ancestors.clear();
  }
}
