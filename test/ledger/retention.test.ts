// The ledger's retention: entries decided more than LEDGER_RETENTION_DAYS ago are purged, at most a
// bound per run, by the ledgerRetention timer; against the memory ledger and against Azurite tables
// over HTTPS with OAuth, the table reached with the product's managed identity credential.
import { TableClient } from '@azure/data-tables';
import { InvocationContext, type Timer } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { createLedgerRetentionJob, DEFAULT_RETENTION_SCHEDULE, registerLedgerRetention, retentionSchedule } from '../../functions/ledger-retention.js';
import { AppError } from '../../src/errors.js';
import { createManagedIdentityCredential } from '../../src/graph/managed-identity.js';
import { ledgerKey, type DecisionLedger, type LedgerEntry } from '../../src/ledger/ledger.js';
import { ledgerLocation, type LedgerLocation } from '../../src/ledger/ledger-url.js';
import { createMemoryLedger } from '../../src/ledger/memory-ledger.js';
import { PURGE_MAX_PER_RUN, purgeOldEntries, runRetention } from '../../src/ledger/purge-old-entries.js';
import { createTableLedger } from '../../src/ledger/table-ledger.js';
import type { Clock, LogFields, Logger } from '../../src/ports.js';
import { startAzuriteTables, type AzuriteTables } from '../support/azurite-tables.js';
import { startTestEmulator } from '../support/emulator.js';
import { recorder } from '../support/timer-recorder.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const fixedClock = (at = NOW): Clock => ({ now: () => at, sleep: () => Promise.resolve() });

/** An entry as a callout writes it, decided at `decidedAt`. */
function entry(decidedAt: number, request = randomUUID()): LedgerEntry {
  const stageInstance = randomUUID();
  return {
    key: ledgerKey(request, stageInstance),
    protocol: 'elm',
    decision: 'continue',
    detail: 'No check applies to this stage.',
    resume: { apiVersion: 'v1.0', path: `/identityGovernance/entitlementManagement/assignmentRequests/${request}/resume`, body: { source: 'entitlement-guard' } },
    stage: 'assignmentRequestCreated',
    stageInstanceId: stageInstance,
    policy: { version: 'sha256:0123456789abcdef', scopes: ['everyone'] },
    findings: [],
    callerAppId: randomUUID(),
    decidedBy: 'callout',
    operator: undefined,
    reason: undefined,
    subject: { catalogId: randomUUID(), accessPackageId: randomUUID(), targetObjectId: randomUUID(), requestType: 'userAdd' },
    state: 'sent',
    decidedAt: new Date(decidedAt).toISOString(),
    sentAt: new Date(decidedAt + 1000).toISOString(),
    confirmedAt: undefined,
    refusedBody: undefined,
  };
}

async function write(ledger: DecisionLedger, entries: readonly LedgerEntry[]): Promise<void> {
  for (const e of entries) expect((await ledger.claim(e)).won).toBe(true);
}

async function remaining(ledger: DecisionLedger): Promise<string[]> {
  const found: string[] = [];
  for await (const e of ledger.list({})) found.push(e.decidedAt);
  return found.sort();
}

interface Logged {
  readonly level: 'info' | 'warn' | 'error';
  readonly event: string;
  readonly fields: LogFields;
}

function recordingLogger(): Logger & { readonly lines: Logged[] } {
  const lines: Logged[] = [];
  return {
    lines,
    info: (event, fields) => { lines.push({ level: 'info', event, fields }); },
    warn: (event, fields) => { lines.push({ level: 'warn', event, fields }); },
    error: (event, fields) => { lines.push({ level: 'error', event, fields }); },
  };
}

/**
 * The retention rules, each run against a fresh ledger: the memory ledger, and a table of its own
 * in Azurite (created per case so cases do not see each other's entries).
 */
