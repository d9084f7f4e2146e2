// The bench's floor and null Graph do what the table says they do.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFloorServer, type FloorServer } from '../../scripts/bench/floor-server.js';
import { startNullGraph, type NullGraph } from '../../scripts/bench/null-graph.js';
import { readFixture, withFreshIds } from '../../scripts/demo/scenarios.js';

let graph: NullGraph;
let floor: FloorServer;
beforeAll(async () => {
  const dir = process.env['EG_TEST_CA_DIR'] ?? '';
  graph = await startNullGraph({ certPem: readFileSync(join(dir, 'ca.pem'), 'utf8'), keyPem: readFileSync(join(dir, 'ca-key.pem'), 'utf8') });
  floor = await startFloorServer({ graphOrigin: graph.origin, token: 'bench-token' });
});
afterAll(async () => {
  await floor.close();
  await graph.close();
});

const RESUME_PATH = '/v1.0/identityGovernance/entitlementManagement/assignmentRequests/00000000-0000-4000-8000-000000000001/resume';

describe('the null Graph', () => {
  test('answers a resume with a bearer token and a JSON body 204, and counts it', async () => {
    const before = graph.resumes();
    const ok = await fetch(`${graph.origin}${RESUME_PATH}`, { method: 'POST', headers: { authorization: 'Bearer t' }, body: '{"data":{}}' });
    expect(ok.status).toBe(204);
    expect(graph.resumes()).toBe(before + 1);
  });

  test('answers anything else 401 (no bearer) or 404, and counts nothing', async () => {
    const before = graph.resumes();
    expect((await fetch(`${graph.origin}${RESUME_PATH}`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await fetch(`${graph.origin}${RESUME_PATH}`, { method: 'POST', headers: { authorization: 'Bearer t' }, body: 'not json' })).status).toBe(404);
    expect((await fetch(`${graph.origin}${RESUME_PATH}`, { headers: { authorization: 'Bearer t' } })).status).toBe(404);
    expect((await fetch(`${graph.origin}/v1.0/users`, { method: 'POST', headers: { authorization: 'Bearer t' }, body: '{}' })).status).toBe(404);
    expect(graph.resumes()).toBe(before);
  });
});

describe('the floor server', () => {
  test('parses the callout, sends its resume to Graph once, and echoes the body with Graph’s status', async () => {
    const body = withFreshIds(readFixture('elm-request-created.wire.json'), 'f1f1f1f1', 1);
    const before = graph.resumes();
    const answer = await fetch(floor.url, { method: 'POST', body: JSON.stringify(body) });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ status: 204, echo: body });
    expect(graph.resumes()).toBe(before + 1);
  });

  test('a body that is not JSON gets a 500 and no resume', async () => {
    const before = graph.resumes();
    expect((await fetch(floor.url, { method: 'POST', body: '{' })).status).toBe(500);
    expect(graph.resumes()).toBe(before);
  });
});
