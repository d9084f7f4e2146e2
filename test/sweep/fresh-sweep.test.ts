// The sweep's fresh evaluation: a request stuck on our extension whose callout never reached us
// (no ledger entry) is rebuilt from Graph (the request with its package, requestor, assignment,
// target, policy and answers; the stage from the policy's stage settings) and decided as its
// callout would have been, through the callout's pipeline, against the tenant emulator.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import type { Deps } from '../../src/composition.js';
import { parseGuid, type Guid } from '../../src/guid.js';
import { ledgerKey } from '../../src/ledger/ledger.js';
import type { Logger } from '../../src/ports.js';
import { runSweep } from '../../src/sweep/sweep.js';
import { loadSweepSettings, type SweepSettings } from '../../src/sweep/sweep-settings.js';
import { graphGet, miToken, type Json } from '../emulator/graph-calls.js';
import { ELM, EMPLOYEES, EXTENSIONS, extensionBody, graphSend, PAYMENTS, REQUEST_TYPE, without } from '../emulator/graph-writes.js';
import { fastApp } from '../faults/support.js';
import { callHandler, fixture } from '../support/app.js';
import { startAzuriteTables, type AzuriteTables } from '../support/azurite-tables.js';
import { startTestEmulator } from '../support/emulator.js';

const SAMPLE_POLICY = fileURLToPath(new URL('../../policy/sample.policy.json', import.meta.url));
const MINUTE = 60_000;
const SETTINGS = loadSweepSettings({ STUCK_SWEEP_SCHEDULE: '0 */10 * * * *' }) as SweepSettings;
const POLICY = `${ELM}/assignmentPolicies/${EMPLOYEES}`;

function guid(text: string): Guid {
  const id = parseGuid(text);
  if (id === undefined) throw new Error(`${text} is not a GUID`);
  return id;
}
const requestId = (n: number) => guid(`f5e50000-0000-4000-8000-${String(n).padStart(12, '0')}`);
const instanceId = (n: number) => guid(`f5e51a5e-0000-4000-8000-${String(n).padStart(12, '0')}`);

/** The SoD-conflict callout of the sample tenant: Taylor asks for Payments - Approver, and holds its other side. */
const CONFLICT = fixture('elm-request-created.sod-conflict.wire.json') as Json;
const TAYLOR = 'c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b';
const ANSWERS = [{ questionId: '3672907b-69ea-4a6e-9cb6-fae079ccb343', questionText: 'Change ticket', value: 'CHG0012399', displayValue: 'CHG0012399' }];

let emulator: TenantEmulator;
let azurite: AzuriteTables;
let token: string;
let deps: Deps;
/** Our custom extension (entitlement-guard, PT1H window) in the Finance catalog. */
let ours: string;

/** The Employees policy calls `extension` at these stages. */
async function stagesOnPolicy(extension: string, stages: readonly string[]): Promise<void> {
  const read = without((await graphGet(emulator, `${POLICY}?$expand=accessPackage,catalog,customExtensionStageSettings($expand=customExtension)`, token)).json, 'createdDateTime', 'modifiedDateTime', '@odata.context', 'catalog');
  const settings = stages.map((stage) => ({ stage, customExtension: { '@odata.type': REQUEST_TYPE, id: extension } }));
  const put = await graphSend(emulator, 'PUT', POLICY, token, { ...read, accessPackage: { id: PAYMENTS }, customExtensionStageSettings: settings });
  expect(put.status, JSON.stringify(put.json)).toBe(200);
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  token = await miToken(emulator);
  const created = await graphSend(emulator, 'POST', EXTENSIONS, token, extensionBody());
  expect(created.status).toBe(201);
  ours = String(created.json['id']);
  await stagesOnPolicy(ours, ['assignmentRequestCreated']);
  azurite = await startAzuriteTables({ emulator });
  deps = fastApp(emulator, { POLICY_PATH: SAMPLE_POLICY });
});
afterAll(async () => {
  await Promise.all([emulator.close(), azurite.stop()]);
});