function retentionCases(name: string, fresh: () => Promise<DecisionLedger>): void {
  describe(`purging ${name}`, () => {
    it('deletes entries decided before now − days and keeps the rest (the cutoff itself stays)', async () => {
      const ledger = await fresh();
      const old = [NOW - 401 * DAY, NOW - 400 * DAY - 1];
      const recent = [NOW - 400 * DAY, NOW - 399 * DAY, NOW - DAY, NOW];
      await write(ledger, [...old, ...recent].map((t) => entry(t)));
      const result = await purgeOldEntries(ledger, fixedClock(), 400);
      expect(result).toEqual({ purged: 2, cutoff: new Date(NOW - 400 * DAY).toISOString(), moreRemain: false });
      expect(await remaining(ledger)).toEqual(recent.map((t) => new Date(t).toISOString()).sort());
      expect(await purgeOldEntries(ledger, fixedClock(), 400)).toMatchObject({ purged: 0, moreRemain: false });
    });

    it('deletes at most `max` entries a run and says when more remain', async () => {
      const ledger = await fresh();
      const old = Array.from({ length: 7 }, (_, i) => NOW - (31 + i) * DAY);
      await write(ledger, [...old.map((t) => entry(t)), entry(NOW - 2 * DAY)]);
      const runs = [];
      for (let i = 0; i < 4; i++) runs.push(await purgeOldEntries(ledger, fixedClock(), 30, 3));
      expect(runs.map((r) => [r.purged, r.moreRemain])).toEqual([[3, true], [3, true], [1, false], [0, false]]);
      expect(await remaining(ledger)).toEqual([new Date(NOW - 2 * DAY).toISOString()]);
    });

    it('reaching the bound with nothing left says no more remain', async () => {
      const ledger = await fresh();
      await write(ledger, [entry(NOW - 40 * DAY), entry(NOW - 50 * DAY), entry(NOW - 60 * DAY)]);
      expect(await purgeOldEntries(ledger, fixedClock(), 30, 3)).toMatchObject({ purged: 3, moreRemain: false });
      expect(await remaining(ledger)).toEqual([]);
    });

    it('logs one ledger.purged event with the count, the cutoff and whether more remain', async () => {
      const ledger = await fresh();
      await write(ledger, [entry(NOW - 100 * DAY), entry(NOW - 90 * DAY), entry(NOW - 10 * DAY)]);
      const logger = recordingLogger();
      const result = await runRetention({ ledger, clock: fixedClock(), logger, days: 30, max: 1 });
      expect(result).toMatchObject({ purged: 1, moreRemain: true });
      expect(logger.lines).toHaveLength(1);
      expect(logger.lines[0]).toMatchObject({
        level: 'info',
        event: 'ledger.purged',
        fields: { purged: 1, cutoff: new Date(NOW - 30 * DAY).toISOString(), moreRemain: true, max: 1, retentionDays: 30, ledger: ledger.where },
      });
      expect(logger.lines[0]?.fields['note']).toMatch(/bound of 1 entries per run was reached/);
      const second = recordingLogger();
      await runRetention({ ledger, clock: fixedClock(), logger: second, days: 30, max: 1 });
      expect(second.lines.map((l) => [l.event, l.fields['purged'], l.fields['moreRemain']])).toEqual([['ledger.purged', 1, false]]);
    });
  });
}

describe('purgeOldEntries and runRetention', () => {
  retentionCases('the memory ledger', () => Promise.resolve(createMemoryLedger()));

  it('bounds a run at 5 000 entries by default', async () => {
    expect(PURGE_MAX_PER_RUN).toBe(5000);
    const asked: number[] = [];
    const ledger = { ...createMemoryLedger(), purge: (_before: Date, max: number) => { asked.push(max); return Promise.resolve(0); } };
    await runRetention({ ledger, clock: fixedClock(), logger: recordingLogger(), days: 400 });
    expect(asked).toEqual([5000]);
  });

  it('a ledger that fails: ledger.purge-failed with LEDGER.UNAVAILABLE, thrown', async () => {
    const ledger: DecisionLedger = { ...createMemoryLedger(), where: 'table decisions at https://x', purge: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9')) };
    const logger = recordingLogger();
    const thrown = await runRetention({ ledger, clock: fixedClock(), logger, days: 400 }).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: 'LEDGER.UNAVAILABLE', message: `The decision ledger could not purge entries decided before ${new Date(NOW - 400 * DAY).toISOString()}.` });
    expect(logger.lines).toEqual([
      {
        level: 'error',
        event: 'ledger.purge-failed',
        fields: expect.objectContaining({ code: 'LEDGER.UNAVAILABLE', cause: 'Error: connect ECONNREFUSED 127.0.0.1:9', retentionDays: 400, ledger: 'table decisions at https://x' }) as LogFields,
      },
    ]);
  });

  it('refuses a retention or a bound below one', async () => {
    const ledger = createMemoryLedger();
    await expect(purgeOldEntries(ledger, fixedClock(), 0)).rejects.toThrow(RangeError);
    await expect(purgeOldEntries(ledger, fixedClock(), 30, 0)).rejects.toThrow(RangeError);
  });
});

