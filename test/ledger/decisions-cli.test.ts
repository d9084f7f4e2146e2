// `npm run decisions`, run in-process against Azurite tables over HTTPS with OAuth: entries written
// through the product's table ledger (built as src/composition.ts builds it), read back by the CLI
// with each filter, in each format; a --user UPN resolved through the tenant emulator's Graph.
import { TableClient } from '@azure/data-tables';
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueServerCertificate, type TenantEmulator } from '../../emulator/index.js';
import { decisionsCli, type DecisionsCliOptions } from '../../scripts/decisions/decisions-cli.js';
import { createManagedIdentityCredential } from '../../src/graph/managed-identity.js';
import { DECISIONS_CSV_COLUMNS, decisionsBrief } from '../../src/ledger/decisions-cli/format.js';
import { isLocalAzurite, localAzuriteHint } from '../../src/ledger/decisions-cli/local-azurite.js';
import { DECISIONS_USAGE, MAX_ENTRIES } from '../../src/ledger/decisions-cli/parse-args.js';
import { ledgerKey, type LedgerEntry } from '../../src/ledger/ledger.js';
import { ledgerLocation, type LedgerLocation } from '../../src/ledger/ledger-url.js';
import { createTableLedger } from '../../src/ledger/table-ledger.js';
import type { Clock } from '../../src/ports.js';
import { startAzuriteTables, type AzuriteTables } from '../support/azurite-tables.js';
import { startTestEmulator } from '../support/emulator.js';

/** Users of the sample tenant (emulator/tenants/contoso.json). */
const AVERY = 'a7529cd7-a86d-4455-8c43-00e7495481b0';
const MORGAN = '48ac3ed1-9245-4cf4-a110-6848de533e94';
const RILEY = '598d51ac-3d3e-446d-889d-6a6fd05db948';

const id = (n: number) => `1ed9e0c1-0000-4000-8000-${String(n).padStart(12, '0')}`;
const R1 = id(1);
const R2 = id(2);
const R4 = id(4);
const T1 = id(11);
const T2 = id(12);
const P1 = id(21);
const P2 = id(22);
const CALLER = id(31);

const TRICKY_DETAIL = 'Denied: "finance, payroll" conflict\nsecond line';
const LONG_DETAIL = `The task failed because ${'the user still holds a privileged role '.repeat(3)}end`;

function elm(request: string, stageInstance: string, over: Partial<LedgerEntry>): LedgerEntry {
  return {
    key: ledgerKey(request, stageInstance),
    protocol: 'elm',
    decision: 'continue',
    detail: 'No check applies to this stage.',
    resume: { apiVersion: 'v1.0', path: `/identityGovernance/entitlementManagement/assignmentRequests/${request}/resume`, body: { source: 'entitlement-guard', type: 'microsoft.graph.accessPackageCustomExtensionStageInstance' } },
    stage: 'assignmentRequestCreated',
    stageInstanceId: stageInstance.toUpperCase(),
    policy: { version: 'sha256:0123456789abcdef', scopes: ['everyone', 'finance'] },
    findings: [],
    callerAppId: CALLER,
    decidedBy: 'callout',
    operator: undefined,
    reason: undefined,
    subject: { catalogId: id(41), accessPackageId: P1, targetObjectId: AVERY, requestType: 'userAdd' },
    state: 'confirmed',
    decidedAt: '2026-01-05T10:00:00.000Z',
    sentAt: '2026-01-05T10:00:01.000Z',
    confirmedAt: '2026-01-05T10:00:02.000Z',
    refusedBody: undefined,
    ...over,
  };
}

function lcw(task: string, over: Partial<LedgerEntry>): LedgerEntry {
  return elm(task, 'task', {
    key: ledgerKey(task, undefined),
    protocol: 'lcw',
    decision: 'complete',
    resume: { apiVersion: 'beta', path: `/identityGovernance/lifecycleWorkflows/workflows/${id(51)}/tasks/${id(52)}/taskProcessingResults/${task}/resume`, body: { source: 'entitlement-guard' } },
    stage: undefined,
    stageInstanceId: undefined,
    subject: { catalogId: undefined, accessPackageId: undefined, targetObjectId: MORGAN, requestType: undefined },
    ...over,
  });
}

