// What `npm run demo` prints, rendered from results shaped as a real run's (the demo's own
// scenarios and activations, the bodies and reasons a run got): it fits 120 columns, names the
// policy and tenant, explains its columns, shows what each row expected, and keeps resume bodies
// to one line unless --verbose.
import { describe, expect, test, vi } from 'vitest';
import { demoActivations } from '../../scripts/demo/pim-demo.js';
import { demoReport, resumeBrief, type ActivationResult, type CalloutResult, type DemoRun } from '../../scripts/demo/report.js';
import { demoScenarios } from '../../scripts/demo/scenarios.js';
import type { LedgerEntry } from '../../src/ledger/ledger.js';

const APPROVAL_STAGE = {
  source: 'entitlement-guard',
  type: 'microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated',
  data: {
    '@odata.type': 'microsoft.graph.assignmentRequestApprovalStageCallbackData',
    stage: 'assignmentRequestDeterminingApprovalRequirements',
    customExtensionStageInstanceId: '417ce1ef-8234-42ad-b1b0-cd7eff0a4508',
    customExtensionStageInstanceDetail: 'Approvers: Level-1 manager: Morgan Ek.',
    approvalStage: {
      durationBeforeAutomaticDenial: 'P7D',
      isApproverJustificationRequired: true,
      isEscalationEnabled: true,
      durationBeforeEscalation: 'PT48H',
      primaryApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: '48ac3ed1-9245-4cf4-a110-6848de533e94', description: 'Level-1 manager: Morgan Ek' }],
      fallbackPrimaryApprovers: [{ '@odata.type': '#microsoft.graph.groupMembers', groupId: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0', description: 'department approvers' }],
      escalationApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: '598d51ac-3d3e-446d-889d-6a6fd05db948', description: 'Level-2 manager: Riley Novak' }],
      fallbackEscalationApprovers: [],
    },
  },
};

function elmBody(stage: string, detail: string, denied = false): Record<string, unknown> {
  return {
    source: 'entitlement-guard',
    type: `microsoft.graph.accessPackageCustomExtensionStage.${stage}`,
    data: {
      '@odata.type': 'microsoft.graph.accessPackageAssignmentRequestCallbackData',
      stage,
      customExtensionStageInstanceId: '5d1e2f3a-0003-4b5c-8d6e-7f8091a2b3c4',
      customExtensionStageInstanceDetail: detail,
      ...(denied ? { state: 'denied' } : {}),
    },
  };
}

const SOD_DENY = 'Denied by policy: [separation-of-duties] SOD-001 Vendor maintenance vs payment release: would hold Maintain vendors: Vendor Master Editors (nested group); Release payments: Payments - Approver (requested), Payment Approvers (requested) +1 more.';
const LCW = { data: { operationStatus: 'completed' }, source: 'entitlement-guard', type: 'lifecycleEvent' };

/** The body a run's resume of this scenario carries. */
function bodyFor(name: string, decision: string | undefined): unknown {
  if (name.startsWith('lcw-')) return LCW;
  if (decision === 'approval-stage') return APPROVAL_STAGE;
  const stage = name.includes('approved') ? 'assignmentRequestApproved' : name.includes('granted') ? 'assignmentRequestGranted' : name.includes('removed') ? 'assignmentRequestRemoved' : 'assignmentRequestCreated';
  return decision === 'deny' ? elmBody(stage, SOD_DENY, true) : elmBody(stage, 'All 6 checks passed (risky-user, user-attributes, manager-or-sponsor, justification, max-duration, separation-of-duties).');
}

/** Each demo scenario as a real run answers it: what it expects, with the error codes and decisions a run reports where none is expected. */
function calloutResults(): CalloutResult[] {
  return demoScenarios().map((scenario) => {
    const { expect: e } = scenario;
    const outcome = e.outcome ?? (e.status === 401 ? 'CALLOUT.MISSING_TOKEN' : 'CALLOUT.ID_MISMATCH');
    const decision = e.decision ?? (e.status === 200 ? 'continue' : '-');
    return { scenario, status: e.status, outcome, decision, findings: [...(e.findings ?? [])], received: Array.from({ length: e.resumes }, () => bodyFor(scenario.name, e.decision)), ok: true };
  });
}

