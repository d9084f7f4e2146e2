// Requests that wait on a custom extension: seeded with an age, listed as Graph lists them
// (v1.0 GET …/assignmentRequests, $filter on state and package, paged), and timed out lazily
// when a read finds their callback window passed on the emulator's clock.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { schemaFindings } from '../../emulator/graph/graph-schema-check.js';
import { startTestEmulator } from '../support/emulator.js';
import { graphGet, graphPages, itemsOf, miToken, PEOPLE, SOD, type Json } from './graph-calls.js';
import { ELM, EXTENSIONS, extensionBody, graphSend } from './graph-writes.js';

let emulator: TenantEmulator;
let token: string;
/** Our extension (PT1H) and a short one (PT10M), registered in the Finance catalog. */
let ours: string;
let short: string;
const NOW = Date.parse('2026-06-01T12:00:00Z');
const MINUTE = 60_000;
const LIST = `${ELM}/assignmentRequests`;
const UNKNOWN_EXTENSION = '0e0e0e0e-0000-4000-8000-00000000e0e0';
const id = (n: number) => `c0ffee00-0000-4000-8000-${String(n).padStart(12, '0')}`;
const instance = (n: number) => `1a5e0000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function seed(n: number, ageMinutes: number, options: { stage?: string; extension?: string; pkg?: string; state?: 'submitted' | 'pendingApproval'; status?: 'calloutSent' } = {}) {
  return emulator.requests.seedWaiting({
    id: id(n),
    accessPackage: options.pkg ?? SOD.paymentsApprover,
    requestor: PEOPLE.avery,
    ...(options.state === undefined ? {} : { state: options.state }),
    ageMs: ageMinutes * MINUTE,
    callout: { stage: options.stage ?? 'assignmentRequestCreated', stageInstanceId: instance(n), customExtensionId: options.extension ?? ours, ...(options.status === undefined ? {} : { status: options.status }) },
  });
}

const get = (path: string) => graphGet(emulator, path, token);
const requestOf = async (n: number, version = 'v1.0') => (await get(`/${version}/identityGovernance/entitlementManagement/assignmentRequests/${id(n)}`)).json;

beforeAll(async () => {
  emulator = await startTestEmulator();
  token = await miToken(emulator);
  ours = String((await graphSend(emulator, 'POST', EXTENSIONS, token, extensionBody())).json['id']);
  const window = { '@odata.type': 'microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration', timeoutDuration: 'PT10M' };
  const created = await graphSend(emulator, 'POST', EXTENSIONS, token, extensionBody({ displayName: 'short-window', callbackConfiguration: window }));
  expect(created.status).toBe(201);
  short = String(created.json['id']);
  emulator.requests.clock = () => NOW;
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.requests.clock = () => NOW;
  emulator.governance.pageSize = 100;
});

describe('seeding requests that wait on a custom extension', () => {
  test('a seeded request waits: WaitingForCallback, its instance open, created its age before the clock', async () => {
    seed(1, 42);
    seed(2, 5, { status: 'calloutSent' });
    expect(await requestOf(1)).toMatchObject({
      id: id(1),
      state: 'submitted',
      status: 'WaitingForCallback',
      createdDateTime: new Date(NOW - 42 * MINUTE).toISOString(),
      customExtensionCalloutInstances: [{ id: instance(1), customExtensionId: ours, status: 'waitingForCallback', detail: null, externalCorrelationId: null }],
    });
    expect(await requestOf(2)).toMatchObject({ customExtensionCalloutInstances: [{ id: instance(2), status: 'calloutSent' }] });
  });

  test('the state follows the stage: approved waits in pendingApproval, granted in delivered', async () => {
    seed(3, 20, { stage: 'assignmentRequestApproved' });
    seed(4, 20, { stage: 'assignmentRequestGranted' });
    expect(await requestOf(3)).toMatchObject({ state: 'pendingApproval', status: 'WaitingForCallback' });
    expect(await requestOf(4)).toMatchObject({ state: 'delivered', status: 'WaitingForCallback' });
  });

  test('a seeded waiting request is resumed as an awaited one is (waitingForCallback is open too)', async () => {
    seed(5, 1);
    const body = {
      data: {
        '@odata.type': 'microsoft.graph.accessPackageAssignmentRequestCallbackData',
        stage: 'assignmentRequestCreated',
        customExtensionStageInstanceId: instance(5),
        customExtensionStageInstanceDetail: 'ok',
      },
      source: 'test',
      type: 'microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated',
    };
    expect((await graphSend(emulator, 'POST', `${LIST}/${id(5)}/resume`, token, body)).status).toBe(204);
    expect(await requestOf(5)).toMatchObject({ status: 'Accepted', customExtensionCalloutInstances: [{ status: 'callbackReceived', detail: 'ok' }] });
  });
});

describe('callouts time out when read past their callback window', () => {
  test("the window is the registered extension's timeoutDuration: 20 minutes is past PT10M, not PT1H", async () => {
    seed(10, 20, { extension: short });
    seed(11, 20);
    expect(await requestOf(10)).toMatchObject({ state: 'deliveryFailed', status: 'DeliveryFailed', customExtensionCalloutInstances: [{ status: 'callbackTimedOut' }] });
    expect(await requestOf(11)).toMatchObject({ status: 'WaitingForCallback', customExtensionCalloutInstances: [{ status: 'waitingForCallback' }] });
  });

  test('an extension the tenant does not know has the default PT1H; moving the clock on times it out', async () => {
    seed(12, 59, { extension: UNKNOWN_EXTENSION });
    expect(await requestOf(12)).toMatchObject({ status: 'WaitingForCallback' });
    emulator.requests.clock = () => NOW + 2 * MINUTE;
    expect(await requestOf(12)).toMatchObject({ state: 'deliveryFailed', status: 'DeliveryFailed', customExtensionCalloutInstances: [{ status: 'callbackTimedOut' }] });
  });

  test('a callout timed out after delivery leaves the request delivered; beta says the same', async () => {
    seed(13, 90, { stage: 'assignmentRequestGranted' });
    expect(await requestOf(13)).toMatchObject({ state: 'delivered', status: 'Delivered', customExtensionCalloutInstances: [{ status: 'callbackTimedOut' }] });
    expect(await requestOf(13, 'beta')).toMatchObject({ requestState: 'delivered', requestStatus: 'Delivered', customExtensionCalloutInstances: [{ status: 'callbackTimedOut' }] });
  });

  test('a resume after the window is refused: the request waits no more', async () => {
    seed(14, 61);
    const body = {
      data: { '@odata.type': 'microsoft.graph.accessPackageAssignmentRequestCallbackData', stage: 'assignmentRequestCreated', customExtensionStageInstanceId: instance(14) },
      source: 'test',
      type: 'microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated',
    };
    const refused = await graphSend(emulator, 'POST', `${LIST}/${id(14)}/resume`, token, body);
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: { message: expect.stringContaining('not waiting') as unknown } });
  });

  test('expireCallouts(now) is the same step, for a test to take without a read: it answers what it timed out', () => {
    seed(15, 30);
    expect(emulator.requests.expireCallouts(NOW)).toEqual([]);
    const expired = emulator.requests.expireCallouts(NOW + 31 * MINUTE);
    expect(expired.map((i) => i.id)).toContain(instance(15));
    expect(emulator.requests.get(id(15))).toMatchObject({ state: 'deliveryFailed', status: 'DeliveryFailed' });
  });

  test('a callout Entra sends meanwhile (awaitCallback) starts its window when sent, whatever the age of the request', async () => {
    emulator.requests.seed([{ id: id(16), requestType: 'userAdd', justification: null, createdDateTime: '2020-01-01T00:00:00Z', schedule: { startDateTime: null, expiration: { type: 'noExpiration', endDateTime: null, duration: null } } }]);
    emulator.requests.awaitCallback({ requestId: id(16), stage: 'assignmentRequestCreated', stageInstanceId: instance(16), customExtensionId: ours });
    expect(await requestOf(16)).toMatchObject({ status: 'WaitingForCallback', customExtensionCalloutInstances: [{ status: 'calloutSent' }] });
  });
});

describe('GET v1.0 …/assignmentRequests, as Graph lists them', () => {
  test("$filter=state eq 'pendingApproval' (any casing of the value) lists only those; with accessPackage/id too", async () => {
    seed(20, 15, { stage: 'assignmentRequestApproved', pkg: SOD.vendorMasterMaintain });
    const pending = itemsOf(await graphPages(emulator, `${LIST}?$filter=state eq 'PENDINGAPPROVAL'&$expand=accessPackage`, token));
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((r) => r['state'] === 'pendingApproval')).toBe(true);
    expect(pending.find((r) => r['id'] === id(20))).toMatchObject({ accessPackage: { id: SOD.vendorMasterMaintain, displayName: 'Vendor Master - Maintain' } });
    const both = itemsOf(await graphPages(emulator, `${LIST}?$filter=state eq 'pendingApproval' and accessPackage/id eq '${SOD.vendorMasterMaintain}'&$expand=accessPackage`, token));
    expect(both.map((r) => r['id'])).toContain(id(20));
    expect(both.every((r) => r['state'] === 'pendingApproval' && (r['accessPackage'] as Json)['id'] === SOD.vendorMasterMaintain)).toBe(true);
  });

  test('paged: $select and $filter carried in every nextLink; each page a slice', async () => {
    for (const n of [30, 31, 32, 33, 34]) seed(n, n - 25, { pkg: SOD.vendorMasterMaintain });
    emulator.governance.pageSize = 2;
    const select = '$select=id,state,status,createdDateTime,customExtensionCalloutInstances';
    const pages = await graphPages(emulator, `${LIST}?${select}&$filter=accessPackage/id eq '${SOD.vendorMasterMaintain}' and state eq 'submitted'`, token);
    expect(pages.length).toBeGreaterThan(2);
    for (const page of pages.slice(0, -1)) expect(String(page.json['@odata.nextLink'])).toMatch(/\$select=.*\$filter=.*\$skiptoken=/);
    const items = itemsOf(pages);
    expect(items.map((r) => r['id'])).toEqual([30, 31, 32, 33, 34].map(id));
    expect(Object.keys(items[0] ?? {}).sort()).toEqual(['createdDateTime', 'customExtensionCalloutInstances', 'id', 'state', 'status']);
  });

  test('what Graph does not document is refused: a filter on the catalog, a state that is none, beta filtering on state', async () => {
    const catalog = await get(`${LIST}?$filter=accessPackage/catalog/id eq '26803898-8c26-4ca8-ba50-15552ecd4c9d'`);
    expect(catalog.status).toBe(400);
    expect(catalog.json).toMatchObject({ error: { code: 'Request_UnsupportedQuery' } });
    expect((await get(`${LIST}?$filter=state eq 'waiting'`)).json).toMatchObject({ error: { code: 'Request_UnsupportedQuery', message: expect.stringContaining("state eq '{submitted | pendingApproval") as unknown } });
    expect((await get(`/beta/identityGovernance/entitlementManagement/assignmentRequests?$filter=state eq 'submitted'`)).status).toBe(400);
  });

  test('the list lists timed-out callouts as such', async () => {
    seed(40, 70);
    const items = itemsOf(await graphPages(emulator, LIST, token));
    expect(items.find((r) => r['id'] === id(40))).toMatchObject({ state: 'deliveryFailed', customExtensionCalloutInstances: [{ id: instance(40), status: 'callbackTimedOut' }] });
  });

  test.each(['v1.0', 'beta'])("%s: every request listed has only properties of Graph's published types (instances and their statuses included)", async (version) => {
    seed(50, 3, { status: 'calloutSent' });
    seed(51, 3);
    const items = itemsOf(await graphPages(emulator, `/${version}/identityGovernance/entitlementManagement/assignmentRequests?$expand=accessPackage,requestor`, token));
    expect(items.some((r) => (r['customExtensionCalloutInstances'] as Json[] | undefined)?.some((i) => i['status'] === 'waitingForCallback'))).toBe(true);
    expect(items.flatMap((r) => schemaFindings(version === 'beta' ? 'beta' : 'v1.0', r, 'microsoft.graph.accessPackageAssignmentRequest'))).toEqual([]);
  });
});
