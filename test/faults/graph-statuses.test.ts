// Issue 6, item 1: Graph answering the resume with throttling or server errors. Each row is run
// twice: a fault the retry budget rides out (200, one resume, the attempts recorded), and one that
// outlasts it (503 + Retry-After, nothing resumed) and then clears for the relay's retry.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import type { FaultAction } from '../../emulator/graph/faults.js';
import { startTestEmulator } from '../support/emulator.js';
import { deliver, fastApp, freshCallout, resumesOf } from './support.js';

let emulator: TenantEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.faults.clear();
});

interface Row {
  readonly fault: string;
  readonly action: FaultAction & { readonly status: number };
  /** The problem code once the budget is spent. */
  readonly code: string;
  /** Least Retry-After the relay is told: Graph's own when it gave one. */
  readonly retryAfter: number;
}

const rows: readonly Row[] = [
  { fault: 'Graph 429 with Retry-After', action: { status: 429, retryAfter: 1 }, code: 'GRAPH.THROTTLED', retryAfter: 1 },
  { fault: 'Graph 429 without Retry-After', action: { status: 429 }, code: 'GRAPH.THROTTLED', retryAfter: 1 },
  { fault: 'Graph 500', action: { status: 500 }, code: 'GRAPH.UNAVAILABLE', retryAfter: 1 },
  { fault: 'Graph 502', action: { status: 502 }, code: 'GRAPH.UNAVAILABLE', retryAfter: 1 },
  { fault: 'Graph 503', action: { status: 503 }, code: 'GRAPH.UNAVAILABLE', retryAfter: 1 },
  { fault: 'Graph 504', action: { status: 504 }, code: 'GRAPH.UNAVAILABLE', retryAfter: 1 },
];

const onResume = { service: 'graph', method: 'POST', path: '/resume' } as const;

describe.each(rows)('$fault on the resume', ({ action, code, retryAfter }) => {
  test('once, within the budget → 200 with the decision, one resume, two attempts recorded', async () => {
    const deps = fastApp(emulator);
    const callout = freshCallout(emulator, 'fa170001');
    emulator.faults.add({ ...onResume, times: 1, action });
    const answer = await deliver(emulator, deps, callout);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ outcome: 'resumed', decision: 'continue', resume: { attempts: 2, graphStatus: 204 } });
    expect(resumesOf(emulator, callout)).toBe(1);
  });

  test('beyond the budget → 503 + Retry-After naming the status, no resume; cleared, the relay’s retry resumes once', async () => {
    const deps = fastApp(emulator);
    const callout = freshCallout(emulator, 'fa170002');
    emulator.faults.add({ ...onResume, times: Infinity, action });
    const failed = await deliver(emulator, deps, callout);
    expect(failed.status).toBe(503);
    expect(Number(failed.headers['retry-after'])).toBeGreaterThanOrEqual(retryAfter);
    expect(failed.json).toMatchObject({ code, graphStatus: action.status });
    expect(failed.json['attempts']).toBeGreaterThanOrEqual(2);
    expect(resumesOf(emulator, callout)).toBe(0);

    emulator.faults.clear();
    const retried = await deliver(emulator, deps, callout);
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({ outcome: 'resumed', decision: 'continue', resume: { attempts: 1, graphStatus: 204 } });
    expect(resumesOf(emulator, callout)).toBe(1);
  });
});
