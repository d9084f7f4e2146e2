// How the sweep rebuilds a stuck request's callout from Graph: which stage, whom it judges, and
// when it gives up (fresh-callout.ts), over reads given here.
import { describe, expect, test } from 'vitest';
import { parseGuid, type Guid } from '../../src/guid.js';
import type { RequestRow } from '../../src/requests/classify-requests.js';
import { freshCallout, type FreshReads } from '../../src/sweep/fresh-callout.js';
import type { StageSetting, WaitingRequest } from '../../src/requests/read-waiting-request.js';

function guid(text: string): Guid {
  const id = parseGuid(text);
  if (id === undefined) throw new Error(`${text} is not a GUID`);
  return id;
}
const REQUEST = guid('f5e5c0de-0000-4000-8000-000000000001');
const INSTANCE = guid('f5e5c0de-1111-4000-8000-000000000001');
const OURS = guid('f5e5c0de-2222-4000-8000-000000000001');
const POLICY = guid('f5e5c0de-3333-4000-8000-000000000001');
const USER = guid('f5e5c0de-4444-4000-8000-000000000001');
const ADMIN = guid('f5e5c0de-5555-4000-8000-000000000001');

const row = {
  request: { id: REQUEST, state: 'submitted', status: 'WaitingForCallback', requestType: 'userAdd', createdDateTime: undefined, accessPackage: undefined, instances: [] },
  instance: { id: INSTANCE, customExtensionId: OURS, status: 'waitingForCallback', detail: undefined },
  extension: { id: OURS, displayName: 'entitlement-guard', catalog: { id: guid('f5e5c0de-6666-4000-8000-000000000001'), displayName: 'Finance' }, callbackWindow: 'PT1H' },
} as unknown as RequestRow;

const subject = (id: Guid) => ({ objectId: id, displayName: undefined, principalName: undefined, email: undefined, subjectType: 'user' });

function reads(change: Partial<WaitingRequest>, settings: StageSetting[] = []): FreshReads & { policyReads: number } {
  const request: WaitingRequest = {
    id: REQUEST, requestType: 'userAdd', state: 'submitted', status: 'WaitingForCallback', accessPackage: undefined, assignmentId: undefined,
    assignmentPolicy: { id: POLICY, displayName: 'Employees' }, target: undefined, requestor: subject(USER), answers: [], ...change,
  };
  const counted = {
    policyReads: 0,
    request: () => Promise.resolve(request),
    stageSettings: () => {
      counted.policyReads++;
      return Promise.resolve(settings);
    },
  };
  return counted;
}

describe('the stage of a fresh callout', () => {
  test('told by the state and type alone: no policy read', async () => {
    for (const [state, requestType, stage] of [['pendingApproval', 'userAdd', 'assignmentRequestApproved'], ['delivered', 'userRemove', 'assignmentRequestRemoved'], ['delivered', 'userAdd', 'assignmentRequestGranted']] as const) {
      const graph = reads({ state, requestType });
      const step = await freshCallout(row, graph);
      expect(step.kind === 'callout' ? step.callout.stage : step.reason).toBe(stage);
      expect(graph.policyReads).toBe(0);
    }
  });

  test('a submitted request: the stage the policy calls our extension at; both, or neither, is a skip', async () => {
    const created = await freshCallout(row, reads({}, [{ stage: 'assignmentRequestCreated', extensionId: OURS }, { stage: 'assignmentRequestGranted', extensionId: OURS }]));
    expect(created.kind === 'callout' ? created.callout.stage : created.reason).toBe('assignmentRequestCreated');
    const both = await freshCallout(row, reads({}, [{ stage: 'assignmentRequestCreated', extensionId: OURS }, { stage: 'AssignmentRequestDeterminingApprovalRequirements', extensionId: OURS }]));
    expect(both).toEqual({ kind: 'skip', reason: expect.stringMatching(/at assignmentRequestCreated and assignmentRequestDeterminingApprovalRequirements, and the request's state cannot tell/) as unknown });
    const none = await freshCallout(row, reads({}, [{ stage: 'assignmentRequestCreated', extensionId: ADMIN }]));
    expect(none.kind).toBe('skip');
    const noPolicy = await freshCallout(row, reads({ assignmentPolicy: undefined }));
    expect(noPolicy).toEqual({ kind: 'skip', reason: expect.stringMatching(/cannot tell which/) as unknown });
  });

  test('a state no stage waits at is a skip; a request Graph no longer has is a skip', async () => {
    expect((await freshCallout(row, reads({ state: 'denied' }))).kind).toBe('skip');
    const gone: FreshReads = { request: () => Promise.resolve(undefined), stageSettings: () => Promise.reject(new Error('not read')) };
    expect(await freshCallout(row, gone)).toEqual({ kind: 'skip', reason: 'Graph no longer has the request (404)' });
  });
});

describe('whom a fresh callout judges', () => {
  test('the assignment\'s target; else the requestor of their own request; an admin\'s request without a target is a skip', async () => {
    const forOther = await freshCallout(row, reads({ state: 'pendingApproval', requestType: 'adminAdd', requestor: subject(ADMIN), target: subject(USER) }));
    expect(forOther.kind === 'callout' ? forOther.callout.target?.objectId : forOther.reason).toBe(USER);
    const own = await freshCallout(row, reads({ state: 'pendingApproval' }));
    expect(own.kind === 'callout' ? [own.callout.target?.objectId, own.callout.requestor?.objectId] : own.reason).toEqual([USER, USER]);
    const blind = await freshCallout(row, reads({ state: 'pendingApproval', requestType: 'adminAdd', requestor: subject(ADMIN) }));
    expect(blind).toEqual({ kind: 'skip', reason: expect.stringMatching(/no target for the adminAdd request/) as unknown });
  });

  test('the callout carries the ids, the catalog and window of our extension, and resumes at the request\'s own path', async () => {
    const step = await freshCallout(row, reads({ state: 'pendingApproval' }));
    if (step.kind !== 'callout') throw new Error(step.reason);
    expect(step.callout).toMatchObject({ kind: 'elm-request', requestId: REQUEST, stageInstanceId: INSTANCE, callbackTimeout: 'PT1H', catalog: { displayName: 'Finance' } });
    expect(String(step.callout.resume?.path)).toBe(`/identityGovernance/entitlementManagement/assignmentRequests/${REQUEST}/resume`);
    // An instance id Graph lists in upper case is echoed as Graph spells it (the key stays lower case).
    const upper = { ...row, instance: { ...row.instance, id: INSTANCE.toUpperCase() } } as RequestRow;
    const echoed = await freshCallout(upper, reads({ state: 'pendingApproval' }));
    expect(echoed.kind === 'callout' ? [echoed.callout.stageInstanceId, echoed.callout.stageInstanceIdAsSent] : echoed.reason).toEqual([INSTANCE, INSTANCE.toUpperCase()]);
  });
});
