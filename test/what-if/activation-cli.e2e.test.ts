// `npm run what-if` for PIM activations: --json, the answer POST /api/pim gives the same body, read-only, and what stops it.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { whatIfCli } from '../../scripts/what-if/what-if-cli.js';
import { SAMPLE_POLICY } from '../../scripts/demo/scenarios.js';
import { appFor, callPimHandler } from '../support/app.js';
import { startTestEmulator } from '../support/emulator.js';
import { guid } from '../support/graph-paths.js';

const ROWAN = '3727fd38-c06b-42a6-b984-0344779555f6';
const AVERY = 'a7529cd7-a86d-4455-8c43-00e7495481b0';
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const VENDOR_EDITORS = '1a2b3c4d-0002-4000-8000-00000000a002';
const RG = '/subscriptions/3f2e1d0c-0001-4b5a-9c8d-7e6f5a4b3c2d/resourceGroups/rg-payments';
const PIM_APP = 'c1d2e3f4-0000-4000-8000-0000000000aa';
const TUESDAY_10 = '2031-01-07T10:00:00Z';
const GOOD = ['--justification', 'Reset passwords for the new joiners', '--ticket', 'ServiceNow:CHG0012345', '--start', TUESDAY_10];
const dir = mkdtempSync(join(tmpdir(), 'eg-what-if-pim-cli-'));
let seq = 0;

let emulator: TenantEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

async function whatIf(args: readonly string[]) {
  const out: string[] = [];
  const err: string[] = [];
  let opened = false;
  // A fresh request id each run: the function's ledger below keeps each answer under its evaluation id.
  seq++;
  const ids = { requestId: guid(`0f0f0f0f-0000-4000-8000-${String(seq).padStart(12, '0')}`), stageInstanceId: guid('0f0f0f0f-1111-4000-8000-00000000f003') };
  const code = await whatIfCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) }, {
    env: {}, ids, openEmulator: () => { opened = true; return Promise.resolve({ emulator, close: () => Promise.resolve() }); },
  });
  return { code, out: out.join(''), err: err.join(''), opened };
}

interface Json { whatIf: Record<string, unknown>; request: Record<string, unknown>; answer: Record<string, unknown>; evaluation: Record<string, unknown> }

describe('--json, and the answer it predicts', () => {
  it.each([
    ['an Entra role (Denied by SOD-002)', [ROWAN, '--role', USER_ADMIN], 'Denied'],
    ['a group (Denied by SOD-001)', [ROWAN, '--group', VENDOR_EDITORS], 'Denied'],
    ['an Entra role (Approved)', [AVERY, '--role', USER_ADMIN], 'Approved'],
    ['an Azure role', [AVERY, '--azure-role', 'b24988ac-6180-42a0-ab88-20f7382dd24c', '--azure-scope', RG], 'Approved'],
  ])('%s: POST /api/pim, given the body the what-if built, answers exactly what it predicted', async (_name, [user = '', ...target], outcome) => {
    const run = await whatIf(['--user', user, ...target, ...GOOD, '--policy', SAMPLE_POLICY, '--json']);
    expect(run.err).toBe('');
    const json = JSON.parse(run.out) as Json;
    expect(Object.keys(json)).toEqual(['whatIf', 'request', 'answer', 'evaluation']);
    expect(Object.keys(json.answer)).toEqual(['evaluationId', 'evaluationOutcome', 'reason']);
    expect(json.answer['evaluationOutcome']).toBe(outcome);
    const app = appFor(emulator, { POLICY_PATH: SAMPLE_POLICY, PIM_CALLER_APP_IDS: PIM_APP });
    const answered = await callPimHandler(app, json.request, { token: await emulator.mintCallerToken({ appId: PIM_APP }) });
    expect(answered.status).toBe(200);
    expect(answered.json).toEqual(json.answer);
  });

  it('whatIf names the user, the resource type, the target, the schedule and what the activation carries; absent values are null', async () => {
    const run = await whatIf(['--user', 'rowan@contoso.example', '--role', USER_ADMIN, '--start', TUESDAY_10, '--policy', SAMPLE_POLICY, '--json']);
    const json = JSON.parse(run.out) as Json;
    expect(json.whatIf).toMatchObject({
      source: { kind: 'emulator' },
      user: { id: ROWAN, displayName: 'Rowan Oduya', userPrincipalName: 'rowan@contoso.example' },
      resourceType: 'entraRoles',
      model: 'directory-role-request',
      target: { kind: 'directory-role', roleDefinitionId: USER_ADMIN, directoryScopeId: '/' },
      start: { at: '2031-01-07T10:00:00.000Z', from: 'argument' },
      duration: 'PT8H',
      justification: null,
      ticket: null,
    });
    expect(json.request).toMatchObject({ '@odata.type': '#microsoft.graph.unifiedRoleAssignmentScheduleRequest', id: json.whatIf['requestId'], principalId: ROWAN, roleDefinitionId: USER_ADMIN });
    expect(json.evaluation).toMatchObject({ policy: { scopes: ['privileged-activations', 'on-call-auto-approve'], autoApprove: ['on-call-auto-approve'] }, decision: { kind: 'deny' }, approvers: null });
  });
});

