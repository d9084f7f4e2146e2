// The sweep of stuck callouts against the tenant emulator: requests seeded waiting on our custom
// extension at several ages, their decisions recorded in the ledger (in memory, and in Azurite for
// two instances sweeping at once), swept through the callout's pipeline.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TimerFunctionOptions } from '@azure/functions';
import type { TenantEmulator } from '../../emulator/index.js';
import { registerStuckSweep } from '../../functions/stuck-sweep.js';
import { entryOf, type ResumableCallout } from '../../src/callout/ledger-entries.js';
import type { Deps } from '../../src/composition.js';
import { elmResume } from '../../src/decision/resume-request.js';
import { childPath, graphPath } from '../../src/graph/graph-path.js';
import { parseGuid, type Guid } from '../../src/guid.js';
import { ledgerKey, type LedgerEntry } from '../../src/ledger/ledger.js';
import type { Logger } from '../../src/ports.js';
import { runSweep, type SweepSummary } from '../../src/sweep/sweep.js';
import { DEFAULT_STUCK_AFTER, loadSweepSettings, SWEEP_MAX_PER_RUN, type SweepSettings } from '../../src/sweep/sweep-settings.js';
import { miToken, PEOPLE, SOD } from '../emulator/graph-calls.js';
import { EXTENSIONS, extensionBody, graphSend } from '../emulator/graph-writes.js';
import { fastApp } from '../faults/support.js';
import { startAzuriteTables, type AzuriteTables } from '../support/azurite-tables.js';
import { startTestEmulator } from '../support/emulator.js';

const MINUTE = 60_000;
function guid(text: string): Guid {
  const id = parseGuid(text);
  if (id === undefined) throw new Error(`${text} is not a GUID`);
  return id;
}
const requestId = (n: number) => guid(`5e7e0000-0000-4000-8000-${String(n).padStart(12, '0')}`);
const instanceId = (n: number) => guid(`5e7e1a5e-0000-4000-8000-${String(n).padStart(12, '0')}`);

let emulator: TenantEmulator;
let azurite: AzuriteTables;
let table: string;
let deps: Deps;
/** Our custom extension (entitlement-guard, PT1H window) in the Finance catalog. */
let ours: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  const token = await miToken(emulator);
  const created = await graphSend(emulator, 'POST', EXTENSIONS, token, extensionBody());
  expect(created.status).toBe(201);
  ours = String(created.json['id']);
  azurite = await startAzuriteTables({ emulator });
  table = await azurite.createTable('sweep');
  deps = fastApp(emulator);
});
afterAll(async () => {
  await Promise.all([emulator.close(), azurite.stop()]);
});

/** A request waiting on our extension (PT1H window), created `minutes` ago. */
function wait(n: number, minutes: number): void {
  emulator.requests.seedWaiting({
    id: requestId(n),
    accessPackage: SOD.paymentsApprover,
    requestor: PEOPLE.avery,
    ageMs: minutes * MINUTE,
    callout: { stage: 'assignmentRequestCreated', stageInstanceId: instanceId(n), customExtensionId: ours },
  });
}


/** The entry a callout delivery recorded before its resume was lost: decided, never sent. */
function decided(n: number): LedgerEntry {
  const target = graphPath(['identityGovernance', 'entitlementManagement', 'assignmentRequests', requestId(n)]);
  const callout: ResumableCallout = {
    kind: 'elm-request', shape: 'flat-pascal', stage: 'assignmentRequestCreated', stageInstanceId: instanceId(n), requestId: requestId(n),
    resume: { path: childPath(target, 'resume'), confirmPath: target }, callbackTimeout: 'PT1H', requestType: 'userAdd', state: 'submitted', status: 'WaitingForCallback',
    accessPackage: { id: guid(SOD.paymentsApprover), displayName: undefined }, catalog: undefined, assignmentId: undefined, assignmentPolicy: undefined,
    target: undefined, requestor: undefined, answers: [],
  };
  const shaped = elmResume(callout, callout.resume, { kind: 'deny', detail: `Denied by policy: SOD-1 (${String(n)})` }, false);
  return entryOf(callout, shaped, undefined, { by: 'callout', callerAppId: 'relay' }, new Date());
}

