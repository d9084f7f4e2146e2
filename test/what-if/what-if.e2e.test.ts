// `npm run what-if` in-process against the tenant emulator (emulator/tenants/contoso.json) and the sample policy.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_TENANT_FILE, type TenantEmulator } from '../../emulator/index.js';
import { whatIfCli } from '../../scripts/what-if/what-if-cli.js';
import { SAMPLE_POLICY } from '../../scripts/demo/scenarios.js';
import { startTestEmulator } from '../support/emulator.js';
import { guid } from '../support/graph-paths.js';

const AVERY = 'a7529cd7-a86d-4455-8c43-00e7495481b0';
const TAYLOR = 'c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b';
const NOOR = '5e6c13ac-1147-4685-a32a-d31c30e75731';
const PAYMENTS = '97979783-38c5-40ae-b74e-404935a04ffd';
const FINANCE = '26803898-8c26-4ca8-ba50-15552ecd4c9d';
const IDS = { requestId: guid('0f0f0f0f-0000-4000-8000-00000000f001'), stageInstanceId: guid('0f0f0f0f-1111-4000-8000-00000000f001') };
const dir = mkdtempSync(join(tmpdir(), 'eg-what-if-test-'));

/**
 * One emulator for the file, lent to each run (the managed identity of `@azure/identity` keeps
 * its endpoint process-wide); another tenant file gets its own, which here never starts.
 */
let shared: TenantEmulator;
beforeAll(async () => {
  shared = await startTestEmulator();
});
afterAll(async () => {
  await shared.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly lines: string[];
  /** The emulator the command read, when it got that far. */
  readonly emulator: TenantEmulator | undefined;
}

/** The emulator does not expand an access package's catalog (yet): the catalog is given, as --catalog allows. */
async function whatIf(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  let emulator: TenantEmulator | undefined;
  shared.clearCalls();
  const code = await whatIfCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) }, {
    env,
    ids: IDS,
    openEmulator: async (tenant) => {
      if (tenant === SAMPLE_TENANT_FILE) return { emulator: (emulator = shared), close: () => Promise.resolve() };
      const own = await startTestEmulator({ tenant });
      return { emulator: (emulator = own), close: () => own.close() };
    },
  });
  return { code, out: out.join(''), err: err.join(''), lines: out.join('').split('\n'), emulator };
}

const ask = (user: string, more: readonly string[] = []) => whatIf(['--user', user, '--package', PAYMENTS, '--catalog', FINANCE, '--policy', SAMPLE_POLICY, ...more]);

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('what-if: a clean user and package', () => {
  it('Avery asking for Payments - Approver would continue; the checks that read the request are shown, not counted', async () => {
    const run = await ask(AVERY);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.lines).toEqual(
      expect.arrayContaining([
        `What if Avery Lindqvist (${AVERY}) requested Payments - Approver (${PAYMENTS})?`,
        `  catalog ${FINANCE} (from --catalog); stage assignmentRequestCreated; request type userAdd`,
        `  made-up request ${IDS.requestId}`,
        'Would CONTINUE at assignmentRequestCreated.',
        'Detail approvers would see:',
        '  All 4 checks passed (risky-user, user-attributes, manager-or-sponsor, separation-of-duties).',
        'Checks (scopes baseline-at-creation, finance-change-control, finance-separation-of-duties):',
        '  passed        risky-user [baseline-at-creation]',
        '  passed        user-attributes [baseline-at-creation]',
        '  passed        manager-or-sponsor [baseline-at-creation]',
        '  passed        separation-of-duties [finance-separation-of-duties]',
        'Not counted (they read the request itself): justification, max-duration',
        '  could not run justification [finance-change-control]',
        '      - Could not run: request could not be read (not-found).',
        '  could not run max-duration [finance-change-control]',
        `  request                   GET v1.0 /identityGovernance/entitlementManagement/assignmentRequests/${IDS.requestId}: FAILED (not-found, 404) (expected: the request is made up)`,
        `  riskState                 GET v1.0 /identityProtection/riskyUsers/${AVERY}: absent, 404: read as none`,
        '  targetEligibleRoles       GET v1.0 /roleManagement/directory/roleEligibilitySchedules: loaded, 200',
      ]),
    );
    expect(run.lines[2]).toMatch(/^ {2}policy .*sample\.policy\.json \(--policy; sha256:[0-9a-f]{16}, enforce\); read from the tenant emulator \(.*contoso\.json\)$/);
  });

  it('reads only: every Graph call is a GET, the request read finds nothing, nothing is resumed', async () => {
    const run = await ask(AVERY);
    const graph = run.emulator?.calls({ service: 'graph' }) ?? [];
    expect(graph.length).toBeGreaterThan(10);
    expect(graph.filter((c) => c.method !== 'GET')).toEqual([]);
    expect(graph.find((c) => c.path.endsWith(`/assignmentRequests/${IDS.requestId}`))?.status).toBe(404);
    expect(graph.map((c) => c.path)).toEqual(expect.arrayContaining([`/v1.0/users/${AVERY}`, `/v1.0/identityGovernance/entitlementManagement/accessPackages/${PAYMENTS}`]));
    expect(run.emulator?.acceptedResumes()).toEqual([]);
  });

  it('at the approval-requirements stage: the approval stage the resume would set', async () => {
    const run = await ask(AVERY, ['--stage', 'assignmentRequestDeterminingApprovalRequirements']);
    expect(run.code).toBe(0);
    expect(run.lines).toEqual(
      expect.arrayContaining([
        'Would SET AN APPROVAL STAGE at assignmentRequestDeterminingApprovalRequirements.',
        '  Approvers: Level-1 manager: Morgan Ek.',
        '  approvers: Level-1 manager: Morgan Ek (user 48ac3ed1-9245-4cf4-a110-6848de533e94); fallback department approvers (group 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0)',
        '  escalation: after PT48H: Level-2 manager: Riley Novak (user 598d51ac-3d3e-446d-889d-6a6fd05db948); fallback none',
        '  denied automatically after P7D; approvers must justify',
      ]),
    );
  });
});

