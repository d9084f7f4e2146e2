import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import type { Deps } from '../../src/composition.js';
import { appFor, callHandler, fixture } from '../support/app.js';
import { startTestEmulator } from '../support/emulator.js';
import { withFreshIds } from '../../scripts/demo/scenarios.js';

let emulator: TenantEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.faults.clear();
  emulator.clearCalls();
});

let n = 0;
/** A fresh callout (own request and stage instance) the tenant waits for. */
function freshCallout(): { body: Record<string, unknown>; requestId: string } {
  const body = withFreshIds(fixture('elm-request-created.wire.json'), 'aaaaaaaa', ++n);
  emulator.awaitCallout(body);
  return { body, requestId: body['AccessPackageAssignmentRequestId'] as string };
}

function resumesOf(requestId: string): number {
  return emulator.requests.get(requestId)?.resumes.length ?? -1;
}

async function call(deps: Deps, body: object) {
  return callHandler(deps, body, { token: await emulator.mintCallerToken() });
}

describe('Graph faults', () => {
  test('429 with Retry-After, then success → one resume', async () => {
    const deps = appFor(emulator);
    const { body, requestId } = freshCallout();
    emulator.faults.add({ service: 'graph', path: '/resume', action: { status: 429, retryAfter: 1 } });
    const started = Date.now();
    const answer = await call(deps, body);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ outcome: 'resumed', resume: { attempts: 2, graphStatus: 204 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(resumesOf(requestId)).toBe(1);
  });

  test('Graph 503 for longer than the budget → 503 to the relay; a later repeat resumes exactly once', async () => {
    const deps = appFor(emulator, { GRAPH_RETRY_BUDGET_SECONDS: '2', GRAPH_TIMEOUT_SECONDS: '1' });
    const { body, requestId } = freshCallout();
    emulator.faults.add({ service: 'graph', times: Infinity, action: { status: 503, retryAfter: 1 } });
    const failed = await call(deps, body);
    expect(failed.status).toBe(503);
    expect(failed.json).toMatchObject({ code: 'GRAPH.UNAVAILABLE' });
    expect(Number(failed.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(resumesOf(requestId)).toBe(0);

    emulator.faults.clear();
    const retried = await call(deps, body);
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({ outcome: 'resumed' });
    expect(resumesOf(requestId)).toBe(1);
  });

  test('a resume applied but its answer lost (connection dropped) → resumed, confirmed by reading, once', async () => {
    const deps = appFor(emulator);
    const { body, requestId } = freshCallout();
    emulator.faults.add({ service: 'graph', path: '/resume', action: { drop: 'after-handling' } });
    const answer = await call(deps, body);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ outcome: 'resumed', resume: { confirmation: { verdict: 'answered', calloutStatus: 'callbackReceived' } } });
    expect(resumesOf(requestId)).toBe(1);
    expect(emulator.calls({ service: 'graph', method: 'GET' })).toHaveLength(1);
  });

  test('a connection dropped before Graph handled it → retried → resumed once', async () => {
    const deps = appFor(emulator);
    const { body, requestId } = freshCallout();
    emulator.faults.add({ service: 'graph', path: '/resume', action: { drop: 'before-handling' } });
    const answer = await call(deps, body);
    expect(answer.json).toMatchObject({ outcome: 'resumed', resume: { attempts: 2 } });
    expect(resumesOf(requestId)).toBe(1);
  });

  test('a slow Graph beyond the call timeout is abandoned and retried within the budget', async () => {
    const deps = appFor(emulator, { GRAPH_TIMEOUT_SECONDS: '0.5' });
    const { body, requestId } = freshCallout();
    emulator.faults.add({ service: 'graph', path: '/resume', action: { delayMs: 1500 } });
    const answer = await call(deps, body);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ outcome: 'resumed' });
    expect(resumesOf(requestId)).toBe(1);
    // The abandoned attempt still reaches Graph later: it must be refused, not applied twice.
    await expect.poll(() => emulator.calls({ service: 'graph', method: 'POST', pathIncludes: requestId }).length, { timeout: 5000 }).toBe(2);
    expect(emulator.calls({ service: 'graph', method: 'POST', pathIncludes: requestId }).map((c) => c.status)).toEqual([204, 400]);
    expect(resumesOf(requestId)).toBe(1);
  });

  test('Graph 403 (permission missing) → 503 naming the permission problem, nothing resumed', async () => {
    const deps = appFor(emulator);
    const { body, requestId } = freshCallout();
    emulator.faults.add({ service: 'graph', path: '/resume', action: { status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges' } } } });
    const answer = await call(deps, body);
    expect(answer.status).toBe(503);
    expect(answer.json).toMatchObject({ code: 'GRAPH.FORBIDDEN', graphCode: 'Authorization_RequestDenied' });
    expect(resumesOf(requestId)).toBe(0);
  });
});

describe('repeated callouts', () => {
  test('the same callout delivered twice → one resume, second answer already-resumed', async () => {
    const deps = appFor(emulator);
    const { body, requestId } = freshCallout();
    expect((await call(deps, body)).json).toMatchObject({ outcome: 'resumed' });
    expect((await call(deps, body)).json).toMatchObject({ outcome: 'already-resumed' });
    expect(resumesOf(requestId)).toBe(1);
  });

  test('delivered twice concurrently to one instance → one resume', async () => {
    const deps = appFor(emulator);
    const { body, requestId } = freshCallout();
    const answers = await Promise.all([call(deps, body), call(deps, body)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.map((a) => a.json['outcome']).sort()).toEqual(['already-resumed', 'resumed']);
    expect(resumesOf(requestId)).toBe(1);
    expect(emulator.calls({ service: 'graph', method: 'POST' })).toHaveLength(1);
  });

  test('delivered twice concurrently to two instances → Graph takes one, the other settles by reading', async () => {
    const [a, b] = [appFor(emulator), appFor(emulator)];
    const { body, requestId } = freshCallout();
    const answers = await Promise.all([call(a, body), call(b, body)]);
    expect(answers.map((x) => x.status)).toEqual([200, 200]);
    expect(answers.map((x) => x.json['outcome']).sort()).toEqual(['already-resumed', 'resumed']);
    expect(resumesOf(requestId)).toBe(1);
  });

  test('a repeat refused with a 5xx UnknownError settles by reading instead of looping', async () => {
    const [a, b] = [appFor(emulator), appFor(emulator)];
    const { body, requestId } = freshCallout();
    await call(a, body);
    emulator.faults.add({ service: 'graph', path: '/resume', times: Infinity, action: { status: 500, body: { error: { code: 'UnknownError', message: '' } } } });
    const answer = await call(b, body);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ resume: { confirmation: { verdict: 'answered' } } });
    expect(emulator.calls({ service: 'graph', method: 'POST' })).toHaveLength(2);
    expect(resumesOf(requestId)).toBe(1);
  });

  test('a repeat arriving while the request waits on a later stage, with v1.0 not listing callout instances → 200 via beta', async () => {
    const [a, b] = [appFor(emulator), appFor(emulator)];
    const { body, requestId } = freshCallout();
    expect((await call(a, body)).json).toMatchObject({ outcome: 'resumed' });
    emulator.requests.awaitCallback({ requestId, stage: 'assignmentRequestApproved', stageInstanceId: 'eeeeeeee-0000-4000-8000-000000000001' });
    emulator.requests.v1ListsCalloutInstances = false;
    try {
      const repeat = await call(b, body);
      expect(repeat.status).toBe(200);
      expect(repeat.json).toMatchObject({ outcome: 'already-resumed', resume: { confirmation: { verdict: 'answered', calloutStatus: 'callbackReceived' } } });
      expect(emulator.calls({ service: 'graph', method: 'GET', pathIncludes: requestId }).map((c) => c.path.split('/')[1])).toEqual(['v1.0', 'beta']);
      expect(resumesOf(requestId)).toBe(1);
    } finally {
      emulator.requests.v1ListsCalloutInstances = true;
    }
  });

  test('a callout whose request moved on (denied meanwhile) → 200 not-waiting', async () => {
    const deps = appFor(emulator);
    const { body, requestId } = freshCallout();
    const request = emulator.requests.get(requestId);
    if (request === undefined) throw new Error('seeded request missing');
    request.status = 'Denied';
    request.state = 'denied';
    const answer = await call(deps, body);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ outcome: 'not-waiting' });
    expect(resumesOf(requestId)).toBe(0);
  });
});

