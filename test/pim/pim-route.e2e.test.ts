// POST /api/pim through functions/pim.ts, the engine, the fact reads and the tenant emulator (emulator/tenants/contoso.json).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { SAMPLE_POLICY } from '../../scripts/demo/scenarios.js';
import { createDeps } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import { createMemoryLedger } from '../../src/ledger/memory-ledger.js';
import { appFor, callPimHandler } from '../support/app.js';
import { startTestEmulator } from '../support/emulator.js';

let emulator: TenantEmulator;
const dir = mkdtempSync(join(tmpdir(), 'eg-pim-'));
const PIM_APP = 'c1d2e3f4-0000-4000-8000-0000000000aa';
const ROWAN = '3727fd38-c06b-42a6-b984-0344779555f6'; // holds Payments - Approver
const AVERY = 'a7529cd7-a86d-4455-8c43-00e7495481b0';
const DANA = '4d0caf98-efec-467f-b4d6-d5be6cfb5e84'; // a member of SAP Vendor Team: the on-call rota here
const ON_CALL = '1a2b3c4d-0004-4000-8000-00000000a004';
const VENDOR_EDITORS = '1a2b3c4d-0002-4000-8000-00000000a002';
/** A Tuesday, 10:00 UTC, long after the tests run: the window judges a scheduled activation by its start. */
const TUESDAY_10 = '2031-01-07T10:00:00Z';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/pim/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const sample = JSON.parse(readFileSync(SAMPLE_POLICY, 'utf8')) as { separationOfDuties: unknown };

function policy(name: string, scopes: readonly object[], extra: object = {}): string {
  const path = join(dir, `${name}.policy.json`);
  writeFileSync(path, JSON.stringify({ separationOfDuties: sample.separationOfDuties, ...extra, scopes }));
  return path;
}

const ROLE_CHECKS = [
  { id: 'separation-of-duties', action: 'deny' },
  { id: 'justification', action: 'deny', options: { minLength: 10, ticket: { required: true, systems: ['ServiceNow'] } } },
  { id: 'max-duration', action: 'deny', options: { maxHours: 8 } },
];
const STRICT = () => policy('strict', [
  { name: 'roles-and-groups', match: { resourceTypes: ['entraRoles', 'entraGroups'] }, checks: ROLE_CHECKS },
  { name: 'azure', match: { resourceTypes: ['azureResources'], resourceScopes: ['/subscriptions/3f2e1d0c-0001-4b5a-9c8d-7e6f5a4b3c2d'] }, checks: [{ id: 'justification', action: 'deny', options: { pattern: 'CHG\\d{7}', patternIn: 'answers' } }] },
]);

let seq = 0;
/** The Entra role fixture, for another principal, role or schedule, with a fresh request id. */
function roleActivation(changes: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return { ...fixture('entra-role-activation.json'), id: `9a0b1c2d-${String(seq).padStart(4, '0')}-4e5f-8a6b-7c8d9e0f1a99`, ...changes };
}

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await emulator.close();
});
beforeEach(() => {
  emulator.faults.clear();
  emulator.clearCalls();
});

const env = (policyPath: string, more: Record<string, string> = {}) => ({ POLICY_PATH: policyPath, PIM_CALLER_APP_IDS: PIM_APP, ...more });
const pimToken = (options: Parameters<TenantEmulator['mintCallerToken']>[0] = {}) => emulator.mintCallerToken({ appId: PIM_APP, ...options });

async function activate(body: object | string, policyPath: string, more: Record<string, string> = {}) {
  return callPimHandler(appFor(emulator, env(policyPath, more)), body, { token: await pimToken() });
}

