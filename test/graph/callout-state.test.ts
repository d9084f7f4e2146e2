import { describe, expect, test } from 'vitest';
import { AppError } from '../../src/errors.js';
import { classifyRequest, classifyTaskResult, stagesForState } from '../../src/graph/callout-state.js';

const R = '3c7ee35f-ab17-4893-bb65-7a761c670d1a';
const I1 = '64054d8d-4d73-4705-820a-866332af9a64';
const I2 = '0f1e2d3c-4b5a-4697-8879-6a5b4c3d2e1f';

describe('reading a request back', () => {
  const request = (fields: Record<string, unknown>) => ({ id: R, ...fields });
  test.each([
    ['v1.0, our instance answered', request({ status: 'Accepted', customExtensionCalloutInstances: [{ id: I1, status: 'callbackReceived' }] }), 'answered'],
    ['beta names, our instance answered', request({ requestStatus: 'PendingApproval', customExtensionCalloutInstances: [{ id: I1.toUpperCase(), status: 'callbackReceived' }] }), 'answered'],
    ['still waiting for us', request({ status: 'WaitingForCallback', customExtensionCalloutInstances: [{ id: I1, status: 'calloutSent' }] }), 'waiting'],
    ['waiting, instance says waitingForCallback', request({ requestStatus: 'WaitingForCallback', customExtensionCalloutInstances: [{ id: I1, status: 'waitingForCallback' }] }), 'waiting'],
    ['waiting, our instance not listed', request({ status: 'WaitingForCallback' }), 'waiting'],
    ['waiting for another instance, ours timed out', request({ status: 'WaitingForCallback', customExtensionCalloutInstances: [{ id: I1, status: 'callbackTimedOut' }, { id: I2, status: 'calloutSent' }] }), 'not-waiting'],
    ['no longer waiting', request({ state: 'denied', status: 'Denied' }), 'not-waiting'],
    ['delivered', request({ state: 'delivered', status: 'Delivered', customExtensionCalloutInstances: [{ id: I1, status: 'calloutFailed' }] }), 'not-waiting'],
    ['denied meanwhile, our instance never closed', request({ state: 'denied', status: 'Denied', customExtensionCalloutInstances: [{ id: I1, status: 'calloutSent' }] }), 'not-waiting'],
  ])('%s → %s', (_, json, verdict) => {
    expect(classifyRequest(json, I1, R).verdict).toBe(verdict);
  });

  test('an answer that is not a request is refused', () => {
    expect(() => classifyRequest([1, 2], I1)).toThrow(AppError);
    expect(() => classifyRequest('x', I1)).toThrow(AppError);
  });

  // Issue 12, item 5: only an answer that positively shows the request no longer waits for us may
  // conclude not-waiting; anything not understood is GRAPH.INVALID_RESPONSE (503, nothing remembered).
  test.each([
    ['an empty object', {}],
    ['an error object', { error: { code: 'UnknownError', message: '' } }],
    ['no status', { id: R, state: 'submitted' }],
    ['a status not known', { id: R, state: 'submitted', status: 'SomethingNew' }],
    ['another request', { id: I2, status: 'Delivered' }],
    ['an id that is not a GUID', { id: 'r', status: 'Delivered' }],
    ['our instance in a status not known', request({ status: 'WaitingForCallback', customExtensionCalloutInstances: [{ id: I1, status: 'paused' }] })],
    ['our instance open, the request not waiting', request({ state: 'submitted', status: 'Accepted', customExtensionCalloutInstances: [{ id: I1, status: 'calloutSent' }] })],
  ])('%s concludes nothing', (_, json) => {
    expect(() => classifyRequest(json, I1, R)).toThrow(expect.objectContaining({ code: 'GRAPH.INVALID_RESPONSE', retryable: true }));
  });

  test('the stages a state can wait at', () => {
    expect(stagesForState('submitted')).toEqual(['assignmentRequestCreated', 'assignmentRequestDeterminingApprovalRequirements']);
    expect(stagesForState('Delivered')).toContain('assignmentRequestGranted');
    expect(stagesForState('somethingNew')).toBeUndefined();
    expect(stagesForState(undefined)).toBeUndefined();
    // Names of Object's own members are states no request has.
    for (const hostile of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(stagesForState(hostile)).toBeUndefined();
  });
});

describe('reading an LCW task result back', () => {
  test.each([
    ['inProgress', 'waiting'],
    ['queued', 'waiting'],
    ['completed', 'answered'],
    ['completedWithErrors', 'answered'],
    ['failed', 'answered'],
    ['canceled', 'not-waiting'],
  ])('%s → %s', (processingStatus, verdict) => {
    expect(classifyTaskResult({ id: 't', processingStatus }).verdict).toBe(verdict);
  });

  test.each([[undefined], ['paused'], ['']])('%s concludes nothing (503)', (processingStatus) => {
    expect(() => classifyTaskResult({ id: 't', processingStatus })).toThrow(AppError);
  });
});
