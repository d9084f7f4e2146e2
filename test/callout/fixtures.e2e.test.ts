import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import type { Deps } from '../../src/composition.js';
import { appFor, callHandler, fixture } from '../support/app.js';
import { startTestEmulator } from '../support/emulator.js';

let emulator: TenantEmulator;
let deps: Deps;
beforeAll(async () => {
  emulator = await startTestEmulator();
  deps = appFor(emulator);
});
afterAll(() => emulator.close());

const ELM = '/identityGovernance/entitlementManagement/assignmentRequests';

function continueBody(stage: string, instance: string, detail = 'No check applies to this stage.') {
  return {
    source: 'entitlement-guard',
    type: `microsoft.graph.accessPackageCustomExtensionStage.${stage}`,
    data: {
      '@odata.type': 'microsoft.graph.accessPackageAssignmentRequestCallbackData',
      stage,
      customExtensionStageInstanceId: instance,
      customExtensionStageInstanceDetail: detail,
    },
  };
}

/** What Graph must receive for each fixture (docs/protocol.md §6, §7): version, path, body. */
const RESUMES: Record<string, { path: string; body: unknown }> = {
  'elm-request-created.wire.json': {
    path: `/v1.0${ELM}/3c7ee35f-ab17-4893-bb65-7a761c670d1a/resume`,
    body: continueBody('assignmentRequestCreated', '64054d8d-4d73-4705-820a-866332af9a64'),
  },
  'elm-request-created.graph-doc.json': {
    path: `/v1.0${ELM}/6c231a49-6be8-453b-9ff3-7afa943982cd/resume`,
    body: continueBody('assignmentRequestCreated', 'dfc558d5-d532-4e40-885a-64865562a676'),
  },
  'elm-request-created.flat-camel.json': {
    path: `/v1.0${ELM}/c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f/resume`,
    body: continueBody('assignmentRequestCreated', '9b0c8d31-6f0e-4c4e-9d8a-1f5b2e7c3a10'),
  },
  'elm-request-approved.wire.json': {
    path: `/v1.0${ELM}/7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d/resume`,
    body: continueBody('assignmentRequestApproved', '5d6e7f80-91a2-4b3c-8d4e-5f6a7b8c9d0e'),
  },
  'elm-request-granted.legacy-path.wire.json': {
    // The retiring beta path in the callout is answered on the documented v1.0 path.
    path: `/v1.0${ELM}/1f2e3d4c-5b6a-4798-897a-6b5c4d3e2f10/resume`,
    body: continueBody('assignmentRequestGranted', '0f1e2d3c-4b5a-4697-8879-6a5b4c3d2e1f'),
  },
  'elm-request-removed.wire.json': {
    path: `/v1.0${ELM}/4b5c6d7e-8f90-4a1b-b2c3-d4e5f6071829/resume`,
    body: continueBody('assignmentRequestRemoved', '3a4b5c6d-7e8f-4091-a2b3-c4d5e6f70819'),
  },
  'elm-approval-requirements.wire.json': {
    path: `/beta${ELM}/f505af59-4a07-489c-93fe-ae9a89a0672f/resume`,
    body: {
      source: 'entitlement-guard',
      type: 'microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated',
      data: {
        '@odata.type': 'microsoft.graph.assignmentRequestApprovalStageCallbackData',
        stage: 'assignmentRequestDeterminingApprovalRequirements',
        customExtensionStageInstanceId: '417ce1ef-8234-42ad-b1b0-cd7eff0a4508',
        customExtensionStageInstanceDetail: "No approver policy applies; the requestor's manager approves.",
        approvalStage: {
          durationBeforeAutomaticDenial: 'P14D',
          isApproverJustificationRequired: true,
          isEscalationEnabled: false,
          primaryApprovers: [{ '@odata.type': '#microsoft.graph.requestorManager', managerLevel: 1 }],
          fallbackPrimaryApprovers: [],
          escalationApprovers: [],
          fallbackEscalationApprovers: [],
        },
      },
    },
  },
  'lcw-custom-task.json': {
    path: '/v1.0/identityGovernance/lifecycleWorkflows/workflows/244823b5-608c-4ab1-895e-a56cd4731123/runs/09a1b7a7-6ed4-4efb-9447-77db40b50bff/userProcessingResults/2f974579-6fd4-4515-8a74-51f9b47947c1/taskProcessingResults/ce578d23-7c68-44ef-be82-c40dcd54a763/resume',
    body: { data: { operationStatus: 'completed' }, source: 'entitlement-guard', type: 'lifecycleEvent' },
  },
  'lcw-custom-task.tasks-path.json': {
    path: '/v1.0/identityGovernance/lifecycleWorkflows/workflows/244823b5-608c-4ab1-895e-a56cd4731123/tasks/1d20a0b5-f0fd-484d-aed5-32735045d1bc/taskProcessingResults/6a1f0c52-2d4e-4b9a-8e7f-3c5d9b1a2e40/microsoft.graph.identityGovernance.resume',
    body: { data: { operationStatus: 'completed' }, source: 'entitlement-guard', type: 'lifecycleEvent' },
  },
};

