import { asciiLower } from '../ascii.js';
import type { DecisionLedger } from '../ledger/ledger.js';
import type { Clock } from '../ports.js';
import type { OurExtension, RequestRow } from '../requests/classify-requests.js';
import type { ListProgress, RequestsGraph } from '../requests/read-requests.js';
import { runRequests } from '../requests/run-requests.js';
import type { SweepSettings } from './sweep-settings.js';

/** The tenant the sweep reads (the function's own). */
export interface SweepTenant {
  readonly tenantId: string;
  readonly graphBaseUrl: string;
}

export interface StuckRequests {
  /** When ages were counted to (epoch ms). */
  readonly at: number;
  /** Waiting on ours, older than STUCK_AFTER, inside the callback window (or the window unknown): oldest first. */
  readonly stuck: readonly RequestRow[];
  /** Waiting on ours and older than STUCK_AFTER, but already past the callback window: left alone. */
  readonly pastWindow: number;
  readonly extensions: readonly OurExtension[];
  readonly read: ListProgress;
}

/**
 * The requests stuck on our custom extension, read as `npm run requests` reads them (see
 * src/requests/run-requests.ts): every catalog's extensions of our display name, the request list
 * page by page, each request with an open callout instance of ours while it waits for a
 * callback. A request is stuck when it was created at least STUCK_AFTER ago (Graph shows no time
 * per callout instance: the request's createdDateTime is the only evidence, and a callout is
 * never sent before its request exists, so the age is never understated) and the extension's
 * callback window, counted from the same instant, has not run out. A window Graph does not show
 * is not held against the request: Graph lists the instance open, and a resume after the window
 * is answered not-waiting, which sends nothing. The ledger is not read here: the sweep reads it
 * per request, so that a ledger failure costs one request, not the run.
 */
export async function findStuck(graph: RequestsGraph, clock: Clock, tenant: SweepTenant, settings: SweepSettings): Promise<StuckRequests> {
  const noLedger: DecisionLedger | undefined = undefined;
  const result = await runRequests(
    {
      catalogId: undefined,
      packageId: undefined,
      extension: { kind: 'name', name: settings.extensionName },
      olderThan: settings.stuckAfter,
      timedOut: false,
      ledger: undefined,
      json: true,
      source: { kind: 'live', tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl },
    },
    { graph, ledger: noLedger, clock },
  );
  const waiting = result.rows.filter((row) => row.verdict === 'waiting');
  // Only a submitted request's callout went out when the request was made: a later stage's may be recent, so its age says nothing of its window.
  const stuck = waiting.filter((row) => row.pastWindow !== true || asciiLower(row.request.state ?? '') !== 'submitted');
  return { at: result.at, stuck, pastWindow: waiting.length - stuck.length, extensions: result.extensions, read: result.read };
}
