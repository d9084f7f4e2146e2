import type { DecisionRecord } from './decision-record.js';

/** How many settled callouts are remembered. */
const REMEMBERED = 10_000;

/**
 * Decision records of callouts this instance has settled in Graph, by callout key, so a repeat
 * delivery is answered with the decision that was actually sent, without reading facts again.
 */
export interface DecisionMemory {
  recall(key: string): DecisionRecord | undefined;
  remember(key: string, record: DecisionRecord): void;
}

export function createDecisionMemory(limit = REMEMBERED): DecisionMemory {
  const records = new Map<string, DecisionRecord>();
  return {
    recall: (key) => records.get(key),
    remember(key, record) {
      records.set(key, record);
      if (records.size > limit) records.delete(records.keys().next().value as string);
    },
  };
}