describe('what-if: separation of duties', () => {
  it('Taylor (holds Vendor Master - Maintain) asking for Payments - Approver would be denied at creation: SOD-001, both sides with where each comes from', async () => {
    const run = await ask(TAYLOR);
    expect(run.code).toBe(0);
    expect(run.lines).toEqual(
      expect.arrayContaining([
        'Would be DENIED at assignmentRequestCreated.',
        '  FAILED        separation-of-duties [finance-separation-of-duties]',
        '        violation, severity critical, action deny, enforced',
        '        Rule SOD-001 "Vendor maintenance vs payment release", owner Finance Controls (controls@contoso.example)',
        '        new conflict: the request creates it',
        '        Maintain vendors (3 items):',
        '          Vendor Master - Maintain (access package): assignment aa000000-0000-4000-8000-000000000001 (delivered)',
        '          Vendor Master Editors (group): direct member',
        '          SAP Vendor Maintain (app role): app role assignment ab000000-0000-4000-8000-000000000001',
        '        Release payments (4 items):',
        '          Payments - Approver (access package): this request',
        '          Payment Approvers (group): granted by the requested package (Member)',
        '        Mitigating control: Internal Audit reviews vendor master changes against released payments every month.',
        '        Exemption: none applies',
      ]),
    );
    const detail = run.lines[run.lines.indexOf('Detail approvers would see:') + 1];
    expect(detail).toMatch(/^ {2}Denied by policy: \[separation-of-duties\] SOD-001 Vendor maintenance vs payment release: would hold Maintain vendors: Vendor Master - Maintain.*; Release payments: /);
    // Taylor's real pending request for the same package counts as pending: the made-up id matches none.
    expect(run.lines).toContain('          Payments - Approver (access package): pending request 7e8f9a0b-0002-4000-8000-000000000002 (submitted)');
  });

  it('Noor (eligible User Administrator) would be denied by SOD-002', async () => {
    const run = await ask(NOOR);
    expect(run.lines).toEqual(
      expect.arrayContaining([
        'Would be DENIED at assignmentRequestCreated.',
        '      - SOD-002 Payment approvers do not administer users: would hold Release payments: Payments - Approver (requested); Administer users: User Administrator (eligible).',
        '        Rule SOD-002 "Payment approvers do not administer users", owner Identity Governance (iga@contoso.example)',
        '        Administer users (1 item):',
        '          User Administrator (directory role): eligible role assignment ad000000-0000-4000-8000-000000000001',
      ]),
    );
  });

  it('at assignmentRequestApproved the same is flagged, not denied', async () => {
    const run = await ask(TAYLOR, ['--stage', 'assignmentRequestApproved']);
    expect(run.lines).toContain('Would CONTINUE at assignmentRequestApproved, FLAGGED: the policy denies, but assignmentRequestApproved cannot deny.');
    const detail = run.lines[run.lines.indexOf('Detail approvers would see:') + 1];
    expect(detail).toMatch(/^ {2}Flagged, not denied \(assignmentRequestApproved cannot deny\): \[separation-of-duties\] SOD-001 /);
  });

  it('…and denied there when ALLOW_DENY_AT_APPROVED_STAGE is set, as the function would', async () => {
    const run = await whatIf(['--user', NOOR, '--package', PAYMENTS, '--catalog', FINANCE, '--stage', 'assignmentRequestApproved'], { POLICY_PATH: SAMPLE_POLICY, ALLOW_DENY_AT_APPROVED_STAGE: 'true' });
    expect(run.lines).toContain('Would be DENIED at assignmentRequestApproved.');
  });

  it('a user given by UPN is the same user', async () => {
    const run = await ask('taylor@contoso.example');
    expect(run.lines[0]).toBe(`What if Taylor Brooks (${TAYLOR}) requested Payments - Approver (${PAYMENTS})?`);
    expect(run.lines).toContain('Would be DENIED at assignmentRequestCreated.');
  });

  it('--json: the evaluation with the callout summary and the stage\'s answer, under fixed keys', async () => {
    const run = await ask(TAYLOR, ['--json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.out) as Record<string, Record<string, unknown>>;
    expect(Object.keys(json)).toEqual(['whatIf', 'answer', 'callout', 'evaluation', 'requestChecks']);
    expect(json['whatIf']).toMatchObject({
      user: { id: TAYLOR, displayName: 'Taylor Brooks', userPrincipalName: 'taylor@contoso.example' },
      accessPackage: { id: PAYMENTS, displayName: 'Payments - Approver' },
      catalog: { id: FINANCE, displayName: null, from: 'argument' },
      assignmentPolicy: null,
      stage: 'assignmentRequestCreated',
      requestType: 'userAdd',
      requestId: IDS.requestId,
      source: { kind: 'emulator' },
    });
    expect(json['answer']).toMatchObject({ decision: 'deny', policyDecision: 'deny', stageMayDeny: true, resume: { apiVersion: 'v1.0', body: { data: { state: 'denied' } } } });
    expect(json['callout']).toEqual({
      kind: 'elm-request', shape: 'flat-pascal', stage: 'assignmentRequestCreated', stageInstanceId: IDS.stageInstanceId, requestId: IDS.requestId, requestType: 'userAdd',
      catalog: { id: FINANCE }, accessPackage: { id: PAYMENTS, displayName: 'Payments - Approver' }, targetObjectId: TAYLOR, targetDisplayName: 'Taylor Brooks',
    });
    const evaluation = json['evaluation'] as { decision: { kind: string }; approvers: unknown; checks: { id: string; findings: { evidence?: { rule: { id: string }; sides: { name: string }[] } }[] }[] };
    expect(Object.keys(evaluation)).toEqual(['policy', 'checks', 'facts', 'approvers', 'decision', 'timings']);
    expect(evaluation.decision.kind).toBe('deny');
    expect(evaluation.approvers).toBeNull();
    const evidence = evaluation.checks.find((c) => c.id === 'separation-of-duties')?.findings[0]?.evidence;
    expect(evidence?.rule.id).toBe('SOD-001');
    expect(evidence?.sides.map((s) => s.name)).toEqual(['Maintain vendors', 'Release payments']);
    const requestChecks = json['requestChecks'] as { note: string; checks: { id: string; status: string }[]; facts: { fact: string; outcome: string; graphStatus: number }[] };
    expect(requestChecks.checks.map((c) => `${c.id}:${c.status}`)).toEqual(['justification:error', 'max-duration:error']);
    expect(requestChecks.facts).toEqual([expect.objectContaining({ fact: 'request', outcome: 'failed', graphStatus: 404 })]);
    expect(requestChecks.note).toMatch(/^A what-if makes no request/);
  });
});

describe('what-if: what stops it', () => {
  it.each([
    ['an unknown user (UPN)', ['--user', 'nobody@contoso.example', '--package', PAYMENTS, '--catalog', FINANCE], 'what-if: No user nobody@contoso.example in the tenant (Graph answered 404).\n'],
    ['an unknown user (id)', ['--user', '00000000-0000-4000-8000-000000000099', '--package', PAYMENTS, '--catalog', FINANCE], 'what-if: No user 00000000-0000-4000-8000-000000000099 in the tenant (Graph answered 404).\n'],
    ['an unknown package', ['--user', AVERY, '--package', '00000000-0000-4000-8000-0000000000aa', '--catalog', FINANCE], 'what-if: No access package 00000000-0000-4000-8000-0000000000aa in the tenant (Graph answered 404).\n'],
  ])('%s: exit 2 with one line', async (_name, args, message) => {
    const run = await whatIf([...args, '--policy', SAMPLE_POLICY]);
    expect(run).toMatchObject({ code: 2, out: '', err: message });
  });

  it('a policy that cannot be read: its message, exit 2, no emulator started', async () => {
    const run = await whatIf(['--user', AVERY, '--package', PAYMENTS, '--policy', join(dir, 'missing.json')]);
    expect(run).toMatchObject({ code: 2, out: '', err: `what-if: --policy ${join(dir, 'missing.json')}: no such file\n`, emulator: undefined });
  });

  it('a policy that does not validate: the loader\'s message pointing at the place, exit 2', async () => {
    const path = file('bad.policy.json', JSON.stringify({ mode: 'sometimes', scopes: [] }));
    const run = await whatIf(['--user', AVERY, '--package', PAYMENTS, '--policy', path]);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^what-if: .*bad\.policy\.json.*\/mode.*\n$/);
  });

  it('a tenant file that does not load: its message, exit 2', async () => {
    const path = file('bad.tenant.json', JSON.stringify({ users: 'none' }));
    const run = await whatIf(['--user', AVERY, '--package', PAYMENTS, '--policy', SAMPLE_POLICY, '--tenant', path]);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^what-if: .*bad\.tenant\.json.*\n$/);
  });

  it('bad arguments: the problem and the usage, exit 2', async () => {
    const run = await whatIf(['--user', AVERY]);
    expect(run.code).toBe(2);
    expect(run.out).toBe('');
    expect(run.err).toMatch(/^what-if: --package is required \(or --role, --group or --azure-role for a PIM activation\)\n\nUsage: npm run what-if -- --user <object id or UPN> --package <access package id> \[options\]\n/);
  });

  it('--help: the usage on stdout, exit 0', async () => {
    const run = await whatIf(['--help']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^Usage: npm run what-if/);
  });
});