interface Event { readonly event: string; readonly fields: Record<string, unknown> }

function collector(): { logger: Logger; events: Event[]; of: (name: string, n?: number) => Event[] } {
  const events: Event[] = [];
  const push = (event: string, fields: object) => { events.push({ event, fields: fields as Record<string, unknown> }); };
  return {
    logger: { info: push, warn: push, error: push },
    events,
    of: (name, n) => events.filter((e) => e.event === name && (n === undefined || e.fields['requestId'] === requestId(n))),
  };
}

const SETTINGS: SweepSettings = loadSweepSettings({ STUCK_SWEEP_SCHEDULE: '0 */10 * * * *' }) as SweepSettings;

function sweep(on: Deps, logger: Logger, settings: Partial<SweepSettings> = {}): Promise<SweepSummary> {
  return runSweep({ settle: on, graphHttp: on.graphHttp, tenant: { tenantId: on.config.tenantId, graphBaseUrl: on.config.graphBaseUrl }, settings: { ...SETTINGS, ...settings }, logger });
}

const resumes = (n: number) => emulator.requests.get(requestId(n))?.resumes ?? [];

describe('the sweep of stuck callouts', () => {
  test('a stuck request with a decided, never-sent entry is resumed with the entry\'s body, once; one callout.swept event', async () => {
    wait(1, 15);
    const entry = decided(1);
    await deps.ledger.claim(entry);
    const log = collector();
    const summary = await sweep(deps, log.logger);
    expect(summary.failed).toBe(0);
    expect(resumes(1)).toHaveLength(1);
    expect(resumes(1)[0]?.body).toEqual(entry.resume.body);
    expect(log.of('callout.swept', 1)).toHaveLength(1);
    expect(log.of('callout.swept', 1)[0]?.fields).toMatchObject({
      requestId: requestId(1), stageInstanceId: instanceId(1), stage: 'assignmentRequestCreated', outcome: 'resumed', decision: 'deny', adopted: true, decidedBy: 'callout', ledgerState: 'sent',
    });
    expect(await deps.ledger.read(ledgerKey(requestId(1), instanceId(1)))).toMatchObject({ state: 'sent', decidedBy: 'callout' });
    expect(log.of('callout.sweep-finished')).toHaveLength(1);
    // The next run finds it answered: nothing more is sent.
    const again = collector();
    await sweep(deps, again.logger);
    expect(again.of('callout.swept', 1)).toHaveLength(0);
    expect(resumes(1)).toHaveLength(1);
  });

  test('a request younger than STUCK_AFTER, and one past its callback window, are left alone', async () => {
    wait(2, 5);
    wait(3, 61);
    await deps.ledger.claim(decided(2));
    await deps.ledger.claim(decided(3));
    const log = collector();
    await sweep(deps, log.logger);
    expect(resumes(2)).toHaveLength(0);
    expect(resumes(3)).toHaveLength(0);
    for (const n of [2, 3]) expect(log.events.filter((e) => e.fields['requestId'] === requestId(n))).toEqual([]);
    expect(emulator.requests.get(requestId(2))?.status).toBe('WaitingForCallback');
  });

  test('a stuck request with no ledger entry whose stage Graph cannot tell (no assignment policy shown) is skipped with its reason, nothing sent or recorded', async () => {
    wait(4, 20);
    const log = collector();
    await sweep(deps, log.logger);
    expect(resumes(4)).toHaveLength(0);
    expect(log.of('callout.sweep-skipped', 4)).toHaveLength(1);
    expect(log.of('callout.sweep-skipped', 4)[0]?.fields['reason']).toMatch(/cannot tell which/);
    expect(await deps.ledger.read(ledgerKey(requestId(4), instanceId(4)))).toBeUndefined();
  });

  test('the bound holds: at most maxPerRun settled a run, oldest first; the next run takes the rest', async () => {
    for (const n of [5, 6, 7]) {
      wait(n, 20 + n);
      await deps.ledger.claim(decided(n));
    }
    const first = collector();
    const summary = await sweep(deps, first.logger, { maxPerRun: 2 });
    expect(summary.swept).toBe(2);
    expect(summary.deferred).toBeGreaterThanOrEqual(1);
    expect([5, 6, 7].map((n) => resumes(n).length)).toEqual([0, 1, 1]);
    const second = collector();
    await sweep(deps, second.logger, { maxPerRun: 2 });
    expect([5, 6, 7].map((n) => resumes(n).length)).toEqual([1, 1, 1]);
    expect(second.of('callout.swept', 5)).toHaveLength(1);
  });

  test('a later stage: not stuck while our answer to its earlier stage is younger than STUCK_AFTER; swept afresh once older', async () => {
    emulator.requests.seedWaiting({
      id: requestId(20), accessPackage: SOD.paymentsApprover, requestor: PEOPLE.avery, ageMs: 3 * 60 * MINUTE,
      callout: { stage: 'assignmentRequestApproved', stageInstanceId: instanceId(20), customExtensionId: ours, sentDateTime: new Date(Date.now() - 2 * MINUTE).toISOString() },
    });
    // Our answer to the created stage (another stage instance of the same request), two minutes ago.
    const earlier = { ...decided(20), key: ledgerKey(requestId(20), instanceId(21)), state: 'sent' as const, sentAt: new Date(Date.now() - 2 * MINUTE).toISOString() };
    await deps.ledger.claim(earlier);
    const log = collector();
    const summary = await sweep(deps, log.logger);
    expect(summary.notYet).toBeGreaterThanOrEqual(1);
    expect(log.of('callout.sweep-not-stuck', 20)).toHaveLength(1);
    expect(resumes(20)).toHaveLength(0);
    // Three hours after creation, but only 2 minutes after the stage began: the created-time window did not hold it back either.
    await deps.ledger.update({ ...earlier, sentAt: new Date(Date.now() - 15 * MINUTE).toISOString() });
    const later = collector();
    await sweep(deps, later.logger);
    expect(later.of('callout.swept', 20)[0]?.fields).toMatchObject({ stage: 'assignmentRequestApproved', adopted: false, decidedBy: 'sweeper' });
    expect(resumes(20)).toHaveLength(1);
  });

  test('a run stops settling when its time budget is spent: the rest is deferred to the next run', async () => {
    wait(22, 40);
    await deps.ledger.claim(decided(22));
    const log = collector();
    const summary = await sweep(deps, log.logger, { runBudgetMs: 0 });
    expect(summary.swept).toBe(0);
    expect(summary.deferred).toBeGreaterThanOrEqual(1);
    expect(resumes(22)).toHaveLength(0);
    await sweep(deps, collector().logger);
    expect(resumes(22)).toHaveLength(1);
  });

  test('a failure on one request is logged with its code and does not stop the run', async () => {
    wait(8, 30);
    wait(9, 31);
    await deps.ledger.claim(decided(8));
    await deps.ledger.claim(decided(9));
    emulator.faults.add({ service: 'graph', method: 'POST', path: `${requestId(9)}/resume`, times: Infinity, action: { status: 503 } });
    const log = collector();
    try {
      await sweep(deps, log.logger);
    } finally {
      emulator.faults.clear();
    }
    expect(log.of('callout.sweep-failed', 9)).toHaveLength(1);
    expect(log.of('callout.sweep-failed', 9)[0]?.fields['code']).toMatch(/^GRAPH\./);
    expect(resumes(8)).toHaveLength(1);
    expect(log.of('callout.swept', 8)).toHaveLength(1);
  });

  test('two instances sweeping at once on one ledger (Azurite): Graph receives the one body, once', async () => {
    const a = fastApp(emulator, { DECISION_LEDGER_URL: table });
    const b = fastApp(emulator, { DECISION_LEDGER_URL: table });
    wait(10, 25);
    const entry = decided(10);
    expect((await a.ledger.claim(entry)).won).toBe(true);
    const [one, two] = [collector(), collector()];
    await Promise.all([sweep(a, one.logger), sweep(b, two.logger)]);
    expect(resumes(10)).toHaveLength(1);
    expect(resumes(10)[0]?.body).toEqual(entry.resume.body);
    const events = [...one.of('callout.swept', 10), ...two.of('callout.swept', 10)];
    expect(events.length).toBeGreaterThanOrEqual(1);
    for (const e of events) expect(e.fields).toMatchObject({ decision: 'deny', adopted: true });
    expect(events.filter((e) => e.fields['outcome'] === 'resumed')).toHaveLength(1);
    expect(await b.ledger.read(ledgerKey(requestId(10), instanceId(10)))).toMatchObject({ decision: 'deny' });
  });
});

