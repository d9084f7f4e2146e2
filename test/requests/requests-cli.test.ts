// `npm run requests` in-process against the tenant emulator: the sample tenant and a second
// catalog, our custom extension registered in both, requests waiting on it at several ages, one
// timed out, one answered, one waiting on someone else's extension; the ledger in memory (and once
// in Azurite).
import { TableClient } from '@azure/data-tables';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { SAMPLE_TENANT_FILE, type TenantEmulator } from '../../emulator/index.js';
import { emulatorCredential } from '../../scripts/common/emulator-credential.js';
import { createGraphClient } from '../../src/graph/graph-client.js';
import { createGraphHttp } from '../../src/graph/graph-http.js';
import type { DecisionLedger, LedgerEntry } from '../../src/ledger/ledger.js';
import { ledgerLocation, type LedgerLocation } from '../../src/ledger/ledger-url.js';
import { createMemoryLedger } from '../../src/ledger/memory-ledger.js';
import { createTableLedger } from '../../src/ledger/table-ledger.js';
import type { Clock } from '../../src/ports.js';
import { requestsCli, type RequestsSource } from '../../src/requests/requests-cli.js';
import { formatAge, isPast } from '../../src/requests/classify-requests.js';
import { parseIsoDuration } from '../../src/checks/support/iso-duration.js';
import { REQUESTS_USAGE } from '../../src/requests/requests-args.js';
import { RequestsError } from '../../src/requests/requests-error.js';
import type { TenantSource } from '../../src/tenant-source.js';
import { miToken } from '../emulator/graph-calls.js';
import { extensionBody, graphSend } from '../emulator/graph-writes.js';
import { startAzuriteTables, type AzuriteTables } from '../support/azurite-tables.js';
import { startTestEmulator } from '../support/emulator.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const MINUTE = 60_000;
const clock: Clock = { now: () => NOW, sleep: () => Promise.resolve() };
const FINANCE = '26803898-8c26-4ca8-ba50-15552ecd4c9d';
const IT = '1c0c0c0c-0000-4000-8000-00000000ca7a';
const EMPTY = '1c0c0c0c-0000-4000-8000-00000000e707';
const PAYMENTS = '97979783-38c5-40ae-b74e-404935a04ffd';
const VENDOR = 'b1c2d3e4-0002-4000-8000-00000000b002';
const LAPTOPS = '1c0c0c0c-0000-4000-8000-0000000011a9';
const AVERY = 'a7529cd7-a86d-4455-8c43-00e7495481b0';
const LEDGER_URL = 'https://127.0.0.1:10002/devstoreaccount1/decisions';

/** The requests of the tenant, by role in the tests: their id and stage instance id. */
const R = {
  paymentsNew: 10, vendorApproved: 45, laptops: 90, paymentsSent: 30, timedOut: 75, answered: 5, others: 20,
} as const;
const requestId = (minutes: number) => `4e9e0000-0000-4000-8000-${String(minutes).padStart(12, '0')}`;
const instanceId = (minutes: number) => `1a5e0000-0000-4000-8000-${String(minutes).padStart(12, '0')}`;

let emulator: TenantEmulator;
let token: string;
let ours: { finance: string; it: string; other: string };
let ledger: DecisionLedger;

/** The sample tenant with a second catalog (IT) holding one package, and a catalog with no extension at all. */
function tenant(): object {
  const sample = JSON.parse(readFileSync(SAMPLE_TENANT_FILE, 'utf8')) as { accessPackages: object[]; catalogs: object[] };
  return {
    ...sample,
    catalogs: [...sample.catalogs, { id: IT, displayName: 'IT' }, { id: EMPTY, displayName: 'Empty' }],
    accessPackages: [...sample.accessPackages, { id: LAPTOPS, displayName: 'Laptop - Local admin', catalog: { id: IT, displayName: 'IT' } }],
  };
}

async function register(catalog: string, change: Record<string, unknown> = {}): Promise<string> {
  const created = await graphSend(emulator, 'POST', `/v1.0/identityGovernance/entitlementManagement/catalogs/${catalog}/customWorkflowExtensions`, token, extensionBody(change));
  expect(created.status).toBe(201);
  return String(created.json['id']);
}

