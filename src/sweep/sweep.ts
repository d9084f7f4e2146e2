import { asciiLower } from '../ascii.js';
import { addIsoDuration, parseIsoDuration } from '../checks/support/iso-duration.js';
import { settleCallout, type SettleServices, type Settled } from '../callout/settle-callout.js';
import { readEntry } from '../callout/ledger-entries.js';
import type { ElmRequestCallout } from '../callout/model.js';
import { PolicyEngine } from '../engine/policy-engine.js';
import { describeError, isAppError } from '../errors.js';
import type { GraphHttp } from '../graph/graph-http.js';
import { parseGuid, type Guid } from '../guid.js';
import { ledgerKey, type LedgerEntry } from '../ledger/ledger.js';
import type { Logger } from '../ports.js';
import { stagesOf, type RequestRow } from '../requests/classify-requests.js';
import { WaitingRequestReader, type SweepGraph } from '../requests/read-waiting-request.js';
import { RequestsError } from '../requests/requests-error.js';
import { findStuck, type SweepTenant } from './find-stuck.js';
import { freshCallout, sweptCallout } from './fresh-callout.js';
import type { SweepSettings } from './sweep-settings.js';

export interface SweepServices {
  /** What a callout settles with: the engine evaluates a request the ledger has no entry for. */
  readonly settle: SettleServices;
  /** Graph, for the listing of waiting requests (read only). */
  readonly graphHttp: GraphHttp;
  readonly tenant: SweepTenant;
  readonly settings: SweepSettings;
  readonly logger: Logger;
}

export interface SweepSummary {
  /** Stuck requests found (waiting on ours, older than STUCK_AFTER, inside their window). */
  readonly stuck: number;
  /** Older than STUCK_AFTER but past their callback window: left alone. */
  readonly pastWindow: number;
  /** Settled through the pipeline (each logged as callout.swept). */
  readonly swept: number;
  /** Left alone with a reason (each logged as callout.sweep-skipped). */
  readonly skipped: number;
  /** Failed (each logged as callout.sweep-failed); they do not stop the run. */
  readonly failed: number;
  /** Later-stage callouts the ledger shows are younger than STUCK_AFTER, or past their window (each logged as callout.sweep-not-stuck). */
  readonly notYet: number;
  /** Stuck requests this run did not get to (the bound, or the run's time budget): the next run takes them. */
  readonly deferred: number;
}

/** The entry was there when read, and gone when settled (released after Graph refused its body). */
class EntryGone extends Error {
  override readonly name = 'EntryGone';
}

/**
 * An entry the sweep carries out is not evaluated again: a callout built from a listing lacks the
 * facts a check needs (the target, the answers), so settleCallout carries out the entry it reads
 * instead; if the entry is gone by then, it fails. Only a request with no entry is evaluated,
 * from a callout rebuilt out of Graph (fresh-callout.ts).
 */
const NOT_EVALUATING: PolicyEngine = Object.assign(Object.create(PolicyEngine.prototype) as PolicyEngine, {
  evaluate: () => Promise.reject(new EntryGone('the ledger entry was gone when the sweep settled the request; the sweep does not evaluate (the next delivery does)')),
});

/** The error code a log carries: the AppError's, else one naming what failed. */
function codeOf(error: unknown): string {
  if (isAppError(error)) return error.code;
  if (error instanceof EntryGone) return 'SWEEP.ENTRY_GONE';
  if (error instanceof RequestsError) return isAppError(error.cause) ? error.cause.code : 'SWEEP.LISTING_FAILED';
  return 'INTERNAL';
}

type Step =
  | { readonly kind: 'skip'; readonly reason: string; readonly entry: LedgerEntry | undefined }
  /** Not stuck after all, by the ledger's time of an earlier stage: left alone, without a warning. */
  | { readonly kind: 'not-stuck'; readonly reason: string }
  | { readonly kind: 'settle'; readonly callout: ElmRequestCallout; readonly entry: LedgerEntry }
  | { readonly kind: 'evaluate'; readonly callout: ElmRequestCallout };

