import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScanArgs, SCAN_USAGE } from '../../scripts/scan/scan-args.js';
import { scanCli } from '../../scripts/scan/scan-cli.js';
import type { Clock } from '../../src/ports.js';
import { SCAN_AT, scanRules, scanTenantFile, U } from './scan-tenant-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'eg-scan-cli-'));
const TENANT = join(dir, 'tenant.json');
const POLICY = join(dir, 'policy.json');
writeFileSync(TENANT, JSON.stringify(scanTenantFile()));
writeFileSync(POLICY, JSON.stringify({ separationOfDuties: scanRules(), scopes: [] }));
writeFileSync(join(dir, 'no-rules.json'), JSON.stringify({ scopes: [] }));
writeFileSync(join(dir, 'bad-tenant.json'), JSON.stringify({ users: [{ id: 'x' }] }));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

function emulatorCa() {
  const caDir = process.env['EG_TEST_CA_DIR'] ?? '';
  return { certPem: readFileSync(join(caDir, 'ca.pem'), 'utf8'), keyPem: readFileSync(join(caDir, 'ca-key.pem'), 'utf8') };
}

/** The scan judged at the fixture's time; its sleeps are real (no retries happen here). */
const clock: Clock = { now: () => SCAN_AT, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await scanCli(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } }, { emulatorCa: emulatorCa(), clock });
  return { code, out, err };
}

describe('npm run scan, end to end on the tenant emulator', () => {
  it('prints the report, writes the CSV and the Markdown file, shows progress on stderr', async () => {
    const out = join(dir, 'out');
    const result = await run('--policy', POLICY, '--tenant', TENANT, '--out', out);
    expect(result.err).not.toMatch(/^scan: .*(refused|invalid)/m);
    expect(result.code).toBe(0);
    expect(result.out).toContain('| SOD-A | Vendors vs payments | Finance Controls | critical | Maintain vendors: 4; Release payments: 10 | 1 | 2 |');
    expect(result.out).toContain('**6 open violations** · 2 exempt');
    expect(result.out).toContain(`- **Ben (${U(2)})**\n  - Maintain vendors: Editors (member of group)`);
    expect(result.out).toContain(`Wrote ${join(out, 'sod-scan.csv')} and ${join(out, 'sod-scan.md')}`);
    expect(result.err).toMatch(/^scan: 3 rule\(s\) of .+policy\.json against tenant emulator \(tenant\.json\)$/m);
    expect(result.err).toMatch(/^scan: rule 3\/3 SOD-C · entitlement reads 7\/7$/m);
    const csv = readFileSync(join(out, 'sod-scan.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toBe('rule_id,rule_title,severity,owner,status,user_id,user_name,side,entitlement,entitlement_key,via,exemption,expired_exemptions');
    expect(csv.filter((l) => l.startsWith('SOD-C,'))).toHaveLength(5); // Ada: 3 sides, Ben: 2
    expect(csv).toContain(`SOD-A,Vendors vs payments,critical,Finance Controls,exempt,${U(4)},Di,Maintain vendors,SAP Vendor Maintain,appRole:0000d000-0000-4000-8000-000000000001/0000e000-0000-4000-8000-000000000001,app role via group SAP team,"Controllers, members of group 0000b000-0000-4000-8000-000000000006",`);
    expect(readFileSync(join(out, 'sod-scan.md'), 'utf8')).toContain('## SOD-B Payments vs user administration');
  });

  it('--json prints the result as JSON, and the files are still written', async () => {
    const out = join(dir, 'json');
    const result = await run('--policy', POLICY, '--tenant', TENANT, '--out', out, '--json');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.out) as { rules: { id: string; open: number; exempt: number }[]; tenant: string };
    expect(json.rules.map((r) => [r.id, r.open, r.exempt])).toEqual([['SOD-A', 1, 2], ['SOD-B', 3, 0], ['SOD-C', 2, 0]]);
    expect(json.tenant).toBe('tenant emulator (tenant.json)');
    expect(result.err).toContain(`Wrote ${join(out, 'sod-scan.csv')}`);
    expect(existsSync(join(out, 'sod-scan.md'))).toBe(true);
  });

  it('by default: the sample policy on the sample tenant, into a new temporary directory', async () => {
    const result = await run();
    expect(result.code).toBe(0);
    expect(result.out).toContain('| SOD-001 | Vendor maintenance vs payment release |');
    expect(result.out).toContain('tenant emulator (contoso.json)');
    const wrote = /Wrote (\S+sod-scan\.csv) and (\S+sod-scan\.md)/.exec(result.out);
    expect(wrote?.[1]).toContain(join(tmpdir(), 'eg-sod-scan-'));
    expect(existsSync(wrote?.[2] ?? '')).toBe(true);
    rmSync(dirname(wrote?.[1] ?? ''), { recursive: true, force: true });
  });

  it('--help', async () => {
    const result = await run('--help');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/^Usage: npm run scan -- /);
  });
});