function wait(minutes: number, pkg: string, extension: string, callout: { stage?: string; status?: 'calloutSent' } = {}): void {
  emulator.requests.seedWaiting({
    id: requestId(minutes),
    accessPackage: pkg,
    requestor: AVERY,
    ageMs: minutes * MINUTE,
    callout: { stage: callout.stage ?? 'assignmentRequestCreated', stageInstanceId: instanceId(minutes), customExtensionId: extension, ...(callout.status === undefined ? {} : { status: callout.status }) },
  });
}

function entry(minutes: number, change: Partial<LedgerEntry> = {}): LedgerEntry {
  const subject = requestId(minutes);
  return {
    key: { subject, stageInstance: instanceId(minutes) },
    protocol: 'elm', decision: 'deny', detail: 'Denied by policy: SOD-1',
    resume: { apiVersion: 'v1.0', path: `/identityGovernance/entitlementManagement/assignmentRequests/${subject}/resume`, body: {} },
    stage: 'assignmentRequestCreated', stageInstanceId: instanceId(minutes), policy: undefined, findings: [], callerAppId: undefined, decidedBy: 'callout',
    operator: undefined, reason: undefined, subject: { catalogId: FINANCE, accessPackageId: PAYMENTS, targetObjectId: AVERY, requestType: 'userAdd' },
    state: 'sent', decidedAt: '2026-06-01T11:51:00.000Z', sentAt: '2026-06-01T11:51:01.000Z', confirmedAt: undefined, refusedBody: undefined,
    ...change,
  };
}

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the command on the shared emulator; `--ledger` (or DECISION_LEDGER_URL) opens `ledgers(location)`, by default the memory ledger. */
async function run(argv: string[], options: { env?: Record<string, string>; openLedger?: (location: LedgerLocation) => DecisionLedger; clock?: Clock } = {}): Promise<Run> {
  let out = '';
  let err = '';
  const openSource = (source: TenantSource): Promise<RequestsSource> => {
    if (source.kind !== 'emulator') return Promise.reject(new RequestsError(1, 'the tests read the emulator only'));
    return Promise.resolve({
      graph: createGraphHttp(createGraphClient(emulatorCredential(emulator), emulator.origin)),
      graphOrigin: emulator.origin,
      label: 'the tenant emulator (test)',
      openLedger: options.openLedger ?? (() => ledger),
      close: () => Promise.resolve(),
    });
  };
  const io = { out: (text: string) => { out += text; }, err: (text: string) => { err += text; } };
  const code = await requestsCli(argv, io, { env: options.env ?? {}, openSource, clock: options.clock ?? clock, progressEveryMs: 0 });
  return { code, out, err };
}

const json = async (argv: string[]) => {
  const result = await run([...argv, '--json']);
  expect(result.code, result.err).toBe(0);
  return JSON.parse(result.out) as { requests: { id: string; verdict: string; stages: string[]; age: string; calloutInstances: { status: string }[]; ledger: unknown }[]; counts: Record<string, number>; extensions: { id: string; callbackWindow: string }[] };
};
const ids = (listed: { requests: { id: string }[] }) => listed.requests.map((r) => r.id);

beforeAll(async () => {
  emulator = await startTestEmulator({ tenant: tenant() });
  emulator.requests.clock = () => NOW;
  token = await miToken(emulator);
  ours = {
    finance: await register(FINANCE),
    it: await register(IT, { callbackConfiguration: { '@odata.type': 'microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration', timeoutDuration: 'PT2H' } }),
    other: await register(FINANCE, { displayName: 'someone-else' }),
  };
  wait(R.paymentsNew, PAYMENTS, ours.finance);
  wait(R.vendorApproved, VENDOR, ours.finance, { stage: 'assignmentRequestApproved' });
  wait(R.laptops, LAPTOPS, ours.it);
  wait(R.paymentsSent, PAYMENTS, ours.finance, { status: 'calloutSent' });
  wait(R.timedOut, PAYMENTS, ours.finance);
  wait(R.answered, PAYMENTS, ours.finance);
  wait(R.others, PAYMENTS, ours.other);
  const resume = {
    source: 'test',
    type: 'microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated',
    data: { '@odata.type': 'microsoft.graph.accessPackageAssignmentRequestCallbackData', stage: 'assignmentRequestCreated', customExtensionStageInstanceId: instanceId(R.answered) },
  };
  expect((await graphSend(emulator, 'POST', `/v1.0/identityGovernance/entitlementManagement/assignmentRequests/${requestId(R.answered)}/resume`, token, resume)).status).toBe(204);
  ledger = createMemoryLedger();
  await ledger.claim(entry(R.paymentsNew));
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.governance.pageSize = 100;
  emulator.requests.v1ListsCalloutInstances = true;
});

