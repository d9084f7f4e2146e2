import { isAppError } from '../errors.js';
import type { DecisionRecord } from './decision-record.js';

/** How many settled callouts are remembered. */
const REMEMBERED = 10_000;

/** A record and whether this delivery made it or joined the delivery that did. */
export interface Settlement {
  readonly record: DecisionRecord;
  readonly joined: boolean;
}

/**
 * Decision records of callouts this instance has settled in Graph, by callout key, so a repeat
 * delivery is answered with the decision that was actually sent, without reading facts again;
 * and the callouts being settled right now, so that a concurrent delivery of the same callout
 * waits for that one and reports its decision instead of evaluating again (two evaluations of one
 * callout may differ: a read that fails for one of them). Only the delivery that settled writes
 * the memory, so it holds what Graph received, never whichever evaluation finished last.
 */
export interface DecisionMemory {
  recall(key: string): DecisionRecord | undefined;
  remember(key: string, record: DecisionRecord): void;
  /**
   * Runs `settle` unless a delivery of the same key is already settling: then waits for it and
   * returns its record (`joined`). If that delivery fails transiently, the joined ones fail with
   * the same error (503: the relay asks again later) instead of each evaluating again in turn; if
   * it fails for good, this one settles on its own.
   */
  settleOnce(key: string, settle: () => Promise<DecisionRecord>): Promise<Settlement>;
}

export function createDecisionMemory(limit = REMEMBERED): DecisionMemory {
  const records = new Map<string, DecisionRecord>();
  const settling = new Map<string, Promise<DecisionRecord>>();
  return {
    recall: (key) => records.get(key),
    remember(key, record) {
      records.delete(key);
      records.set(key, record);
      if (records.size > limit) records.delete(records.keys().next().value as string);
    },
    async settleOnce(key, settle) {
      for (;;) {
        const running = settling.get(key);
        if (running === undefined) break;
        try {
          return { record: await running, joined: true };
        } catch (error) {
          if (isAppError(error) && error.retryable) throw error;
          // The delivery we waited for failed for good (its own answer says why): settle this one ourselves.
          if (settling.get(key) === running) settling.delete(key);
        }
      }
      const promise = settle();
      settling.set(key, promise);
      try {
        return { record: await promise, joined: false };
      } finally {
        if (settling.get(key) === promise) settling.delete(key);
      }
    },
  };
}