describe('OpenID metadata and keys', () => {
  test('metadata outage → 503, never 401 and never a pass; recovers without restart', async () => {
    const deps = appFor(emulator);
    const { body, requestId } = freshCallout();
    emulator.faults.add({ service: 'openid', times: Infinity, action: { status: 503 } });
    const failed = await call(deps, body);
    expect(failed.status).toBe(503);
    expect(failed.json).toMatchObject({ code: 'AUTH.METADATA_UNAVAILABLE' });
    expect(emulator.calls({ service: 'graph' })).toEqual([]);
    emulator.faults.clear();
    expect((await call(deps, body)).status).toBe(200);
    expect(resumesOf(requestId)).toBe(1);
  });

  test('metadata unreachable (connection dropped) → 503', async () => {
    const deps = appFor(emulator);
    const { body } = freshCallout();
    emulator.faults.add({ service: 'openid', times: Infinity, action: { drop: 'before-handling' } });
    expect((await call(deps, body)).json).toMatchObject({ code: 'AUTH.METADATA_UNAVAILABLE' });
  });

  test('JWKS outage → 503', async () => {
    const deps = appFor(emulator);
    const { body } = freshCallout();
    emulator.faults.add({ service: 'jwks', times: Infinity, action: { status: 500 } });
    const answer = await call(deps, body);
    expect(answer.status).toBe(503);
    expect(answer.json).toMatchObject({ code: 'AUTH.METADATA_UNAVAILABLE' });
  });

  test('metadata naming a jwks_uri off the authority host is not trusted → 503', async () => {
    const deps = appFor(emulator);
    const { body } = freshCallout();
    emulator.faults.add({ service: 'openid', times: Infinity, action: { status: 200, body: { issuer: `https://sts.windows.net/${emulator.tenantId}/`, jwks_uri: 'https://attacker.example/keys' } } });
    expect((await call(deps, body)).json).toMatchObject({ code: 'AUTH.METADATA_UNAVAILABLE' });
  });

  test('key rotation mid-run → accepted after one refresh, without restart', async () => {
    const deps = appFor(emulator);
    expect((await call(deps, freshCallout().body)).status).toBe(200);
    await emulator.rotateSigningKey();
    const rotated = freshCallout();
    expect((await call(deps, rotated.body)).status).toBe(200);
    expect(resumesOf(rotated.requestId)).toBe(1);
    expect(emulator.calls({ service: 'jwks' })).toHaveLength(2);
    // Known keys are served from the cache: no further fetch.
    expect((await call(deps, freshCallout().body)).status).toBe(200);
    expect(emulator.calls({ service: 'jwks' })).toHaveLength(2);
  });

  test('a rotation whose new keys cannot be fetched → 503 (not 401), then accepted', async () => {
    const deps = appFor(emulator);
    expect((await call(deps, freshCallout().body)).status).toBe(200);
    await emulator.rotateSigningKey();
    emulator.faults.add({ service: 'jwks', action: { status: 503 } });
    const { body } = freshCallout();
    expect((await call(deps, body)).status).toBe(503);
    expect((await call(deps, body)).status).toBe(200);
  });
});
