import { describe, expect, test } from 'vitest';
import { Faults } from '../../emulator/graph/faults.js';

/** A fixed sequence of draws, so which calls a rule hits is known. */
function draws(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

describe('a fault with a probability hits a random fraction of the calls it matches', () => {
  test('a draw below the probability hits, one at or above it spares the call', () => {
    const faults = new Faults(draws(0.05, 0.1, 0.5, 0.099));
    faults.add({ service: 'graph', probability: 0.1, times: Infinity, action: { status: 503 } });
    const hits = [1, 2, 3, 4].map(() => faults.take('graph', 'GET', '/v1.0/users').length);
    expect(hits).toEqual([1, 0, 0, 1]);
  });

  test('a spared call does not count against times', () => {
    const faults = new Faults(draws(0.9, 0.9, 0.0, 0.0));
    faults.add({ service: 'graph', probability: 0.5, times: 1, action: { status: 500 } });
    const hits = [1, 2, 3, 4].map(() => faults.take('graph', 'GET', '/x').length);
    expect(hits).toEqual([0, 0, 1, 0]);
  });

  test('a spared terminal rule leaves the call to the next one', () => {
    const faults = new Faults(draws(0.9));
    faults.add({ probability: 0.5, times: Infinity, action: { status: 500 } });
    faults.add({ times: 1, action: { status: 429, retryAfter: 1 } });
    expect(faults.take('graph', 'GET', '/x')).toEqual([{ status: 429, retryAfter: 1 }]);
  });

  test('with Math.random, about that fraction of many calls is hit', () => {
    const faults = new Faults();
    faults.add({ probability: 0.1, times: Infinity, action: { delayMs: 1 } });
    let hit = 0;
    for (let i = 0; i < 20_000; i++) hit += faults.take('graph', 'GET', '/x').length;
    expect(hit / 20_000).toBeGreaterThan(0.08);
    expect(hit / 20_000).toBeLessThan(0.12);
  });
});
