import type { ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogFields, Logger } from '../../src/ports.js';
import { compileRuleSet } from '../../src/sod/rule-set.js';
import { scanStamp, writeScanBlobs } from '../../src/sod/scan/scan-blobs.js';
import { runScheduledScan } from '../../src/sod/scan/scheduled-scan.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { answer, VirtualClock } from '../support/fake-graph.js';
import { emptyTenant, FakeTenantGraph, ORIGIN } from './scan-fake-tenant.js';

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(() => azurite.stop());

async function read(container: ContainerClient, name: string): Promise<{ text: string; type: string | undefined }> {
  const blob = container.getBlobClient(name);
  const buffer = await blob.downloadToBuffer();
  return { text: buffer.toString('utf8'), type: (await blob.getProperties()).contentType };
}

async function names(container: ContainerClient): Promise<string[]> {
  const found: string[] = [];
  for await (const blob of container.listBlobsFlat()) found.push(blob.name);
  return found.sort();
}

class MemoryLogger implements Logger {
  readonly events: { level: string; event: string; fields: LogFields }[] = [];
  info(event: string, fields: LogFields) { this.events.push({ level: 'info', event, fields }); }
  warn(event: string, fields: LogFields) { this.events.push({ level: 'warn', event, fields }); }
  error(event: string, fields: LogFields) { this.events.push({ level: 'error', event, fields }); }
}

describe('writeScanBlobs', () => {
  it('writes the stamped files and latest.*, with their content types; a later scan replaces latest only', async () => {
    const container = await azurite.container('scan-history');
    const first = new Date('2026-06-15T02:00:00.123Z');
    expect(scanStamp(first)).toBe('20260615T020000Z');
    const written = await writeScanBlobs(container, { csv: 'rule_id\r\nSOD-001\r\n', markdown: '# Scan ä\n' }, first);
    expect(written.sort()).toEqual(['sod-scan/20260615T020000Z.csv', 'sod-scan/20260615T020000Z.md', 'sod-scan/latest.csv', 'sod-scan/latest.md']);
    expect(await read(container, 'sod-scan/latest.md')).toEqual({ text: '# Scan ä\n', type: 'text/markdown; charset=utf-8' });
    expect(await read(container, 'sod-scan/20260615T020000Z.csv')).toEqual({ text: 'rule_id\r\nSOD-001\r\n', type: 'text/csv; charset=utf-8' });
    await writeScanBlobs(container, { csv: 'second', markdown: 'second' }, new Date('2026-06-16T02:00:00Z'));
    expect(await names(container)).toEqual(['sod-scan/20260615T020000Z.csv', 'sod-scan/20260615T020000Z.md', 'sod-scan/20260616T020000Z.csv', 'sod-scan/20260616T020000Z.md', 'sod-scan/latest.csv', 'sod-scan/latest.md']);
    expect((await read(container, 'sod-scan/latest.csv')).text).toBe('second');
    expect((await read(container, 'sod-scan/20260615T020000Z.csv')).text).toBe('rule_id\r\nSOD-001\r\n');
  });
});

describe('runScheduledScan', () => {
  const user = '00000000-0000-4000-8000-000000000001';
  const groups = ['0000000a-0000-4000-8000-000000000001', '0000000a-0000-4000-8000-000000000002'] as const;
  const tenant = { ...emptyTenant(), users: { [user]: 'Avery' }, groups: { [groups[0]]: { displayName: 'A', members: [user] }, [groups[1]]: { displayName: 'B', members: [user] } } };
  const ruleSet = compileRuleSet({ rules: [{ id: 'SOD-009', title: 'A vs B', severity: 'high', action: 'flag', sides: [{ name: 'A', groups: [{ id: groups[0] }] }, { name: 'B', groups: [{ id: groups[1] }] }] }] });
  const deps = (graph: FakeTenantGraph, container: ContainerClient, logger: Logger) => ({
    ruleSet, policy: 'policy.json (sha256:1)', tenant: 'tenant t', graph, graphOrigin: ORIGIN, timeoutMs: 1000, clock: new VirtualClock(), container, logger,
  });

  it('scans, writes the CSV and the report, and logs the counts', async () => {
    const container = await azurite.container('scheduled');
    const logger = new MemoryLogger();
    const outcome = await runScheduledScan(deps(new FakeTenantGraph(tenant), container, logger));
    expect(outcome).toMatchObject({ open: 1, exempt: 0 });
    expect((await read(container, 'sod-scan/latest.csv')).text).toContain(`SOD-009,A vs B,high,,open,${user},Avery,A,`);
    expect((await read(container, 'sod-scan/latest.md')).text).toContain(`- **Avery (${user})**`);
    expect(logger.events.map((e) => e.event)).toEqual(['sodScan.started', 'sodScan.completed']);
    expect(logger.events[1]?.fields).toMatchObject({ open: 1, exempt: 0, reads: 2 });
  });

  it('a refused read is logged with the missing permission and thrown; nothing is written', async () => {
    const container = await azurite.container('refused');
    const logger = new MemoryLogger();
    const graph = new FakeTenantGraph(tenant);
    graph.intercept = () => answer(403, { error: { code: 'Authorization_RequestDenied' } });
    await expect(runScheduledScan(deps(graph, container, logger))).rejects.toMatchObject({ kind: 'forbidden', permission: 'GroupMember.Read.All' });
    expect(logger.events.at(-1)).toMatchObject({ level: 'error', event: 'sodScan.failed', fields: { kind: 'forbidden', permission: 'GroupMember.Read.All' } });
    expect(await names(container)).toEqual([]);
  });
});