describe('bad arguments, a policy without rules, a tenant file that does not load: exit 2 with one line', () => {
  it.each([
    ['an unknown option', ['--tenants', TENANT], /^scan: Unknown option '--tenants'/],
    ['a stray argument', ['contoso'], /^scan: Unexpected argument 'contoso'/],
    ['an option without its value', ['--policy'], /^scan: Option '--policy <value>' argument missing/],
    ['an empty value', ['--out', ''], /^scan: --out needs a value/],
    ['--live without --tenant-id', ['--live'], /^scan: --live needs --tenant-id <tenant id>/],
    ['a tenant id that is not a GUID', ['--live', '--tenant-id', 'contoso.onmicrosoft.com'], /^scan: --tenant-id must be a GUID, not "contoso\.onmicrosoft\.com"/],
    ['--graph over http', ['--live', '--tenant-id', U(1), '--graph', 'http://graph.microsoft.com'], /^scan: --graph must be an https origin such as https:\/\/graph\.microsoft\.com \(no path\)/],
    ['--graph with a path', ['--live', '--tenant-id', U(1), '--graph', 'https://graph.microsoft.com/v1.0'], /^scan: --graph must be an https origin/],
    ['a tenant file with --live', ['--live', '--tenant-id', U(1), '--tenant', TENANT], /^scan: --tenant names a tenant file for the emulator; with --live give --tenant-id/],
    ['--tenant-id without --live', ['--tenant-id', U(1)], /^scan: --tenant-id and --graph are for --live/],
    ['a concurrency of 0', ['--concurrency', '0'], /^scan: --concurrency must be a whole number from 1 to 32, not "0"/],
    ['a policy that does not exist', ['--policy', join(dir, 'absent.json')], /^scan: --policy .+absent\.json: no such file$/m],
    ['a policy without separationOfDuties rules', ['--policy', join(dir, 'no-rules.json')], /^scan: policy .+no-rules\.json has no separationOfDuties rules to scan/],
    ['a policy that is not valid', ['--policy', TENANT], /^scan: Policy .+tenant\.json is invalid: must have required property 'scopes'\./],
    ['a tenant file that does not exist', ['--tenant', join(dir, 'absent-tenant.json')], /^scan: .*absent-tenant\.json/],
    ['a tenant file that is not valid', ['--tenant', join(dir, 'bad-tenant.json')], /^scan: .*bad-tenant\.json/],
  ])('%s', async (_name, argv, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    // A mistake in the line is followed by the usage; one found running it (a file) is the line alone.
    const [line = '', ...rest] = result.err.split('\n');
    expect(line).toMatch(message);
    expect(['', `\n${SCAN_USAGE}\n`]).toContain(rest.join('\n'));
  });

  it('the defaults of the parsed command line', () => {
    expect(parseScanArgs([])).toMatchObject({ kind: 'run', args: { policyPath: expect.stringMatching(/policy[/\\]sample\.policy\.json$/) as string, source: { kind: 'emulator', tenantFile: undefined }, outDir: undefined, json: false, concurrency: 8 } });
    expect(parseScanArgs(['--live', '--tenant-id', U(1).toUpperCase()])).toMatchObject({ args: { source: { kind: 'live', tenantId: U(1), graphBaseUrl: 'https://graph.microsoft.com' } } });
  });
});