describe('what waits on us', () => {
  test('in every catalog: oldest first, each with its stage, callout status and age against its window; not the timed-out, answered or foreign ones', async () => {
    const { code, out, err } = await run([]);
    expect(code, err).toBe(0);
    expect(err).toBe('');
    const lines = out.split('\n');
    expect(lines[0]).toBe('Assignment requests waiting on custom extension "entitlement-guard" in every catalog: the tenant emulator (test), 2026-06-01T12:00:00.000Z');
    expect(out).toContain(`extension ${ours.finance} "entitlement-guard" in catalog Finance (${FINANCE}), callback window PT1H`);
    expect(out).toContain(`extension ${ours.it} "entitlement-guard" in catalog IT (${IT}), callback window PT2H`);
    expect(out).toContain('ledger: none given (--ledger <table URL> or DECISION_LEDGER_URL)');
    const rows = lines.filter((l) => /^4e9e0000/.test(l));
    expect(rows.map((l) => l.split(/\s{2,}/)[0])).toEqual([R.laptops, R.vendorApproved, R.paymentsSent, R.paymentsNew].map(requestId));
    expect(rows[0]?.split(/\s{2,}/)).toEqual([requestId(R.laptops), 'Laptop - Local admin', 'submitted', 'created or approval-requirements', 'waitingForCallback', '1h 30m of PT2H', 'no ledger']);
    expect(rows[1]?.split(/\s{2,}/)).toEqual([requestId(R.vendorApproved), 'Vendor Master - Maintain', 'pendingApproval', 'approved', 'waitingForCallback', '45m of PT1H', 'no ledger']);
    expect(rows[2]).toContain('calloutSent');
    expect(out).toContain('4 waiting (0 past the callback window); ');
    expect(out).not.toContain(requestId(R.timedOut));
    expect(out).not.toContain(requestId(R.answered));
    expect(out).not.toContain(requestId(R.others));
  });

  test('--catalog: only the catalog of our extension there; --package: only that package', async () => {
    expect(ids(await json(['--catalog', IT]))).toEqual([requestId(R.laptops)]);
    expect(ids(await json(['--catalog', FINANCE.toUpperCase()]))).toEqual([R.vendorApproved, R.paymentsSent, R.paymentsNew].map(requestId));
    const vendor = await json(['--package', VENDOR]);
    expect(ids(vendor)).toEqual([requestId(R.vendorApproved)]);
    expect(vendor.requests[0]?.stages).toEqual(['assignmentRequestApproved']);
    expect(ids(await json(['--package', PAYMENTS, '--catalog', FINANCE]))).toEqual([R.paymentsSent, R.paymentsNew].map(requestId));
  });

  test('--extension by id, --name by display name: someone else\'s extension is theirs', async () => {
    expect(ids(await json(['--extension', ours.it]))).toEqual([requestId(R.laptops)]);
    expect(ids(await json(['--name', 'someone-else']))).toEqual([requestId(R.others)]);
  });

  test('--older-than: only those created longer ago than the duration', async () => {
    expect(ids(await json(['--older-than', 'PT40M']))).toEqual([R.laptops, R.vendorApproved].map(requestId));
    expect(ids(await json(['--older-than', 'P1D']))).toEqual([]);
  });

  test('--timed-out adds the requests Entra gave up on: the callout past PT1H is callbackTimedOut, the request failed', async () => {
    const listed = await json(['--timed-out', '--catalog', FINANCE]);
    const timedOut = listed.requests.find((r) => r.id === requestId(R.timedOut));
    expect(timedOut).toMatchObject({ verdict: 'timed-out', state: 'deliveryFailed', age: '1h 15m of PT1H, past', calloutInstances: [{ status: 'callbackTimedOut' }] });
    expect(listed.counts).toMatchObject({ waiting: 3, timedOut: 1, failed: 0, pastWindow: 0 });
    expect(ids(listed)).not.toContain(requestId(R.answered));
    const { out } = await run(['--timed-out', '--catalog', FINANCE]);
    expect(out).toContain('3 waiting (0 past the callback window), 1 timed out, 0 failed;');
  });

  test('--json: every field a machine needs, the ledger null without one', async () => {
    const listed = await json(['--catalog', IT]);
    expect(listed).toMatchObject({
      tenant: 'the tenant emulator (test)',
      at: '2026-06-01T12:00:00.000Z',
      scope: { catalog: { id: IT, displayName: 'IT' }, accessPackage: null },
      extension: { displayName: 'entitlement-guard' },
      extensions: [{ id: ours.it, displayName: 'entitlement-guard', catalog: { id: IT, displayName: 'IT' }, callbackWindow: 'PT2H' }],
      olderThan: null,
      timedOut: false,
      ledger: null,
      requests: [{
        id: requestId(R.laptops), verdict: 'waiting', state: 'submitted', status: 'WaitingForCallback', requestType: 'userAdd', createdDateTime: new Date(NOW - 90 * MINUTE).toISOString(),
        accessPackage: { id: LAPTOPS, displayName: 'Laptop - Local admin' }, stages: ['assignmentRequestCreated', 'assignmentRequestDeterminingApprovalRequirements'], stageFrom: 'state',
        stageInstanceId: instanceId(R.laptops), customExtensionId: ours.it, ageMs: 90 * MINUTE, age: '1h 30m of PT2H', callbackWindow: 'PT2H', pastWindow: false,
        calloutInstances: [{ id: instanceId(R.laptops), customExtensionId: ours.it, status: 'waitingForCallback', detail: null }], ledger: null,
      }],
      counts: { waiting: 1, pastWindow: 0, timedOut: 0, failed: 0, requestsRead: expect.any(Number) as unknown, pages: 1 },
    });
  });

  test('--json: ages in whole milliseconds, whatever fraction the clock has; the table alike', async () => {
    const fractional: Clock = { now: () => NOW + 70.0759277344, sleep: () => Promise.resolve() };
    const listed = await run(['--catalog', IT, '--json'], { clock: fractional });
    expect(listed.code, listed.err).toBe(0);
    expect(listed.out).toContain(`"ageMs": ${String(90 * MINUTE + 70)},`);
    expect((JSON.parse(listed.out) as { requests: { ageMs: number; age: string }[] }).requests).toMatchObject([{ ageMs: 90 * MINUTE + 70, age: '1h 30m of PT2H' }]);
    const rows = (out: string) => out.split('\n').filter((l) => l.startsWith('4e9e0000'));
    const [exact, withFraction] = [await run(['--catalog', IT]), await run(['--catalog', IT], { clock: fractional })];
    expect(rows(withFraction.out)).toEqual(rows(exact.out));
    expect(rows(exact.out)).toHaveLength(1);
  });

  test("the ledger's decision (--ledger or DECISION_LEDGER_URL): the entry's decision and state, its stage exact; none for the others", async () => {
    const opened: LedgerLocation[] = [];
    const openLedger = (location: LedgerLocation) => {
      opened.push(location);
      return ledger;
    };
    const { out, code } = await run(['--catalog', FINANCE, '--ledger', LEDGER_URL], { openLedger });
    expect(code).toBe(0);
    expect(opened).toEqual([{ accountUrl: 'https://127.0.0.1:10002/devstoreaccount1', table: 'decisions' }]);
    expect(out).toContain(`ledger: ${ledger.where}`);
    const row = (id: string) => out.split('\n').find((l) => l.startsWith(id))?.split(/\s{2,}/);
    expect(row(requestId(R.paymentsNew))).toEqual([requestId(R.paymentsNew), 'Payments - Approver', 'submitted', 'created', 'waitingForCallback', '10m of PT1H', 'deny (sent)']);
    expect(row(requestId(R.paymentsSent))?.at(-1)).toBe('none');
    const fromEnv = await run(['--package', PAYMENTS, '--json'], { env: { DECISION_LEDGER_URL: LEDGER_URL }, openLedger });
    const listed = JSON.parse(fromEnv.out) as { requests: { id: string; stageFrom: string; ledger: unknown }[] };
    expect(listed.requests.find((r) => r.id === requestId(R.paymentsNew))).toMatchObject({ stageFrom: 'ledger', ledger: { found: true, decision: 'deny', state: 'sent', decidedBy: 'callout', stage: 'assignmentRequestCreated' } });
    expect(listed.requests.find((r) => r.id === requestId(R.paymentsSent))).toMatchObject({ ledger: { found: false } });
  });

  test('a ledger that cannot be read is exit 1, one line', async () => {
    const broken: DecisionLedger = { ...createMemoryLedger(), where: 'table decisions at nowhere', read: () => Promise.reject(new Error('ECONNREFUSED')) };
    const { code, err } = await run(['--catalog', IT, '--ledger', LEDGER_URL], { openLedger: () => broken });
    expect(code).toBe(1);
    expect(err).toBe('requests: the decision ledger (table decisions at nowhere) could not be read: Error: ECONNREFUSED\n');
  });

  test('a big tenant is paged, with progress on stderr; nothing waits past the last page unseen', async () => {
    emulator.governance.pageSize = 2;
    const { code, out, err } = await run([]);
    expect(code).toBe(0);
    expect(err).toMatch(/^requests: page 2, 4 requests read, \d+ with a callout open or given up on$/m);
    expect(out).toMatch(/4 waiting \(0 past the callback window\); \d+ request\(s\) read in \d+ page\(s\)/);
  });

  test('a v1.0 that does not list the callout instances: beta is read for the requests that wait', async () => {
    emulator.requests.v1ListsCalloutInstances = false;
    expect(ids(await json(['--catalog', FINANCE]))).toEqual([R.vendorApproved, R.paymentsSent, R.paymentsNew].map(requestId));
    expect(emulator.calls({ pathIncludes: `/beta/identityGovernance/entitlementManagement/assignmentRequests/${requestId(R.paymentsNew)}` }).length).toBeGreaterThan(0);
  });
});

