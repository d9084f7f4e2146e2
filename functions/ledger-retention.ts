import { TableClient } from '@azure/data-tables';
import { app } from '@azure/functions';
import type { TokenCredential } from '@azure/identity';
import { loadConfig, type Env } from '../src/config.js';
import { AppError } from '../src/errors.js';
import { createManagedIdentityCredential } from '../src/graph/managed-identity.js';
import type { DecisionLedger } from '../src/ledger/ledger.js';
import { PURGE_MAX_PER_RUN, runRetention, type PurgeResult } from '../src/ledger/purge-old-entries.js';
import { createTableLedger } from '../src/ledger/table-ledger.js';
import { systemClock, type Clock, type Logger } from '../src/ports.js';
import { scheduleProblem } from '../src/sod/scan/scan-settings.js';
import { registerTimerJob, type RegisterTimer } from './timer-support.js';

/** Daily at 03:30 (UTC unless WEBSITE_TIME_ZONE says otherwise), away from the SoD scan's usual hour. */
export const DEFAULT_RETENTION_SCHEDULE = '0 30 3 * * *';

export interface LedgerRetentionOverrides {
  readonly credential?: TokenCredential;
  /** A ledger instead of the table DECISION_LEDGER_URL names. */
  readonly ledger?: DecisionLedger;
  readonly clock?: Clock;
  /** Entries one run deletes at most (default PURGE_MAX_PER_RUN). */
  readonly max?: number;
}

export interface LedgerRetentionJob {
  readonly schedule: string;
  readonly days: number;
  run(logger: Logger): Promise<PurgeResult>;
}

/** LEDGER_RETENTION_SCHEDULE (NCRONTAB, six fields) or the default; a bad one stops start-up, named. */
export function retentionSchedule(env: Env): string {
  const value = env['LEDGER_RETENTION_SCHEDULE']?.trim();
  if (value === undefined || value === '') return DEFAULT_RETENTION_SCHEDULE;
  const problem = scheduleProblem(value);
  if (problem !== undefined) throw new AppError('CONFIG.INVALID', `entitlement-guard cannot start: invalid settings: LEDGER_RETENTION_SCHEDULE: ${problem}.`, { details: { invalid: 1 } });
  return value.split(/\s+/).join(' ');
}

/**
 * The ledger's retention, built once at start-up when DECISION_LEDGER_URL is set (undefined
 * otherwise): the schedule and the configuration validated, the table reached with the
 * function's managed identity as the callout reaches it (src/composition.ts); no storage keys.
 */
export function createLedgerRetentionJob(env: Env, overrides: LedgerRetentionOverrides = {}): LedgerRetentionJob | undefined {
  const config = loadConfig(env);
  const location = config.decisionLedger;
  if (location === undefined && overrides.ledger === undefined) return undefined;
  const schedule = retentionSchedule(env);
  const ledger = overrides.ledger ?? (location === undefined ? undefined : createTableLedger(location, new TableClient(location.accountUrl, location.table, overrides.credential ?? createManagedIdentityCredential(config.managedIdentityClientId))));
  if (ledger === undefined) return undefined;
  const days = config.ledgerRetentionDays;
  const clock = overrides.clock ?? systemClock;
  return {
    schedule,
    days,
    run: (logger) => runRetention({ ledger, clock, logger, days, max: overrides.max ?? PURGE_MAX_PER_RUN }),
  };
}

/**
 * Registers the `ledgerRetention` timer when DECISION_LEDGER_URL is set: each run deletes the
 * entries decided more than LEDGER_RETENTION_DAYS ago, at most PURGE_MAX_PER_RUN of them. A bad
 * setting stops start-up. Returns whether it registered.
 */
export function registerLedgerRetention(env: Env, register: RegisterTimer = app.timer, overrides: LedgerRetentionOverrides = {}): boolean {
  const job = createLedgerRetentionJob(env, overrides);
  if (job === undefined) return false;
  registerTimerJob(register, 'ledgerRetention', job.schedule, job);
  return true;
}