describe('read-only', () => {
  it('every Graph call is a GET and nothing is resumed', async () => {
    emulator.clearCalls();
    const run = await whatIf(['--user', ROWAN, '--role', USER_ADMIN, ...GOOD, '--policy', SAMPLE_POLICY]);
    expect(run.code).toBe(0);
    const graph = emulator.calls({ service: 'graph' });
    expect(graph.length).toBeGreaterThan(5);
    expect(graph.filter((c) => c.method !== 'GET')).toEqual([]);
    expect(emulator.acceptedResumes()).toEqual([]);
  });

  it('no module of the what-if imports the decision ledger or the PIM handler that writes it', () => {
    const files = [...readdirSync('src/what-if').map((f) => join('src/what-if', f)), 'scripts/what-if.ts', 'scripts/what-if/what-if-cli.ts'];
    const imports = files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => `${file}: ${m[1] ?? ''}`));
    expect(imports.filter((line) => /\/ledger\/|handle-activation|pim-entry|ledger-entries/.test(line))).toEqual([]);
  });
});

describe('what stops it', () => {
  it('an unknown user: one line, exit 2', async () => {
    const run = await whatIf(['--user', 'nobody@contoso.example', '--role', USER_ADMIN, '--policy', SAMPLE_POLICY]);
    expect(run).toMatchObject({ code: 2, out: '', err: 'what-if: No user nobody@contoso.example in the tenant (Graph answered 404).\n' });
  });

  it('a usage error: the one line, then the usage; exit 2, no emulator started', async () => {
    const run = await whatIf(['--user', ROWAN, '--role', USER_ADMIN, '--group', VENDOR_EDITORS]);
    expect(run).toMatchObject({ code: 2, out: '', opened: false });
    expect(run.err).toMatch(/^what-if: give one of --role, --group and --azure-role, not --role and --group: an activation is of one role or group\n\nUsage: npm run what-if/);
  });

  it('--help documents the activation flags', async () => {
    const run = await whatIf(['--help']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('A PIM activation (one of --role, --group, --azure-role):');
  });

  it('fail mode retry and a read Graph refuses: the function would answer PIM 503; exit 1', async () => {
    const path = join(dir, 'retry.policy.json');
    writeFileSync(path, JSON.stringify({ failMode: 'retry', scopes: [{ name: 'roles', match: { resourceTypes: ['entraRoles'] }, checks: [{ id: 'risky-user', action: 'deny' }] }] }));
    emulator.faults.add({ service: 'graph', path: '/identityProtection/riskyUsers', times: Infinity, action: { status: 403 } });
    try {
      const run = await whatIf(['--user', AVERY, '--role', USER_ADMIN, '--policy', path]);
      expect(run.code).toBe(1);
      expect(run.err).toMatch(/^what-if: The function would answer PIM "retry later" \(503\): risky-user could not run; the policy's fail mode is retry\.\n$/);
    } finally {
      emulator.faults.clear();
    }
  });
});
