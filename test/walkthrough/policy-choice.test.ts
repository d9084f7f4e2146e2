// Which policy what-if, scan and npm start apply when none is given, each saying so; and a
// --policy that does not exist named as --policy (a usage mistake, exit 2), POLICY_PATH as POLICY_PATH.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { scanCli } from '../../scripts/scan/scan-cli.js';
import { whatIfCli } from '../../scripts/what-if/what-if-cli.js';
import { startTestEmulator } from '../support/emulator.js';

const AVERY = 'a7529cd7-a86d-4455-8c43-00e7495481b0';
const PAYMENTS = '97979783-38c5-40ae-b74e-404935a04ffd';
const FINANCE = '26803898-8c26-4ca8-ba50-15552ecd4c9d';

/** Where the scan writes its CSV and report (else a temporary directory it leaves for the reader). */
const outDir = mkdtempSync(join(tmpdir(), 'eg-policy-choice-'));
let emulator: TenantEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => {
  await emulator.close();
  rmSync(outDir, { recursive: true, force: true });
});

interface Run { readonly code: number; readonly out: string; readonly err: string }

async function whatIf(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  let out = '';
  let err = '';
  const code = await whatIfCli(['--user', AVERY, '--package', PAYMENTS, '--catalog', FINANCE, ...args], { out: (t) => { out += t; }, err: (t) => { err += t; } }, {
    env,
    openEmulator: () => Promise.resolve({ emulator, close: () => Promise.resolve() }),
  });
  return { code, out, err };
}

async function scan(args: readonly string[]): Promise<Run> {
  const dir = process.env['EG_TEST_CA_DIR'] ?? '';
  const ca = { certPem: readFileSync(join(dir, 'ca.pem'), 'utf8'), keyPem: readFileSync(join(dir, 'ca-key.pem'), 'utf8') };
  let out = '';
  let err = '';
  const code = await scanCli([...args, '--out', outDir], { out: (t) => { out += t; }, err: (t) => { err += t; } }, { emulatorCa: ca });
  return { code, out, err };
}

describe('what-if says which policy it applied', () => {
  it('none given: the deployed policy/policy.json, as the function without POLICY_PATH', async () => {
    const run = await whatIf([]);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^ {2}policy policy\/policy\.json \(the default: no --policy, no POLICY_PATH; sha256:[0-9a-f]{16}, enforce\); read from/m);
  });

  it('POLICY_PATH (as npm run emulator exports it) and --policy: named with the setting', async () => {
    expect((await whatIf([], { POLICY_PATH: 'policy/sample.policy.json' })).out).toMatch(/^ {2}policy policy\/sample\.policy\.json \(POLICY_PATH; /m);
    expect((await whatIf(['--policy', 'policy/sample.policy.json'], { POLICY_PATH: 'policy/policy.json' })).out).toMatch(/^ {2}policy policy\/sample\.policy\.json \(--policy; /m);
    expect(JSON.parse((await whatIf(['--json'])).out)).toMatchObject({ whatIf: { policy: { from: 'default' } } });
  });

  it('a --policy that does not exist: --policy named, exit 2, nothing read', async () => {
    emulator.clearCalls();
    expect(await whatIf(['--policy', 'policy/nope.json'])).toEqual({ code: 2, out: '', err: 'what-if: --policy policy/nope.json: no such file\n' });
    expect(emulator.calls()).toEqual([]);
  });

  it('a POLICY_PATH that does not exist keeps the setting\'s wording', async () => {
    expect(await whatIf([], { POLICY_PATH: 'policy/nope.json' })).toEqual({ code: 2, out: '', err: 'what-if: Policy policy/nope.json cannot be read (ENOENT); set POLICY_PATH to the policy document.\n' });
  });
});

describe('scan says which policy it applied', () => {
  it('none given: the sample policy (the deployed one has no rules), and says so', async () => {
    const run = await scan([]);
    expect(run.code).toBe(0);
    expect(run.err.split('\n')[0]).toBe('scan: policy: policy/sample.policy.json (the default; --policy for another)');
  });

  it('a --policy that does not exist: --policy named, exit 2', async () => {
    expect(await scan(['--policy', 'policy/nope.json'])).toEqual({ code: 2, out: '', err: 'scan: --policy policy/nope.json: no such file\n' });
  });
});
