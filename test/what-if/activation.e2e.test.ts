// `npm run what-if` for PIM activations, in-process against the tenant emulator (emulator/tenants/contoso.json) and the sample policy.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { whatIfCli, type CliOptions } from '../../scripts/what-if/what-if-cli.js';
import { SAMPLE_POLICY } from '../../scripts/demo/scenarios.js';
import { systemClock } from '../../src/ports.js';
import { startTestEmulator } from '../support/emulator.js';
import { guid } from '../support/graph-paths.js';

const ROWAN = '3727fd38-c06b-42a6-b984-0344779555f6'; // holds Payments - Approver
const AVERY = 'a7529cd7-a86d-4455-8c43-00e7495481b0';
const QUINN = 'd4e5f6a7-1829-43a4-b5c6-d7e8f90a1b2c'; // a member of Vendor Data Stewards
const STEWARDS = '1a2b3c4d-0003-4000-8000-00000000a003';
const SAMPLE_ON_CALL = '1a2b3c4d-0005-4000-8000-00000000a005';
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const HELPDESK_ADMIN = '729827e3-9c14-49f7-bb1b-9608f156bbb8'; // in no separation-of-duties rule
const VENDOR_EDITORS = '1a2b3c4d-0002-4000-8000-00000000a002';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const RG = '/subscriptions/3f2e1d0c-0001-4b5a-9c8d-7e6f5a4b3c2d/resourceGroups/rg-payments';
/** Far after the tests run, so the window never depends on the clock: Tuesday 10:00 UTC is 11:00 in Amsterdam; Saturday is outside. */
const TUESDAY_10 = '2031-01-07T10:00:00Z';
const SATURDAY_03 = '2031-01-11T03:00:00Z';
const REQUEST_ID = '0f0f0f0f-0000-4000-8000-00000000f002';
const IDS = { requestId: guid(REQUEST_ID), stageInstanceId: guid('0f0f0f0f-1111-4000-8000-00000000f002') };
const GOOD = ['--justification', 'Reset passwords for the new joiners', '--ticket', 'ServiceNow:CHG0012345'];
const dir = mkdtempSync(join(tmpdir(), 'eg-what-if-pim-'));

let emulator: TenantEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

async function whatIf(args: readonly string[], more: Partial<CliOptions> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await whatIfCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) }, {
    env: {}, ids: IDS, openEmulator: () => Promise.resolve({ emulator, close: () => Promise.resolve() }), ...more,
  });
  return { code, out: out.join(''), err: err.join(''), lines: out.join('').split('\n') };
}

const activate = (user: string, target: readonly string[], more: readonly string[] = []) => whatIf(['--user', user, ...target, '--policy', SAMPLE_POLICY, ...more]);
const role = ['--role', USER_ADMIN];
const reasons = (lines: readonly string[]) => lines.slice(lines.indexOf('Reasons PIM would receive:') + 1, lines.findIndex((l) => l.startsWith('Evaluation id ')));

/** The sample policy with its on-call group swapped for one the sample tenant has members in. */
function onCallPolicy(): string {
  const path = join(dir, 'on-call.policy.json');
  writeFileSync(path, readFileSync(SAMPLE_POLICY, 'utf8').replaceAll(SAMPLE_ON_CALL, STEWARDS));
  return path;
}

