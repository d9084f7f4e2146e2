import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { demoScenarios, findingIds, SAMPLE_POLICY } from '../../scripts/demo/scenarios.js';
import { appFor, callHandler, fixture } from '../support/app.js';
import { startTestEmulator } from '../support/emulator.js';
import { samplePolicyWith } from '../support/policies.js';

let emulator: TenantEmulator;
const dir = mkdtempSync(join(tmpdir(), 'eg-policy-'));

/** The sample policy with some top-level fields replaced, written where POLICY_PATH can point. */
const policyWith = (name: string, changes: Record<string, unknown>) => samplePolicyWith(dir, name, changes);

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

async function send(deps: ReturnType<typeof appFor>, body: Record<string, unknown>) {
  emulator.awaitCallout(body);
  return callHandler(deps, body, { token: await emulator.mintCallerToken() });
}

const data = (resume: unknown) => (resume as { data: Record<string, unknown> }).data;

describe('the sample policy end to end (function → facts → checks → resume)', () => {
  const scenarios = demoScenarios().filter((s) => s.awaitFirst);

  it.each(scenarios.map((s) => [s.name, s] as const))('%s → the decision and findings the demo expects', async (_name, scenario) => {
    const deps = appFor(emulator, { POLICY_PATH: SAMPLE_POLICY });
    const answer = await send(deps, scenario.body);
    expect(answer.status).toBe(scenario.expect.status);
    expect(answer.json['outcome']).toBe(scenario.expect.outcome);
    expect(answer.json['decision']).toBe(scenario.expect.decision);
    if (scenario.expect.findings !== undefined) expect(findingIds(answer.json)).toEqual(scenario.expect.findings);
    expect(emulator.acceptedResumes()).toHaveLength(scenario.expect.resumes);
  });

  it('a clean request: one round of distinct reads, then the resume; the record lists checks, facts and the policy version', async () => {
    const deps = appFor(emulator, { POLICY_PATH: SAMPLE_POLICY });
    const answer = await send(deps, fixture('elm-request-created.wire.json'));
    const graph = emulator.calls({ service: 'graph' });
    const reads = graph.filter((c) => c.method === 'GET');
    expect(reads.map((c) => c.path).sort()).toEqual([
      '/v1.0/identityGovernance/entitlementManagement/accessPackages/97979783-38c5-40ae-b74e-404935a04ffd',
      '/v1.0/identityGovernance/entitlementManagement/assignmentRequests',
      '/v1.0/identityGovernance/entitlementManagement/assignmentRequests/3c7ee35f-ab17-4893-bb65-7a761c670d1a',
      '/v1.0/identityGovernance/entitlementManagement/assignments',
      '/v1.0/identityProtection/riskyUsers/a7529cd7-a86d-4455-8c43-00e7495481b0',
      '/v1.0/roleManagement/directory/roleAssignments',
      '/v1.0/roleManagement/directory/roleEligibilitySchedules',
      '/v1.0/users/a7529cd7-a86d-4455-8c43-00e7495481b0',
      '/v1.0/users/a7529cd7-a86d-4455-8c43-00e7495481b0/appRoleAssignments',
      '/v1.0/users/a7529cd7-a86d-4455-8c43-00e7495481b0/manager',
      '/v1.0/users/a7529cd7-a86d-4455-8c43-00e7495481b0/memberOf/microsoft.graph.group',
      '/v1.0/users/a7529cd7-a86d-4455-8c43-00e7495481b0/sponsors',
      '/v1.0/users/a7529cd7-a86d-4455-8c43-00e7495481b0/transitiveMemberOf/microsoft.graph.group',
    ]);
    expect(graph.at(-1)?.method).toBe('POST');
    expect(data(graph.at(-1)?.body)).toEqual({
      '@odata.type': 'microsoft.graph.accessPackageAssignmentRequestCallbackData',
      stage: 'assignmentRequestCreated',
      customExtensionStageInstanceId: '64054d8d-4d73-4705-820a-866332af9a64',
      customExtensionStageInstanceDetail: 'All 6 checks passed (risky-user, user-attributes, manager-or-sponsor, justification, max-duration, separation-of-duties).',
    });
    expect(answer.json['policy']).toMatchObject({ version: expect.stringMatching(/^sha256:[0-9a-f]{16}$/) as unknown, scopes: ['baseline-at-creation', 'finance-change-control', 'finance-separation-of-duties'] });
    const checks = answer.json['checks'] as { id: string; status: string }[];
    expect(checks.map((c) => `${c.id}:${c.status}`)).toEqual(['risky-user:passed', 'user-attributes:passed', 'manager-or-sponsor:passed', 'justification:passed', 'max-duration:passed', 'separation-of-duties:passed']);
    const facts = answer.json['facts'] as { fact: string; outcome: string }[];
    expect(facts.map((f) => `${f.fact}:${f.outcome}`)).toEqual([
      'request:loaded', 'requestedPackage:loaded', 'riskState:absent', 'targetActiveRoles:loaded', 'targetAppRoles:loaded', 'targetDirectGroups:loaded', 'targetEligibleRoles:loaded',
      'targetGroups:loaded', 'targetManager:loaded', 'targetPackageAssignments:loaded', 'targetPackageRequests:loaded', 'targetSponsors:loaded', 'targetUser:loaded',
    ]);
    expect(JSON.stringify(answer.json)).not.toMatch(/avery@|CHG0012345|Approving supplier/);
  });

  it('a risky user is denied at creation, with the finding in the text approvers see', async () => {
    const answer = await send(appFor(emulator, { POLICY_PATH: SAMPLE_POLICY }), fixture('elm-request-created.risky-user.wire.json'));
    expect(data(emulator.acceptedResumes()[0]?.body)).toMatchObject({
      state: 'denied',
      customExtensionStageInstanceDetail: 'Denied by policy: [risky-user] The user is at high risk (atRisk); at most low is accepted.',
    });
    const finding = (answer.json['checks'] as { findings: Record<string, unknown>[] }[]).flatMap((c) => c.findings)[0];
    expect(finding).toMatchObject({ checkId: 'risky-user', messageId: 'riskTooHigh', action: 'deny', enforced: true, severity: 'high', evidence: { riskLevel: 'high', riskState: 'atRisk' } });
  });

  it('the approval-requirements stage gets the manager chain: level 1 approves, level 2 on escalation, the department group as fallback', async () => {
    await send(appFor(emulator, { POLICY_PATH: SAMPLE_POLICY }), fixture('elm-approval-requirements.wire.json'));
    const resume = emulator.acceptedResumes()[0];
    expect(resume?.path).toMatch(/^\/beta\//);
    expect(data(resume?.body)['approvalStage']).toEqual({
      durationBeforeAutomaticDenial: 'P7D',
      isApproverJustificationRequired: true,
      isEscalationEnabled: true,
      durationBeforeEscalation: 'PT48H',
      primaryApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: '48ac3ed1-9245-4cf4-a110-6848de533e94', description: 'Level-1 manager: Morgan Ek' }],
      fallbackPrimaryApprovers: [{ '@odata.type': '#microsoft.graph.groupMembers', groupId: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0', description: 'department approvers' }],
      escalationApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: '598d51ac-3d3e-446d-889d-6a6fd05db948', description: 'Level-2 manager: Riley Novak' }],
      fallbackEscalationApprovers: [],
    });
    const chainRead = emulator.calls({ service: 'graph', method: 'GET' }).filter((c) => c.path.endsWith('/users/a7529cd7-a86d-4455-8c43-00e7495481b0'));
    expect(chainRead).toHaveLength(1);
  });

  it('the requestor without a manager: the fallback group becomes the approver', async () => {
    emulator.directory.setManager('a7529cd7-a86d-4455-8c43-00e7495481b0', null);
    try {
      const answer = await send(appFor(emulator, { POLICY_PATH: SAMPLE_POLICY }), { ...fixture('elm-approval-requirements.wire.json'), CustomExtensionStageInstanceId: 'aa000000-0000-4000-8000-000000000001' });
      const stage = data(emulator.acceptedResumes()[0]?.body)['approvalStage'] as Record<string, unknown>;
      expect(stage['primaryApprovers']).toEqual([{ '@odata.type': '#microsoft.graph.groupMembers', groupId: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0', description: 'department approvers' }]);
      expect(answer.json['approvers']).toMatchObject({ scope: 'finance-approvers', outcome: 'fallback' });
    } finally {
      emulator.directory.setManager('a7529cd7-a86d-4455-8c43-00e7495481b0', '48ac3ed1-9245-4cf4-a110-6848de533e94');
    }
  });
});

describe('Lifecycle Workflows under the policy', () => {
  it('a joiner without a manager fails the pre-hire task (deny → operationStatus failed)', async () => {
    const noor = '5e6c13ac-1147-4685-a32a-d31c30e75731';
    emulator.directory.setManager(noor, null);
    try {
      const answer = await send(appFor(emulator, { POLICY_PATH: SAMPLE_POLICY }), fixture('lcw-custom-task.json'));
      expect(answer.json['decision']).toBe('fail');
      expect(findingIds(answer.json)).toEqual(['manager-or-sponsor/noManager']);
      expect(emulator.acceptedResumes()[0]?.body).toEqual({ data: { operationStatus: 'failed' }, source: 'entitlement-guard', type: 'lifecycleEvent' });
    } finally {
      emulator.directory.setManager(noor, '437be613-5955-4d7b-97a8-cfe7dd6736fe');
    }
  });
});

describe('modes and fail modes', () => {
  it('audit mode never denies but records the same findings, marked not enforced', async () => {
    const enforced = await send(appFor(emulator, { POLICY_PATH: SAMPLE_POLICY }), { ...fixture('elm-request-created.risky-user.wire.json'), CustomExtensionStageInstanceId: 'aa000000-0000-4000-8000-000000000002' });
    emulator.clearCalls();
    const audited = await send(appFor(emulator, { POLICY_PATH: policyWith('audit', { mode: 'audit' }) }), { ...fixture('elm-request-created.risky-user.wire.json'), CustomExtensionStageInstanceId: 'aa000000-0000-4000-8000-000000000003' });
    expect(enforced.json['decision']).toBe('deny');
    expect(audited.json['decision']).toBe('continue');
    expect(findingIds(audited.json)).toEqual(findingIds(enforced.json));
    const resume = data(emulator.acceptedResumes()[0]?.body);
    expect(resume['state']).toBeUndefined();
    expect(resume['customExtensionStageInstanceDetail']).toBe('Audit only, would deny: [risky-user] The user is at high risk (atRisk); at most low is accepted.');
  });

  it('a read Graph refuses (403, missing permission) → fail mode deny decides, and the record names the permission', async () => {
    emulator.faults.add({ service: 'graph', method: 'GET', path: '/riskyUsers/', action: { status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } } });
    const answer = await send(appFor(emulator, { POLICY_PATH: SAMPLE_POLICY }), { ...fixture('elm-request-created.wire.json'), CustomExtensionStageInstanceId: 'aa000000-0000-4000-8000-000000000004' });
    expect(answer.json['decision']).toBe('deny');
    const run = (answer.json['checks'] as { id: string; status: string; findings: { messageId: string; data: Record<string, unknown> }[] }[]).find((c) => c.id === 'risky-user');
    expect(run).toMatchObject({ status: 'error', findings: [{ messageId: 'factUnavailable', data: { fact: 'riskState', permission: 'IdentityRiskyUser.Read.All' } }] });
    const source = (answer.json['facts'] as { fact: string }[]).find((f) => f.fact === 'riskState');
    expect(source).toMatchObject({ outcome: 'failed', graphStatus: 403, failure: { kind: 'forbidden', permission: 'IdentityRiskyUser.Read.All' } });
    expect(data(emulator.acceptedResumes()[0]?.body)['customExtensionStageInstanceDetail']).toContain('permission IdentityRiskyUser.Read.All missing');
  });

  it('the same 403 with fail mode continue → continue, flagged', async () => {
    emulator.faults.add({ service: 'graph', method: 'GET', path: '/riskyUsers/', action: { status: 403 } });
    const answer = await send(appFor(emulator, { POLICY_PATH: policyWith('continue', { failMode: 'continue' }) }), { ...fixture('elm-request-created.wire.json'), CustomExtensionStageInstanceId: 'aa000000-0000-4000-8000-000000000005' });
    expect(answer.json['decision']).toBe('continue');
    expect(findingIds(answer.json)).toEqual(['risky-user/factUnavailable']);
  });

  it('a transient read failure with fail mode retry → 503 with Retry-After and no resume; a later repeat succeeds', async () => {
    const deps = appFor(emulator, { POLICY_PATH: policyWith('retry', { failMode: 'retry' }) });
    const body = { ...fixture('elm-request-created.wire.json'), CustomExtensionStageInstanceId: 'aa000000-0000-4000-8000-000000000006' };
    emulator.faults.add({ service: 'graph', method: 'GET', path: '/riskyUsers/', times: Infinity, action: { status: 503, retryAfter: 30 } });
    const first = await send(deps, body);
    expect(first.status).toBe(503);
    expect(first.json['code']).toBe('CHECKS.UNAVAILABLE');
    expect(Number(first.headers['retry-after'])).toBeGreaterThanOrEqual(30);
    expect(emulator.acceptedResumes()).toHaveLength(0);
    emulator.faults.clear();
    const later = await callHandler(deps, body, { token: await emulator.mintCallerToken() });
    expect(later.status).toBe(200);
    expect(later.json['outcome']).toBe('resumed');
    expect(emulator.acceptedResumes()).toHaveLength(1);
  });
});
