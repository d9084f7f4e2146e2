import type { Conflict, ConflictStatus, Exemption, Holding, Rule, RuleSet } from './sod-model.js';

/** What conflicts are looked for in: one user's holdings, and what the request touches. */
export interface ConflictQuery {
  readonly holdings: readonly Holding[];
  /** Entitlement keys the request brings: the requested package and what it grants. */
  readonly touched: ReadonlySet<string>;
  readonly userId: string;
  /** Every group the user belongs to (direct or nested), for group exemptions. */
  readonly groupIds: ReadonlySet<string>;
  readonly now: number;
  /** Indexes of the rules to look at; undefined: every rule. */
  readonly only?: ReadonlySet<number> | undefined;
}

/** Whether an exemption is for this user (by id or a group of theirs). */
function concerns(exemption: Exemption, userId: string, groupIds: ReadonlySet<string>): boolean {
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

/**
 * Every rule the user breaks: holds something on two or more of its sides. Each holding is looked
 * up in the rule index, so the cost is O(holdings + places of the rules touched), not
 * holdings × rules. Conflicts come in rule order.
 */
export function findConflicts(ruleSet: RuleSet, query: ConflictQuery): Conflict[] {
  const perRule = new Map<number, Map<number, Holding[]>>();
  for (const holding of query.holdings) {
    const places = ruleSet.byKey.get(holding.key);
    if (places === undefined) continue;
    for (const place of places) {
      if (holding.eligible === true && !place.includeEligible) continue;
      if (query.only !== undefined && !query.only.has(place.rule)) continue;
      let sides = perRule.get(place.rule);
      if (sides === undefined) perRule.set(place.rule, (sides = new Map<number, Holding[]>()));
      const list = sides.get(place.side);
      if (list === undefined) sides.set(place.side, [holding]);
      else list.push(holding);
    }
  }
  const conflicts: Conflict[] = [];
  for (const [index, sides] of [...perRule.entries()].sort(([a], [b]) => a - b)) {
    const rule = ruleSet.rules[index];
    if (rule !== undefined && sides.size >= 2) conflicts.push(conflictOf(rule, sides, query));
  }
  return conflicts;
}
