// planPolicy, pure: what one assignment policy's PUT carries, and the changes it refuses before anything is written.
import { describe, expect, test } from 'vitest';
import { planPolicy } from '../../src/register/plan-policy.js';
import { RegisterError } from '../../src/register/register-error.js';
import type { Desired, PolicyState } from '../../src/register/register-model.js';

const OURS = 'aaaaaaaa-0000-4000-8000-000000000001';
const POLICY = '94f213d6-cfa4-4bda-86f9-6bb659b87cb0';
const REQUEST = '#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension';
const DYNAMIC = '#microsoft.graph.accessPackageDynamicApprovalStage';
const other = (n: number) => `bbbbbbbb-0000-4000-8000-00000000000${n}`;

const desired = (change: Partial<Desired> = {}): Desired => ({
  mode: 'register', catalogId: '26803898-8c26-4ca8-ba50-15552ecd4c9d', name: 'entitlement-guard', relay: undefined, callback: 'PT1H',
  policies: [POLICY], stages: ['assignmentRequestCreated'], dynamicApproval: false, functionIdentity: undefined, lcw: undefined, ...change,
});
/** A stage setting as Graph expands it; `type` null: an extension whose type Graph did not say. */
const setting = (stage: string, id: string, type: string | null = REQUEST) => ({ id: `s-${stage}`, stage, customExtension: { ...(type === null ? {} : { '@odata.type': type }), id, displayName: 'x' } });
const v1 = (settings: unknown[], change: Record<string, unknown> = {}): PolicyState => ({
  id: POLICY, displayName: 'Employees', version: 'v1.0',
  raw: {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#…', id: POLICY, displayName: 'Employees', allowedTargetScope: 'allMemberUsers', createdDateTime: 'x', modifiedDateTime: 'y',
    accessPackage: { id: 'pkg', displayName: 'Payments' }, catalog: { id: 'cat', displayName: 'Finance' }, requestApprovalSettings: { stages: [] }, customExtensionStageSettings: settings, ...change,
  },
});
const beta = (stages: unknown[], settings: unknown[]): PolicyState => ({
  id: POLICY, displayName: 'Employees', version: 'beta',
  raw: { id: POLICY, displayName: 'Employees', accessPackageId: 'pkg', createdDateTime: 'x', requestApprovalSettings: { isApprovalRequired: stages.length > 0, approvalMode: 'SingleStage', approvalStages: stages }, customExtensionStageSettings: settings },
});
const manager = { approvalStageTimeOutInDays: 7, primaryApprovers: [{ '@odata.type': '#microsoft.graph.requestorManager', managerLevel: 1 }] };
const refusal = (run: () => unknown): RegisterError => {
  try {
    run();
  } catch (error) {
    if (error instanceof RegisterError) return error;
    throw error;
  }
  throw new Error('not refused');
};

describe('the PUT body', () => {
  test('v1.0: read-only parts left out, the package by id, other extensions\' settings kept with what is known of them', () => {
    const { call, item } = planPolicy(desired(), v1([setting('assignmentRequestGranted', other(1)), setting('assignmentRequestRemoved', other(2), null)]), OURS, 'entitlement-guard');
    expect(item).toEqual({ kind: 'assignment policy', label: `"Employees" (${POLICY})`, status: 'update', detail: 'adds assignmentRequestCreated' });
    expect(call).toMatchObject({ method: 'PUT', version: 'v1.0', path: `/identityGovernance/entitlementManagement/assignmentPolicies/${POLICY}` });
    expect(call?.body).toEqual({
      id: POLICY, displayName: 'Employees', allowedTargetScope: 'allMemberUsers', accessPackage: { id: 'pkg' }, requestApprovalSettings: { stages: [] },
      customExtensionStageSettings: [
        { stage: 'assignmentRequestGranted', customExtension: { '@odata.type': REQUEST, id: other(1) } },
        { stage: 'assignmentRequestRemoved', customExtension: { id: other(2) } },
        { stage: 'assignmentRequestCreated', customExtension: { '@odata.type': REQUEST, id: OURS } },
      ],
    });
  });

  test('as asked already: no call', () => {
    expect(planPolicy(desired(), v1([setting('assignmentRequestCreated', OURS.toUpperCase())]), OURS, 'entitlement-guard')).toEqual({
      item: { kind: 'assignment policy', label: `"Employees" (${POLICY})`, status: 'unchanged', detail: 'assignmentRequestCreated call entitlement-guard' },
    });
  });

  test('beta: the dynamic stage goes first and the mode follows the count', () => {
    const { call } = planPolicy(desired({ dynamicApproval: true, stages: [] }), beta([manager], []), OURS, 'entitlement-guard');
    expect(call?.path).toBe(`/identityGovernance/entitlementManagement/accessPackageAssignmentPolicies/${POLICY}`);
    expect(call?.body).toEqual({
      id: POLICY, displayName: 'Employees', accessPackageId: 'pkg',
      requestApprovalSettings: { isApprovalRequired: true, approvalMode: 'Serial', approvalStages: [{ '@odata.type': DYNAMIC, customExtension: { '@odata.type': REQUEST, id: OURS } }, manager] },
      customExtensionStageSettings: [{ stage: 'assignmentRequestDeterminingApprovalRequirements', customExtension: { '@odata.type': REQUEST, id: OURS } }],
    });
  });

  test('unregistering: a dynamic stage that names no extension is ours when our extension runs at the approval-requirements stage', () => {
    const { call } = planPolicy(desired({ mode: 'unregister' }), beta([{ '@odata.type': DYNAMIC }, manager], [setting('assignmentRequestDeterminingApprovalRequirements', OURS)]), OURS, 'entitlement-guard');
    expect(call?.body).toMatchObject({ requestApprovalSettings: { approvalMode: 'SingleStage', approvalStages: [manager] }, customExtensionStageSettings: [] });
  });
});

describe('refused before anything is written', () => {
  test.each([
    ['a sixth extension', () => v1([1, 2, 3].map((n) => setting(`assignmentRequest${['Approved', 'Granted', 'Removed'][n - 1] ?? ''}`, other(n))).concat([setting('assignmentFourteenDaysBeforeExpiration', other(4)), setting('assignmentOneDayBeforeExpiration', other(5))])), desired(), 2, 'already uses 5 custom extensions; at most 5 are allowed'],
    ['a stage another extension has', () => v1([setting('assignmentRequestCreated', other(1))]), desired(), 2, `already calls custom extension ${other(1)}: take it off first`],
    ['another extension\'s dynamic stage', () => beta([{ '@odata.type': DYNAMIC, customExtension: { id: other(1) } }], []), desired({ dynamicApproval: true, stages: [] }), 2, `already lets custom extension ${other(1)} decide its approvers`],
    ['a third approval stage', () => beta([manager, manager], []), desired({ dynamicApproval: true, stages: [] }), 2, 'already has 2 approval stages; with the dynamic one it would have 3, and at most 2 are allowed'],
    ['stage settings Graph did not return', () => v1([], { customExtensionStageSettings: undefined }), desired(), 1, 'Graph did not return the customExtensionStageSettings of policy "Employees"'],
    ['a stage setting without its extension', () => v1([{ id: 's', stage: 'assignmentRequestGranted' }]), desired(), 1, 'with their extensions; nothing is written without them'],
  ])('%s', (_, policy, want, exitCode, message) => {
    const error = refusal(() => planPolicy(want, policy(), OURS, 'entitlement-guard'));
    expect(error.exitCode).toBe(exitCode);
    expect(error.message).toContain(message);
  });
});