describe('what-if for a Microsoft Entra role activation under the sample policy', () => {
  it('Rowan (holds Payments - Approver) activating User Administrator: Denied by SOD-002, the reasons exactly as PIM would receive them', async () => {
    const run = await activate(ROWAN, role, ['--start', TUESDAY_10, ...GOOD]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.lines.slice(0, 5)).toEqual([
      `What if Rowan Oduya (${ROWAN}) activated directory role ${USER_ADMIN} at /?`,
      `  Microsoft Entra roles (entraRoles): unifiedRoleAssignmentScheduleRequest, selfActivate, made-up request ${REQUEST_ID}`,
      '  starts 2031-01-07T10:00:00.000Z (from --start), lasts PT8H',
      '  justification "Reset passwords for the new joiners"; ticket ServiceNow CHG0012345',
      expect.stringMatching(/^ {2}policy .*sample\.policy\.json \(--policy; sha256:[0-9a-f]{16}, enforce\); read from the tenant emulator \(.*contoso\.json\)$/),
    ]);
    expect(run.lines).toEqual(expect.arrayContaining([
      'PIM would get: Denied (the activation is refused; PIM shows the user the reasons).',
      `Evaluation id ${REQUEST_ID} (the schedule request's id)`,
      'Checks (scopes privileged-activations, on-call-auto-approve):',
      '  FAILED        separation-of-duties [privileged-activations]',
      '        Rule SOD-002 "Payment approvers do not administer users", owner Identity Governance (iga@contoso.example)',
      '          Payments - Approver (access package): assignment aa000000-0000-4000-8000-000000000002 (delivered)',
      '          User Administrator (directory role): this activation',
      '  passed        justification [privileged-activations]',
      '  passed        max-duration [privileged-activations]',
      '  passed        risky-user [privileged-activations]',
      '  passed        activation-window [privileged-activations]',
      '  FAILED        activation-window [on-call-auto-approve]',
      `  targetGroups              GET v1.0 /users/${ROWAN}/transitiveMemberOf/microsoft.graph.group: loaded, 200`,
    ]));
    expect(reasons(run.lines)).toEqual([
      '  [separation-of-duties] SOD-002 Payment approvers do not administer users: would hold Release payments: Payments - Approver; Administer users: User Administrator (activating).',
      '  Not auto-approved: [activation-window] Only exception groups allow an activation here, and none applies to this one.',
    ]);
  });

  it('Avery on a Saturday, without justification or ticket, for twelve hours: Denied by the window, the justification and max-duration', async () => {
    const run = await activate(AVERY, role, ['--start', SATURDAY_03, '--duration', 'PT12H']);
    expect(run.code).toBe(0);
    expect(run.lines).toContain('PIM would get: Denied (the activation is refused; PIM shows the user the reasons).');
    expect(reasons(run.lines)).toEqual([
      '  [justification] There is no justification; at least 10 characters are required.',
      '  [justification] There is no ticket; a ticket number is required.',
      '  [max-duration] The requested access lasts 12 hours (from 2031-01-11T03:00:00.000Z); at most 8 are allowed.',
      '  [activation-window] sat 04:00 Europe/Amsterdam is outside the activation window (mon, tue, wed, thu, fri 07:00–19:00).',
      '  Not auto-approved: [activation-window] Only exception groups allow an activation here, and none applies to this one.',
    ]);
  });

  it('a ticket number the policy does not take: Denied, the pattern named', async () => {
    const run = await activate(AVERY, role, ['--start', TUESDAY_10, '--justification', 'Reset passwords for the new joiners', '--ticket', 'Jira:OPS-12']);
    expect(reasons(run.lines)[0]).toBe('  [justification] The ticket number "OPS-12" does not match ^(CHG|INC)\\d{7}$.');
  });

  it('Avery on a Tuesday with a ticket: Approved, not auto-approved (not on call)', async () => {
    const run = await activate(AVERY, role, ['--start', TUESDAY_10, ...GOOD]);
    expect(run.lines).toContain("PIM would get: Approved (the activation goes on; PIM's own approval follows where the role's settings require one).");
    expect(reasons(run.lines)).toEqual(['  Not auto-approved: [activation-window] Only exception groups allow an activation here, and none applies to this one.']);
  });

  it('on call (the on-call group swapped for Vendor Data Stewards) but holding a separation-of-duties conflict already: Approved, not auto-approved, the conflict noted', async () => {
    const run = await whatIf(['--user', QUINN, '--role', HELPDESK_ADMIN, '--policy', onCallPolicy(), '--start', SATURDAY_03, ...GOOD]);
    expect(run.err).toBe('');
    expect(run.lines).toContain("PIM would get: Approved (the activation goes on; PIM's own approval follows where the role's settings require one).");
    expect(reasons(run.lines)).toEqual([
      '  All 6 checks passed (separation-of-duties, justification, max-duration, risky-user, activation-window).',
      expect.stringMatching(/^ {2}Noted: \[separation-of-duties\] SOD-001 .*: conflict already held, not touched by this request/),
      `  Noted: [activation-window] Allowed outside the window: a member of exception group ${STEWARDS}.`,
    ]);
    expect(run.lines[0]).toBe(`What if Quinn Park (${QUINN}) activated directory role ${HELPDESK_ADMIN} at /?`);
  });

  it('on call under the sample policy (On-call Responders): Helpdesk Admin activating at 3 a.m. on a Saturday is AutoApproved', async () => {
    const run = await whatIf(['--user', 'helpdesk.ops@contoso.example', '--role', HELPDESK_ADMIN, '--policy', SAMPLE_POLICY, '--start', SATURDAY_03, ...GOOD]);
    expect(run.err).toBe('');
    expect(run.lines).toContain('PIM would get: AutoApproved (by on-call-auto-approve: the activation goes on without approval).');
    expect(reasons(run.lines)[0]).toBe('  AutoApproved by on-call-auto-approve. All 6 checks passed (separation-of-duties, justification, max-duration, risky-user, activation-window).');
  });

  it('without --start the activation starts now: the window is judged at the clock\'s time', async () => {
    const clock = { now: () => Date.parse(SATURDAY_03), sleep: (ms: number) => systemClock.sleep(ms) };
    const run = await whatIf(['--user', AVERY, ...role, '--policy', SAMPLE_POLICY, ...GOOD], { clock });
    expect(run.lines).toContain('  starts 2031-01-11T03:00:00.000Z (now), lasts PT8H');
    expect(reasons(run.lines)[0]).toBe('  [activation-window] sat 04:00 Europe/Amsterdam is outside the activation window (mon, tue, wed, thu, fri 07:00–19:00).');
  });
});