/** Taylor's conflicting request, stuck on our extension at assignmentRequestCreated for 20 minutes: the facts the callout carries, seeded in Graph. */
function stuck(n: number, change: Record<string, unknown> = {}): void {
  emulator.requests.seedWaiting({
    id: requestId(n),
    requestType: 'userAdd',
    accessPackage: PAYMENTS,
    requestor: TAYLOR,
    target: TAYLOR,
    assignmentPolicy: EMPLOYEES,
    answers: ANSWERS,
    ageMs: 20 * MINUTE,
    callout: { stage: 'assignmentRequestCreated', stageInstanceId: instanceId(n), customExtensionId: ours },
    ...change,
  });
}

/** The callout body Entra would have sent for request n. */
function calloutFor(n: number): Json {
  const id = requestId(n);
  return { ...CONFLICT, AccessPackageAssignmentRequestId: id, CustomExtensionStageInstanceId: instanceId(n), CallbackUriPath: `/identityGovernance/entitlementManagement/assignmentRequests/${id}/resume` };
}

interface Event { readonly event: string; readonly fields: Record<string, unknown> }
function collector(): { logger: Logger; of: (name: string, n: number) => Event[] } {
  const events: Event[] = [];
  const push = (event: string, fields: object) => { events.push({ event, fields: fields as Record<string, unknown> }); };
  return { logger: { info: push, warn: push, error: push }, of: (name, n) => events.filter((e) => e.event === name && e.fields['requestId'] === requestId(n)) };
}

const sweep = (on: Deps, logger: Logger) =>
  runSweep({ settle: on, graphHttp: on.graphHttp, tenant: { tenantId: on.config.tenantId, graphBaseUrl: on.config.graphBaseUrl }, settings: SETTINGS, logger });
const resumes = (n: number) => emulator.requests.get(requestId(n))?.resumes ?? [];
const dataOf = (body: Record<string, unknown> | undefined) => body?.['data'] as Record<string, unknown> | undefined;

