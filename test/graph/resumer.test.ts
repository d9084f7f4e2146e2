import { describe, expect, test } from 'vitest';
import type { ResumeRequest } from '../../src/decision/resume-request.js';
import { AppError } from '../../src/errors.js';
import { createResumer } from '../../src/graph/resumer.js';
import { Deadline } from '../../src/graph/retry.js';
import { answer, ScriptedGraph, transport, VirtualClock, type Scripted } from '../support/fake-graph.js';
import { pathOf } from '../support/graph-paths.js';

const R = '3c7ee35f-ab17-4893-bb65-7a761c670d1a';
const INSTANCE = '64054d8d-4d73-4705-820a-866332af9a64';
const OTHER_INSTANCE = '0f1e2d3c-4b5a-4697-8879-6a5b4c3d2e1f';
const REQUEST: ResumeRequest = {
  protocol: 'elm',
  key: `elm:${R}:${INSTANCE}`,
  apiVersion: 'v1.0',
  target: { path: pathOf(`/identityGovernance/entitlementManagement/assignmentRequests/${R}/resume`), confirmPath: pathOf(`/identityGovernance/entitlementManagement/assignmentRequests/${R}`) },
  body: { data: {} },
  stageInstanceId: INSTANCE,
  stage: 'assignmentRequestCreated',
};

function request(status: string, instance?: string, state = 'submitted'): Scripted {
  return answer(200, { id: R, state, status, customExtensionCalloutInstances: instance === undefined ? [] : [{ id: INSTANCE, status: instance }] });
}

function setup(posts: Scripted[], gets: Scripted[] = []) {
  const clock = new VirtualClock();
  const graph = new ScriptedGraph(posts, gets, clock);
  const resumer = createResumer(graph, { clock, timeoutMs: 3000, random: () => 1 });
  const resume = () => resumer.resume(REQUEST, Deadline.after(clock, 10_000));
  return { graph, resume };
}

async function failure(run: () => Promise<unknown>): Promise<AppError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

const LCW_REQUEST: ResumeRequest = {
  protocol: 'lcw',
  key: 'lcw:t',
  apiVersion: 'v1.0',
  target: { path: pathOf('/identityGovernance/lifecycleWorkflows/workflows/w/tasks/k/taskProcessingResults/t/resume'), confirmPath: pathOf('/identityGovernance/lifecycleWorkflows/workflows/w/tasks/k/taskProcessingResults/t') },
  body: { data: { operationStatus: 'completed' } },
  stageInstanceId: undefined,
  stage: undefined,
};

describe('LCW task results that cannot be read back', () => {
  function lcw(posts: Scripted[], gets: Scripted[]) {
    const clock = new VirtualClock();
    const graph = new ScriptedGraph(posts, gets, clock);
    const resumer = createResumer(graph, { clock, timeoutMs: 3000, random: () => 1 });
    return { graph, resume: () => resumer.resume(LCW_REQUEST, Deadline.after(clock, 10_000)) };
  }
  // Issue 12, item 5: after a refusal, a task result that cannot be read back proves nothing.
  test.each([[400], [404], [405]])('a refused resume whose task result reads back %s concludes nothing (503, no retry loop)', async (status) => {
    const { graph, resume } = lcw([answer(400)], [answer(status)]);
    expect(await failure(resume)).toMatchObject({ code: 'GRAPH.INVALID_RESPONSE', retryable: true });
    expect(graph.count('POST')).toBe(1);
  });
  test('a lost answer is retried; a refused retry that cannot be read back is a 503', async () => {
    const { graph, resume } = lcw([answer(502), answer(400)], [answer(405), answer(405)]);
    expect(await failure(resume)).toMatchObject({ code: 'GRAPH.INVALID_RESPONSE' });
    expect(graph.count('POST')).toBe(2);
  });
  test('a lost answer that was not applied is retried to success', async () => {
    const { resume } = lcw([transport('network'), answer(204)], [answer(400)]);
    expect(await resume()).toMatchObject({ outcome: 'resumed', attempts: 2 });
  });
});

