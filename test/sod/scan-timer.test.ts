import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationContext, type Timer } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { createSodScanJob, registerSodScan } from '../../functions/sod-scan.js';
import { emulatorCredential } from '../../scripts/common/emulator-credential.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { startTestEmulator } from '../support/emulator.js';
import { recorder } from '../support/timer-recorder.js';
import { scanRules, scanTenantFile, U } from './scan-tenant-fixture.js';

const SAMPLE_POLICY = join(import.meta.dirname, '..', '..', 'policy', 'sample.policy.json');
const dir = mkdtempSync(join(tmpdir(), 'eg-scan-timer-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

/** The function's settings (no network is touched until the timer fires). */
const appEnv = (extra: Record<string, string>) => ({
  AZURE_TENANT_ID: '0c6f5d3e-8a57-4f4e-9b1a-2d7c1a3e5f00',
  CALLOUT_AUDIENCE: 'api://entitlement-guard',
  ALLOWED_CALLER_APP_IDS: '5e1a7c2b-3d4f-4a6b-8c9d-0e1f2a3b4c5d',
  AZURE_CLIENT_ID: 'a3f2c1d0-9b8e-4d7c-a6b5-c4d3e2f1a0b9',
  IDENTITY_ENDPOINT: 'http://127.0.0.1:1/msi/token',
  IDENTITY_HEADER: 'x',
  POLICY_PATH: SAMPLE_POLICY,
  ...extra,
});
const SCAN = { SOD_SCAN_SCHEDULE: '0 0 2 * * *', SOD_SCAN_BLOB_URL: 'https://contosoreports.blob.core.windows.net/sod-reports' };

describe('the sodScan timer', () => {
  it('is not registered, nor the policy read for it, without SOD_SCAN_SCHEDULE', () => {
    const { registered, register } = recorder();
    expect(registerSodScan({ ...appEnv({}), POLICY_PATH: join(dir, 'absent.json') }, register)).toBe(false);
    expect(registered).toEqual([]);
  });

  it('is registered on its schedule with the sample policy', () => {
    const { registered, register } = recorder();
    expect(registerSodScan(appEnv(SCAN), register)).toBe(true);
    expect(registered.map(([name, options]) => [name, options.schedule, options.runOnStartup])).toEqual([['sodScan', '0 0 2 * * *', false]]);
    expect(createSodScanJob(appEnv(SCAN))?.settings).toEqual({ schedule: '0 0 2 * * *', containerUrl: SCAN.SOD_SCAN_BLOB_URL });
  });

  it.each([
    ['a policy without separationOfDuties rules', { POLICY_PATH: 'empty' }, /SOD_SCAN_SCHEDULE is set but policy .+empty\.json has no separationOfDuties rules to scan/],
    ['a bad schedule', { SOD_SCAN_SCHEDULE: '0 2 * * *' }, /SOD_SCAN_SCHEDULE: "0 2 \* \* \*" has 5 fields/],
    ['a container URL with a SAS token', { SOD_SCAN_BLOB_URL: `${SCAN.SOD_SCAN_BLOB_URL}?sig=x` }, /SOD_SCAN_BLOB_URL must carry no query/],
    ['the function settings missing', { AZURE_CLIENT_ID: '' }, /missing settings: AZURE_CLIENT_ID/],
  ])('%s stops start-up', (_name, extra, message) => {
    writeFileSync(join(dir, 'empty.json'), JSON.stringify({ scopes: [] }));
    const env = { ...appEnv(SCAN), ...extra };
    if (env.POLICY_PATH === 'empty') env.POLICY_PATH = join(dir, 'empty.json');
    const { registered, register } = recorder();
    expect(() => registerSodScan(env, register)).toThrow(expect.objectContaining({ code: 'CONFIG.INVALID', message: expect.stringMatching(message) as string }) as Error);
    expect(registered).toEqual([]);
  });
});

describe('the sodScan timer fires', () => {
  let emulator: TenantEmulator;
  let azurite: Azurite;
  beforeAll(async () => {
    [emulator, azurite] = await Promise.all([startTestEmulator({ tenant: scanTenantFile() }), startAzurite()]);
  });
  afterAll(async () => {
    await Promise.all([emulator.close(), azurite.stop()]);
  });

  it('scans the tenant with the managed identity and writes the reports to the container', async () => {
    const policy = join(dir, 'scan-policy.json');
    writeFileSync(policy, JSON.stringify({ separationOfDuties: scanRules(), scopes: [] }));
    const container = await azurite.container('sod-reports');
    const { registered, register } = recorder();
    registerSodScan({ ...emulator.appEnv(), ...SCAN, POLICY_PATH: policy }, register, { credential: emulatorCredential(emulator), container });
    const lines: string[] = [];
    const context = new InvocationContext({ invocationId: 'scan-1', functionName: 'sodScan', logHandler: (_level, ...args) => { lines.push(args.map(String).join(' ')); } });
    const timer: Timer = { isPastDue: false, schedule: { adjustForDST: true }, scheduleStatus: { last: '', next: '', lastUpdated: '' } };
    await registered[0]?.[1].handler(timer, context);
    const events = lines.map((l) => JSON.parse(l) as { event: string; open?: number; blobs?: string });
    expect(events.map((e) => e.event)).toEqual(['sodScan.started', 'sodScan.completed']);
    expect(events[1]?.blobs).toMatch(/^sod-scan\/\d{8}T\d{6}Z\.(csv|md),/);
    const csv = (await container.getBlobClient('sod-scan/latest.csv').downloadToBuffer()).toString('utf8');
    expect(csv).toContain(`SOD-B,Payments vs user administration,high,,open,${U(7)},Gus,Administer users,Global Administrator,`);
    const md = (await container.getBlobClient('sod-scan/latest.md').downloadToBuffer()).toString('utf8');
    expect(md).toContain(`tenant ${emulator.tenantId} via ${emulator.origin}`);
    expect(emulator.calls({ service: 'graph' }).every((c) => c.method === 'GET')).toBe(true);
  });
});
