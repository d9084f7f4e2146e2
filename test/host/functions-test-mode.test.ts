import { afterEach, describe, expect, it, vi } from 'vitest';
import { dropFunctionsTestModeWarnings, isFunctionsTestModeWarning } from '../../host/functions-test-mode.js';

const DETECT = 'WARNING: Failed to detect the Azure Functions runtime. Switching "@azure/functions" package to test mode - not all features are supported.';
const SKIP = 'WARNING: Skipping call to register function "callout" because the "@azure/functions" package is in test mode.';
const HOOK = 'WARNING: Skipping call to register appStart hook because the "@azure/functions" package is in test mode.';

describe("@azure/functions' test-mode lines", () => {
  const original = console.warn;
  afterEach(() => {
    console.warn = original;
  });

  it('are recognised exactly: the runtime not found, a function or hook not registered', () => {
    for (const line of [DETECT, SKIP, HOOK]) expect(isFunctionsTestModeWarning([line]), line).toBe(true);
    for (const args of [[`${SKIP} and more`], [SKIP, 'extra'], ['WARNING: something else'], [42], []]) expect(isFunctionsTestModeWarning(args)).toBe(false);
  });

  it('are dropped from console.warn; every other warning still reaches it', () => {
    const seen = vi.fn();
    console.warn = seen;
    dropFunctionsTestModeWarnings();
    const installed = console.warn;
    dropFunctionsTestModeWarnings(); // as the host does on every start: the filter is installed once
    expect(console.warn).toBe(installed);
    console.warn(DETECT);
    console.warn(SKIP);
    console.warn('entitlement-guard: STUCK_SWEEP_SCHEDULE is set but DECISION_LEDGER_URL is not');
    expect(seen.mock.calls).toEqual([['entitlement-guard: STUCK_SWEEP_SCHEDULE is set but DECISION_LEDGER_URL is not']]);
  });

  it('are what @azure/functions prints when a function is registered outside the runtime', async () => {
    const seen: unknown[][] = [];
    console.warn = (...args: unknown[]) => seen.push(args);
    const { app } = await import('@azure/functions');
    app.http('functions-test-mode-probe', { route: 'probe', handler: () => ({ status: 204 }) });
    expect(seen.length).toBeGreaterThan(0);
    for (const args of seen) expect(isFunctionsTestModeWarning(args), String(args[0])).toBe(true);
  });
});
