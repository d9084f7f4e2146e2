/**
 * The entry the Functions host loads (package.json "main"). It registers every function and
 * checks the configuration at start-up, so a missing setting stops the worker with a message
 * naming it instead of failing the first callout, and starts fetching what the first callout
 * needs from Entra (signing keys, a Graph token). The separation-of-duties scan timer is
 * registered only when SOD_SCAN_SCHEDULE is set.
 */
import type { HttpFunctionOptions } from '@azure/functions';
import { callout } from './callout.js';
import { pim } from './pim.js';
import { getDeps } from './deps.js';
import { loadScanSettings } from '../src/sod/scan/scan-settings.js';
import { loadSweepSettings } from '../src/sweep/sweep-settings.js';

/** Every HTTP function by name, for the local host. */
export const httpFunctions: Readonly<Record<string, HttpFunctionOptions>> = { callout, pim };

// Configuration checked now; the keys and the Graph token fetched while the worker finishes
// starting, instead of one after the other inside the first callout.
void getDeps().prefetch();
// The scan's module (and @azure/storage-blob) is loaded only when the timer is configured: most
// deployments do not pay its import on every cold start. Its settings are validated either way.
if (loadScanSettings(process.env) !== undefined) (await import('./sod-scan.js')).registerSodScan(process.env);
if ((process.env['DECISION_LEDGER_URL']?.trim() ?? '') !== '') (await import('./ledger-retention.js')).registerLedgerRetention(process.env);
// The sweep of stuck callouts settles from the ledger: it runs only with both a ledger and a schedule
// (its settings are validated either way).
if (loadSweepSettings(process.env) !== undefined) {
  if ((process.env['DECISION_LEDGER_URL']?.trim() ?? '') !== '') (await import('./stuck-sweep.js')).registerStuckSweep(process.env);
  else process.emitWarning('entitlement-guard: STUCK_SWEEP_SCHEDULE is set but DECISION_LEDGER_URL is not: the sweep of stuck callouts does not run (it needs the shared ledger).');
}
