import { describe, expect, test } from 'vitest';
import { AppError } from '../../src/errors.js';
import { classifyRequest, classifyTaskResult } from '../../src/graph/callout-state.js';

describe('reading a request back', () => {
  const request = (fields: Record<string, unknown>) => ({ id: 'r', ...fields });
  test.each([
    ['v1.0, our instance answered', request({ status: 'Accepted', customExtensionCalloutInstances: [{ id: 'i1', status: 'callbackReceived' }] }), 'answered'],
    ['beta names, our instance answered', request({ requestStatus: 'PendingApproval', customExtensionCalloutInstances: [{ id: 'I1', status: 'callbackReceived' }] }), 'answered'],
    ['still waiting for us', request({ status: 'WaitingForCallback', customExtensionCalloutInstances: [{ id: 'i1', status: 'calloutSent' }] }), 'waiting'],
    ['waiting, instance says waitingForCallback', request({ requestStatus: 'WaitingForCallback', customExtensionCalloutInstances: [{ id: 'i1', status: 'waitingForCallback' }] }), 'waiting'],
    ['waiting, our instance not listed', request({ status: 'WaitingForCallback' }), 'waiting'],
    ['waiting for another instance, ours timed out', request({ status: 'WaitingForCallback', customExtensionCalloutInstances: [{ id: 'i1', status: 'callbackTimedOut' }, { id: 'i2', status: 'calloutSent' }] }), 'not-waiting'],
    ['no longer waiting', request({ state: 'denied', status: 'Denied' }), 'not-waiting'],
    ['delivered', request({ state: 'delivered', status: 'Delivered', customExtensionCalloutInstances: [{ id: 'i1', status: 'calloutFailed' }] }), 'not-waiting'],
  ])('%s → %s', (_, json, verdict) => {
    expect(classifyRequest(json, 'i1').verdict).toBe(verdict);
  });

  test('an answer that is not a request is refused', () => {
    expect(() => classifyRequest([1, 2], 'i1')).toThrow(AppError);
    expect(() => classifyRequest('x', 'i1')).toThrow(AppError);
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
    [undefined, 'not-waiting'],
  ])('%s → %s', (processingStatus, verdict) => {
    expect(classifyTaskResult({ id: 't', processingStatus }).verdict).toBe(verdict);
  });
});
