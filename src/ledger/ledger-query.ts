import type { LedgerEntry, LedgerQuery } from './ledger.js';

const same = (a: string | undefined, b: string | undefined): boolean => b === undefined || (a !== undefined && a.toLowerCase() === b.toLowerCase());

/** Whether an entry answers a query: every given filter holds (ids case-insensitively, the date range on when it was decided). */
export function matches(entry: LedgerEntry, query: LedgerQuery): boolean {
  const decided = Date.parse(entry.decidedAt);
  return (
    same(entry.key.subject, query.subject) &&
    same(entry.subject.targetObjectId, query.targetObjectId) &&
    same(entry.subject.accessPackageId, query.accessPackageId) &&
    (query.decision === undefined || entry.decision === query.decision) &&
    (query.from === undefined || decided >= query.from.getTime()) &&
    (query.to === undefined || decided < query.to.getTime())
  );
}