describe('resume', () => {
  test('204 is resumed, with one call', async () => {
    const { graph, resume } = setup([answer(204)]);
    expect(await resume()).toMatchObject({ outcome: 'resumed', graphStatus: 204, attempts: 1 });
    expect(graph.calls).toHaveLength(1);
  });

  test('a refused resume whose callout got its callback is already resumed (confirmed by a read)', async () => {
    const { graph, resume } = setup([answer(400, { error: { code: 'UnknownError', message: '' } })], [request('Accepted', 'callbackReceived')]);
    expect(await resume()).toMatchObject({ outcome: 'already-resumed', confirmation: { verdict: 'answered', calloutStatus: 'callbackReceived' } });
    expect(graph.calls.map((c) => c.method)).toEqual(['POST', 'GET']);
  });

  test('a refused resume of a request that no longer waits is not-waiting', async () => {
    const { resume } = setup([answer(400)], [request('Denied')]);
    expect(await resume()).toMatchObject({ outcome: 'not-waiting', confirmation: { verdict: 'not-waiting', requestStatus: 'Denied' } });
  });

  test('a refused resume whose request reads back 404 concludes nothing (503: a 404 may be replication)', async () => {
    const { resume } = setup([answer(404)], [answer(404)]);
    expect(await failure(resume)).toMatchObject({ code: 'GRAPH.INVALID_RESPONSE', retryable: true });
  });

  test('a refusal while the request waits for us at another stage than the body says is the callout’s fault (400 naming both)', async () => {
    const { graph, resume } = setup([answer(400, { error: { code: 'BadRequest', message: 'data.stage' } })], [request('WaitingForCallback', 'calloutSent', 'delivered')]);
    const error = await failure(resume);
    expect(error).toMatchObject({ code: 'CALLOUT.STAGE_MISMATCH', retryable: false, details: { calloutStage: 'assignmentRequestCreated', requestState: 'delivered' } });
    expect(error.message).toContain('assignmentRequestGranted');
    expect(graph.count('POST')).toBe(1);
  });

  test('a refusal while the request still waits for us is real (GRAPH.REJECTED, not retried)', async () => {
    const { graph, resume } = setup([answer(400, { error: { code: 'BadRequest', message: 'bad body' } })], [request('WaitingForCallback', 'calloutSent')]);
    expect(await failure(resume)).toMatchObject({ code: 'GRAPH.REJECTED', retryable: false, details: { graphCode: 'BadRequest' } });
    expect(graph.count('POST')).toBe(1);
  });

  test('a 5xx refusal of an answered callout settles at once instead of looping', async () => {
    const { graph, resume } = setup([answer(500, { error: { code: 'UnknownError', message: '' } })], [request('Accepted', 'callbackReceived')]);
    // The answer was lost or refused: reading shows the callback arrived, so it is resumed.
    expect(await resume()).toMatchObject({ outcome: 'resumed', confirmation: { verdict: 'answered' } });
    expect(graph.count('POST')).toBe(1);
  });

  test('a lost answer (dropped connection) that was applied counts as resumed', async () => {
    const { graph, resume } = setup([transport('network')], [request('Accepted', 'callbackReceived')]);
    expect(await resume()).toMatchObject({ outcome: 'resumed', note: expect.stringContaining('lost') as unknown });
    expect(graph.count('POST')).toBe(1);
  });

  test('a lost answer that was not applied is retried', async () => {
    const { graph, resume } = setup([answer(503), answer(204)], [request('WaitingForCallback', 'calloutSent')]);
    expect(await resume()).toMatchObject({ outcome: 'resumed', attempts: 2 });
    expect(graph.calls.map((c) => c.method)).toEqual(['POST', 'GET', 'POST']);
  });

  test('throttling is waited out without reading', async () => {
    const { graph, resume } = setup([answer(429, undefined, 1), answer(204)]);
    expect(await resume()).toMatchObject({ outcome: 'resumed', attempts: 2 });
    expect(graph.count('GET')).toBe(0);
  });

  test('v1.0 without the callout instances and waiting: beta settles whose callout it waits for', async () => {
    const waitingNoList = answer(200, { id: R, state: 'pendingApproval', status: 'WaitingForCallback' });
    const beta = answer(200, { id: R, requestState: 'pendingApproval', requestStatus: 'WaitingForCallback', customExtensionCalloutInstances: [{ id: INSTANCE, status: 'callbackReceived' }, { id: OTHER_INSTANCE, status: 'calloutSent' }] });
    const { graph, resume } = setup([answer(400)], [waitingNoList, beta]);
    expect(await resume()).toMatchObject({ outcome: 'already-resumed', confirmation: { verdict: 'answered' } });
    expect(graph.calls.map((c) => `${c.method} ${c.version}`)).toEqual(['POST v1.0', 'GET v1.0', 'GET beta']);
  });

  test('403 is a permission problem (503 to the relay, not a retry loop here)', async () => {
    const { graph, resume } = setup([answer(403, { error: { code: 'Authorization_RequestDenied' } })]);
    expect(await failure(resume)).toMatchObject({ code: 'GRAPH.FORBIDDEN', retryable: true });
    expect(graph.calls).toHaveLength(1);
  });

  test('a failure is not remembered: the next delivery tries again', async () => {
    const { graph, resume } = setup([answer(429, undefined, 60), answer(204)]);
    expect(await failure(resume)).toMatchObject({ code: 'GRAPH.THROTTLED', retryAfterSeconds: 60 });
    expect(await resume()).toMatchObject({ outcome: 'resumed' });
    expect(graph.count('POST')).toBe(2);
  });
});