const REASONS = [
  'Not auto-approved: [activation-window] Only exception groups allow an activation here, and none applies.',
  '[separation-of-duties] SOD-002 Payment approvers do not administer users: would hold Release payments: Payments - Approver; Administer users: User Administrator.',
  '[activation-window] sat 03:00 Europe/Amsterdam is outside the activation window (mon, tue, wed, thu, fri 07:00–19:00).',
  'AutoApproved by on-call-auto-approve. All 6 checks passed (separation-of-duties, justification, max-duration, risky-user, activation-window, user-attributes).',
  'All 5 checks passed (separation-of-duties, justification, max-duration, risky-user, activation-window).',
  '[risky-user] Could not run: riskState could not be read (not back from Graph before the deadline).',
];

function activationResults(): ActivationResult[] {
  return demoActivations().map((a, i) => ({ name: a.name, expect: a.expect, outcome: a.expect.outcome, reasons: [REASONS[i] ?? ''], ms: a.slowGraph === true ? 2489 : 41, ok: true }));
}

function entry(i: number, stage: string, decision: LedgerEntry['decision']): LedgerEntry {
  return {
    key: { subject: `7e8f9a0b-1c2d-4e3f-8a4b-00000000000${String(i)}`, stageInstance: `5d1e2f3a-000${String(i)}-4b5c-8d6e-7f8091a2b3c4` },
    protocol: stage.startsWith('pim') ? 'pim' : 'elm',
    decision,
    detail: 'All 6 checks passed.',
    resume: { apiVersion: 'v1.0', path: '/identityGovernance/entitlementManagement/assignmentRequests/x/resume', body: {} },
    stage,
    stageInstanceId: undefined,
    policy: undefined,
    findings: [],
    callerAppId: undefined,
    decidedBy: 'callout',
    operator: undefined,
    reason: undefined,
    subject: { catalogId: undefined, accessPackageId: undefined, targetObjectId: undefined, requestType: undefined },
    state: 'sent',
    decidedAt: `2026-12-03T10:00:0${String(i)}.000Z`,
    sentAt: undefined,
    confirmedAt: undefined,
    refusedBody: undefined,
  };
}

function run(overrides: Partial<DemoRun> = {}): DemoRun {
  return {
    policyFile: 'policy/sample.policy.json',
    tenantFile: 'emulator/tenants/contoso.json',
    tenantId: '0c6f5d3e-8a57-4f4e-9b1a-2d7c1a3e5f00',
    emulatorOrigin: 'https://127.0.0.1:32789',
    hostUrl: 'http://127.0.0.1:43033',
    ledgerUrl: 'https://127.0.0.1:37605/devstoreaccount1/decisions',
    pimDeadlineMs: 3000,
    callouts: calloutResults(),
    activations: activationResults(),
    ledger: [entry(1, 'assignmentRequestDeterminingApprovalRequirements', 'approval-stage'), entry(2, 'assignmentRequestCreated', 'deny'), entry(3, 'pim directory role 729827e3-9c14-49f7-bb1b-9608f156bbb8 at /', 'approve')],
    kept: false,
    hostOutput: ['[host] listening on http://127.0.0.1:43033', '[host] callout 200 resumed'],
    ...overrides,
  };
}

const tooWide = (text: string) => text.split('\n').filter((line) => line.length > 120);