describe('what-if: request types', () => {
  it('--request-type UserExtend: an extension, which the sample policy names, gets the checks an add gets', async () => {
    const run = await ask(AVERY, ['--request-type', 'UserExtend']);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.lines).toEqual(
      expect.arrayContaining([
        `  catalog ${FINANCE} (from --catalog); stage assignmentRequestCreated; request type userExtend`,
        'Would CONTINUE at assignmentRequestCreated.',
        '  All 4 checks passed (risky-user, user-attributes, manager-or-sponsor, separation-of-duties).',
        'Checks (scopes baseline-at-creation, finance-change-control, finance-separation-of-duties):',
        'Not counted (they read the request itself): justification, max-duration',
      ]),
    );
    expect(run.out).not.toContain('Noted by the policy');
  });

  it('--request-type unknownFutureValue: every scope whose other keys fit applies, and the policy notes why', async () => {
    const run = await ask(TAYLOR, ['--request-type', 'unknownFutureValue', '--json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.out) as { whatIf: { requestType: string }; answer: { decision: string; detail: string }; evaluation: { policy: { scopes: string[]; notices: { checkId: string; kind: string; messageId: string; data: Record<string, unknown> }[] } } };
    expect(json.whatIf.requestType).toBe('unknownFutureValue');
    expect(json.evaluation.policy.scopes).toEqual(['baseline-at-creation', 'finance-change-control', 'finance-separation-of-duties']);
    const scopes = 'baseline-at-creation, finance-change-control, finance-separation-of-duties';
    expect(json.evaluation.policy.notices).toEqual([expect.objectContaining({ checkId: 'policy', kind: 'notice', messageId: 'unspecifiedRequestType', data: { requestType: 'unknownFutureValue', scopes } })]);
    expect(json.answer.decision).toBe('deny');
    expect(json.answer.detail).toContain('Noted: [policy] The request type is unknownFutureValue, which does not say what the request does');
  });
});
