import { app } from '@azure/functions';
import type { Deps } from '../src/composition.js';
import type { Env } from '../src/config.js';
import type { Logger } from '../src/ports.js';
import { runSweep, type SweepSummary } from '../src/sweep/sweep.js';
import { loadSweepSettings, type SweepSettings } from '../src/sweep/sweep-settings.js';
import { getDeps } from './deps.js';
import { registerTimerJob, type RegisterTimer } from './timer-support.js';

export interface StuckSweepJob {
  readonly settings: SweepSettings;
  run(logger: Logger): Promise<SweepSummary>;
}

/**
 * The sweep of stuck callouts, built at start-up when STUCK_SWEEP_SCHEDULE and
 * DECISION_LEDGER_URL are both set (undefined otherwise): STUCK_SWEEP_SCHEDULE and STUCK_AFTER
 * validated now, the callout's own dependencies (the ledger, the resumer, Graph with the
 * function's managed identity) taken from `deps` when the first run needs them.
 */
export function createStuckSweepJob(env: Env, deps: () => Deps = getDeps): StuckSweepJob | undefined {
  const settings = loadSweepSettings(env);
  if (settings === undefined || (env['DECISION_LEDGER_URL']?.trim() ?? '') === '') return undefined;
  return {
    settings,
    run: (logger) => {
      const d = deps();
      return runSweep({
        settle: d,
        graphHttp: d.graphHttp,
        tenant: { tenantId: d.config.tenantId, graphBaseUrl: d.config.graphBaseUrl },
        settings,
        logger,
      });
    },
  };
}

/**
 * Registers the `stuckSweep` timer when STUCK_SWEEP_SCHEDULE and DECISION_LEDGER_URL are both
 * set: each run settles, from the ledger, the requests waiting on our extension longer than
 * STUCK_AFTER (src/sweep/sweep.ts). A bad setting stops start-up. Returns whether it registered.
 */
export function registerStuckSweep(env: Env, register: RegisterTimer = app.timer, deps: () => Deps = getDeps): boolean {
  const job = createStuckSweepJob(env, deps);
  if (job === undefined) return false;
  registerTimerJob(register, 'stuckSweep', job.settings.schedule, job);
  return true;
}