const E1 = elm(R1, id(101), {});
const E2 = elm(R1, id(102), { decision: 'approval-stage', detail: "No approver policy applies; the requestor's manager approves.", stage: 'assignmentRequestDeterminingApprovalRequirements', decidedAt: '2026-01-05T10:05:00.000Z', state: 'sent', confirmedAt: undefined });
const E3 = elm(R2, id(103), {
  decision: 'deny',
  detail: TRICKY_DETAIL,
  decidedBy: 'operator',
  operator: 'auditor@contoso.example',
  reason: 'SoD review, ticket 42',
  callerAppId: undefined,
  findings: [{ check: 'separation-of-duties', outcome: 'failed', message: 'Holds Payments and Vendors' }],
  subject: { catalogId: id(41), accessPackageId: P2, targetObjectId: MORGAN, requestType: 'userAdd' },
  decidedAt: '2026-01-20T08:00:00.000Z',
  state: 'decided',
  sentAt: undefined,
  confirmedAt: undefined,
});
const E4 = lcw(T1, { decidedBy: 'sweeper', decidedAt: '2026-02-01T00:00:00.000Z', detail: 'No check applies to this task.' });
const E5 = lcw(T2, { decision: 'fail', detail: LONG_DETAIL, decidedAt: '2026-02-01T23:59:59.000Z', subject: { catalogId: undefined, accessPackageId: undefined, targetObjectId: RILEY, requestType: undefined } });
const E6 = elm(R4, id(106), { decidedAt: '2026-02-02T00:00:00.000Z', policy: undefined, subject: { catalogId: id(42), accessPackageId: P2, targetObjectId: AVERY, requestType: 'userExtend' } });
const ALL = [E1, E2, E3, E4, E5, E6];

let emulator: TenantEmulator;
let azurite: AzuriteTables;
let ledgerUrl: string;

const location = (url: string): LedgerLocation => {
  const found = ledgerLocation(url);
  if ('problem' in found) throw new Error(found.problem);
  return found;
};

beforeAll(async () => {
  emulator = await startTestEmulator();
  // @azure/identity reads the App Service managed identity endpoint from the process environment.
  const env = emulator.appEnv();
  process.env['IDENTITY_ENDPOINT'] = env['IDENTITY_ENDPOINT'];
  process.env['IDENTITY_HEADER'] = env['IDENTITY_HEADER'];
  azurite = await startAzuriteTables({ emulator });
  ledgerUrl = await azurite.createTable('decisions');
  // Written by the product's ledger, as the function writes them (out of order: the CLI sorts).
  const where = location(ledgerUrl);
  const ledger = createTableLedger(where, new TableClient(where.accountUrl, where.table, createManagedIdentityCredential(emulator.managedIdentityClientId)));
  for (const entry of [E6, E3, E1, E5, E2, E4]) expect((await ledger.claim(entry)).won).toBe(true);
});

afterAll(async () => {
  await Promise.all([azurite.stop(), emulator.close()]);
});

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly ms: number;
}

/** The command with these options, as scripts/decisions.ts runs it (no credential given: the operator's own, or Azurite's key). */
async function run(argv: readonly string[], options: DecisionsCliOptions): Promise<Run> {
  let out = '';
  let err = '';
  const started = performance.now();
  const code = await decisionsCli(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } }, options);
  return { code, out, err, ms: performance.now() - started };
}

function cli(argv: readonly string[], options: Partial<DecisionsCliOptions> = {}): Promise<Run> {
  return run(argv, {
    env: {},
    // The emulator's managed identity stands in for the operator's sign-in: Azurite takes its tokens.
    tableCredential: createManagedIdentityCredential(emulator.managedIdentityClientId),
    openEmulator: () => Promise.resolve({ emulator, close: () => Promise.resolve() }),
    ...options,
  });
}

