import { describe, expect, test } from 'vitest';
import { createDecisionMemory } from '../../src/callout/decision-memory.js';
import type { DecisionRecord } from '../../src/callout/decision-record.js';
import { AppError } from '../../src/errors.js';

const record = (decision: DecisionRecord['decision']) => ({ outcome: 'resumed', decision, detail: decision }) as unknown as DecisionRecord;

describe('decision memory', () => {
  test('a concurrent delivery of one key joins the one settling it and gets its record, not its own', async () => {
    const memory = createDecisionMemory();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    const first = memory.settleOnce('k', async () => {
      runs += 1;
      await gate;
      return record('deny');
    });
    const second = memory.settleOnce('k', () => {
      runs += 1;
      return Promise.resolve(record('continue'));
    });
    release();
    expect(await first).toMatchObject({ joined: false, record: { decision: 'deny' } });
    expect(await second).toMatchObject({ joined: true, record: { decision: 'deny' } });
    expect(runs).toBe(1);
  });

  test('different keys do not wait for each other', async () => {
    const memory = createDecisionMemory();
    const [a, b] = await Promise.all([memory.settleOnce('a', () => Promise.resolve(record('deny'))), memory.settleOnce('b', () => Promise.resolve(record('continue')))]);
    expect([a.joined, b.joined, a.record.decision, b.record.decision]).toEqual([false, false, 'deny', 'continue']);
  });

  test('when the delivery it waited for fails for good, a joined delivery settles on its own', async () => {
    const memory = createDecisionMemory();
    const failing = memory.settleOnce('k', () => Promise.reject(new Error('bug')));
    const joined = memory.settleOnce('k', () => Promise.resolve(record('continue')));
    await expect(failing).rejects.toThrow('bug');
    expect(await joined).toMatchObject({ joined: false, record: { decision: 'continue' } });
  });

  test('when it fails transiently, joined deliveries get the same 503 instead of evaluating again one by one', async () => {
    const memory = createDecisionMemory();
    const outage = new AppError('GRAPH.UNAVAILABLE', 'Graph is down', { retryable: true, retryAfterSeconds: 5 });
    let runs = 0;
    const settle = () => {
      runs += 1;
      return Promise.reject(outage);
    };
    const all = await Promise.allSettled([memory.settleOnce('k', settle), memory.settleOnce('k', settle), memory.settleOnce('k', settle)]);
    expect(all.map((r) => (r.status === 'rejected' ? (r.reason as AppError).code : 'ok'))).toEqual(['GRAPH.UNAVAILABLE', 'GRAPH.UNAVAILABLE', 'GRAPH.UNAVAILABLE']);
    expect(runs).toBe(1);
  });

  test('remembers a bounded number of records, newest kept', () => {
    const memory = createDecisionMemory(2);
    memory.remember('a', record('deny'));
    memory.remember('b', record('deny'));
    memory.remember('c', record('continue'));
    expect(memory.recall('a')).toBeUndefined();
    expect(memory.recall('c')?.decision).toBe('continue');
  });
});
