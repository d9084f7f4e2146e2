import { stillDecided, type Claim, type DecisionLedger, type LedgerEntry, type LedgerKey, type LedgerQuery } from './ledger.js';
import { matches } from './ledger-query.js';

const id = (key: LedgerKey): string => `${key.subject}|${key.stageInstance}`;

/**
 * This instance's memory, for a host run without DECISION_LEDGER_URL (local runs, tests): the
 * same first-decision-wins rules within one process, nothing shared, nothing kept across a
 * restart, at most `limit` entries (the oldest go first).
 */
export function createMemoryLedger(limit = 10_000): DecisionLedger {
  const entries = new Map<string, LedgerEntry>();
  return {
    where: "this instance's memory (DECISION_LEDGER_URL is not set)",
    durable: false,
    read: (key) => Promise.resolve(entries.get(id(key))),
    claim(entry): Promise<Claim> {
      const found = entries.get(id(entry.key));
      if (found !== undefined) return Promise.resolve({ won: false, entry: found });
      entries.set(id(entry.key), entry);
      if (entries.size > limit) entries.delete(entries.keys().next().value as string);
      return Promise.resolve({ won: true, entry });
    },
    update(entry) {
      if (entries.has(id(entry.key))) entries.set(id(entry.key), entry);
      return Promise.resolve();
    },
    replaceDecided(entry, previous) {
      if (!stillDecided(entries.get(id(entry.key)), previous)) return Promise.resolve(false);
      entries.set(id(entry.key), entry);
      return Promise.resolve(true);
    },
    release(key) {
      entries.delete(id(key));
      return Promise.resolve();
    },
    async *list(query: LedgerQuery) {
      for (const entry of [...entries.values()]) if (matches(entry, query)) yield await Promise.resolve(entry);
    },
    purge(before, max) {
      let purged = 0;
      for (const [key, entry] of [...entries]) {
        if (purged >= max) break;
        if (Date.parse(entry.decidedAt) < before.getTime()) {
          entries.delete(key);
          purged += 1;
        }
      }
      return Promise.resolve(purged);
    },
  };
}