describe('the three request models, each answered exactly', () => {
  it('PIM for Groups: a clean activation is Approved, the checks that passed named', async () => {
    const answer = await activate(fixture('group-activation.json'), STRICT());
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      evaluationId: '9a0b1c2d-0001-4e5f-8a6b-7c8d9e0f1a2b',
      evaluationOutcome: 'Approved',
      reason: ['All 3 checks passed (separation-of-duties, justification, max-duration).'],
    });
  });

  it('Microsoft Entra roles: Noor, eligible for User Administrator and asking for Payments - Approver, is Denied the activation', async () => {
    const answer = await activate(fixture('entra-role-activation.json'), STRICT());
    expect(answer.json).toEqual({
      evaluationId: '9a0b1c2d-0002-4e5f-8a6b-7c8d9e0f1a2b',
      evaluationOutcome: 'Denied',
      reason: ['[separation-of-duties] SOD-002 Payment approvers do not administer users: would hold Release payments: Payments - Approver (pending request); Administer users: User Administrator (activating).'],
    });
  });

  it('Microsoft Entra roles: an activation with no conflict is Approved', async () => {
    const answer = await activate(roleActivation({ principalId: AVERY }), STRICT());
    expect(answer.json['evaluationOutcome']).toBe('Approved');
    expect(answer.json['reason']).toEqual(['All 3 checks passed (separation-of-duties, justification, max-duration).']);
  });

  it('Azure resources: no request id, so a stable id derived from the activation; the scope matched beneath the subscription', async () => {
    const first = await activate(fixture('azure-resource-activation.json'), STRICT());
    expect(first.json['evaluationOutcome']).toBe('Approved');
    expect(first.json['reason']).toEqual(['All 1 check passed (justification).']);
    expect(first.json['evaluationId']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const again = await activate(fixture('azure-resource-activation.json'), STRICT());
    expect(again.json).toEqual(first.json);
  });

  it('answers exactly evaluationId, evaluationOutcome and reason, and reads nothing it does not need', async () => {
    const answer = await activate(fixture('entra-role-activation.json'), policy('empty', []));
    expect(answer.json).toEqual({ evaluationId: '9a0b1c2d-0002-4e5f-8a6b-7c8d9e0f1a2b', evaluationOutcome: 'Approved', reason: ['No check applies to this activation.'] });
    expect(emulator.calls({ service: 'graph' })).toEqual([]);
  });
});

describe('separation of duties at activation', () => {
  it('a payment approver activating User Administrator is Denied, the rule and both sides in the reason PIM shows', async () => {
    const answer = await activate(roleActivation({ principalId: ROWAN }), STRICT());
    expect(answer.json['evaluationOutcome']).toBe('Denied');
    expect((answer.json['reason'] as string[])[0]).toMatch(/^\[separation-of-duties\] SOD-002 .*: would hold Release payments: Payments - Approver; Administer users: User Administrator \(activating\)/);
  });

  it('the same person activating membership of Vendor Master Editors is Denied by SOD-001', async () => {
    const body = { ...fixture('group-activation.json'), id: '9a0b1c2d-0f01-4e5f-8a6b-7c8d9e0f1a2b', principalId: ROWAN, groupId: VENDOR_EDITORS };
    const answer = await activate(body, STRICT());
    expect(answer.json['evaluationOutcome']).toBe('Denied');
    expect((answer.json['reason'] as string[])[0]).toMatch(/^\[separation-of-duties\] SOD-001 .*Vendor Master Editors \(activating\)/);
  });
});

