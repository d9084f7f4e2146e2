import { describe, expect, test } from 'vitest';
import { AppError } from '../../src/errors.js';
import { elmResumeTarget, lcwResumeTarget } from '../../src/ingress/callback-path.js';
import { guid } from '../support/graph-paths.js';

const REQ = guid('3c7ee35f-ab17-4893-bb65-7a761c670d1a');
const OTHER = '99999999-9999-4999-8999-999999999999';
const ASSIGNMENT = guid('3aae24ea-a85e-4f2e-bf75-37583458b158');
const CANONICAL = `/identityGovernance/entitlementManagement/assignmentRequests/${REQ}/resume`;

function outcome(run: () => { path: string }): string {
  try {
    return run().path;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

describe('entitlement management callback paths', () => {
  test.each([
    ['the documented path', CANONICAL, CANONICAL],
    ['any casing, upper-case id', `/IDENTITYGOVERNANCE/entitlementmanagement/AssignmentRequests/${REQ.toUpperCase()}/Resume`, CANONICAL],
    ['beta retiring path', `/identityGovernance/entitlementManagement/accessPackageAssignmentRequests/${REQ}/resume`, CANONICAL],
    ['beta assignment-scoped path', `/identityGovernance/entitlementManagement/accessPackageAssignments/${ASSIGNMENT}/accessPackageAssignmentRequests/${REQ}/resume`, CANONICAL],
    ['a version prefix', `/v1.0/identityGovernance/entitlementManagement/assignmentRequests/${REQ}/resume`, CANONICAL],
    ['another request', `/identityGovernance/entitlementManagement/assignmentRequests/${OTHER}/resume`, 'CALLOUT.ID_MISMATCH'],
    ['another assignment', `/identityGovernance/entitlementManagement/accessPackageAssignments/${OTHER}/accessPackageAssignmentRequests/${REQ}/resume`, 'CALLOUT.ID_MISMATCH'],
    ['an absolute URL', `https://graph.microsoft.com/v1.0/identityGovernance/entitlementManagement/assignmentRequests/${REQ}/resume`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['a protocol-relative URL', `//evil.example/identityGovernance/entitlementManagement/assignmentRequests/${REQ}/resume`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['no leading slash', `identityGovernance/entitlementManagement/assignmentRequests/${REQ}/resume`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['another action', `/identityGovernance/entitlementManagement/assignmentRequests/${REQ}/cancel`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['the request itself', `/identityGovernance/entitlementManagement/assignmentRequests/${REQ}`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['another Graph endpoint', `/users/${REQ}/resume`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['an assignment policy', `/identityGovernance/entitlementManagement/assignmentPolicies/${REQ}/resume`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['a query string', `${CANONICAL}?$select=id`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['a fragment', `${CANONICAL}#x`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['percent escapes', `/identityGovernance/entitlementManagement/assignmentRequests/${REQ}%2F..%2Fx/resume`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['dot segments', `/identityGovernance/entitlementManagement/assignmentRequests/${REQ}/../${OTHER}/resume`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['a backslash', `/identityGovernance\\entitlementManagement/assignmentRequests/${REQ}/resume`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['an empty segment', `/identityGovernance//entitlementManagement/assignmentRequests/${REQ}/resume`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['a non-GUID id', '/identityGovernance/entitlementManagement/assignmentRequests/abc/resume', 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['whitespace', ` ${CANONICAL}`, 'CALLOUT.INVALID_CALLBACK_PATH'],
  ])('%s', (_, raw, expected) => {
    expect(outcome(() => elmResumeTarget(raw, REQ, ASSIGNMENT))).toBe(expected);
  });

  test('the confirm path reads the same request', () => {
    expect(elmResumeTarget(CANONICAL, REQ, undefined).confirmPath).toBe(`/identityGovernance/entitlementManagement/assignmentRequests/${REQ}`);
  });
});

describe('Lifecycle Workflows callback paths', () => {
  const W = '244823b5-608c-4ab1-895e-a56cd4731123';
  const RUN = '09a1b7a7-6ed4-4efb-9447-77db40b50bff';
  const UPR = '2f974579-6fd4-4515-8a74-51f9b47947c1';
  const TASK = '1d20a0b5-f0fd-484d-aed5-32735045d1bc';
  const TPR = 'ce578d23-7c68-44ef-be82-c40dcd54a763';
  const base = `/identityGovernance/lifecycleWorkflows/workflows/${W}`;
  const ids = { taskProcessingResultId: guid(TPR), workflowId: guid(W), taskId: guid(TASK) };

  test.each([
    ['runs / userProcessingResults', `${base}/runs/${RUN}/userProcessingResults/${UPR}/taskProcessingResults/${TPR}/resume`, `${base}/runs/${RUN}/userProcessingResults/${UPR}/taskProcessingResults/${TPR}/resume`],
    ['tasks, namespaced action', `${base}/tasks/${TASK}/taskProcessingResults/${TPR}/microsoft.graph.identityGovernance.resume`, `${base}/tasks/${TASK}/taskProcessingResults/${TPR}/microsoft.graph.identityGovernance.resume`],
    ['a workflow version', `${base}/versions/3/tasks/${TASK}/taskProcessingResults/${TPR}/resume`, `${base}/versions/3/tasks/${TASK}/taskProcessingResults/${TPR}/resume`],
    ['another task result', `${base}/tasks/${TASK}/taskProcessingResults/${RUN}/resume`, 'CALLOUT.ID_MISMATCH'],
    ['another workflow', `/identityGovernance/lifecycleWorkflows/workflows/${RUN}/tasks/${TASK}/taskProcessingResults/${TPR}/resume`, 'CALLOUT.ID_MISMATCH'],
    ['another task', `${base}/tasks/${RUN}/taskProcessingResults/${TPR}/resume`, 'CALLOUT.ID_MISMATCH'],
    ['no resume action', `${base}/tasks/${TASK}/taskProcessingResults/${TPR}`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['an unknown parent', `${base}/owners/${RUN}/taskProcessingResults/${TPR}/resume`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['a repeated parent', `${base}/runs/${RUN}/runs/${RUN}/taskProcessingResults/${TPR}/resume`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['a workflow update', `${base}/activate`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['an entitlement path', `/identityGovernance/entitlementManagement/assignmentRequests/${TPR}/resume`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    // Issue 12, item 12: only A–Z fold; the Kelvin sign (U+212A) is not a k.
    ['the Kelvin sign in taskProcessingResults', `${base}/tasks/${TASK}/tas\u212AProcessingResults/${TPR}/resume`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['the Kelvin sign in lifecycleWorkflows', `/identityGovernance/lifecycleWor\u212Aflows/workflows/${W}/tasks/${TASK}/taskProcessingResults/${TPR}/resume`, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['ASCII casing still folds', `${base}/TASKS/${TASK}/TaskProcessingResults/${TPR}/RESUME`, `${base}/tasks/${TASK}/taskProcessingResults/${TPR}/resume`],
  ])('%s', (_, raw, expected) => {
    expect(outcome(() => lcwResumeTarget(raw, ids))).toBe(expected);
  });
});
