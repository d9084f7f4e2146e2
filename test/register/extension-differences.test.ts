// What register reads as differing between an extension Graph holds and the one asked for; the callback window
// is read as Graph's metadata names it (callbackConfiguration.timeoutDuration), and a window held under another
// name is said, not silently reported as none.
import { describe, expect, test } from 'vitest';
import { extensionDifferences, planWords } from '../../src/register/extension-differences.js';
import { TASK_CALLOUT_TIMEOUT_MS, taskExtensionBody, workflowExtensionBody, type Relay } from '../../src/register/graph-shapes.js';

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

describe('a custom task extension: the relay\'s answer timeout and the authorized app', () => {
  const APP = '9b8c7d6e-5f40-4a3b-8c2d-1e0f9a8b7c6d';
  const task = (authorizedApp?: string) => taskExtensionBody('entitlement-guard', RELAY, 'PT1H', authorizedApp);
  const wanted = (authorizedApp: string | undefined) => ({ timeoutMs: TASK_CALLOUT_TIMEOUT_MS, authorizedApp });

  test('as register writes it: 2000 ms, the documented maximum, and [{ id: app }]; no difference', () => {
    expect(TASK_CALLOUT_TIMEOUT_MS).toBe(2000);
    expect(task(APP)).toMatchObject({ clientConfiguration: { timeoutInMilliseconds: 2000, maximumRetries: 1 }, callbackConfiguration: { authorizedApps: [{ id: APP }] } });
    expect(extensionDifferences(task(APP), RELAY, 'PT1H', wanted(APP))).toEqual([]);
    // An app id is compared case-insensitively, under `id` or `appId`.
    const appId = { ...task(), callbackConfiguration: { '@odata.type': TASK_WINDOW, timeoutDuration: 'PT1H', authorizedApps: [{ appId: APP.toUpperCase() }] } };
    expect(extensionDifferences(appId, RELAY, 'PT1H', wanted(APP))).toEqual([]);
  });

  test('an older 1000 ms and no authorizedApps: two differences, in the plan\'s words', () => {
    const old = { ...task(), clientConfiguration: { timeoutInMilliseconds: 1000, maximumRetries: 1 } };
    expect(extensionDifferences(old, RELAY, 'PT1H', wanted(APP)).map(planWords)).toEqual(['relay answer timeout 1000 ms → 2000 ms', `authorized apps none → [${APP}]`]);
  });

  test('another app, or one more, is a difference: exactly the function\'s app', () => {
    const other = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
    expect(extensionDifferences(task(other), RELAY, 'PT1H', wanted(APP)).map(planWords)).toEqual([`authorized apps [${other}] → [${APP}]`]);
    const both = { ...task(), callbackConfiguration: { '@odata.type': TASK_WINDOW, timeoutDuration: 'PT1H', authorizedApps: [{ id: APP }, { id: other }] } };
    expect(extensionDifferences(both, RELAY, 'PT1H', wanted(APP)).map((d) => d.property)).toEqual(['callbackConfiguration.authorizedApps']);
  });

  test('the broad grant compares no authorizedApps; a catalog extension compares neither', () => {
    expect(extensionDifferences(task(APP), RELAY, 'PT1H', wanted(undefined))).toEqual([]);
    expect(extensionDifferences(task(), RELAY, 'PT1H', wanted(undefined))).toEqual([]);
    expect(extensionDifferences({ ...task(), clientConfiguration: null }, RELAY, 'PT1H')).toEqual([]);
  });
});
