import { describe, expect, test } from 'vitest';
import type { ElmRequestCallout, LcwTaskCallout } from '../../src/callout/model.js';
import { DEFAULT_APPROVAL_STAGE } from '../../src/decision/approval-stage.js';
import { decideWithoutChecks, type Decision } from '../../src/decision/decision.js';
import { clampDetail, elmResume, lcwResume, MAX_DETAIL_LENGTH } from '../../src/decision/resume-request.js';
import type { ElmStage } from '../../src/stages.js';
import { guid, pathOf } from '../support/graph-paths.js';

const target = { path: pathOf('/identityGovernance/entitlementManagement/assignmentRequests/r/resume'), confirmPath: pathOf('/x') };
const INSTANCE_1 = guid('1e5a7ce0-0000-4000-8000-000000000001');
const REQUEST_1 = guid('7e9ae570-0000-4000-8000-00000000000e');

function callout(stage: ElmStage): ElmRequestCallout {
  return {
    kind: 'elm-request', shape: 'flat-pascal', stage, stageInstanceId: INSTANCE_1, requestId: REQUEST_1, resume: target,
    callbackTimeout: undefined, requestType: 'userAdd', state: undefined, status: undefined, accessPackage: undefined,
    catalog: undefined, assignmentId: undefined, assignmentPolicy: undefined, target: undefined, requestor: undefined, answers: [],
  };
}

const deny: Decision = { kind: 'deny', detail: 'SoD conflict with Payments - Requester' };

describe('entitlement management resume bodies (docs/protocol.md §6)', () => {
  test('continue', () => {
    const { request } = elmResume(callout('assignmentRequestCreated'), target, { kind: 'continue', detail: 'ok' }, false);
    expect(request.apiVersion).toBe('v1.0');
    // Issue 12, item 4: the request and the stage instance make the key.
    expect(request.key).toBe(`elm:${REQUEST_1}:${INSTANCE_1}`);
    expect(request.stage).toBe('assignmentRequestCreated');
    expect(request.body).toEqual({
      source: 'entitlement-guard',
      type: 'microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated',
      data: {
        '@odata.type': 'microsoft.graph.accessPackageAssignmentRequestCallbackData',
        stage: 'assignmentRequestCreated',
        customExtensionStageInstanceId: INSTANCE_1,
        customExtensionStageInstanceDetail: 'ok',
      },
    });
  });

  test('deny where the stage allows it', () => {
    const { request, sent } = elmResume(callout('assignmentRequestCreated'), target, deny, false);
    expect(sent.kind).toBe('deny');
    expect(request.body['data']).toMatchObject({ state: 'denied', customExtensionStageInstanceDetail: deny.detail });
  });

  test.each<ElmStage>(['assignmentRequestGranted', 'assignmentRequestRemoved', 'assignmentRequestApproved'])('a deny at %s continues with the finding in the detail', (stage) => {
    const { request, sent } = elmResume(callout(stage), target, deny, false);
    expect(sent.kind).toBe('continue');
    expect(request.body['data']).not.toHaveProperty('state');
    expect(request.body).toMatchObject({ type: `microsoft.graph.accessPackageCustomExtensionStage.${stage}` });
    expect(String((request.body['data'] as Record<string, unknown>)['customExtensionStageInstanceDetail'])).toContain(deny.detail);
  });

  test('ALLOW_DENY_AT_APPROVED_STAGE lets the approved stage deny', () => {
    expect(elmResume(callout('assignmentRequestApproved'), target, deny, true).request.body['data']).toMatchObject({ state: 'denied' });
    expect(elmResume(callout('assignmentRequestGranted'), target, deny, true).request.body['data']).not.toHaveProperty('state');
  });

  test('the approval-requirements stage sets an approval stage through beta', () => {
    const { request } = elmResume(callout('assignmentRequestDeterminingApprovalRequirements'), target, decideWithoutChecks(callout('assignmentRequestDeterminingApprovalRequirements')), false);
    expect(request.apiVersion).toBe('beta');
    expect(request.body).toEqual({
      source: 'entitlement-guard',
      type: 'microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated',
      data: {
        '@odata.type': 'microsoft.graph.assignmentRequestApprovalStageCallbackData',
        stage: 'assignmentRequestDeterminingApprovalRequirements',
        customExtensionStageInstanceId: INSTANCE_1,
        customExtensionStageInstanceDetail: "No approver policy applies; the requestor's manager approves.",
        approvalStage: DEFAULT_APPROVAL_STAGE,
      },
    });
  });

  test('the detail approvers read is bounded', () => {
    expect(clampDetail('x'.repeat(MAX_DETAIL_LENGTH))).toHaveLength(MAX_DETAIL_LENGTH);
    expect(clampDetail('x'.repeat(MAX_DETAIL_LENGTH + 50))).toHaveLength(MAX_DETAIL_LENGTH);
  });
});

describe('Lifecycle Workflows resume bodies (docs/protocol.md §7)', () => {
  const task: LcwTaskCallout = {
    kind: 'lcw-task', shape: 'lifecycle-workflows', taskProcessingResultId: guid('7a5c0000-0000-4000-8000-000000000007'), resume: target,
    subject: undefined, managerId: undefined, task: undefined, workflow: undefined,
  };
  test.each<[Decision, string]>([
    [{ kind: 'complete', detail: '' }, 'completed'],
    [{ kind: 'fail', detail: '' }, 'failed'],
    [{ kind: 'continue', detail: '' }, 'completed'],
  ])('%o → %s', (decision, status) => {
    const { request } = lcwResume(task, target, decision);
    expect(request.apiVersion).toBe('v1.0');
    expect(request.body).toEqual({ data: { operationStatus: status }, source: 'entitlement-guard', type: 'lifecycleEvent' });
  });
});