describe('the sweep evaluates a stuck request with no ledger entry', () => {
  test('decided as its callout would have been: the same deny and detail reach Graph, once, recorded as the sweeper\'s', async () => {
    // What the callout gets when it arrives: a request of its own, delivered through the handler.
    emulator.awaitCallout(calloutFor(1));
    const delivered = await callHandler(deps, calloutFor(1), { token: await emulator.mintCallerToken() });
    expect(delivered.status).toBe(200);
    expect(dataOf(resumes(1)[0]?.body)?.['state']).toBe('denied');

    stuck(2);
    const log = collector();
    const summary = await sweep(deps, log.logger);
    expect(summary.failed).toBe(0);
    expect(resumes(2)).toHaveLength(1);
    const sent = dataOf(resumes(2)[0]?.body);
    expect(sent).toMatchObject({ stage: 'assignmentRequestCreated', customExtensionStageInstanceId: instanceId(2), state: 'denied' });
    expect(sent?.['customExtensionStageInstanceDetail']).toBe(dataOf(resumes(1)[0]?.body)?.['customExtensionStageInstanceDetail']);
    expect(log.of('callout.swept', 2)).toHaveLength(1);
    expect(log.of('callout.swept', 2)[0]?.fields).toMatchObject({ outcome: 'resumed', decision: 'deny', adopted: false, decidedBy: 'sweeper', stage: 'assignmentRequestCreated' });
    const entry = await deps.ledger.read(ledgerKey(requestId(2), instanceId(2)));
    expect(entry).toMatchObject({ decision: 'deny', decidedBy: 'sweeper', stage: 'assignmentRequestCreated' });
    expect(entry?.resume.body).toEqual(resumes(2)[0]?.body);
  });

  test('a delivery and a sweep at the same moment on two instances (Azurite ledger): Graph receives one body, and the delivery answers with it', async () => {
    const table = await azurite.createTable('freshsweep');
    const [a, b] = [fastApp(emulator, { POLICY_PATH: SAMPLE_POLICY, DECISION_LEDGER_URL: table }), fastApp(emulator, { POLICY_PATH: SAMPLE_POLICY, DECISION_LEDGER_URL: table })];
    stuck(3);
    const log = collector();
    const [, delivered] = await Promise.all([sweep(a, log.logger), callHandler(b, calloutFor(3), { token: await emulator.mintCallerToken() })]);
    expect(resumes(3)).toHaveLength(1);
    expect(delivered.status).toBe(200);
    const entry = await b.ledger.read(ledgerKey(requestId(3), instanceId(3)));
    expect(entry?.resume.body).toEqual(resumes(3)[0]?.body);
    expect(JSON.stringify(delivered.json)).toContain(String(dataOf(resumes(3)[0]?.body)?.['customExtensionStageInstanceDetail']).slice(0, 40));
  });

  test('skipped with the reason, nothing sent and nothing recorded, when the stage or the subject cannot be told', async () => {
    // An admin's request whose assignment Graph does not show: no one to judge.
    stuck(4, { requestType: 'adminAdd', target: undefined });
    const log = collector();
    await sweep(deps, log.logger);
    expect(resumes(4)).toHaveLength(0);
    expect(log.of('callout.sweep-skipped', 4)[0]?.fields['reason']).toMatch(/no target/);
    expect(await deps.ledger.read(ledgerKey(requestId(4), instanceId(4)))).toBeUndefined();

    // The policy no longer calls us at either stage a submitted request may be at: Graph cannot say which this callout is.
    const other = await graphSend(emulator, 'POST', EXTENSIONS, token, extensionBody({ displayName: 'another extension' }));
    expect(other.status).toBe(201);
    await stagesOnPolicy(String(other.json['id']), ['assignmentRequestCreated']);
    try {
      stuck(5);
      const again = collector();
      await sweep(deps, again.logger);
      expect(resumes(5)).toHaveLength(0);
      expect(again.of('callout.sweep-skipped', 5)[0]?.fields['reason']).toMatch(/calls extension .* at none of assignmentRequestCreated, assignmentRequestDeterminingApprovalRequirements/);
      expect(await deps.ledger.read(ledgerKey(requestId(5), instanceId(5)))).toBeUndefined();
    } finally {
      await stagesOnPolicy(ours, ['assignmentRequestCreated']);
    }
  });

  test('a read that answers another request decides nothing: failed with its code, nothing sent or recorded', async () => {
    stuck(6);
    emulator.faults.add({ service: 'graph', method: 'GET', path: `assignmentRequests/${requestId(6)}`, times: Infinity, action: { status: 200, body: { id: requestId(7), requestType: 'userAdd', state: 'submitted', status: 'WaitingForCallback' } } });
    const log = collector();
    try {
      await sweep(deps, log.logger);
    } finally {
      emulator.faults.clear();
    }
    expect(resumes(6)).toHaveLength(0);
    expect(log.of('callout.sweep-failed', 6)[0]?.fields['code']).toBe('GRAPH.INVALID_RESPONSE');
    expect(await deps.ledger.read(ledgerKey(requestId(6), instanceId(6)))).toBeUndefined();
    // The request itself, but a target id that is not an id: refused before it fills any path.
    const hostile = { id: requestId(6), requestType: 'adminAdd', state: 'pendingApproval', status: 'WaitingForCallback', assignment: { id: null, target: { objectId: '../../users/everyone' } } };
    emulator.faults.add({ service: 'graph', method: 'GET', path: `assignmentRequests/${requestId(6)}`, times: Infinity, action: { status: 200, body: hostile } });
    const again = collector();
    try {
      await sweep(deps, again.logger);
    } finally {
      emulator.faults.clear();
    }
    expect(again.of('callout.sweep-failed', 6)[0]?.fields['message']).toMatch(/assignment\.target\.objectId is not a GUID/);
    expect(resumes(6)).toHaveLength(0);
    expect(emulator.calls({ pathIncludes: 'everyone' })).toEqual([]);
  });
});