/** What to do with one stuck request, from its ledger entry. */
async function stepFor(row: RequestRow, services: SweepServices): Promise<Step> {
  const stageInstanceId = parseGuid(row.instance.id);
  if (stageInstanceId === undefined) return { kind: 'skip', reason: 'the stage instance id Graph lists is not a GUID', entry: undefined };
  const entry = await readEntry(services.settle.ledger, ledgerKey(row.request.id, stageInstanceId));
  if (entry === undefined) {
    const notStuck = await laterStageTiming(row, stageInstanceId, services);
    if (notStuck !== undefined) return notStuck;
    const fresh = await freshCallout(row, new WaitingRequestReader(readsOf(services)));
    return fresh.kind === 'skip' ? { kind: 'skip', reason: fresh.reason, entry } : { kind: 'evaluate', callout: fresh.callout };
  }
  if (entry.state !== 'decided') {
    return { kind: 'skip', reason: `the ledger says Graph already received its ${entry.decision} (${entry.state}), yet Graph lists the request waiting: nothing is sent again`, entry };
  }
  const { stages } = stagesOf(row.request.state, { kind: 'entry', entry });
  const stage = stages.length === 1 ? stages[0] : undefined;
  if (stage === undefined) return { kind: 'skip', reason: `the stage is not known (ledger: ${entry.stage ?? 'none'}, request state: ${row.request.state ?? 'none'})`, entry };
  return { kind: 'settle', callout: sweptCallout(row, stage), entry };
}

/**
 * A later stage's callout went out when the request reached that stage, not when the request was
 * made: when the ledger shows our answer to an earlier stage of the same request, the callout is
 * no older than that answer. Younger than STUCK_AFTER: not stuck yet (a delivery may be on its
 * way); older than the callback window: past it. Undefined when neither (or nothing tells).
 */
async function laterStageTiming(row: RequestRow, stageInstanceId: Guid, services: SweepServices): Promise<Step | undefined> {
  if (asciiLower(row.request.state ?? '') === 'submitted') return undefined;
  let latest: number | undefined;
  for await (const earlier of services.settle.ledger.list({ subject: row.request.id })) {
    if (earlier.key.stageInstance === stageInstanceId) continue;
    const at = Date.parse(earlier.confirmedAt ?? earlier.sentAt ?? earlier.decidedAt);
    if (!Number.isNaN(at) && (latest === undefined || at > latest)) latest = at;
  }
  if (latest === undefined) return undefined;
  const now = services.settle.clock.now();
  if (addIsoDuration(latest, services.settings.stuckAfter.duration) > now) {
    return { kind: 'not-stuck', reason: `its callout went out after our answer to an earlier stage at ${new Date(latest).toISOString()}, less than STUCK_AFTER ago` };
  }
  const window = row.extension?.callbackWindow === undefined ? undefined : parseIsoDuration(row.extension.callbackWindow);
  if (window !== undefined && addIsoDuration(latest, window) <= now) return { kind: 'not-stuck', reason: 'past its callback window, counted from our answer to an earlier stage' };
  return undefined;
}

/** Graph for the sweep's reads: the callout's client, its per-call timeout and budget. */
function readsOf(services: SweepServices): SweepGraph {
  const { config, clock } = services.settle;
  return { http: services.graphHttp, clock, timeoutMs: config.graphTimeoutMs, budgetMs: config.graphBudgetMs };
}

function ids(row: RequestRow) {
  return { requestId: row.request.id, stageInstanceId: row.instance.id, state: row.request.state, ageMs: row.ageMs, callbackWindow: row.extension?.callbackWindow };
}

