import { describe, expect, it } from 'vitest';
import type { GraphCall } from '../../src/graph/graph-http.js';
import { Deadline, sendWithRetry } from '../../src/graph/retry.js';
import { readOnlyGraph, ReadOnlyViolation } from '../../src/what-if/read-only-graph.js';
import { answer, ScriptedGraph, VirtualClock } from '../support/fake-graph.js';
import { pathOf } from '../support/graph-paths.js';

const resume: GraphCall = { method: 'POST', version: 'v1.0', path: pathOf('/identityGovernance/entitlementManagement/assignmentRequests/3c7ee35f-ab17-4893-bb65-7a761c670d1a/resume'), body: { data: {} } };

describe('the read-only Graph of a what-if', () => {
  it('passes GETs through', async () => {
    const graph = new ScriptedGraph([], [answer(200, { id: 'x' })]);
    const got = await readOnlyGraph(graph).send({ method: 'GET', version: 'v1.0', path: pathOf('/users/x') }, 1000);
    expect(got.status).toBe(200);
    expect(graph.calls).toHaveLength(1);
  });

  it('throws on a POST before it reaches Graph', () => {
    const graph = new ScriptedGraph([answer(204)]);
    expect(() => readOnlyGraph(graph).send(resume, 1000)).toThrow(ReadOnlyViolation);
    expect(() => readOnlyGraph(graph).send(resume, 1000)).toThrow('A what-if only reads Graph; refused POST v1.0 /identityGovernance/entitlementManagement/assignmentRequests/3c7ee35f-ab17-4893-bb65-7a761c670d1a/resume.');
    expect(graph.calls).toHaveLength(0);
  });

  it('throws on any other method too, whatever the type says', () => {
    const graph = new ScriptedGraph();
    const del = { method: 'DELETE', version: 'v1.0', path: '/users/x?$select=id' } as unknown as GraphCall;
    expect(() => readOnlyGraph(graph).send(del, 1000)).toThrow('refused DELETE v1.0 /users/x.');
    expect(graph.calls).toHaveLength(0);
  });

  it('a refused write is not retried as a transport failure would be', async () => {
    const clock = new VirtualClock();
    const graph = new ScriptedGraph([answer(204)]);
    await expect(sendWithRetry(readOnlyGraph(graph), resume, Deadline.after(clock, 10_000), { clock, timeoutMs: 1000 })).rejects.toThrow(ReadOnlyViolation);
    expect(clock.sleeps).toEqual([]);
    expect(graph.calls).toHaveLength(0);
  });
});