describe('Graph failing or refusing: one line, exit 1', () => {
  afterAll(() => { emulator.faults.clear(); });

  test('a package whose catalog Graph will not expand: give --catalog', async () => {
    emulator.faults.add({ service: 'graph', path: `/accessPackages/${VENDOR}`, action: { status: 400 } });
    const { code, err } = await run(['--package', VENDOR]);
    expect(code).toBe(1);
    expect(err).toMatch(/^requests: Graph answered 400 \S+ to GET v1\.0 \/identityGovernance\/entitlementManagement\/accessPackages\/b1c2d3e4-0002-4000-8000-00000000b002 with \$expand=catalog; give the catalog with --catalog <id>\n$/);
    expect(ids(await json(['--package', VENDOR, '--catalog', FINANCE]))).toEqual([requestId(R.vendorApproved)]);
  });

  test('the request list refused (403) names the permission; a 503 is retried', async () => {
    emulator.faults.add({ service: 'graph', path: '/assignmentRequests', action: { status: 403 } });
    const refused = await run(['--catalog', IT]);
    expect(refused).toMatchObject({ code: 1, err: expect.stringMatching(/^requests: Graph refused GET v1\.0 \/identityGovernance\/entitlementManagement\/assignmentRequests \(403 \S+\): the signed-in identity needs EntitlementManagement\.Read\.All\n$/) as unknown });
    emulator.faults.add({ service: 'graph', path: '/assignmentRequests', action: { status: 503, retryAfter: 0 } });
    expect(ids(await json(['--catalog', IT]))).toEqual([requestId(R.laptops)]);
  });
});