describe('the demo report', () => {
  test('fits 120 columns and ends with the summary line', () => {
    const { text, failed } = demoReport(run(), false);
    expect(tooWide(text)).toEqual([]);
    expect(failed).toEqual([]);
    expect(text.split('\n').at(-1)).toBe('All 21 callouts and 6 activations got their expected outcome.');
  });

  test('names the policy and tenant files it used, and the tenant id', () => {
    const { text } = demoReport(run(), false);
    expect(text).toMatch(/^ {2}policy +policy\/sample\.policy\.json$/m);
    expect(text).toMatch(/^ {2}tenant +emulator\/tenants\/contoso\.json \(tenant id 0c6f5d3e-8a57-4f4e-9b1a-2d7c1a3e5f00\)$/m);
  });

  test('explains every column of the callouts table, and has an expected column beside the answer', () => {
    const lines = demoReport(run(), false).text.split('\n');
    const header = lines.find((line) => line.startsWith('#  ') && line.includes('callout'));
    const columns = header?.trim().split(/\s{2,}/) ?? [];
    expect(columns).toEqual(['#', 'callout', 'answer', 'decision', 'expected']);
    for (const column of columns) expect(lines.some((line) => new RegExp(`^ {2}${column.replace('#', '\\#')} {2,}\\S`).test(line))).toBe(true);
    const risky = lines.find((line) => line.includes('elm-request-created.risky-user.wire'));
    expect(risky?.split(/\s{2,}/)).toEqual(['9', 'elm-request-created.risky-user.wire', '200 resumed', 'deny (riskTooHigh)', 'deny']);
    const token = lines.find((line) => line.includes('no bearer token'));
    expect(token?.split(/\s{2,}/)).toEqual(['21', 'no bearer token', '401 CALLOUT.MISSING_TOKEN', '-', '401']);
  });

  test('shows each resume body on one short line; --verbose adds them in full and the host output', () => {
    const quiet = demoReport(run(), false).text;
    const full = JSON.stringify(APPROVAL_STAGE);
    expect(quiet).not.toContain(full);
    expect(quiet).toContain('  #1   approval stage · approvers Level-1 manager: Morgan Ek; escalation Level-2 manager: Riley Novak\n');
    expect(quiet).toContain('npm run demo -- --verbose');
    expect(quiet).not.toContain('[host]');
    const verbose = demoReport(run(), true).text;
    expect(verbose).toContain(`  #1 ${full}`);
    expect(verbose).toContain('[host] callout 200 resumed');
    expect(verbose.split('\n').at(-1)).toBe('All 21 callouts and 6 activations got their expected outcome.');
    // Only the full bodies pass 120 columns.
    expect(tooWide(verbose).every((line) => line.startsWith('  #') && line.includes('"source":"entitlement-guard"'))).toBe(true);
  });

  test('a callout that got something else is marked, says what differed, and fails the run', () => {
    const callouts = calloutResults().map((r) => (r.scenario.name === 'elm-request-created.wire' ? { ...r, decision: 'deny', findings: ['risky-user/riskTooHigh'], ok: false } : r));
    const { text, failed } = demoReport(run({ callouts }), false);
    expect(failed).toEqual(['elm-request-created.wire']);
    expect(tooWide(text)).toEqual([]);
    expect(text).toMatch(/^13 +elm-request-created\.wire +200 resumed +deny \(riskTooHigh\) +✗ continue$/m);
    expect(text).toContain('  ✗ #13 elm-request-created.wire: expected decision continue, got deny; findings [], got [risky-user/riskTooHigh]');
    expect(text).toContain('Local host output:');
    expect(text.split('\n').at(-1)).toBe('1 of 27 callouts and activations did not get their expected outcome (✗ above).');
  });

  test('an activation that got something else is marked with what was expected', () => {
    const activations = activationResults().map((a, i) => (i === 1 ? { ...a, outcome: 'Approved', reasons: ['All 6 checks passed.'], ok: false } : a));
    const { text, failed } = demoReport(run({ activations }), false);
    expect(failed).toEqual(['entra role, SoD conflict (Rowan, User Administrator)']);
    expect(text).toMatch(/^P2 +entra role, SoD conflict \(Rowan, User Administrator\) +Approved +✗ Denied +41$/m);
    expect(text).toContain('      ✗ expected Denied with a first reason matching /^\\[separation-of-duties\\] SOD-002/');
  });
});

describe('a resume body in brief', () => {
  test('says what it tells Entra, then its detail, cut to the width', () => {
    expect(resumeBrief(elmBody('assignmentRequestCreated', SOD_DENY, true), 60)).toBe(`deny · ${SOD_DENY.slice(0, 52)}…`);
    expect(resumeBrief(elmBody('assignmentRequestGranted', 'No check applies to this stage.'), 113)).toBe('continue · No check applies to this stage.');
    expect(resumeBrief(LCW, 113)).toBe('lcw completed');
    expect(resumeBrief({ something: 'else' }, 113)).toBe('{"something":"else"}');
    expect(resumeBrief({ something: 'x'.repeat(200) }, 40)).toHaveLength(40);
  });
});

describe('npm run demo -- --verbose', () => {
  test('is in the usage and reaches the demo', async () => {
    const { main, DEMO_USAGE } = await import('../../scripts/demo.js');
    expect(DEMO_USAGE).toMatch(/^ {2}--verbose {3}the resume bodies Graph received in full/m);
    const job = vi.fn(() => Promise.resolve(0));
    const io = { out: () => undefined, err: () => undefined };
    expect(await main(['--verbose'], io, job)).toBe(0);
    expect(await main([], io, job)).toBe(0);
    expect(job.mock.calls).toEqual([[{ verbose: true, keep: false }], [{ verbose: false, keep: false }]]);
  });
});
