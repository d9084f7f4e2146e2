import { parseIsoDuration, type IsoDuration } from '../checks/support/iso-duration.js';
import type { Env } from '../config.js';
import { AppError } from '../errors.js';
import { DEFAULT_EXTENSION_NAME } from '../requests/requests-args.js';
import { scheduleProblem } from '../sod/scan/scan-settings.js';

/** How long a callout of ours may wait with no callback before the sweep settles it. */
export const DEFAULT_STUCK_AFTER = 'PT10M';
/** Requests one run settles at most (oldest first); the rest wait for the next run. */
export const SWEEP_MAX_PER_RUN = 25;
/** Time one run may spend settling (the Functions timeout is 2 minutes in host.json): what is left waits for the next run. */
export const SWEEP_RUN_BUDGET_MS = 75_000;

/** The sweep's app settings; absent unless STUCK_SWEEP_SCHEDULE is set (and a ledger is: see functions/index.ts). */
export interface SweepSettings {
  /** NCRONTAB, six fields (the Functions timer's format). */
  readonly schedule: string;
  /** STUCK_AFTER as given, and parsed. */
  readonly stuckAfter: { readonly text: string; readonly duration: IsoDuration };
  /** Requests one run settles at most. */
  readonly maxPerRun: number;
  /** Our custom extension's display name in the catalogs (STUCK_SWEEP_EXTENSION_NAME; as `npm run register -- --name` names it). */
  readonly extensionName: string;
  /** Time a run may spend settling before it leaves the rest to the next run. */
  readonly runBudgetMs: number;
}

/** Why STUCK_AFTER is not a positive ISO 8601 duration, or undefined. */
export function stuckAfterProblem(text: string): string | undefined {
  const duration = parseIsoDuration(text);
  if (duration === undefined) return `"${text}" is not an ISO 8601 duration (e.g. PT10M)`;
  if (duration.years + duration.months + duration.days === 0 && duration.milliseconds <= 0) return `"${text}" is zero; it must be longer than nothing (e.g. PT10M)`;
  return undefined;
}

/**
 * Reads the sweep's settings: none when STUCK_SWEEP_SCHEDULE is not set. STUCK_AFTER (default
 * PT10M) is checked whenever it is given; every problem is named in one CONFIG.INVALID error at
 * start-up, like src/config.ts.
 */
export function loadSweepSettings(env: Env): SweepSettings | undefined {
  const read = (name: string) => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const schedule = read('STUCK_SWEEP_SCHEDULE');
  const stuckAfter = read('STUCK_AFTER') ?? DEFAULT_STUCK_AFTER;
  const problems: string[] = [];
  const scheduleIssue = schedule === undefined ? undefined : scheduleProblem(schedule);
  if (scheduleIssue !== undefined) problems.push(`STUCK_SWEEP_SCHEDULE: ${scheduleIssue}`);
  const name = read('STUCK_SWEEP_EXTENSION_NAME');
  if (name !== undefined && name.length > 256) problems.push(`STUCK_SWEEP_EXTENSION_NAME: ${String(name.length)} characters; at most 256`);
  const afterIssue = stuckAfterProblem(stuckAfter);
  if (afterIssue !== undefined) problems.push(`STUCK_AFTER: ${afterIssue}`);
  if (problems.length > 0) {
    throw new AppError('CONFIG.INVALID', `entitlement-guard cannot start: invalid settings: ${problems.join('; ')}.`, { details: { invalid: problems.length } });
  }
  const duration = parseIsoDuration(stuckAfter);
  if (schedule === undefined || duration === undefined) return undefined;
  return {
    schedule: schedule.split(/\s+/).join(' '),
    stuckAfter: { text: stuckAfter.toUpperCase(), duration },
    maxPerRun: SWEEP_MAX_PER_RUN,
    extensionName: name ?? DEFAULT_EXTENSION_NAME,
    runBudgetMs: SWEEP_RUN_BUDGET_MS,
  };
}
