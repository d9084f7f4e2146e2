// The table ledger against Azurite (HTTPS, OAuth with the emulator's managed identity): claims, reads, filters, malformed entities.
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { emulatorCredential } from '../../scripts/common/emulator-credential.js';
import type { DecisionLedger, LedgerEntry } from '../../src/ledger/ledger.js';
import { ledgerLocation, type LedgerLocation } from '../../src/ledger/ledger-url.js';
import { createMemoryLedger } from '../../src/ledger/memory-ledger.js';
import { createTableLedger } from '../../src/ledger/table-ledger.js';
import { startAzuriteTables, type AzuriteTables } from '../support/azurite-tables.js';
import { startTestEmulator } from '../support/emulator.js';

let emulator: TenantEmulator;
let azurite: AzuriteTables;
let ledger: DecisionLedger;
let client: TableClient;
beforeAll(async () => {
  emulator = await startTestEmulator();
  azurite = await startAzuriteTables({ emulator });
  const location = ledgerLocation(await azurite.createTable('ledgertest')) as LedgerLocation;
  client = new TableClient(location.accountUrl, location.table, emulatorCredential(emulator));
  ledger = createTableLedger(location, client);
});
afterAll(async () => {
  await Promise.all([emulator.close(), azurite.stop()]);
});

const entry = (subject: string, change: Partial<LedgerEntry> = {}): LedgerEntry => ({
  key: { subject, stageInstance: 'b1b2c3d4-0000-4000-8000-000000000001' },
  protocol: 'elm', decision: 'deny', detail: 'Denied by policy: SOD-1, "a, b" and a "quote"',
  resume: { apiVersion: 'v1.0', path: `/identityGovernance/entitlementManagement/assignmentRequests/${subject}/resume`, body: { source: 'entitlement-guard', data: { state: 'denied' } } },
  stage: 'assignmentRequestCreated', stageInstanceId: 'B1B2C3D4-0000-4000-8000-000000000001',
  policy: { version: '2026-12-01', scopes: ['finance'] }, findings: [{ check: 'separation-of-duties', outcome: 'failed', message: 'SOD-1' }],
  callerAppId: '11111111-1111-4111-8111-111111111111', decidedBy: 'callout', operator: undefined, reason: undefined,
  subject: { catalogId: 'c1', accessPackageId: 'p1', targetObjectId: 'u1', requestType: 'userAdd' },
  state: 'decided', decidedAt: '2026-12-01T10:00:00.000Z', sentAt: undefined, confirmedAt: undefined, refusedBody: undefined,
  ...change,
});

describe('the table ledger', () => {
  test('an entry round-trips whole; the first claim wins and a second gets the first entry back', async () => {
    const first = entry('a0000000-0000-4000-8000-000000000001');
    expect(await ledger.claim(first)).toEqual({ won: true, entry: first });
    expect(await ledger.read(first.key)).toEqual(first);
    const second = await ledger.claim({ ...first, decision: 'continue', detail: 'other' });
    expect(second).toEqual({ won: false, entry: first });
    await ledger.update({ ...first, state: 'sent', sentAt: '2026-12-01T10:00:01.000Z' });
    expect(await ledger.read(first.key)).toMatchObject({ state: 'sent', sentAt: '2026-12-01T10:00:01.000Z', decision: 'deny' });
    await ledger.release(first.key);
    expect(await ledger.read(first.key)).toBeUndefined();
    await ledger.release(first.key);
  });

  test('replaceDecided is a compare-and-swap: it writes over the entry read, decided; not over one sent or replaced since (table and memory)', async () => {
    for (const on of [ledger, createMemoryLedger()]) {
      const first = entry('a0000000-0000-4000-8000-000000000009');
      await on.release(first.key);
      await on.claim(first);
      const note = { at: '2026-12-01T10:05:00.000Z', action: 'replaced' as const, operator: 'ada', reason: 'EX-9', replaced: { decision: first.decision, detail: first.detail, decidedBy: first.decidedBy, decidedAt: first.decidedAt, operator: undefined, reason: undefined, policy: first.policy, findings: first.findings, callerAppId: first.callerAppId } };
      const ours = entry(first.key.subject, { decision: 'continue', detail: 'ours', decidedBy: 'operator', operator: 'ada', decidedAt: '2026-12-01T10:05:00.000Z', history: [note] });
      // Another instance sent the entry meanwhile: the swap is refused and the sent state stays.
      await on.update({ ...first, state: 'sent', sentAt: '2026-12-01T10:04:00.000Z' });
      expect(await on.replaceDecided(ours, first)).toBe(false);
      expect(await on.read(first.key)).toMatchObject({ decision: 'deny', state: 'sent' });
      // Decided and unchanged: the swap writes, and the history round-trips.
      await on.update(first);
      expect(await on.replaceDecided(ours, first)).toBe(true);
      expect(await on.read(first.key)).toEqual(ours);
      // A second swap from the same stale read finds the entry changed.
      expect(await on.replaceDecided({ ...ours, detail: 'late' }, first)).toBe(false);
      await on.release(first.key);
    }
  });

  test('lists by request, user, package, decision and date range', async () => {
    const subject = 'a0000000-0000-4000-8000-000000000002';
    await ledger.claim(entry(subject, { subject: { catalogId: 'c1', accessPackageId: 'p2', targetObjectId: 'u2', requestType: 'userAdd' }, decidedAt: '2026-11-01T00:00:00.000Z' }));
    const all = async (query: Parameters<DecisionLedger['list']>[0]) => {
      const found: string[] = [];
      for await (const e of ledger.list(query)) found.push(e.key.subject);
      return found;
    };
    expect(await all({ subject })).toEqual([subject]);
    expect(await all({ targetObjectId: 'U2' })).toEqual([subject]);
    expect(await all({ accessPackageId: 'p2', decision: 'deny' })).toEqual([subject]);
    expect(await all({ accessPackageId: 'p2', decision: 'continue' })).toEqual([]);
    expect(await all({ accessPackageId: 'p2', from: new Date('2026-11-02T00:00:00Z') })).toEqual([]);
    expect(await all({ accessPackageId: 'p2', to: new Date('2026-11-02T00:00:00Z') })).toEqual([subject]);
  });

  test('a malformed entity is refused whole, naming the property', async () => {
    await client.createEntity({ partitionKey: 'bad', rowKey: 'row', protocol: 'elm', decision: 'maybe', detail: 'x', apiVersion: 'v1.0', path: '/', body: '{}', findings: '[]', decidedBy: 'callout', state: 'decided', decidedAt: new Date() });
    await expect(ledger.read({ subject: 'bad', stageInstance: 'row' })).rejects.toThrow('the ledger entry bad/row is malformed: its decision "maybe" is not one of');
  });
});

describe("the bench's ledger floor", () => {
  test('is a raw insert per sample, each a new entity the table holds', async () => {
    const { ledgerRoundTrips } = await import('../../scripts/bench/ledger-floor.js');
    const count = async () => {
      let n = 0;
      for await (const e of client.listEntities()) n += e.partitionKey === 'bad' ? 0 : 1;
      return n;
    };
    const before = await count();
    const samples = await ledgerRoundTrips(emulator, azurite.tableUrl('ledgertest'), 3);
    expect(samples).toHaveLength(3);
    expect(samples.every((ms) => ms > 0)).toBe(true);
    expect(await count()).toBe(before + 3);
  });
});