/** The entries a --json run printed, reduced to their keys. */
async function jsonKeys(argv: readonly string[]): Promise<string[]> {
  const run = await cli([...argv, '--ledger', ledgerUrl, '--json']);
  expect(run.code, run.err).toBe(0);
  return (JSON.parse(run.out) as LedgerEntry[]).map((e) => `${e.key.subject}/${e.key.stageInstance}`);
}
const keys = (...entries: LedgerEntry[]) => entries.map((e) => `${e.key.subject}/${e.key.stageInstance}`);

/** A JSON value as --json prints an entry: every property present, null where it has none. */
const withNulls = (entry: LedgerEntry): unknown => JSON.parse(JSON.stringify(entry, (_k, v: unknown) => (v === undefined ? null : v)));

/** RFC 4180 read back: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += c;
  }
  expect(cell).toBe('');
  return rows;
}

describe('filters', () => {
  it('none: every entry, oldest first', async () => {
    expect(await jsonKeys([])).toEqual(keys(...ALL));
  });

  it('--request: the request\'s entries, the id in any casing', async () => {
    expect(await jsonKeys(['--request', R1])).toEqual(keys(E1, E2));
    expect(await jsonKeys(['--request', R1.toUpperCase()])).toEqual(keys(E1, E2));
    expect(await jsonKeys(['--request', T1])).toEqual(keys(E4));
  });

  it('--user by object id', async () => {
    expect(await jsonKeys(['--user', AVERY])).toEqual(keys(E1, E2, E6));
    expect(await jsonKeys(['--user', MORGAN.toUpperCase()])).toEqual(keys(E3, E4));
  });

  it('--user by UPN: resolved to the object id through the emulator\'s Graph', async () => {
    const before = emulator.calls({ service: 'graph' }).length;
    const run = await cli(['--ledger', ledgerUrl, '--user', 'avery@contoso.example', '--json']);
    expect(run.code, run.err).toBe(0);
    expect((JSON.parse(run.out) as LedgerEntry[]).map((e) => e.subject.targetObjectId)).toEqual([AVERY, AVERY, AVERY]);
    expect(run.err).toBe(`decisions: avery@contoso.example is user ${AVERY}\n`);
    const reads = emulator.calls({ service: 'graph' }).slice(before);
    expect(reads.map((c) => [c.method, c.path.split('?')[0]])).toEqual([['GET', '/v1.0/users/avery@contoso.example']]);
  });

  it('--package', async () => {
    expect(await jsonKeys(['--package', P2])).toEqual(keys(E3, E6));
  });

  it.each([
    ['continue', [E1, E6]],
    ['deny', [E3]],
    ['approval-stage', [E2]],
    ['complete', [E4]],
    ['fail', [E5]],
  ] as const)('--decision %s', async (decision, expected) => {
    expect(await jsonKeys(['--decision', decision])).toEqual(keys(...expected));
  });

  it('--from and --to: from inclusive, to exclusive; a date alone for --to includes its whole day', async () => {
    expect(await jsonKeys(['--from', '2026-02-01'])).toEqual(keys(E4, E5, E6));
    expect(await jsonKeys(['--to', '2026-02-01'])).toEqual(keys(E1, E2, E3, E4, E5));
    expect(await jsonKeys(['--to', '2026-02-01T00:00:00Z'])).toEqual(keys(E1, E2, E3));
    expect(await jsonKeys(['--from', '2026-01-05T10:05:00Z', '--to', '2026-01-20'])).toEqual(keys(E2, E3));
    expect(await jsonKeys(['--from', '2026-01-05T11:05:00+01:00', '--to', '2026-01-05T10:05:00.001Z'])).toEqual(keys(E2));
  });

  it('every filter given must hold', async () => {
    expect(await jsonKeys(['--user', AVERY, '--decision', 'continue', '--package', P1])).toEqual(keys(E1));
    expect(await jsonKeys(['--user', AVERY, '--decision', 'continue', '--from', '2026-01-06'])).toEqual(keys(E6));
    expect(await jsonKeys(['--request', R2, '--decision', 'continue'])).toEqual([]);
  });

  it('DECISION_LEDGER_URL when --ledger is not given', async () => {
    const run = await cli(['--request', R2, '--json'], { env: { DECISION_LEDGER_URL: ledgerUrl } });
    expect(run.code, run.err).toBe(0);
    expect((JSON.parse(run.out) as LedgerEntry[]).map((e) => e.decision)).toEqual(['deny']);
  });
});

describe('formats', () => {
  it('a table by default: decided at, request, stage, decision, decided by, state, policy, detail truncated', async () => {
    const run = await cli(['--ledger', ledgerUrl]);
    expect(run.code, run.err).toBe(0);
    expect(run.err).toBe('');
    const lines = run.out.split('\n');
    expect(lines[0]).toBe(`Decision ledger: table decisions at ${azurite.accountUrl}; all entries`);
    expect(lines[2]).toMatch(/^DECIDED AT \(UTC\) +REQUEST +STAGE +DECISION +DECIDED BY +STATE +POLICY +DETAIL$/);
    const rows = lines.slice(3, 9);
    expect(rows.map((r) => r.split(/ {2,}/).slice(0, 7))).toEqual([
      ['2026-01-05 10:00:00Z', R1, 'created', 'continue', 'callout', 'confirmed', 'sha256:0123456789abcdef'],
      ['2026-01-05 10:05:00Z', R1, 'determiningApprovalRequirements', 'approval-stage', 'callout', 'sent', 'sha256:0123456789abcdef'],
      ['2026-01-20 08:00:00Z', R2, 'created', 'deny', 'operator auditor@contoso.example', 'decided', 'sha256:0123456789abcdef'],
      ['2026-02-01 00:00:00Z', T1, 'lcw task', 'complete', 'sweeper', 'confirmed', 'sha256:0123456789abcdef'],
      ['2026-02-01 23:59:59Z', T2, 'lcw task', 'fail', 'callout', 'confirmed', 'sha256:0123456789abcdef'],
      ['2026-02-02 00:00:00Z', R4, 'created', 'continue', 'callout', 'confirmed', '-'],
    ]);
    // The detail on one line, cut to 60 characters.
    expect(rows[2]).toMatch(/ {2}Denied: "finance, payroll" conflict second line$/);
    expect(rows[4]).toContain(`  ${LONG_DETAIL.slice(0, 59)}…`);
    expect(rows[4]).not.toContain(LONG_DETAIL);
    // Columns line up: every row's request starts where the heading's does.
    const at = lines[2]?.indexOf('REQUEST');
    for (const row of rows) expect(row.indexOf('1ed9e0c1')).toBe(at);
    expect(lines.slice(9)).toEqual(['', '6 decisions.', '']);
  });

  it('in brief, as the demo prints it: the request shortened, stage, decision, decided by, state; within 120 columns', () => {
    const long = elm(id(7), id(107), { decidedBy: 'operator', operator: `${'x'.repeat(60)}@contoso.example`, stage: 'assignmentRequestDeterminingApprovalRequirements', decision: 'approval-stage', state: 'decided' });
    const lines = decisionsBrief([...ALL, long], '  ').split('\n');
    expect(lines[0]).toMatch(/^ {2}REQUEST +STAGE +DECISION +DECIDED BY +STATE$/);
    expect(lines.slice(1, 8).map((l) => l.trim().split(/ {2,}/))).toEqual([
      ['1ed9e0c1…0001', 'created', 'continue', 'callout', 'confirmed'],
      ['1ed9e0c1…0001', 'determiningApprovalRequirements', 'approval-stage', 'callout', 'sent'],
      ['1ed9e0c1…0002', 'created', 'deny', 'operator auditor@contoso.example', 'decided'],
      ['1ed9e0c1…0011', 'lcw task', 'complete', 'sweeper', 'confirmed'],
      ['1ed9e0c1…0012', 'lcw task', 'fail', 'callout', 'confirmed'],
      ['1ed9e0c1…0004', 'created', 'continue', 'callout', 'confirmed'],
      ['1ed9e0c1…0007', 'determiningApprovalRequirements', 'approval-stage', `operator ${'x'.repeat(30)}…`, 'decided'],
    ]);
    expect(lines.slice(8)).toEqual(['']);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(120);
  });

  it('the table names the filters', async () => {
    const run = await cli(['--ledger', ledgerUrl, '--user', 'morgan@contoso.example', '--decision', 'deny', '--from', '2026-01-01']);
    expect(run.code, run.err).toBe(0);
    expect(run.out.split('\n')[0]).toBe(`Decision ledger: table decisions at ${azurite.accountUrl}; user morgan@contoso.example (${MORGAN}), decision deny, from 2026-01-01T00:00:00.000Z`);
    expect(run.out).toContain('\n1 decision.\n');
  });

  it('--json: an array of the entries, whole, every property present', async () => {
    const run = await cli(['--ledger', ledgerUrl, '--json']);
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toEqual(ALL.map(withNulls));
    expect((JSON.parse(run.out) as Record<string, unknown>[])[2]).toMatchObject({ detail: TRICKY_DETAIL, operator: 'auditor@contoso.example', sentAt: null, refusedBody: null });
  });

  it('--csv: RFC 4180, a header and one row per entry, fixed columns; commas, quotes and newlines quoted', async () => {
    const run = await cli(['--ledger', ledgerUrl, '--csv']);
    expect(run.code, run.err).toBe(0);
    expect(run.out.endsWith('\r\n')).toBe(true);
    expect(run.out.split('\r\n')[0]).toBe(DECISIONS_CSV_COLUMNS.join(','));
    expect(DECISIONS_CSV_COLUMNS).toEqual([
      'decided_at', 'request_id', 'stage_instance_id', 'protocol', 'stage', 'request_type', 'decision', 'detail', 'decided_by', 'operator', 'reason', 'caller_app_id',
      'state', 'sent_at', 'confirmed_at', 'policy_version', 'policy_scopes', 'findings', 'catalog_id', 'access_package_id', 'target_object_id', 'resume_api_version', 'resume_path',
    ]);
    expect(run.out).toContain(',"Denied: ""finance, payroll"" conflict\nsecond line",operator,auditor@contoso.example,"SoD review, ticket 42",,decided,');
    const rows = parseCsv(run.out);
    expect(rows).toHaveLength(7);
    for (const row of rows) expect(row).toHaveLength(DECISIONS_CSV_COLUMNS.length);
    const column = (name: (typeof DECISIONS_CSV_COLUMNS)[number]) => DECISIONS_CSV_COLUMNS.indexOf(name);
    const deny = rows[3] ?? [];
    expect(deny[column('detail')]).toBe(TRICKY_DETAIL);
    expect(deny[column('findings')]).toBe('separation-of-duties failed: Holds Payments and Vendors');
    expect(deny[column('policy_scopes')]).toBe('everyone; finance');
    expect(deny[column('sent_at')]).toBe('');
    expect(rows.slice(1).map((r) => [r[column('decided_at')], r[column('request_id')], r[column('stage_instance_id')], r[column('decision')], r[column('target_object_id')]])).toEqual(
      ALL.map((e) => [e.decidedAt, e.key.subject, e.key.stageInstance, e.decision, e.subject.targetObjectId]),
    );
    expect(rows[4]?.[column('stage_instance_id')]).toBe('task');
    expect(rows[5]?.[column('detail')]).toBe(LONG_DETAIL);
  });
});

describe('an empty result', () => {
  const nobody = randomUUID();
  it('in each format', async () => {
    const table = await cli(['--ledger', ledgerUrl, '--request', nobody]);
    expect(table).toMatchObject({ code: 0, err: '' });
    expect(table.out).toBe(`Decision ledger: table decisions at ${azurite.accountUrl}; request ${nobody}\n\nNo decisions match.\n`);
    expect(await cli(['--ledger', ledgerUrl, '--request', nobody, '--json'])).toMatchObject({ code: 0, out: '[]\n', err: '' });
    expect(await cli(['--ledger', ledgerUrl, '--request', nobody, '--csv'])).toMatchObject({ code: 0, out: `${DECISIONS_CSV_COLUMNS.join(',')}\r\n`, err: '' });
  });
});

describe('usage', () => {
  it('--help prints the usage', async () => {
    const run = await cli(['--help']);
    expect(run).toMatchObject({ code: 0, out: `${DECISIONS_USAGE}\n`, err: '' });
    expect(run.out).toContain('Usage: npm run decisions --');
    for (const flag of ['--request', '--user', '--package', '--decision', '--from', '--to', '--ledger', '--json', '--csv', '--live']) expect(run.out).toContain(flag);
  });

  it.each([
    ['no ledger given', [], 'no ledger to read: give --ledger <table URL> (https://<account>.table.core.windows.net/<table>) or set DECISION_LEDGER_URL'],
    ['a ledger URL with a SAS token', ['--ledger', 'https://acct.table.core.windows.net/decisions?sig=x'], '--ledger must carry no query (no SAS token), fragment or credentials: the managed identity signs in'],
    ['a ledger URL over http', ['--ledger', 'http://acct.table.core.windows.net/decisions'], '--ledger must be an https URL such as https://<account>.table.core.windows.net/<table>'],
    ['a request id that is not a GUID', ['--L', '--request', 'req-1'], '--request must be a GUID, not "req-1"'],
    ['a package id that is not a GUID', ['--L', '--package', '42'], '--package must be a GUID, not "42"'],
    ['a user that is neither', ['--L', '--user', 'avery'], '--user must be an object id (GUID) or a user principal name (name@domain), not "avery"'],
    ['an unknown decision', ['--L', '--decision', 'none'], '--decision must be one of continue, deny, approval-stage, complete, fail, approve, auto-approve, not "none"'],
    ['a date that does not exist', ['--L', '--from', '2026-02-30'], '--from must be an ISO date (2025-01-31) or date and time with a zone (2025-01-31T09:00:00Z), not "2026-02-30"'],
    ['a time without a zone', ['--L', '--to', '2026-02-01T10:00:00'], '--to must be an ISO date (2025-01-31) or date and time with a zone (2025-01-31T09:00:00Z), not "2026-02-01T10:00:00"'],
    ['not a date', ['--L', '--from', 'yesterday'], '--from must be an ISO date (2025-01-31) or date and time with a zone (2025-01-31T09:00:00Z), not "yesterday"'],
    ['--from after --to', ['--L', '--from', '2026-02-02', '--to', '2026-02-01T00:00:00Z'], '--from (2026-02-02T00:00:00.000Z) must be before --to (2026-02-01T00:00:00.000Z)'],
    ['two formats', ['--L', '--json', '--csv'], '--json and --csv cannot be given together: choose one format'],
    ['an unknown option', ['--L', '--since', '2026-01-01'], /^Unknown option '--since'/],
    ['a positional argument', ['--L', 'deny'], /^Unexpected argument 'deny'/],
    ['an empty value', ['--L', '--request', ''], '--request needs a value'],
    ['--tenant without a UPN', ['--L', '--user', AVERY, '--tenant', 'emulator/tenants/contoso.json'], '--tenant names the tenant a --user UPN is resolved in; give it only with --user <UPN>'],
    ['--live without a tenant id', ['--L', '--live'], '--live needs --tenant-id <tenant id>'],
    ['--tenant-id without --live', ['--L', '--tenant-id', AVERY], '--tenant-id and --graph are for --live'],
  ])('%s: exit 2, one line', async (_name, argv, message) => {
    const run = await cli(argv.flatMap((a) => (a === '--L' ? ['--ledger', 'https://acct.table.core.windows.net/decisions'] : [a])));
    expect(run).toMatchObject({ code: 2, out: '' });
    const [line = '', ...usage] = run.err.split('\n');
    expect(usage.join('\n')).toBe(`\n${DECISIONS_USAGE}\n`);
    if (typeof message === 'string') expect(line).toBe(`decisions: ${message}`);
    else expect(line.slice('decisions: '.length)).toMatch(message);
  });

  it('an invalid DECISION_LEDGER_URL is named', async () => {
    const run = await cli([], { env: { DECISION_LEDGER_URL: 'https://127.0.0.1:10002/decisions' } });
    expect(run).toMatchObject({ code: 2, out: '', err: `decisions: DECISION_LEDGER_URL on an IP host must be https://<host>:<port>/<account>/<table>\n\n${DECISIONS_USAGE}\n` });
  });

  it('an unknown UPN: exit 2, naming the emulator and what to give instead', async () => {
    const run = await cli(['--ledger', ledgerUrl, '--user', 'nobody@contoso.example']);
    expect(run).toMatchObject({ code: 2, out: '' });
    expect(run.err).toBe('decisions: No user nobody@contoso.example in the tenant emulator (contoso.json) (Graph answered 404); for a real tenant give --live --tenant-id <id>, or give the user\'s object id\n');
  });

  it('a table that does not exist: exit 2, naming it', async () => {
    const run = await cli(['--ledger', azurite.tableUrl('nosuchtable')]);
    expect(run).toMatchObject({ code: 2, out: '' });
    expect(run.err).toBe(`decisions: the table nosuchtable at ${azurite.accountUrl} does not exist (404 TableNotFound); check --ledger\n`);
  });

  it('no sign-in: exit 1, saying how to sign in', async () => {
    const run = await cli(['--ledger', ledgerUrl], { tableCredential: { getToken: () => Promise.reject(new Error('Please run az login')) } });
    expect(run).toMatchObject({ code: 1, out: '' });
    expect(run.err).toBe('decisions: no token for Azure Storage: sign in (az login) or set a credential in the environment (Error: Please run az login)\n');
  });

  it('an entity the ledger cannot read: exit 1, naming it', async () => {
    const url = await azurite.createTable('malformed');
    const where = location(url);
    await new TableClient(where.accountUrl, where.table, createManagedIdentityCredential(emulator.managedIdentityClientId)).createEntity({ partitionKey: R1, rowKey: 'x', decision: 'maybe' });
    const run = await cli(['--ledger', url]);
    expect(run).toMatchObject({ code: 1, out: '' });
    expect(run.err).toMatch(new RegExp(`^decisions: reading the table malformed at .+ failed: the ledger entry ${R1}/x is malformed: its findings is not text\\n$`));
  });
});

describe('progress', () => {
  it('long reads say how many entries so far on stderr, never on stdout', async () => {
    let t = 0;
    const clock: Clock = { now: () => (t += 400), sleep: () => Promise.resolve() };
    const run = await cli(['--ledger', ledgerUrl, '--csv'], { clock, progressEveryMs: 1000 });
    expect(run.code, run.err).toBe(0);
    expect(run.err.split('\n').filter((l) => l !== '')).toEqual(['decisions: 3 entries read…', 'decisions: 6 entries read…']);
    expect(run.out).not.toContain('entries read');
  });
});

describe('a local Azurite (npm run demo -- --keep): its published development key, no sign-in', () => {
  it('read with no credential given, on 127.0.0.1 or localhost', async () => {
    for (const url of [ledgerUrl, ledgerUrl.replace('127.0.0.1', 'localhost')]) {
      const read = await run(['--ledger', url, '--json'], { env: {} });
      expect(read.code, read.err).toBe(0);
      expect((JSON.parse(read.out) as LedgerEntry[]).map((e) => e.key)).toEqual(ALL.map((e) => e.key));
    }
  });

  it('only Azurite\'s own account on a loopback host', () => {
    const local = (url: string) => isLocalAzurite(location(url));
    for (const url of ['https://127.0.0.1:10002/devstoreaccount1/decisions', 'https://localhost:10002/devstoreaccount1/t1x', 'https://[::1]:10002/devstoreaccount1/decisions', 'https://127.0.0.2:443/devstoreaccount1/decisions']) {
      expect(local(url), url).toBe(true);
    }
    for (const url of ['https://10.0.0.5:10002/devstoreaccount1/decisions', 'https://127.0.0.1:10002/myaccount/decisions', 'https://devstoreaccount1.table.core.windows.net/decisions']) {
      expect(local(url), url).toBe(false);
    }
  });

  /** A server on a loopback port for one run of the command, closed after. */
  async function against(server: Server, argv: readonly string[] = [], options: Partial<DecisionsCliOptions> = {}): Promise<Run> {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      return await run(['--ledger', `https://127.0.0.1:${String(port)}/devstoreaccount1/decisions`, ...argv], { env: {}, ...options });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('nothing listening: exit 1 at once, one line saying the demo\'s ledger lives only while the demo runs', async () => {
    const closed = createHttpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await run(['--ledger', `https://127.0.0.1:${String(port)}/devstoreaccount1/decisions`], { env: {} });
    expect(refused).toMatchObject({ code: 1, out: '' });
    expect(refused.err).toBe(`decisions: the table decisions at https://127.0.0.1:${String(port)}/devstoreaccount1 could not be reached (ECONNREFUSED): ${localAzuriteHint('ECONNREFUSED') ?? ''}\n`);
    expect(refused.err).toContain('npm run demo -- --keep');
    expect(refused.ms).toBeLessThan(5000);
  });

  it('a certificate this process does not trust, or no HTTPS: exit 1, one line saying what to do', async () => {
    const untrusted = await issueServerCertificate(await createCertificateAuthority('untrusted test CA'));
    const tls = await against(createHttpsServer({ cert: untrusted.certPem, key: untrusted.keyPem }));
    expect(tls).toMatchObject({ code: 1, out: '' });
    expect(tls.err).toMatch(/^decisions: the table decisions at \S+ could not be reached \([A-Z_]+\): its certificate is not trusted: export NODE_EXTRA_CA_CERTS=<its CA's PEM file> \(npm run demo -- --keep prints the demo's\)\n$/);
    const plain = await against(createHttpServer((_req, res) => res.end()));
    expect(plain).toMatchObject({ code: 1, out: '' });
    expect(plain.err).toMatch(/could not be reached \((EPROTO|ERR_SSL_WRONG_VERSION_NUMBER)\): it does not answer HTTPS: start Azurite with --cert and --key/);
  });

  it('the key signs the reads, no token; a CA given (the operator\'s NODE_EXTRA_CA_CERTS past the rerun) is trusted', async () => {
    const ca = await createCertificateAuthority('test Azurite CA');
    const certificate = await issueServerCertificate(ca);
    const signedWith: (string | undefined)[] = [];
    const server = createHttpsServer({ cert: certificate.certPem, key: certificate.keyPem }, (req, res) => {
      signedWith.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json;odata=nometadata' }).end('{"value":[]}');
    });
    expect(await against(server, ['--json'], { ledgerCa: ca.certPem })).toMatchObject({ code: 0, out: '[]\n', err: '' });
    expect(signedWith).toEqual([expect.stringMatching(/^SharedKeyLite devstoreaccount1:\S+$/)]);
  });
});