describe('ages', () => {
  test('for people: minutes, hours and minutes, days and hours', () => {
    expect([0, 59_999, 42 * MINUTE, 185 * MINUTE, (2 * 24 + 4) * 60 * MINUTE + 59 * MINUTE].map(formatAge)).toEqual(['<1m', '<1m', '42m', '3h 05m', '2d 04h']);
  });

  test('past a duration: calendar months from the creation, exact time otherwise; unknown without a creation time', () => {
    const created = '2026-01-31T00:00:00Z';
    expect(isPast(created, parseIsoDuration('P1M'), Date.parse('2026-02-28T00:00:00Z'))).toBe(true);
    expect(isPast(created, parseIsoDuration('P1M'), Date.parse('2026-02-27T23:59:59Z'))).toBe(false);
    expect(isPast(created, parseIsoDuration('PT1H'), Date.parse('2026-01-31T01:00:00Z'))).toBe(true);
    expect(isPast(undefined, parseIsoDuration('PT1H'), NOW)).toBeUndefined();
  });
});

describe('misuse: one line on stderr and the usage, exit 2', () => {
  test.each([
    [['--catalog', 'finance'], 'requests: --catalog must be a GUID, not "finance"'],
    [['--package', '1234'], 'requests: --package must be a GUID, not "1234"'],
    [['--extension', 'x'], 'requests: --extension must be a GUID, not "x"'],
    [['--older-than', '30 minutes'], 'requests: --older-than must be an ISO 8601 duration such as PT30M or P1D, not "30 minutes"'],
    [['--extension', IT, '--name', 'x'], 'requests: give --extension <id> or --name <display name>, not both'],
    [['--name', ' '], 'requests: --name must not be empty'],
    [['--ledger', `${LEDGER_URL}?sv=2024&sig=x`], 'requests: --ledger must carry no query (no SAS token), fragment or credentials: the managed identity signs in'],
    [['--live'], 'requests: --live needs --tenant-id <tenant id>'],
    [['--state', 'x'], expect.stringMatching(/^requests: Unknown option '--state'$/) as unknown],
    [['stray'], expect.stringMatching(/^requests: .*stray/) as unknown],
  ])('%j', async (argv, message) => {
    const { code, out, err } = await run(argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    const [line, ...usage] = err.split('\n');
    expect(line).toEqual(message);
    expect(usage.join('\n')).toBe(`\n${REQUESTS_USAGE}\n`);
  });

  test('DECISION_LEDGER_URL that is not a table URL', async () => {
    const { code, err } = await run([], { env: { DECISION_LEDGER_URL: 'http://example.com/t' } });
    expect(code).toBe(2);
    expect(err).toBe(`requests: DECISION_LEDGER_URL must be an https URL such as https://<account>.table.core.windows.net/<table>\n\n${REQUESTS_USAGE}\n`);
  });

  test('an unknown catalog or package, a catalog without our extension: exit 2, saying which', async () => {
    const unknown = '99999999-9999-4999-8999-999999999999';
    expect(await run(['--catalog', unknown])).toMatchObject({ code: 2, err: `requests: no catalog ${unknown} in the tenant (Graph answered 404)\n` });
    expect(await run(['--package', unknown])).toMatchObject({ code: 2, err: `requests: no access package ${unknown} in the tenant (Graph answered 404)\n` });
    expect(await run(['--catalog', EMPTY])).toMatchObject({
      code: 2,
      err: `requests: no custom extension "entitlement-guard" in catalog Empty (${EMPTY}): register it (npm run register -- --catalog ${EMPTY}) or name ours with --name or --extension\n`,
    });
  });

  test('--help prints the usage on stdout, exit 0', async () => {
    const { code, out, err } = await run(['--help']);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toMatch(/^Usage: npm run requests -- \[--catalog <id>\] \[--package <id>\] \[options\]/);
    for (const flag of ['--catalog', '--package', '--extension', '--name', '--older-than', '--timed-out', '--ledger', '--json', '--tenant', '--live']) expect(out).toContain(flag);
  });
});

describe('the ledger in Azure Table Storage (Azurite, OAuth with the managed identity)', () => {
  let azurite: AzuriteTables;
  beforeAll(async () => {
    azurite = await startAzuriteTables({ emulator });
  }, 60_000);
  afterAll(() => azurite.stop());

  test('the decision written by the function is read back by request and stage instance id', async () => {
    const url = await azurite.createTable('requestsledger');
    const location = ledgerLocation(url) as LedgerLocation;
    const table = (l: LedgerLocation) => createTableLedger(l, new TableClient(l.accountUrl, l.table, emulatorCredential(emulator)));
    await table(location).claim(entry(R.laptops, { decision: 'continue', state: 'confirmed', stage: 'assignmentRequestCreated', stageInstanceId: instanceId(R.laptops).toUpperCase() }));
    const { code, out, err } = await run(['--catalog', IT, '--ledger', url], { openLedger: table });
    expect(code, err).toBe(0);
    expect(out).toContain('ledger: table requestsledger at ');
    expect(out.split('\n').find((l) => l.startsWith(requestId(R.laptops)))?.split(/\s{2,}/).at(-1)).toBe('continue (confirmed)');
  });
});
