// Vitest setup file: tests import functions/ outside the Azure Functions runtime, where each
// registration of `@azure/functions` prints a test-mode WARNING line (host/functions-test-mode.ts).
// The local host drops the same lines; the tests do too, so what a run prints is what matters.
import { dropFunctionsTestModeWarnings } from '../../host/functions-test-mode.js';

dropFunctionsTestModeWarnings();
