/**
 * Outside the Azure Functions runtime, `@azure/functions` cannot register functions: the first
 * `app.http(...)` switches it to "test mode" and every registration prints a WARNING line. The
 * local host does not need the registrations (it serves the same handlers itself), so those
 * lines say nothing to its user; the host names what it serves instead. Only these exact
 * messages are dropped: every other warning is printed as it comes.
 */
const TEST_MODE_WARNINGS = [
  /^WARNING: Failed to detect the Azure Functions runtime\. Switching "@azure\/functions" package to test mode - not all features are supported\.$/,
  /^WARNING: Skipping call to (register|dispose) .* because the "@azure\/functions" package is in test mode\.$/,
];

/** Whether console.warn's arguments are one of the test-mode lines of `@azure/functions`. */
export function isFunctionsTestModeWarning(args: readonly unknown[]): boolean {
  const [first] = args;
  return args.length === 1 && typeof first === 'string' && TEST_MODE_WARNINGS.some((pattern) => pattern.test(first));
}

const DROPPING = Symbol('drops the test-mode lines of @azure/functions');

/** Keeps the test-mode lines of `@azure/functions` out of `console.warn` from now on in this process (once: a second call changes nothing). */
export function dropFunctionsTestModeWarnings(): void {
  if (DROPPING in console.warn) return;
  const warn = console.warn.bind(console);
  console.warn = Object.assign((...args: unknown[]): void => {
    if (!isFunctionsTestModeWarning(args)) warn(...args);
  }, { [DROPPING]: true });
}
