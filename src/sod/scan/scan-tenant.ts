import type { Entitlement, Exemption, Rule, RuleSet } from '../sod-model.js';
import {
  viaText, type EntitlementHolders, type MemberReader, type RuleScan, type ScanProgress, type ScanResult, type Violation, type ViolationItem,
} from './scan-model.js';

export interface ScanOptions {
  /** Epoch ms at which exemptions expire (give the reader the same time for eligibility windows). */
  readonly now: number;
  /** Called when a rule starts and when an entitlement read completes. */
  readonly onProgress?: (progress: ScanProgress) => void;
}

const collator = new Intl.Collator('en', { sensitivity: 'base' });
const idOf = (key: string) => key.slice(key.indexOf(':') + 1);
const readKey = (e: Entitlement) => `${e.key}|${String(e.includeEligible)}`;

/** Whether an exemption is for this user: by id, or a group (read transitively) that has them. */
function concerns(exemption: Exemption, userId: string, groups: ReadonlyMap<string, ReadonlySet<string>>): boolean {
  return exemption.principal.kind === 'user' ? exemption.principal.id === userId : groups.get(exemption.principal.id)?.has(userId) === true;
}

function violationOf(rule: Rule, userId: string, mask: number, sides: readonly (readonly EntitlementHolders[])[], reader: MemberReader, groups: ReadonlyMap<string, ReadonlySet<string>>, now: number): Violation {
  const held = rule.sides.flatMap((side, s) => {
    if ((mask & (1 << s)) === 0) return [];
    const items = side.entitlements.flatMap((e, j): ViolationItem[] =>
      (sides[s]?.[j]?.holders.get(userId) ?? []).map((via) => ({ key: e.key, kind: e.kind, displayName: e.displayName ?? idOf(e.key), via: viaText(via), source: via })),
    );
    return [{ name: side.name, items }];
  });
  const mine = rule.exemptions.filter((e) => concerns(e, userId, groups));
  return {
    rule: rule.id,
    user: { id: userId, displayName: reader.displayName(userId) },
    sides: held,
    exemption: mine.find((e) => e.expiresAt === undefined || e.expiresAt > now),
    expiredExemptions: mine.filter((e) => e.expiresAt !== undefined && e.expiresAt <= now),
  };
}

function byOpenThenName(a: Violation, b: Violation): number {
  if ((a.exemption === undefined) !== (b.exemption === undefined)) return a.exemption === undefined ? -1 : 1;
  return collator.compare(a.user.displayName ?? '', b.user.displayName ?? '') || (a.user.id < b.user.id ? -1 : a.user.id > b.user.id ? 1 : 0);
}

async function scanRule(rule: Rule, read: (e: Entitlement) => Promise<EntitlementHolders>, reader: MemberReader, now: number): Promise<RuleScan> {
  const sides = await Promise.all(rule.sides.map((side) => Promise.all(side.entitlements.map(read))));
  // One map for the rule: user id → bit mask of the sides they hold something of.
  const masks = new Map<string, number>();
  const holders = sides.map((lists, s) => {
    const bit = 1 << s;
    let count = 0;
    for (const { holders: users } of lists) {
      for (const userId of users.keys()) {
        const mask = masks.get(userId) ?? 0;
        if ((mask & bit) !== 0) continue;
        masks.set(userId, mask | bit);
        count++;
      }
    }
    return count;
  });
  const violators: [string, number][] = [];
  for (const [userId, mask] of masks) if ((mask & (mask - 1)) !== 0) violators.push([userId, mask]);
  const groupIds = violators.length === 0 ? [] : [...new Set(rule.exemptions.filter((e) => e.principal.kind === 'group').map((e) => e.principal.id))];
  const groups = new Map(await Promise.all(groupIds.map(async (id) => [id, await reader.groupUsers(id)] as const)));
  const violations = violators.map(([userId, mask]) => violationOf(rule, userId, mask, sides, reader, groups, now)).sort(byOpenThenName);
  const exempt = violations.filter((v) => v.exemption !== undefined).length;
  const missing = rule.sides.flatMap((side, s) => side.entitlements.filter((_, j) => sides[s]?.[j]?.missing === true).map((e) => ({ key: e.key, displayName: e.displayName ?? idOf(e.key) })));
  return { rule, holders, open: violations.length - exempt, exempt, violations, missing };
}

/**
 * Finds every user who breaks a separation-of-duties rule now: for each rule, the holders of
 * each side's entitlements (read tenant-wide, once per entitlement per scan) are folded into one
 * map of user id → sides held, and whoever holds two or more sides violates it. Exemptions are
 * applied (a user's own, or a group's read transitively); expired ones are named. Every read is
 * requested up front in rule order, so the reader's bounded concurrency stays busy while rules
 * are evaluated one by one. The first failed read stops the scan: queued reads are cancelled and
 * that failure is thrown.
 */
export async function scanTenant(ruleSet: RuleSet, reader: MemberReader, options: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const { rules } = ruleSet;
  const planned = new Map<string, Entitlement>();
  for (const rule of rules) for (const side of rule.sides) for (const e of side.entitlements) planned.set(readKey(e), e);
  let readsDone = 0;
  let current = { rule: 0, ruleId: '' };
  const report = () => options.onProgress?.({ rule: current.rule, rules: rules.length, ruleId: current.ruleId, readsDone, readsTotal: planned.size });
  let firstFailure: unknown;
  const reads = new Map<string, Promise<EntitlementHolders>>();
  for (const [key, entitlement] of planned) {
    const pending = reader.holders(entitlement).then((holders) => {
      readsDone++;
      report();
      return holders;
    });
    pending.catch((error: unknown) => {
      firstFailure ??= error;
      reader.cancel();
    });
    reads.set(key, pending);
  }
  const read = (e: Entitlement) => reads.get(readKey(e)) ?? reader.holders(e);
  const scanned: RuleScan[] = [];
  try {
    for (const [i, rule] of rules.entries()) {
      current = { rule: i + 1, ruleId: rule.id };
      report();
      scanned.push(await scanRule(rule, read, reader, options.now));
    }
  } catch (error) {
    const failure = firstFailure ?? error;
    reader.cancel();
    await Promise.allSettled(reads.values());
    throw failure;
  }
  const { reads: collections, pages, requests } = reader.counters;
  return {
    scannedAt: new Date(options.now).toISOString(),
    rules: scanned,
    stats: { reads: collections, pages, requests, entitlements: planned.size, usersSeen: reader.usersSeen(), ms: Math.round(performance.now() - started) },
  };
}