describe('AutoApproved and the activation window', () => {
  const windowed = () => policy('windowed', [
    { name: 'business-hours', match: { resourceTypes: ['entraRoles'] }, checks: [{ id: 'activation-window', action: 'deny', options: { timeZone: 'Europe/Amsterdam', days: ['mon'], from: '09:00', to: '17:00', exceptionGroups: [ON_CALL] } }] },
    { name: 'on-call', match: { resourceTypes: ['entraRoles'] }, outcome: 'AutoApproved', checks: [{ id: 'activation-window', action: 'flag', options: { allowedBy: ['exceptionGroups'], exceptionGroups: [ON_CALL] } }] },
  ]);
  const at = (principalId: string, startDateTime: string) => roleActivation({ principalId, scheduleInfo: { startDateTime, expiration: { type: 'afterDuration', duration: 'PT1H' } } });

  it('outside the window: Denied, the local time and the window named', async () => {
    const answer = await activate(at(AVERY, TUESDAY_10), windowed());
    expect(answer.json['evaluationOutcome']).toBe('Denied');
    expect(answer.json['reason']).toEqual([
      '[activation-window] tue 11:00 Europe/Amsterdam is outside the activation window (mon 09:00–17:00).',
      'Not auto-approved: [activation-window] Only exception groups allow an activation here, and none applies to this one.',
    ]);
  });

  it('on call: AutoApproved whatever the time, the scope named', async () => {
    const answer = await activate(at(DANA, TUESDAY_10), windowed());
    expect(answer.json['evaluationOutcome']).toBe('AutoApproved');
    expect((answer.json['reason'] as string[])[0]).toBe('AutoApproved by on-call. All 2 checks passed (activation-window).');
  });

  it('inside the window but not on call: Approved, PIM\'s own approval follows', async () => {
    const answer = await activate(at(AVERY, '2031-01-06T10:00:00Z'), windowed());
    expect(answer.json['evaluationOutcome']).toBe('Approved');
    expect(answer.json['reason']).toEqual(['Not auto-approved: [activation-window] Only exception groups allow an activation here, and none applies to this one.']);
  });
});

describe('the deadline, and PIM\'s retries', () => {
  const failing = (failMode: string) => policy(`fail-${failMode}`, [{ name: 'roles', match: { resourceTypes: ['entraRoles'] }, failMode, checks: [{ id: 'separation-of-duties', action: 'deny' }] }]);
  const DEADLINE = { PIM_DEADLINE_MS: '1500' };
  const decided = (logs: readonly unknown[][]) =>
    logs.map((l) => JSON.parse(String(l[0])) as { event: string; ledger?: { adopted: boolean } }).find((e) => e.event === 'pim.decided');

  it.each([
    ['deny', 'Denied'],
    ['continue', 'Approved'],
  ])('Graph slower than PIM_DEADLINE_MS, fail mode %s: %s, answered before the deadline', async (failMode, outcome) => {
    emulator.faults.setLatency('graph', 5000);
    const app = appFor(emulator, env(failing(failMode), DEADLINE));
    const started = performance.now();
    const answer = await callPimHandler(app, roleActivation({ principalId: AVERY }), { token: await pimToken() });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(answer.json['evaluationOutcome']).toBe(outcome);
    expect((answer.json['reason'] as string[])[0]).toMatch(/^\[separation-of-duties\] Could not run: \w+ could not be read \(not back from Graph before the deadline\)\.$/);
  });

  it('fail mode retry: 503 with Retry-After, so PIM\'s maximumRetries ask again', async () => {
    emulator.faults.setLatency('graph', 5000);
    const answer = await activate(roleActivation({ principalId: AVERY }), failing('retry'), DEADLINE);
    expect(answer.status).toBe(503);
    expect(answer.json['code']).toBe('CHECKS.UNAVAILABLE');
    expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(5);
  });

  it('a retry of the same request gets the same answer from the ledger, even once Graph is quick again', async () => {
    emulator.faults.setLatency('graph', 5000);
    const app = appFor(emulator, env(failing('deny'), DEADLINE));
    const body = roleActivation({ principalId: AVERY });
    const first = await callPimHandler(app, body, { token: await pimToken() });
    expect(first.json['evaluationOutcome']).toBe('Denied');
    emulator.faults.clear();
    const again = await callPimHandler(app, body, { token: await pimToken() });
    expect(again.json).toEqual(first.json);
    expect(decided(first.logs)?.ledger?.adopted).toBe(false);
    expect(decided(again.logs)?.ledger?.adopted).toBe(true);
  });

  it('another activation under a decided request id is refused, never answered with someone else\'s decision', async () => {
    const app = appFor(emulator, env(STRICT()));
    const body = roleActivation({ principalId: AVERY });
    expect((await callPimHandler(app, body, { token: await pimToken() })).status).toBe(200);
    const other = await callPimHandler(app, { ...body, principalId: ROWAN }, { token: await pimToken() });
    expect(other.status).toBe(400);
    expect(other.json['code']).toBe('CALLOUT.ID_MISMATCH');
  });

  it('a late read fails its own fact only: the separation-of-duties conflict read in time still denies, under fail mode continue', async () => {
    emulator.faults.add({ service: 'graph', path: '/identityProtection/riskyUsers/', times: Infinity, action: { delayMs: 5000 } });
    const both = policy('sod-and-risk', [{ name: 'roles', match: { resourceTypes: ['entraRoles'] }, failMode: 'continue', checks: [{ id: 'separation-of-duties', action: 'deny' }, { id: 'risky-user', action: 'deny' }] }]);
    const answer = await activate(roleActivation({ principalId: ROWAN }), both, DEADLINE);
    expect(answer.json['evaluationOutcome']).toBe('Denied');
    expect(answer.json['reason']).toEqual([
      expect.stringMatching(/^\[separation-of-duties\] SOD-002 /),
      '[risky-user] Could not run: riskState could not be read (not back from Graph before the deadline).',
    ]);
  });

  it('a ledger that does not answer in time: 503 before the deadline, nothing answered', async () => {
    const stuck = { ...createMemoryLedger(), claim: () => new Promise<never>(() => undefined) };
    const app = createDeps(loadConfig({ ...emulator.appEnv(), ...env(policy('empty-ledger', []), DEADLINE) }), { ledger: stuck });
    const started = performance.now();
    const answer = await callPimHandler(app, roleActivation({ principalId: AVERY }), { token: await pimToken() });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(answer.status).toBe(503);
    expect(answer.json['code']).toBe('LEDGER.UNAVAILABLE');
  });

  it('the same request id with another justification is another activation: refused, not answered from the ledger', async () => {
    const app = appFor(emulator, env(STRICT()));
    const body = roleActivation({ principalId: AVERY });
    expect((await callPimHandler(app, body, { token: await pimToken() })).status).toBe(200);
    const other = await callPimHandler(app, { ...body, justification: 'Something else entirely, CHG0000001.' }, { token: await pimToken() });
    expect(other.json['code']).toBe('CALLOUT.ID_MISMATCH');
  });

  it('the nil GUID is no request id: the evaluation id is derived from the activation', async () => {
    const answer = await activate(roleActivation({ principalId: AVERY, id: '00000000-0000-0000-0000-000000000000' }), STRICT());
    expect(answer.json['evaluationId']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-/);
  });
});

