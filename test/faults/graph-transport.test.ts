// Issue 6, item 1: answers that never come (slow, dropped) and a process that dies between the
// resume and its answer. The danger in each is a resume applied while we believe it was not:
// exactly-once is judged by what the tenant applied, not by what the handler saw.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { deliver, fastApp, freshCallout, resumesOf, type Callout } from './support.js';

let emulator: TenantEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.faults.clear();
});

const onResume = { service: 'graph', method: 'POST', path: '/resume' } as const;

function resumePosts(callout: Callout) {
  return emulator.calls({ service: 'graph', method: 'POST', pathIncludes: callout.requestId });
}

/** Abandoned attempts still reach Graph later; wait until every one sent has been handled. */
async function settled(callout: Callout, sent: number): Promise<void> {
  await expect.poll(() => resumePosts(callout).length, { timeout: 6000 }).toBe(sent);
}

describe('Graph slower than the client timeout on the resume', () => {
  test('once → abandoned, retried within the budget → 200 resumed; the late attempt is refused, one resume', async () => {
    const deps = fastApp(emulator, { GRAPH_RETRY_BUDGET_SECONDS: '3' });
    const callout = freshCallout(emulator, 'fa270001');
    emulator.faults.add({ ...onResume, action: { delayMs: 1500 } });
    const answer = await deliver(emulator, deps, callout);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ outcome: 'resumed', resume: { attempts: 2 } });
    await settled(callout, 2);
    expect(resumePosts(callout).map((c) => c.status).sort()).toEqual([204, 400]);
    expect(resumesOf(emulator, callout)).toBe(1);
  });

  test('always → 503 + Retry-After (timeout), the late attempts apply once; the relay’s retry → 200 already-resumed', async () => {
    const deps = fastApp(emulator);
    const callout = freshCallout(emulator, 'fa270002');
    // Longer than the whole budget, so no abandoned attempt lands before the answer is given.
    emulator.faults.add({ ...onResume, times: Infinity, action: { delayMs: 2500 } });
    const failed = await deliver(emulator, deps, callout);
    expect(failed.status).toBe(503);
    expect(Number(failed.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(failed.json).toMatchObject({ code: 'GRAPH.UNAVAILABLE', failure: 'timeout' });
    const sent = failed.json['attempts'] as number;
    expect(sent).toBeGreaterThanOrEqual(2);
    await settled(callout, sent);
    expect(resumesOf(emulator, callout)).toBe(1);

    emulator.faults.clear();
    const retried = await deliver(emulator, deps, callout);
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({ outcome: 'already-resumed', decision: 'continue', resume: { confirmation: { verdict: 'answered' } } });
    expect(resumesOf(emulator, callout)).toBe(1);
  });
});

describe('connection dropped on the resume', () => {
  test('before Graph handled it → retried → 200 resumed after two attempts, one resume', async () => {
    const deps = fastApp(emulator);
    const callout = freshCallout(emulator, 'fa270003');
    emulator.faults.add({ ...onResume, action: { drop: 'before-handling' } });
    const answer = await deliver(emulator, deps, callout);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ outcome: 'resumed', decision: 'continue', resume: { attempts: 2, graphStatus: 204 } });
    expect(resumesOf(emulator, callout)).toBe(1);
  });

  test('before Graph handled it, always → 503 (network), nothing resumed; cleared, the relay’s retry resumes once', async () => {
    const deps = fastApp(emulator);
    const callout = freshCallout(emulator, 'fa270004');
    emulator.faults.add({ ...onResume, times: Infinity, action: { drop: 'before-handling' } });
    const failed = await deliver(emulator, deps, callout);
    expect(failed.status).toBe(503);
    expect(Number(failed.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(failed.json).toMatchObject({ code: 'GRAPH.UNAVAILABLE', failure: 'network' });
    expect(resumesOf(emulator, callout)).toBe(0);

    emulator.faults.clear();
    const retried = await deliver(emulator, deps, callout);
    expect(retried.json).toMatchObject({ outcome: 'resumed', resume: { attempts: 1, graphStatus: 204 } });
    expect(resumesOf(emulator, callout)).toBe(1);
  });

  test('after Graph handled it (answer lost) → the confirm read finds it answered → 200 resumed, not resumed again', async () => {
    const deps = fastApp(emulator);
    const callout = freshCallout(emulator, 'fa270005');
    emulator.faults.add({ ...onResume, action: { drop: 'after-handling' } });
    const answer = await deliver(emulator, deps, callout);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      outcome: 'resumed',
      decision: 'continue',
      resume: { attempts: 1, confirmation: { verdict: 'answered', calloutStatus: 'callbackReceived' } },
    });
    expect(resumePosts(callout)).toHaveLength(1);
    expect(resumesOf(emulator, callout)).toBe(1);
  });
});

describe('process killed between resume and answer, the relay retrying', () => {
  test('a new process (empty memory) gets the retry of a callout Graph already resumed → 200 already-resumed, no second resume', async () => {
    // The first process resumed and died before answering: its answer is dropped, never seen by the relay.
    const callout = freshCallout(emulator, 'fa270006');
    await deliver(emulator, fastApp(emulator), callout);
    expect(resumesOf(emulator, callout)).toBe(1);

    const restarted = fastApp(emulator);
    const retried = await deliver(emulator, restarted, callout);
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({
      outcome: 'already-resumed',
      decision: 'continue',
      resume: { confirmation: { verdict: 'answered', calloutStatus: 'callbackReceived' } },
    });
    expect(resumesOf(emulator, callout)).toBe(1);
  });
});
