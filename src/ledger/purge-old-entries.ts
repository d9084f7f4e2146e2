import { AppError, describeError, isAppError } from '../errors.js';
import type { Clock, Logger } from '../ports.js';
import type { DecisionLedger } from './ledger.js';

/** Entries one run deletes at most: a run stays well inside the Functions timeout; the rest go on the next runs. */
export const PURGE_MAX_PER_RUN = 5000;

const DAY_MS = 86_400_000;

export interface PurgeResult {
  /** Entries deleted by this run. */
  readonly purged: number;
  /** Entries decided before this time (ISO) were due: now − retention days. */
  readonly cutoff: string;
  /** The bound was reached and entries older than the cutoff are still there, for the next run. */
  readonly moreRemain: boolean;
}

/**
 * Whether an entry decided before `cutoff` is still there. Asked only when the bound was reached
 * (a table purge cannot tell "exactly max" from "more than max"); a read that fails here counts
 * as "more remain": the purge itself succeeded, and the next run finds out.
 */
async function anyLeft(ledger: DecisionLedger, cutoff: Date): Promise<boolean> {
  try {
    const entries = ledger.list({ to: cutoff })[Symbol.asyncIterator]();
    try {
      return (await entries.next()).done !== true;
    } finally {
      await entries.return?.();
    }
  } catch {
    return true;
  }
}

/**
 * Deletes the entries decided more than `days` days before the clock's now, at most `max` of
 * them. Nothing else: no logging, no retry. A ledger that fails is LEDGER.UNAVAILABLE, the cause kept.
 */
export async function purgeOldEntries(ledger: DecisionLedger, clock: Clock, days: number, max: number = PURGE_MAX_PER_RUN): Promise<PurgeResult> {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`retention days must be a whole number of at least 1, not ${String(days)}`);
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`the purge bound must be a whole number of at least 1, not ${String(max)}`);
  const cutoff = new Date(clock.now() - days * DAY_MS);
  let purged: number;
  try {
    purged = await ledger.purge(cutoff, max);
  } catch (error) {
    if (isAppError(error)) throw error;
    throw new AppError('LEDGER.UNAVAILABLE', `The decision ledger could not purge entries decided before ${cutoff.toISOString()}.`, { retryable: true, cause: error });
  }
  const moreRemain = purged >= max && (await anyLeft(ledger, cutoff));
  return { purged, cutoff: cutoff.toISOString(), moreRemain };
}

export interface RetentionRun {
  readonly ledger: DecisionLedger;
  readonly clock: Clock;
  readonly logger: Logger;
  /** LEDGER_RETENTION_DAYS. */
  readonly days: number;
  readonly max?: number;
}

/**
 * One run of the retention timer: the purge, and one event. `ledger.purged` with the count, the
 * cutoff and whether more remain (the bound was reached: the next runs take the rest); a failure
 * is `ledger.purge-failed` with code LEDGER.UNAVAILABLE (alerts key on `LEDGER.`), then thrown so
 * the run shows as failed in the Functions monitor.
 */
export async function runRetention(run: RetentionRun): Promise<PurgeResult> {
  const max = run.max ?? PURGE_MAX_PER_RUN;
  const started = run.clock.now();
  try {
    const result = await purgeOldEntries(run.ledger, run.clock, run.days, max);
    run.logger.info('ledger.purged', {
      purged: result.purged,
      cutoff: result.cutoff,
      moreRemain: result.moreRemain,
      max,
      retentionDays: run.days,
      ledger: run.ledger.where,
      durationMs: Math.round(run.clock.now() - started),
      ...(result.moreRemain ? { note: `the bound of ${String(max)} entries per run was reached; older entries remain for the next runs` } : {}),
    });
    return result;
  } catch (error) {
    const code = isAppError(error) ? error.code : 'LEDGER.UNAVAILABLE';
    run.logger.error('ledger.purge-failed', {
      code,
      message: describeError(error),
      cause: error instanceof Error && error.cause !== undefined ? describeError(error.cause) : undefined,
      retentionDays: run.days,
      ledger: run.ledger.where,
      durationMs: Math.round(run.clock.now() - started),
    });
    throw error;
  }
}