describe('AutoApproved only when it is safe', () => {
  const onCall = (mode: string, extra: object[] = []) =>
    policy(`on-call-${mode}`, [
      { name: 'on-call', match: { resourceTypes: ['entraRoles'] }, mode, outcome: 'AutoApproved', checks: [{ id: 'activation-window', action: 'flag', options: { allowedBy: ['exceptionGroups'], exceptionGroups: [ON_CALL] } }] },
      ...extra,
    ], { failMode: 'deny' });
  const dana = () => roleActivation({ principalId: DANA, scheduleInfo: { startDateTime: TUESDAY_10, expiration: { type: 'afterDuration', duration: 'PT1H' } } });

  it('a scope in audit mode never skips PIM\'s approval', async () => {
    expect((await activate(dana(), onCall('enforce'))).json['evaluationOutcome']).toBe('AutoApproved');
    expect((await activate(dana(), onCall('audit'))).json['evaluationOutcome']).toBe('Approved');
  });

  it('the auto-approving check that could not run keeps the activation Approved, not Denied, though the policy fails closed', async () => {
    emulator.faults.add({ service: 'graph', path: '/transitiveMemberOf', times: Infinity, action: { status: 403 } });
    const answer = await activate(dana(), onCall('enforce'));
    expect(answer.json['evaluationOutcome']).toBe('Approved');
    expect((answer.json['reason'] as string[])[0]).toMatch(/^Not auto-approved: \[activation-window\] Could not run: targetGroups could not be read/);
  });
});

