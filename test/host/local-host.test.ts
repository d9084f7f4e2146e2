import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { startLocalHost, type LocalHost } from '../../host/local-host.js';
import { fixture } from '../support/app.js';
import { startTestEmulator } from '../support/emulator.js';

let emulator: TenantEmulator;
let host: LocalHost;
const saved = { ...process.env };

beforeAll(async () => {
  emulator = await startTestEmulator();
  Object.assign(process.env, emulator.appEnv());
  // The entry the Functions host loads: registers every function, validates config from env.
  const { httpFunctions } = await import('../../functions/index.js');
  host = await startLocalHost(httpFunctions, { port: 0 });
});
afterAll(async () => {
  await host.close();
  await emulator.close();
  process.env = saved;
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${host.url}/api/callout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await emulator.mintCallerToken()}`, ...headers },
    body: JSON.stringify(body),
  });
}

describe('the local host serves the registered functions over HTTP', () => {
  test('a callout resumes end to end', async () => {
    const body = fixture('lcw-custom-task.json');
    emulator.awaitCallout(body);
    const response = await post(body, { 'x-ms-workflow-run-id': 'run-42' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toMatchObject({ outcome: 'resumed', decision: 'complete', correlation: { 'x-ms-workflow-run-id': 'run-42' } });
    expect(emulator.acceptedResumes()).toHaveLength(1);
  });

  test.each([
    ['group-activation.json', '9a0b1c2d-0001-4e5f-8a6b-7c8d9e0f1a2b'],
    ['entra-role-activation.json', '9a0b1c2d-0002-4e5f-8a6b-7c8d9e0f1a2b'],
  ])('PIM posts %s to /api/pim and gets exactly its three fields back', async (name, evaluationId) => {
    const body = readFileSync(new URL(`../fixtures/pim/${name}`, import.meta.url), 'utf8');
    const response = await fetch(`${host.url}/api/pim`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await emulator.mintPimToken()}` }, body });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ evaluationId, evaluationOutcome: 'Approved', reason: ['No check applies to this activation.'] });
  });

  test('the emulator, playing PIM, gets an Azure activation answered over HTTP, the same id on a retry', async () => {
    const request = { kind: 'azureResource', principalId: 'a7529cd7-a86d-4455-8c43-00e7495481b0', roleDefinitionId: 'b24988ac-6180-42a0-ab88-20f7382dd24c', scope: '/subscriptions/3f2e1d0c-0001-4b5a-9c8d-7e6f5a4b3c2d', startDateTime: '2031-01-07T10:00:00Z', justification: 'Scale the plan, CHG0012402.' } as const;
    const first = await emulator.activate(request, { targetUrl: `${host.url}/api/pim` });
    const again = await emulator.activate(request, { targetUrl: `${host.url}/api/pim` });
    expect(first).toMatchObject({ outcome: 'Approved', reasons: ['No check applies to this activation.'] });
    expect(first.attempts).toHaveLength(1);
    expect(again.evaluationId).toBe(first.evaluationId);
  });

  test('a rejection is problem+json with its status', async () => {
    const response = await fetch(`${host.url}/api/callout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  test('routes and methods follow the registrations', async () => {
    expect((await fetch(`${host.url}/api/nothing`, { method: 'POST' })).status).toBe(404);
    const get = await fetch(`${host.url}/api/callout`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  test('the host caps what it reads, and its 413 reaches the client (not a reset)', async () => {
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${host.url}/api/callout`, { method: 'POST', body: 'x'.repeat(5 * 1024 * 1024) });
      expect(response.status).toBe(413);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toMatchObject({ code: 'HOST.TOO_LARGE' });
    }
  });
});

describe('start-up', () => {
  test('missing settings stop the entry with a message naming them', async () => {
    vi.resetModules();
    const env = { ...process.env };
    delete process.env['AZURE_TENANT_ID'];
    delete process.env['IDENTITY_HEADER'];
    try {
      const error = await import('../../functions/index.js').then(() => undefined, (e: unknown) => e);
      // A fresh module graph has its own AppError class: compare by code.
      expect(error).toMatchObject({ name: 'AppError', code: 'CONFIG.INVALID' });
      expect((error as Error).message).toMatch(/missing settings: AZURE_TENANT_ID, IDENTITY_HEADER/);
    } finally {
      process.env = env;
    }
  });

  test('a scheduled scan with a bad schedule stops the entry too (the scan module is loaded only when one is set)', async () => {
    vi.resetModules();
    const env = { ...process.env };
    process.env['SOD_SCAN_SCHEDULE'] = '0 2 * * *';
    process.env['SOD_SCAN_BLOB_URL'] = 'https://account.blob.core.windows.net/reports';
    try {
      const error = await import('../../functions/index.js').then(() => undefined, (e: unknown) => e);
      expect(error).toMatchObject({ name: 'AppError', code: 'CONFIG.INVALID' });
      expect((error as Error).message).toMatch(/SOD_SCAN_SCHEDULE: "0 2 \* \* \*" has 5 fields/);
    } finally {
      process.env = env;
    }
  });
});