describe('the sweep\'s settings and its timer', () => {
  test('off unless STUCK_SWEEP_SCHEDULE is set; STUCK_AFTER defaults to PT10M; a bound per run', () => {
    expect(loadSweepSettings({})).toBeUndefined();
    expect(loadSweepSettings({ STUCK_AFTER: 'PT5M' })).toBeUndefined();
    expect(loadSweepSettings({ STUCK_SWEEP_SCHEDULE: ' 0  */10 * * * * ' })).toMatchObject({ schedule: '0 */10 * * * *', stuckAfter: { text: DEFAULT_STUCK_AFTER }, maxPerRun: SWEEP_MAX_PER_RUN });
    expect(loadSweepSettings({ STUCK_SWEEP_SCHEDULE: '0 */10 * * * *', STUCK_AFTER: 'pt30m' })?.stuckAfter.text).toBe('PT30M');
    expect(loadSweepSettings({ STUCK_SWEEP_SCHEDULE: '0 */10 * * * *' })?.extensionName).toBe('entitlement-guard');
    expect(loadSweepSettings({ STUCK_SWEEP_SCHEDULE: '0 */10 * * * *', STUCK_SWEEP_EXTENSION_NAME: ' eg-prod ' })?.extensionName).toBe('eg-prod');
  });

  test('a bad schedule or STUCK_AFTER stops start-up, each named', () => {
    expect(() => loadSweepSettings({ STUCK_SWEEP_SCHEDULE: '*/10 * * * *' })).toThrow(/STUCK_SWEEP_SCHEDULE: .*six/);
    expect(() => loadSweepSettings({ STUCK_SWEEP_SCHEDULE: '0 */10 * * * *', STUCK_AFTER: '10 minutes' })).toThrow(/STUCK_AFTER: .*ISO 8601/);
    expect(() => loadSweepSettings({ STUCK_AFTER: 'PT0M' })).toThrow(/STUCK_AFTER: .*zero/);
    expect(() => loadSweepSettings({ STUCK_SWEEP_SCHEDULE: '0 */10 * * * *', STUCK_SWEEP_EXTENSION_NAME: 'x'.repeat(257) })).toThrow(/STUCK_SWEEP_EXTENSION_NAME: 257 characters; at most 256/);
  });

  test('the timer is registered only with both STUCK_SWEEP_SCHEDULE and DECISION_LEDGER_URL', () => {
    const registered: [string, TimerFunctionOptions][] = [];
    const register = (name: string, options: TimerFunctionOptions) => { registered.push([name, options]); };
    expect(registerStuckSweep({ STUCK_SWEEP_SCHEDULE: '0 */10 * * * *' }, register, () => deps)).toBe(false);
    expect(registerStuckSweep({ DECISION_LEDGER_URL: table }, register, () => deps)).toBe(false);
    expect(registerStuckSweep({ DECISION_LEDGER_URL: table, STUCK_SWEEP_SCHEDULE: '0 */10 * * * *' }, register, () => deps)).toBe(true);
    expect(registered.map(([name, options]) => [name, options.schedule, options.runOnStartup])).toEqual([['stuckSweep', '0 */10 * * * *', false]]);
  });
});
