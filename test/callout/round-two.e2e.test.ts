// Issue 12 (hostile input, round two), items 2, 4, 5, 11 and 14: through the handler and the
// tenant emulator, asserting the answer and what Graph received (the tenant's own record).
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { SAMPLE_POLICY, withFreshIds } from '../../scripts/demo/scenarios.js';
import type { Deps } from '../../src/composition.js';
import { callHandler, fixture, type Answer } from '../support/app.js';
import { startTestEmulator } from '../support/emulator.js';
import { fastApp } from '../faults/support.js';

let emulator: TenantEmulator;
let deps: Deps;
beforeAll(async () => {
  emulator = await startTestEmulator();
  deps = fastApp(emulator, { POLICY_PATH: SAMPLE_POLICY });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.faults.clear();
});

let seq = 0;
function fresh(name: string, tag = 'c0ffee00'): Record<string, unknown> {
  const body = withFreshIds(fixture(name), tag, ++seq);
  emulator.awaitCallout(body);
  return body;
}
const requestIdOf = (body: Record<string, unknown>) => String(body['AccessPackageAssignmentRequestId']);
const received = (body: Record<string, unknown>) => emulator.requests.get(requestIdOf(body))?.resumes ?? [];
async function deliver(body: Record<string, unknown>): Promise<Answer> {
  return callHandler(deps, body, { token: await emulator.mintCallerToken() });
}
const resumeOf = (answer: Answer) => answer.json['resume'] as { body: Record<string, unknown>; note: string; refused?: { body: Record<string, unknown> } } | undefined;

describe('item 1: ids that are not ids are refused before any Graph call, naming the field', () => {
  const G = 'a7529cd7-a86d-4455-8c43-00e7495481b0';
  const cases: readonly { readonly at: readonly string[]; readonly value: string; readonly field: string }[] = [
    { at: ['Assignment', 'Target', 'ObjectId'], value: '../../servicePrincipals', field: 'assignment.target.objectId' },
    { at: ['Requestor', 'ObjectId'], value: '../../servicePrincipals', field: 'requestor.objectId' },
    { at: ['Assignment', 'Target', 'ObjectId'], value: `${G}/../../groups`, field: 'assignment.target.objectId' },
    { at: ['Assignment', 'Target', 'ObjectId'], value: `${G}?$select=id#`, field: 'assignment.target.objectId' },
    { at: ['Requestor', 'ObjectId'], value: "x' or 1 eq 1 or target/objectId eq 'y", field: 'requestor.objectId' },
    { at: ['AccessPackage', 'Id'], value: '../../../../servicePrincipals', field: 'accessPackage.id' },
    { at: ['AccessPackageCatalog', 'Id'], value: 'finance', field: 'accessPackageCatalog.id' },
    { at: ['Assignment', 'AssignmentPolicy', 'Id'], value: '{94f213d6-cfa4-4bda-86f9-6bb659b87cb0}', field: 'assignment.assignmentPolicy.id' },
    { at: ['Assignment', 'Id'], value: 'assignment-1', field: 'assignment.id' },
    { at: ['CustomExtensionStageInstanceId'], value: 'abc-1', field: 'customExtensionStageInstanceId' },
  ];
  test.each(cases)('$field = $value → 400, no Graph call', async ({ at, value, field }) => {
    const body = fresh('elm-request-created.wire.json', 'c0ffee08');
    let node = body;
    for (const key of at.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[at[at.length - 1] ?? ''] = value;
    const before = emulator.calls({ service: 'graph' }).length;
    const answer = await deliver(body);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code: 'CALLOUT.INVALID_BODY', field });
    expect(answer.json['detail']).toContain('is not a GUID');
    expect(emulator.calls({ service: 'graph' }).slice(before)).toEqual([]);
  });

  test('a stage instance id in upper case is checked as a GUID and echoed to Graph as it was given', async () => {
    const body = withFreshIds(fixture('elm-request-created.wire.json'), 'c0ffee0b', ++seq);
    body['CustomExtensionStageInstanceId'] = String(body['CustomExtensionStageInstanceId']).toUpperCase();
    emulator.awaitCallout(body);
    expect((await deliver(body)).json['outcome']).toBe('resumed');
    expect((received(body)[0]?.body['data'] as Record<string, unknown>)['customExtensionStageInstanceId']).toBe(body['CustomExtensionStageInstanceId']);
  });

  test('null and absent optional ids stay allowed, as Entra sends them', async () => {
    const body = fresh('elm-request-created.wire.json', 'c0ffee09');
    const assignment = body['Assignment'] as Record<string, unknown>;
    assignment['Id'] = null;
    delete (assignment['AssignmentPolicy'] as Record<string, unknown>)['Id'];
    (body['AccessPackageCatalog'] as Record<string, unknown>)['Id'] = '';
    expect((await deliver(body)).json['outcome']).toBe('resumed');
  });
});