async function swept(row: RequestRow, settled: Settled, services: SweepServices): Promise<void> {
  const { logger } = services;
  if (settled.recording !== undefined) {
    // Awaited: a timer's instance may be frozen once the run returns.
    try {
      await settled.recording;
    } catch (error) {
      logger.warn('ledger.update-failed', { key: ledgerKey(row.request.id, row.instance.id), cause: describeError(error) });
    }
  }
  logger.info('callout.swept', {
    ...ids(row),
    stage: settled.entry?.stage,
    outcome: settled.outcome,
    decision: settled.decision.kind,
    detail: settled.decision.detail,
    adopted: settled.adopted,
    decidedBy: settled.entry?.decidedBy,
    decidedAt: settled.entry?.decidedAt,
    ledgerState: settled.entry?.state,
    resume: settled.resume === undefined ? undefined : { sent: settled.resume.sent, graphStatus: settled.resume.graphStatus, attempts: settled.resume.attempts, note: settled.resume.note },
  });
}

/**
 * One run of the sweep: the requests stuck on our extension (findStuck), oldest first, each
 * settled through the callout's pipeline (settleCallout), at most `settings.maxPerRun` of them.
 * A request whose entry is decided and never reached Graph is settled from its entry: the
 * entry's body is sent as it is, nothing is evaluated. A request with no entry is evaluated
 * afresh from Graph (fresh-callout.ts), its decision written insert-if-absent like a
 * delivery's, so a delivery or another sweep that decided first wins and its body is the one
 * sent; it is skipped when its stage or its subject cannot be told. One the ledger says Graph
 * already received is skipped. When two instances sweep the same request at once, the ledger
 * decides which body both carry out, so Graph receives the one body (and accepts it once).
 * Every request is logged as one event
 * (callout.swept, callout.sweep-skipped or callout.sweep-failed, with its error code) and a
 * failure does not stop the run; the run ends with callout.sweep-finished. A listing that fails
 * is logged (callout.sweep-run-failed) and thrown.
 */
export async function runSweep(services: SweepServices): Promise<SweepSummary> {
  const { logger, settings } = services;
  const { config, clock } = services.settle;
  const started = clock.now();
  let found;
  try {
    found = await findStuck(
      { http: services.graphHttp, graphOrigin: config.graphBaseUrl, clock, timeoutMs: config.graphTimeoutMs, budgetMs: config.graphBudgetMs },
      clock,
      services.tenant,
      settings,
    );
  } catch (error) {
    logger.error('callout.sweep-run-failed', { code: codeOf(error), message: error instanceof Error ? error.message : describeError(error), ms: Math.round(clock.now() - started) });
    throw error;
  }
  const settle: SettleServices = { ...services.settle, engine: NOT_EVALUATING };
  let swepts = 0;
  let skipped = 0;
  let failed = 0;
  let examined = 0;
  let notYet = 0;
  for (const row of found.stuck) {
    if (swepts + failed >= settings.maxPerRun || clock.now() - started >= settings.runBudgetMs) break;
    examined++;
    try {
      const step = await stepFor(row, services);
      if (step.kind === 'not-stuck') {
        notYet++;
        logger.info('callout.sweep-not-stuck', { ...ids(row), reason: step.reason });
        continue;
      }
      if (step.kind === 'skip') {
        skipped++;
        logger.warn('callout.sweep-skipped', { ...ids(row), reason: step.reason, stages: stagesOf(row.request.state, step.entry === undefined ? { kind: 'none' } : { kind: 'entry', entry: step.entry }).stages });
        continue;
      }
      const settled = await settleCallout(step.callout, step.kind === 'evaluate' ? services.settle : settle, { by: 'sweeper', callerAppId: undefined });
      swepts++;
      await swept(row, settled, services);
    } catch (error) {
      failed++;
      logger.error('callout.sweep-failed', {
        ...ids(row),
        code: codeOf(error),
        message: error instanceof Error ? error.message : describeError(error),
        details: isAppError(error) ? error.details : undefined,
      });
    }
  }
  const summary: SweepSummary = { stuck: found.stuck.length - notYet, pastWindow: found.pastWindow, swept: swepts, skipped, failed, notYet, deferred: found.stuck.length - examined };
  logger.info('callout.sweep-finished', {
    ...summary,
    stuckAfter: settings.stuckAfter.text,
    maxPerRun: settings.maxPerRun,
    extensions: found.extensions.map((e) => e.id),
    requestsRead: found.read.read,
    ms: Math.round(clock.now() - started),
  });
  return summary;
}
