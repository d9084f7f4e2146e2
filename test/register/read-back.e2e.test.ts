// `register` reads every object back after writing it: a tenant that holds something otherwise than it was written fails the run, naming the property.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { ATTACH, BASE, EMPLOYEES, FINANCE, freshEmulator, lines, register } from './register-run.js';

let emulator: TenantEmulator;
beforeEach(async () => {
  emulator = await freshEmulator();
});
afterEach(() => emulator.close());

const EXTENSION = /\/customWorkflowExtensions\/[0-9a-f-]{36}$/;
const FAST = { settleMs: 5 };
/** The extension and the policy alone: the broad grant writes no catalog role (least privilege, the default, adds one). */
const BROAD = '--broad-permissions';

type Json = Record<string, unknown>;
const without = (key: string) => (body: unknown): unknown => Object.fromEntries(Object.entries(body as Json).filter(([k]) => k !== key));
const getsOf = (run: { calls: readonly { method: string; path: string }[] }, pattern: RegExp) => run.calls.filter((c) => c.method === 'GET' && pattern.test(c.path));

describe('the custom extension', () => {
  test('each write is followed by a read of what it made; a tenant holding it as written passes', async () => {
    const run = await register(emulator, [...ATTACH, BROAD], undefined, FAST);
    expect([run.code, run.err]).toEqual([0, '']);
    expect(run.calls.map((c) => c.method)).toEqual(['GET', 'GET', 'GET', 'POST', 'GET', 'PUT', 'GET']);
    expect(getsOf(run, EXTENSION)).toHaveLength(1);
    expect(run.calls.at(-1)?.query).toContain('customExtensionStageSettings');
    expect(run.out).toContain('Graph writes made (2), each read back and found as written:');
  });

  test('a window the tenant silently drops: exit 1 naming callbackConfiguration.timeoutDuration; the policy is not touched', async () => {
    emulator.faults.add({ service: 'graph', method: 'POST', path: '/customWorkflowExtensions', action: { rewriteBody: without('callbackConfiguration') } });
    const run = await register(emulator, [...ATTACH, BROAD], undefined, FAST);
    expect(run.code).toBe(1);
    expect(run.err).toContain('reading it back shows callbackConfiguration.timeoutDuration: Graph holds none, PT1H was written');
    expect(run.err).toContain('the 1 write(s) after it were not made');
    expect(lines(run.writes).map((l) => l.split(' ')[0])).toEqual(['POST']);
    expect(getsOf(run, EXTENSION)).toHaveLength(3);
  });

  test('a window the tenant answers under another name (the old example\'s durationBeforeTimeout) reads as none, naming what Graph holds: exit 1 naming the property', async () => {
    const created = await register(emulator, BASE, undefined, FAST);
    expect(created.code).toBe(0);
    const stored = emulator.registry.extensionsOf(FINANCE)[0];
    const otherName = { ...stored?.body, id: stored?.id, callbackConfiguration: { durationBeforeTimeout: 'P2D' } };
    emulator.faults.add({ service: 'graph', method: 'GET', path: EXTENSION, times: Infinity, action: { status: 200, body: otherName } });
    const run = await register(emulator, [...BASE, '--callback', 'P2D'], undefined, FAST);
    expect(run.code).toBe(1);
    expect(run.err).toContain('callbackConfiguration.timeoutDuration: Graph holds none (it holds durationBeforeTimeout: P2D), P2D was written');
  });

  test('a read-back that shows the write late is read again, and passes once it does', async () => {
    emulator.faults.add({ service: 'graph', method: 'GET', path: EXTENSION, times: 1, action: { status: 404 } });
    const run = await register(emulator, BASE, undefined, FAST);
    expect([run.code, run.err]).toEqual([0, '']);
    expect(getsOf(run, EXTENSION)).toHaveLength(2);
  });
});

describe('the other writes', () => {
  test('a policy that does not keep our stage setting: exit 1 naming customExtensionStageSettings', async () => {
    await register(emulator, BASE, undefined, FAST);
    emulator.faults.add({ service: 'graph', method: 'PUT', path: EMPLOYEES, action: { rewriteBody: (b) => ({ ...(b as Json), customExtensionStageSettings: [] }) } });
    const run = await register(emulator, ATTACH, undefined, FAST);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/reading it back shows customExtensionStageSettings: Graph holds \[\], \[assignmentRequestCreated → [0-9a-f-]{36}\] was written/);
  });

  test('a role assignment held with another role: exit 1 naming roleDefinitionId', async () => {
    const catalogReader = '44272f93-9762-48e8-af59-1b5351b1d6b3';
    emulator.faults.add({ service: 'graph', method: 'POST', path: '/roleAssignments', action: { rewriteBody: (b) => ({ ...(b as Json), roleDefinitionId: catalogReader }) } });
    const run = await register(emulator, BASE, undefined, FAST);
    expect(run.code).toBe(1);
    expect(run.err).toContain(`roleDefinitionId: Graph holds ${catalogReader}, e2182095-804a-4656-ae11-64734e9b7ae5 was written`);
  });

  test('a custom task extension whose window is dropped: exit 1 naming callbackConfiguration.timeoutDuration', async () => {
    emulator.faults.add({ service: 'graph', method: 'POST', path: '/customTaskExtensions', action: { rewriteBody: without('callbackConfiguration') } });
    const run = await register(emulator, [...BASE, '--lcw'], undefined, FAST);
    expect(run.code).toBe(1);
    expect(run.err).toContain('custom task extension');
    expect(run.err).toContain('callbackConfiguration.timeoutDuration: Graph holds none, PT1H was written');
  });

  test('a custom task extension that drops its authorizedApps: exit 1 naming callbackConfiguration.authorizedApps', async () => {
    const dropApps = (b: unknown) => ({ ...(b as Json), callbackConfiguration: without('authorizedApps')((b as Json)['callbackConfiguration']) });
    emulator.faults.add({ service: 'graph', method: 'POST', path: '/customTaskExtensions', action: { rewriteBody: dropApps } });
    const run = await register(emulator, [...BASE, '--lcw'], undefined, FAST);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/callbackConfiguration\.authorizedApps: Graph holds none, \[[0-9a-f-]{36}\] was written/);
  });

  test('a custom task extension that keeps another answer timeout: exit 1 naming clientConfiguration.timeoutInMilliseconds', async () => {
    const slow = (b: unknown) => ({ ...(b as Json), clientConfiguration: { '@odata.type': '#microsoft.graph.customExtensionClientConfiguration', maximumRetries: 1, timeoutInMilliseconds: 1000 } });
    emulator.faults.add({ service: 'graph', method: 'POST', path: '/customTaskExtensions', action: { rewriteBody: slow } });
    const run = await register(emulator, [...BASE, '--lcw'], undefined, FAST);
    expect(run.code).toBe(1);
    expect(run.err).toContain('clientConfiguration.timeoutInMilliseconds: Graph holds 1000 ms, 2000 ms was written');
  });

  test('a delete Graph answers but does not carry out: exit 1, it is still there', async () => {
    await register(emulator, BASE, undefined, FAST);
    emulator.faults.add({ service: 'graph', method: 'DELETE', path: EXTENSION, action: { status: 204, body: null } });
    const run = await register(emulator, [...BASE, '--unregister'], undefined, FAST);
    expect(run.code).toBe(1);
    expect(run.err).toContain('reading it back shows it is still there');
  });
});