describe('item 2: concurrent deliveries report what Graph received', () => {
  test('a read failing for one of two concurrent deliveries: both answers, and every repeat, carry the one body Graph got', async () => {
    const body = fresh('elm-request-created.wire.json');
    // The first evaluation's risky-user read is refused: the policy's fail mode (deny) decides.
    emulator.faults.add({ service: 'graph', method: 'GET', path: '/identityProtection/riskyUsers/', times: 1, action: { status: 403 } });
    const [a, b] = await Promise.all([deliver(body), deliver(body)]);
    const graphGot = received(body);
    expect(graphGot).toHaveLength(1);
    const sent = graphGot[0]?.body;
    expect((sent?.['data'] as Record<string, unknown>)['state']).toBe('denied');
    for (const answer of [a, b]) {
      expect(answer.status).toBe(200);
      expect(answer.json['decision']).toBe('deny');
      expect(resumeOf(answer)?.body).toEqual(sent);
    }
    expect([a.json['outcome'], b.json['outcome']].sort()).toEqual(['already-resumed', 'resumed']);
    const later = await deliver(body);
    expect(later.json).toMatchObject({ outcome: 'already-resumed', decision: 'deny' });
    expect(resumeOf(later)?.body).toEqual(sent);
    expect(received(body)).toHaveLength(1);
  });
});

describe('a callout another instance settled (no shared memory until the ledger)', () => {
  test('the answer says its body was not sent, and names the detail Graph stored', async () => {
    const body = fresh('elm-request-created.risky-user.wire.json', 'c0ffee0a');
    const first = await deliver(body);
    expect(first.json).toMatchObject({ outcome: 'resumed', decision: 'deny', resume: { sent: true } });
    const other = fastApp(emulator); // another instance: no policy, its own memory
    const second = await callHandler(other, body, { token: await emulator.mintCallerToken() });
    expect(second.json).toMatchObject({ outcome: 'already-resumed', resume: { sent: false } });
    const stored = (received(body)[0]?.body['data'] as Record<string, unknown>)['customExtensionStageInstanceDetail'];
    expect(resumeOf(second)?.note).toContain(`Graph stored the detail "${String(stored)}"`);
    expect(received(body)).toHaveLength(1);
  });
});

describe('item 4: the repeat key is the request and the stage instance', () => {
  test('another request carrying a settled stage instance id is resumed for itself, not answered from memory', async () => {
    const first = fresh('elm-request-created.wire.json', 'c0ffee01');
    expect((await deliver(first)).json['outcome']).toBe('resumed');
    const other = { ...withFreshIds(fixture('elm-request-created.wire.json'), 'c0ffee02', ++seq), CustomExtensionStageInstanceId: first['CustomExtensionStageInstanceId'] };
    emulator.awaitCallout(other);
    const answer = await deliver(other);
    expect(answer.json['outcome']).toBe('resumed');
    expect((answer.json['callout'] as Record<string, unknown>)['requestId']).toBe(requestIdOf(other));
    expect(received(other)).toHaveLength(1);
    expect(received(first)).toHaveLength(1);
  });

  test('two requests with one stage instance id sent together are each resumed once', async () => {
    const a = fresh('elm-request-created.wire.json', 'c0ffee03');
    const b = { ...withFreshIds(fixture('elm-request-created.wire.json'), 'c0ffee04', ++seq), CustomExtensionStageInstanceId: a['CustomExtensionStageInstanceId'] };
    emulator.awaitCallout(b);
    const answers = await Promise.all([deliver(a), deliver(b)]);
    expect(answers.map((x) => x.json['outcome'])).toEqual(['resumed', 'resumed']);
    expect(received(a)).toHaveLength(1);
    expect(received(b)).toHaveLength(1);
  });
});