describe('what-if for PIM for Groups and Azure resources', () => {
  it('Rowan activating membership of Vendor Master Editors: Denied by SOD-001', async () => {
    const run = await activate(ROWAN, ['--group', VENDOR_EDITORS, '--access', 'member'], ['--start', TUESDAY_10, ...GOOD]);
    expect(run.lines[0]).toBe(`What if Rowan Oduya (${ROWAN}) activated membership of group ${VENDOR_EDITORS}?`);
    expect(run.lines[1]).toBe(`  PIM for Groups (entraGroups): privilegedAccessGroupAssignmentScheduleRequest, selfActivate, made-up request ${REQUEST_ID}`);
    expect(run.lines).toContain('PIM would get: Denied (the activation is refused; PIM shows the user the reasons).');
    expect(reasons(run.lines)[0]).toMatch(/^ {2}\[separation-of-duties\] SOD-001 Vendor maintenance vs payment release: would hold Maintain vendors: Vendor Master Editors \(activating\); /);
    expect(run.lines).toContain('          Vendor Master Editors (group): this activation (member)');
  });

  it('an Azure role the sample policy has no scope for: Approved, no check applies, nothing read but the user', async () => {
    emulator.clearCalls();
    const run = await activate(AVERY, ['--azure-role', CONTRIBUTOR, '--azure-scope', RG], ['--start', TUESDAY_10]);
    expect(run.lines).toEqual(expect.arrayContaining([
      `What if Avery Lindqvist (${AVERY}) activated Azure role ${CONTRIBUTOR} at ${RG}?`,
      '  Azure resources (azureResources): Azure role assignment schedule request, SelfActivate, no request id',
      `  role definition /subscriptions/3f2e1d0c-0001-4b5a-9c8d-7e6f5a4b3c2d/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`,
      "PIM would get: Approved (the activation goes on; PIM's own approval follows where the role's settings require one).",
      '  No check applies to this activation.',
      'Checks (no scope matches):',
      '  none needed',
    ]));
    expect(run.lines.find((l) => l.startsWith('Evaluation id '))).toMatch(/^Evaluation id [0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12} \(derived from the activation: the Azure model carries no id\)$/);
    expect(emulator.calls({ service: 'graph' }).map((c) => `${c.method} ${c.path}`)).toEqual([`GET /v1.0/users/${AVERY}`]);
  });

  it('an Azure scope that auto-approves beneath a subscription: AutoApproved', async () => {
    const path = join(dir, 'azure.policy.json');
    writeFileSync(path, JSON.stringify({ scopes: [{ name: 'payments-rg', match: { resourceTypes: ['azureResources'], resourceScopes: ['/subscriptions/3f2e1d0c-0001-4b5a-9c8d-7e6f5a4b3c2d'] }, outcome: 'AutoApproved', checks: [{ id: 'max-duration', action: 'deny', options: { maxHours: 4 } }] }] }));
    const run = await whatIf(['--user', AVERY, '--azure-role', CONTRIBUTOR, '--azure-scope', RG, '--policy', path, '--duration', 'PT2H', '--start', TUESDAY_10]);
    expect(run.lines).toContain('PIM would get: AutoApproved (by payments-rg: the activation goes on without approval).');
    expect(reasons(run.lines)).toEqual(['  AutoApproved by payments-rg. All 1 check passed (max-duration).']);
  });
});
