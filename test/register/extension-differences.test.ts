// What register reads as differing between an extension Graph holds and the one asked for; the callback window
// is read as Graph's metadata names it (callbackConfiguration.timeoutDuration), and a window held under another
// name is said, not silently reported as none.
import { describe, expect, test } from 'vitest';
import { extensionDifferences, planWords } from '../../src/register/extension-differences.js';
import { workflowExtensionBody, type Relay } from '../../src/register/graph-shapes.js';

const RELAY: Relay = { subscriptionId: '0e0d0c0b-0a09-4807-8605-040302010000', resourceGroupName: 'rg-entitlement-guard', logicAppWorkflowName: 'eg-relay' };
const TASK_WINDOW = '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration';
/** The extension as register writes it, with its callback configuration replaced. */
const held = (callbackConfiguration: unknown): Record<string, unknown> => ({ ...workflowExtensionBody('entitlement-guard', RELAY, 'PT1H'), callbackConfiguration });
const windowDifference = (callbackConfiguration: unknown, wanted = 'PT1H') =>
  extensionDifferences(held(callbackConfiguration), RELAY, wanted).filter((d) => d.property === 'callbackConfiguration.timeoutDuration');

describe('the callback window', () => {
  test('the same window, however written (PT60M is PT1H), is no difference', () => {
    expect(extensionDifferences(held({ '@odata.type': TASK_WINDOW, timeoutDuration: 'PT60M' }), RELAY, 'PT1H')).toEqual([]);
  });

  test('another window: what Graph holds and what is wanted', () => {
    expect(windowDifference({ '@odata.type': TASK_WINDOW, timeoutDuration: 'PT2H' })).toEqual([{ property: 'callbackConfiguration.timeoutDuration', label: 'callback window', stored: 'PT2H', wanted: 'PT1H' }]);
  });

  test('no window at all: none', () => {
    expect(windowDifference(undefined).map((d) => d.stored)).toEqual(['none']);
    expect(windowDifference({ '@odata.type': TASK_WINDOW }).map((d) => d.stored)).toEqual(['none']);
    // The task extension's authorizedApps is a property of the window's type, not a window.
    expect(windowDifference({ '@odata.type': TASK_WINDOW, authorizedApps: [] }).map((d) => d.stored)).toEqual(['none']);
  });

  test('a window under another name: none, naming what Graph holds there', () => {
    const [difference] = windowDifference({ '@odata.type': '#microsoft.graph.customExtensionCallbackConfiguration', durationBeforeTimeout: 'PT1H' });
    expect(difference?.stored).toBe('none (it holds durationBeforeTimeout: PT1H)');
    expect(difference === undefined ? '' : planWords(difference)).toBe('callback window none (it holds durationBeforeTimeout: PT1H) → PT1H');
  });

  test('every other key is named, values that are not text as JSON', () => {
    expect(windowDifference({ durationBeforeTimeout: 'PT2H', timeout: { hours: 2 }, timeoutDuration: null }, 'P1D').map((d) => d.stored)).toEqual(['none (it holds durationBeforeTimeout: PT2H, timeout: {"hours":2})']);
  });
});

describe('the other differences', () => {
  test('the relay (ARM names without case) and PoP authentication', () => {
    const upper = { ...RELAY, resourceGroupName: RELAY.resourceGroupName.toUpperCase() };
    expect(extensionDifferences(workflowExtensionBody('entitlement-guard', upper, 'PT1H'), RELAY, 'PT1H')).toEqual([]);
    const other = { ...held({ '@odata.type': TASK_WINDOW, timeoutDuration: 'PT1H' }), authenticationConfiguration: { '@odata.type': '#microsoft.graph.azureAdTokenAuthentication', resourceId: RELAY.subscriptionId } };
    expect(extensionDifferences(other, { ...RELAY, logicAppWorkflowName: 'eg-relay-2' }, 'PT1H').map(planWords)).toEqual([
      `relay ${RELAY.subscriptionId}/rg-entitlement-guard/eg-relay → ${RELAY.subscriptionId}/rg-entitlement-guard/eg-relay-2`,
      'authentication #microsoft.graph.azureAdTokenAuthentication → azureAdPopTokenAuthentication',
    ]);
  });
});
