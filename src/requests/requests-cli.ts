import type { GraphHttp } from '../graph/graph-http.js';
import type { DecisionLedger } from '../ledger/ledger.js';
import type { LedgerLocation } from '../ledger/ledger-url.js';
import { runCommand } from '../cli/run-command.js';
import { systemClock, type Clock } from '../ports.js';
import type { TenantSource } from '../tenant-source.js';
import { formatRequests, requestsJson } from './format-requests.js';
import type { ListProgress } from './read-requests.js';
import { parseRequestsArgs, REQUESTS_USAGE, type RequestsArgs } from './requests-args.js';
import { RequestsError } from './requests-error.js';
import { runRequests } from './run-requests.js';

export interface RequestsIo {
  out(text: string): void;
  err(text: string): void;
}

/** A tenant to read: its Graph, and the decision ledger read with the same identity. */
export interface RequestsSource {
  readonly graph: GraphHttp;
  /** Graph's origin: nextLinks must stay on it. */
  readonly graphOrigin: string;
  /** How the output names the tenant. */
  readonly label: string;
  /** The ledger's table, signed in as this source signs in to Graph. */
  openLedger(location: LedgerLocation): DecisionLedger;
  close(): Promise<void>;
}

export interface RequestsCliOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Opens the tenant the arguments name (the emulator for a tenant file, or a live tenant under
   * the operator's credential); a failure to is a RequestsError (scripts/requests.ts).
   */
  readonly openSource: (source: TenantSource) => Promise<RequestsSource>;
  /** Now, for ages, and the retries' clock. */
  readonly clock?: Clock;
  /** Least time between two progress lines while the request list is paged (default 1 s). */
  readonly progressEveryMs?: number;
  /** Time one Graph attempt may take (default 10 s) and one read may spend with retries (default 30 s). */
  readonly timeoutMs?: number;
  readonly budgetMs?: number;
}

/** Progress on stderr once the list runs past its first page, at most every `everyMs`. */
function progressPrinter(io: RequestsIo, clock: Clock, everyMs: number): (progress: ListProgress) => void {
  let lastAt = -Infinity;
  return (p) => {
    const now = clock.now();
    if (p.pages < 2 || now - lastAt < everyMs) return;
    lastAt = now;
    io.err(`requests: page ${String(p.pages)}, ${String(p.read)} requests read, ${String(p.kept)} with a callout open or given up on\n`);
  };
}

/**
 * `npm run requests`: the command line → every assignment request waiting on our custom
 * extension, printed for a person or as JSON. Returns the exit code: 0 listed (none included),
 * 1 Graph, the ledger or the credential failed, 2 bad arguments, an unknown catalog, package or
 * extension, a tenant file that does not load.
 */
export function requestsCli(argv: readonly string[], io: RequestsIo, options: RequestsCliOptions): Promise<number> {
  return runCommand('requests', REQUESTS_USAGE, parseRequestsArgs(argv, options.env), io, (args) => list(args, io, options));
}

async function list(args: RequestsArgs, io: RequestsIo, options: RequestsCliOptions): Promise<number> {
  const clock = options.clock ?? systemClock;
  try {
    const source = await options.openSource(args.source);
    try {
      const result = await runRequests(args, {
        graph: { http: source.graph, graphOrigin: source.graphOrigin, clock, timeoutMs: options.timeoutMs ?? 10_000, budgetMs: options.budgetMs ?? 30_000 },
        ledger: args.ledger === undefined ? undefined : source.openLedger(args.ledger.location),
        clock,
        onPage: progressPrinter(io, clock, options.progressEveryMs ?? 1000),
      });
      io.out(args.json ? `${JSON.stringify(requestsJson(result, source.label), null, 2)}\n` : formatRequests(result, source.label));
      return 0;
    } finally {
      await source.close();
    }
  } catch (error) {
    if (error instanceof RequestsError) {
      io.err(`requests: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