/** The function's settings (no network is touched until the timer fires). */
const appEnv = (extra: Record<string, string> = {}) => ({
  AZURE_TENANT_ID: '0c6f5d3e-8a57-4f4e-9b1a-2d7c1a3e5f00',
  CALLOUT_AUDIENCE: 'api://entitlement-guard',
  ALLOWED_CALLER_APP_IDS: '5e1a7c2b-3d4f-4a6b-8c9d-0e1f2a3b4c5d',
  AZURE_CLIENT_ID: 'a3f2c1d0-9b8e-4d7c-a6b5-c4d3e2f1a0b9',
  IDENTITY_ENDPOINT: 'http://127.0.0.1:1/msi/token',
  IDENTITY_HEADER: 'x',
  ...extra,
});
const LEDGER = { DECISION_LEDGER_URL: 'https://contosoguard.table.core.windows.net/decisions' };

describe('the ledgerRetention timer', () => {
  it('is not registered without DECISION_LEDGER_URL', () => {
    const { registered, register } = recorder();
    expect(registerLedgerRetention(appEnv(), register)).toBe(false);
    expect(registered).toEqual([]);
  });

  it('is registered daily at 03:30 by default, or on LEDGER_RETENTION_SCHEDULE', () => {
    const { registered, register } = recorder();
    expect(registerLedgerRetention(appEnv(LEDGER), register)).toBe(true);
    expect(registerLedgerRetention(appEnv({ ...LEDGER, LEDGER_RETENTION_SCHEDULE: '  0 0 */6 * * * ' }), register)).toBe(true);
    expect(registered.map(([name, options]) => [name, options.schedule, options.runOnStartup])).toEqual([
      ['ledgerRetention', DEFAULT_RETENTION_SCHEDULE, false],
      ['ledgerRetention', '0 0 */6 * * *', false],
    ]);
    expect(DEFAULT_RETENTION_SCHEDULE).toBe('0 30 3 * * *');
    expect(createLedgerRetentionJob(appEnv({ ...LEDGER, LEDGER_RETENTION_DAYS: '30' }))).toMatchObject({ schedule: DEFAULT_RETENTION_SCHEDULE, days: 30 });
    expect(createLedgerRetentionJob(appEnv(LEDGER))?.days).toBe(400);
  });

  it.each([
    ['five fields', { LEDGER_RETENTION_SCHEDULE: '30 3 * * *' }, /LEDGER_RETENTION_SCHEDULE: "30 3 \* \* \*" has 5 fields/],
    ['an hour out of range', { LEDGER_RETENTION_SCHEDULE: '0 30 25 * * *' }, /LEDGER_RETENTION_SCHEDULE: the hour field "25" is not valid/],
    ['a retention of 0 days', { LEDGER_RETENTION_DAYS: '0' }, /LEDGER_RETENTION_DAYS must be a whole number between 1 and 3650/],
    ['a ledger URL with a SAS token', { DECISION_LEDGER_URL: `${LEDGER.DECISION_LEDGER_URL}?sig=x` }, /DECISION_LEDGER_URL must carry no query/],
  ])('%s stops start-up', (_name, extra, message) => {
    const { registered, register } = recorder();
    expect(() => registerLedgerRetention(appEnv({ ...LEDGER, ...extra }), register)).toThrow(
      expect.objectContaining({ code: 'CONFIG.INVALID', message: expect.stringMatching(message) as string }) as Error,
    );
    expect(registered).toEqual([]);
  });

  it('reads the schedule as the scan reads its own', () => {
    expect(retentionSchedule({})).toBe(DEFAULT_RETENTION_SCHEDULE);
    expect(retentionSchedule({ LEDGER_RETENTION_SCHEDULE: ' ' })).toBe(DEFAULT_RETENTION_SCHEDULE);
    expect(retentionSchedule({ LEDGER_RETENTION_SCHEDULE: '0 0 4 * * SUN' })).toBe('0 0 4 * * SUN');
  });
});

