import { describe, expect, test } from 'vitest';
import { AppError } from '../../src/errors.js';
import { Deadline, sendWithRetry } from '../../src/graph/retry.js';
import { parseRetryAfter } from '../../src/graph/graph-http.js';
import { answer, ScriptedGraph, transport, VirtualClock } from '../support/fake-graph.js';
import { pathOf } from '../support/graph-paths.js';

const call = { method: 'GET', version: 'v1.0', path: pathOf('/x') } as const;

async function run(script: ConstructorParameters<typeof ScriptedGraph>[1], budgetMs = 10_000) {
  const clock = new VirtualClock();
  const graph = new ScriptedGraph([], script, clock, 10);
  const options = { clock, timeoutMs: 3000, random: () => 1 };
  try {
    const result = await sendWithRetry(graph, call, Deadline.after(clock, budgetMs), options);
    return { result, graph, clock, error: undefined };
  } catch (error) {
    return { result: undefined, graph, clock, error: error as AppError };
  }
}

describe('bounded retries', () => {
  test('429 with Retry-After is waited out exactly, then the answer returned', async () => {
    const { result, clock, graph } = await run([answer(429, undefined, 2), answer(200, { ok: true })]);
    expect(result?.status).toBe(200);
    expect(clock.sleeps).toEqual([2000]);
    expect(graph.calls).toHaveLength(2);
  });

  test.each([500, 502, 503, 504, 408])('%s is retried with exponential backoff', async (status) => {
    const { result, clock } = await run([answer(status), answer(status), answer(200)]);
    expect(result?.status).toBe(200);
    expect(clock.sleeps).toEqual([250, 500]);
  });

  test('network failures and timeouts are retried', async () => {
    const { result } = await run([transport('network'), transport('timeout'), answer(200)]);
    expect(result?.status).toBe(200);
  });

  test.each([400, 401, 403, 404, 409])('%s is returned, not retried', async (status) => {
    const { result, graph } = await run([answer(status)]);
    expect(result?.status).toBe(status);
    expect(graph.calls).toHaveLength(1);
  });

  test('when the budget would run out it gives up at once with a retryable error and the wait', async () => {
    const { error, clock } = await run([answer(429, undefined, 30)], 10_000);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'GRAPH.THROTTLED', retryable: true, retryAfterSeconds: 30 });
    expect(clock.sleeps).toEqual([]);
  });

  test('a Graph that keeps failing ends as GRAPH.UNAVAILABLE within the budget', async () => {
    const script = Array.from({ length: 100 }, () => answer(503));
    const { error, clock } = await run(script, 5000);
    expect(error).toMatchObject({ code: 'GRAPH.UNAVAILABLE', retryable: true });
    expect(clock.time - 1_000_000).toBeLessThanOrEqual(5000);
  });

  test('no managed identity token ends as IDENTITY.UNAVAILABLE', async () => {
    const { error } = await run(Array.from({ length: 100 }, () => transport('identity')), 3000);
    expect(error).toMatchObject({ code: 'IDENTITY.UNAVAILABLE', retryable: true });
  });
});

describe('Retry-After', () => {
  test.each([
    ['5', 5],
    [' 12 ', 12],
    ['0', 0],
    ['99999', 3600],
    ['soon', undefined],
    ['', undefined],
  ])('%j → %s', (value, expected) => {
    expect(parseRetryAfter(value)).toBe(expected);
  });
  test('an HTTP date', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:30 GMT', now)).toBe(30);
  });
});