describe('a cap on the entries read (they are sorted in memory)', () => {
  it(`by default ${String(MAX_ENTRIES)}`, () => {
    expect(MAX_ENTRIES).toBe(50_000);
  });

  it('more entries match than the cap: exit 1, nothing on stdout, one line asking for a narrower query', async () => {
    for (const format of [[], ['--json'], ['--csv']]) {
      const over = await cli(['--ledger', ledgerUrl, ...format], { maxEntries: 5 });
      expect(over).toMatchObject({ code: 1, out: '' });
      expect(over.err).toBe('decisions: more than 5 entries match, too many to sort: narrow the query with --from/--to, --request, --user, --package or --decision\n');
    }
  });

  it('as many as the cap, or a query narrowed under it: read whole', async () => {
    const at = await cli(['--ledger', ledgerUrl, '--json'], { maxEntries: ALL.length });
    expect(at.code, at.err).toBe(0);
    expect(JSON.parse(at.out)).toHaveLength(ALL.length);
    const narrowed = await cli(['--ledger', ledgerUrl, '--json', '--from', '2026-02-01'], { maxEntries: 3 });
    expect(narrowed.code, narrowed.err).toBe(0);
    expect((JSON.parse(narrowed.out) as LedgerEntry[]).map((e) => e.key)).toEqual([E4, E5, E6].map((e) => e.key));
  });
});