describe('against Azurite tables (HTTPS, OAuth, the managed identity)', () => {
  let emulator: TenantEmulator;
  let azurite: AzuriteTables;
  let tables = 0;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    // @azure/identity reads the App Service managed identity endpoint from the process environment.
    const env = emulator.appEnv();
    process.env['IDENTITY_ENDPOINT'] = env['IDENTITY_ENDPOINT'];
    process.env['IDENTITY_HEADER'] = env['IDENTITY_HEADER'];
    azurite = await startAzuriteTables({ emulator });
  });
  afterAll(async () => {
    await Promise.all([azurite.stop(), emulator.close()]);
  });

  const location = (url: string): LedgerLocation => {
    const found = ledgerLocation(url);
    if ('problem' in found) throw new Error(found.problem);
    return found;
  };

  /** A ledger on a new table, built as src/composition.ts builds it. */
  async function tableLedger(): Promise<DecisionLedger> {
    const where = location(await azurite.createTable(`retention${String(++tables)}`));
    return createTableLedger(where, new TableClient(where.accountUrl, where.table, createManagedIdentityCredential(emulator.managedIdentityClientId)));
  }

  retentionCases('a table', tableLedger);

  it('the timer fires: purges through the managed identity and logs ledger.purged', async () => {
    const url = await azurite.createTable('retentionTimer');
    const now = Date.now();
    const where = location(url);
    const ledger = createTableLedger(where, new TableClient(where.accountUrl, where.table, createManagedIdentityCredential(emulator.managedIdentityClientId)));
    await write(ledger, [entry(now - 45 * DAY), entry(now - 31 * DAY), entry(now - 29 * DAY), entry(now - 60_000)]);
    const { registered, register } = recorder();
    expect(registerLedgerRetention({ ...emulator.appEnv(), DECISION_LEDGER_URL: url, LEDGER_RETENTION_DAYS: '30' }, register)).toBe(true);
    const lines: string[] = [];
    const context = new InvocationContext({ invocationId: 'retention-1', functionName: 'ledgerRetention', logHandler: (_level, ...args) => { lines.push(args.map(String).join(' ')); } });
    const timer: Timer = { isPastDue: false, schedule: { adjustForDST: true }, scheduleStatus: { last: '', next: '', lastUpdated: '' } };
    await registered[0]?.[1].handler(timer, context);
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events).toEqual([expect.objectContaining({ event: 'ledger.purged', purged: 2, moreRemain: false, max: 5000, retentionDays: 30, ledger: `table retentionTimer at ${azurite.accountUrl}` })]);
    expect(Date.parse(events[0]?.['cutoff'] as string)).toBeGreaterThanOrEqual(now - 30 * DAY);
    expect(await remaining(ledger)).toEqual([new Date(now - 29 * DAY).toISOString(), new Date(now - 60_000).toISOString()]);
  });

  it('the timer fires with the table unreachable: ledger.purge-failed with LEDGER.UNAVAILABLE, and the run fails', async () => {
    const { registered, register } = recorder();
    // Nothing listens on port 9: the same table ledger, without the SDK's retries (seconds of back-off).
    const down = location('https://127.0.0.1:9/devstoreaccount1/decisions');
    const client = new TableClient(down.accountUrl, down.table, createManagedIdentityCredential(emulator.managedIdentityClientId), { retryOptions: { maxRetries: 0 } });
    registerLedgerRetention({ ...emulator.appEnv(), DECISION_LEDGER_URL: 'https://127.0.0.1:9/devstoreaccount1/decisions' }, register, { ledger: createTableLedger(down, client) });
    const lines: string[] = [];
    const context = new InvocationContext({ invocationId: 'retention-2', functionName: 'ledgerRetention', logHandler: (_level, ...args) => { lines.push(args.map(String).join(' ')); } });
    const timer: Timer = { isPastDue: false, schedule: { adjustForDST: true }, scheduleStatus: { last: '', next: '', lastUpdated: '' } };
    await expect(registered[0]?.[1].handler(timer, context)).rejects.toMatchObject({ code: 'LEDGER.UNAVAILABLE' });
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events).toEqual([expect.objectContaining({ event: 'ledger.purge-failed', code: 'LEDGER.UNAVAILABLE', ledger: 'table decisions at https://127.0.0.1:9/devstoreaccount1' })]);
    expect(lines[0]).toContain('"code":"LEDGER.');
  });
});
