import type { ElmRequestCallout, LcwTaskCallout } from '../../src/callout/model.js';

export const TARGET = 'a7529cd7-a86d-4455-8c43-00e7495481b0';
export const REQUESTOR = 'f0e1d2c3-b4a5-4968-8776-5a4b3c2d1e0f';
export const REQUEST = '3c7ee35f-ab17-4893-bb65-7a761c670d1a';

const subject = (objectId: string | undefined) => ({ objectId, displayName: 'Someone', principalName: undefined, email: undefined, subjectType: 'user' });

/** An entitlement-management request callout in the model's shape, for engine-level tests. */
export function elmCallout(overrides: Partial<ElmRequestCallout> = {}): ElmRequestCallout {
  return {
    kind: 'elm-request',
    shape: 'flat-pascal',
    stage: 'assignmentRequestCreated',
    stageInstanceId: '64054d8d-4d73-4705-820a-866332af9a64',
    requestId: REQUEST,
    resume: { path: `/identityGovernance/entitlementManagement/assignmentRequests/${REQUEST}/resume`, confirmPath: `/identityGovernance/entitlementManagement/assignmentRequests/${REQUEST}` },
    callbackTimeout: 'PT1H',
    requestType: 'userAdd',
    state: 'submitted',
    status: 'Accepted',
    accessPackage: { id: '97979783-38c5-40ae-b74e-404935a04ffd', displayName: 'Payments' },
    catalog: { id: '26803898-8c26-4ca8-ba50-15552ecd4c9d', displayName: 'Finance' },
    assignmentId: undefined,
    assignmentPolicy: { id: '94f213d6-cfa4-4bda-86f9-6bb659b87cb0', displayName: 'Employees' },
    target: subject(TARGET),
    requestor: subject(REQUESTOR),
    answers: [],
    ...overrides,
  };
}

export function lcwCallout(overrides: Partial<LcwTaskCallout> = {}): LcwTaskCallout {
  return {
    kind: 'lcw-task',
    shape: 'lifecycle-workflows',
    taskProcessingResultId: 'ce578d23-7c68-44ef-be82-c40dcd54a763',
    resume: null,
    subject: subject(TARGET),
    managerId: undefined,
    task: { id: '1d20a0b5-f0fd-484d-aed5-32735045d1bc', displayName: 'Verify' },
    workflow: { id: '244823b5-608c-4ab1-895e-a56cd4731123', displayName: 'Onboard', version: 3 },
    ...overrides,
  };
}

export { subject };