describe('every fixture resumes with the exact body the protocol prescribes', () => {
  test.each(Object.entries(RESUMES))('%s', async (name, expected) => {
    const body = fixture(name);
    expect(emulator.awaitCallout(body)).not.toBe('none');
    emulator.clearCalls();
    const answer = await callHandler(deps, body, { token: await emulator.mintCallerToken() });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ outcome: 'resumed', resume: { graphStatus: 204, attempts: 1 } });
    const graphCalls = emulator.calls({ service: 'graph' });
    expect(graphCalls).toHaveLength(1);
    expect(graphCalls[0]).toMatchObject({ method: 'POST', path: expected.path, status: 204 });
    expect(graphCalls[0]?.body).toEqual(expected.body);
  });
});

describe('callouts nobody waits on touch no Graph', () => {
  test.each([
    ['elm-connection-test.json', 'connection-test', 'none'],
    ['elm-one-day-before-expiration.wire.json', 'not-resumable', 'none'],
    ['elm-fourteen-days-before-expiration.wire.json', 'not-resumable', 'none'],
    ['elm-request-granted.continue.wire.json', 'launch-and-continue', 'continue'],
  ])('%s → 200 %s', async (name, outcome, decision) => {
    emulator.clearCalls();
    const answer = await callHandler(deps, fixture(name), { token: await emulator.mintCallerToken() });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ outcome, decision });
    expect(answer.json).not.toHaveProperty('resume');
    expect(emulator.calls({ service: 'graph' })).toEqual([]);
    expect(emulator.calls({ service: 'identity' })).toEqual([]);
  });
});

describe('the decision record', () => {
  test('carries the callout, caller, resume, timings and the relay correlation, and no personal data beyond ids and names', async () => {
    const body = fixture('elm-request-created.wire.json');
    const answer = await callHandler(deps, { ...body, CustomExtensionStageInstanceId: 'c0ffee00-0000-4000-8000-000000000001' }, {
      token: await emulator.mintCallerToken(),
      headers: { 'x-ms-workflow-run-id': '08585000000000000000000000000CU00', 'x-ms-client-tracking-id': 'trk-1' },
    });
    expect(answer.json).toMatchObject({
      callout: { kind: 'elm-request', shape: 'flat-pascal', stage: 'assignmentRequestCreated', requestId: '3c7ee35f-ab17-4893-bb65-7a761c670d1a', targetObjectId: 'a7529cd7-a86d-4455-8c43-00e7495481b0', targetDisplayName: 'Avery Lindqvist' },
      caller: { appId: emulator.callerAppId, tokenVersion: 1 },
      correlation: { 'x-ms-workflow-run-id': '08585000000000000000000000000CU00', 'x-ms-client-tracking-id': 'trk-1' },
      timings: { totalMs: expect.any(Number) as unknown },
    });
    expect(JSON.stringify(answer.json)).not.toContain('avery@contoso.example');
  });
});