describe('item 5: a read-back that cannot be understood concludes nothing', () => {
  const readBacks: readonly { readonly name: string; readonly answer: (requestId: string) => { status: number; body?: unknown } }[] = [
    { name: 'an empty object', answer: () => ({ status: 200, body: {} }) },
    { name: 'an error object with 200', answer: () => ({ status: 200, body: { error: { code: 'UnknownError', message: '' } } }) },
    { name: 'an unknown status', answer: (id) => ({ status: 200, body: { id, state: 'submitted', status: 'SomethingNew' } }) },
    { name: 'another request', answer: () => ({ status: 200, body: { id: '00000000-0000-4000-8000-000000000001', status: 'Delivered' } }) },
    { name: '404 once', answer: () => ({ status: 404 }) },
  ];
  test.each(readBacks)('$name → 503, nothing remembered, and the relay’s retry resumes once', async ({ answer }) => {
    const body = fresh('elm-request-created.wire.json', 'c0ffee05');
    const id = requestIdOf(body);
    emulator.faults.add({ service: 'graph', method: 'POST', path: `/assignmentRequests/${id}/resume`, times: 1, action: { status: 400 } });
    emulator.faults.add({ service: 'graph', method: 'GET', path: new RegExp(`/assignmentRequests/${id}$`), times: 2, action: answer(id) });
    const first = await deliver(body);
    expect(first.status, JSON.stringify(first.json)).toBe(503);
    expect(first.json['code']).toBe('GRAPH.INVALID_RESPONSE');
    expect(received(body)).toHaveLength(0);
    expect(emulator.requests.get(id)?.status).toBe('WaitingForCallback');
    emulator.faults.clear();
    const retry = await deliver(body);
    expect(retry.json['outcome']).toBe('resumed');
    expect(received(body)).toHaveLength(1);
  });
});

describe('item 11: a body that lies about its stage', () => {
  test('refused by Graph while the request waits at another stage → 400 naming both stages, no retry in vain', async () => {
    const body = fresh('elm-request-created.wire.json', 'c0ffee06');
    const lying = { ...body, Stage: 'assignmentRequestGranted' };
    const answer = await deliver(lying);
    expect(answer.status, JSON.stringify(answer.json)).toBe(400);
    expect(answer.json['code']).toBe('CALLOUT.STAGE_MISMATCH');
    expect(answer.json['detail']).toContain('assignmentRequestGranted');
    expect(answer.json['detail']).toContain('assignmentRequestCreated');
    expect(received(body)).toHaveLength(0);
    // The true callout still resumes.
    expect((await deliver(body)).json['outcome']).toBe('resumed');
  });
});

describe('item 14: a deny Graph refuses at assignmentRequestApproved', () => {
  test('is resumed as continue with the finding, and the record keeps both bodies', async () => {
    const approving = fastApp(emulator, { POLICY_PATH: SAMPLE_POLICY, ALLOW_DENY_AT_APPROVED_STAGE: 'true' });
    const body = fresh('elm-request-approved.sod-nested-group.wire.json', 'c0ffee07');
    expect(emulator.requests.denyAtApprovedStage).toBe(false);
    const answer = await callHandler(approving, body, { token: await emulator.mintCallerToken() });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    expect(answer.json).toMatchObject({ outcome: 'resumed', decision: 'continue' });
    expect(answer.json['detail']).toMatch(/^Flagged, not denied \(Graph refused a deny at assignmentRequestApproved: 400 /);
    const graphGot = received(body);
    expect(graphGot).toHaveLength(1);
    const data = graphGot[0]?.body['data'] as Record<string, unknown>;
    expect(data['state']).toBeUndefined();
    expect(data['customExtensionStageInstanceDetail']).toContain('SOD-');
    expect(resumeOf(answer)?.body).toEqual(graphGot[0]?.body);
    expect((resumeOf(answer)?.refused?.body['data'] as Record<string, unknown>)['state']).toBe('denied');
  });
});
