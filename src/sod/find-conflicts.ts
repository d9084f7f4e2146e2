import { Held, type Membership } from './held.js';
import type { GroupMemberships } from './holdings.js';
import type { Conflict, ConflictStatus, Exemption, Holding, Rule, RulePlace, RuleSet } from './sod-model.js';

/** What conflicts are looked for in: one user's holdings, and what the request touches. */
export interface ConflictQuery {
  /** Everything the user holds but group memberships. */
  readonly holdings: readonly Holding[];
  /** Group memberships, looked up in the index without a holding each. */
  readonly memberships?: GroupMemberships | undefined;
  /** Entitlement keys the request brings: the requested package and what it grants. */
  readonly touched: ReadonlySet<string>;
  readonly userId: string;
  /** Every group the user belongs to (direct or nested), for group exemptions. */
  readonly groupIds: Membership;
  readonly now: number;
  /** Indexes of the rules to look at; undefined: every rule. */
  readonly only?: ReadonlySet<number> | undefined;
}

/** Whether an exemption is for this user (by id or a group of theirs). */
function concerns(exemption: Exemption, userId: string, groupIds: Membership): boolean {
  return exemption.principal.kind === 'user' ? exemption.principal.id === userId.toLowerCase() : groupIds.has(exemption.principal.id);
}

function statusOf(sides: ReadonlyMap<number, Holding[]>, touched: ReadonlySet<string>): ConflictStatus {
  let before = 0;
  let touches = false;
  for (const holdings of sides.values()) {
    if (holdings.some((h) => !touched.has(h.key))) before++;
    if (holdings.some((h) => touched.has(h.key))) touches = true;
  }
  if (before < 2) return 'new';
  return touches ? 'extended' : 'existing';
}

function conflictOf(rule: Rule, sides: ReadonlyMap<number, Holding[]>, query: ConflictQuery): Conflict {
  const mine = rule.exemptions.filter((e) => concerns(e, query.userId, query.groupIds));
  const valid = mine.find((e) => e.expiresAt === undefined || e.expiresAt > query.now);
  return {
    rule,
    status: statusOf(sides, query.touched),
    sides: [...sides.entries()].sort(([a], [b]) => a - b).map(([side, holdings]) => ({ name: rule.sides[side]?.name ?? String(side), holdings })),
    exemption: valid,
    expiredExemptions: mine.filter((e) => e.expiresAt !== undefined && e.expiresAt <= query.now),
  };
}

/** Shared by every group membership. */
const DIRECT_MEMBER = Object.freeze({ via: 'groupMembership', membership: 'direct' } as const);
const NESTED_MEMBER = Object.freeze({ via: 'groupMembership', membership: 'nested' } as const);

/**
 * The user's groups that some rule names, and whether each is a direct membership: one lookup
 * per group, then one pass over the direct groups against the (few) hits; nothing the size of the
 * user's groups is allocated.
 */
function groupHits(ruleSet: RuleSet, memberships: GroupMemberships | undefined) {
  const hits = new Map<string, { group: GroupMemberships['groups'][number]; places: readonly RulePlace[]; direct: boolean }>();
  if (memberships === undefined) return [];
  for (const group of memberships.groups) {
    const places = ruleSet.byKind.group.get(group.id);
    if (places !== undefined) hits.set(group.id, { group, places, direct: false });
  }
  if (hits.size > 0) {
    for (const { id } of memberships.direct) {
      const hit = hits.get(id);
      if (hit !== undefined) hit.direct = true;
    }
  }
  return [...hits.values()];
}

/**
 * Every rule the user breaks: holds something on two or more of its sides. Each holding is looked
 * up in the rule index, so the cost is O(holdings + places of the rules touched), not
 * holdings × rules. Conflicts come in rule order.
 */
export function findConflicts(ruleSet: RuleSet, query: ConflictQuery): Conflict[] {
  const perRule = new Map<number, Map<number, Holding[]>>();
  const record = (holding: Holding, places: readonly RulePlace[]) => {
    for (const place of places) {
      if (holding.eligible === true && !place.includeEligible) continue;
      if (query.only !== undefined && !query.only.has(place.rule)) continue;
      let sides = perRule.get(place.rule);
      if (sides === undefined) perRule.set(place.rule, (sides = new Map<number, Holding[]>()));
      const list = sides.get(place.side);
      if (list === undefined) sides.set(place.side, [holding]);
      else list.push(holding);
    }
  };
  for (const holding of query.holdings) {
    const places = ruleSet.byKind[holding.kind].get(holding.id);
    if (places !== undefined) record(holding, places);
  }
  for (const { group, places, direct } of groupHits(ruleSet, query.memberships)) {
    record(new Held('group', group.id, group.displayName, direct ? DIRECT_MEMBER : NESTED_MEMBER), places);
  }
  const conflicts: Conflict[] = [];
  for (const [index, sides] of [...perRule.entries()].sort(([a], [b]) => a - b)) {
    const rule = ruleSet.rules[index];
    if (rule !== undefined && sides.size >= 2) conflicts.push(conflictOf(rule, sides, query));
  }
  return conflicts;
}
