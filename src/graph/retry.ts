import { AppError } from '../errors.js';
import type { Clock } from '../ports.js';
import { GraphTransportError, type GraphAnswer, type GraphCall, type GraphHttp } from './graph-http.js';

/** The time one callout may spend on Graph, retries included, shared by every call it makes. */
export class Deadline {
  private constructor(
    private readonly clock: Clock,
    readonly at: number,
  ) {}

  static after(clock: Clock, ms: number): Deadline {
    return new Deadline(clock, clock.now() + ms);
  }

  remaining(): number {
    return Math.max(0, this.at - this.clock.now());
  }
}

export interface RetryOptions {
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Randomness for jitter; replaceable so tests are deterministic. */
  readonly random?: () => number;
}

/** Least time worth starting another attempt with. */
const MIN_ATTEMPT_MS = 100;

/** What one attempt ends with: an HTTP answer, or no answer at all. */
export type AttemptResult = GraphAnswer | GraphTransportError;

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** The time an attempt may take: the call timeout, cut to what the deadline leaves. */
function attemptTimeout(deadline: Deadline, options: RetryOptions): number {
  return Math.max(MIN_ATTEMPT_MS, Math.min(options.timeoutMs, deadline.remaining()));
}

function exhausted(last: AttemptResult, retryAfterSeconds: number | undefined, attempts: number): AppError {
  const after = Math.max(1, retryAfterSeconds ?? 5);
  if (last instanceof GraphTransportError) {
    const code = last.kind === 'identity' ? 'IDENTITY.UNAVAILABLE' : 'GRAPH.UNAVAILABLE';
    return new AppError(code, `${last.message}; gave up after ${attempts} attempt(s).`, {
      retryable: true,
      retryAfterSeconds: after,
      details: { failure: last.kind, attempts },
      cause: last,
    });
  }
  const code = last.status === 429 ? 'GRAPH.THROTTLED' : 'GRAPH.UNAVAILABLE';
  return new AppError(code, `Graph answered ${last.status}; gave up after ${attempts} attempt(s).`, {
    retryable: true,
    retryAfterSeconds: after,
    details: { graphStatus: last.status, attempts },
  });
}

/**
 * Waits before the next attempt: Retry-After when Graph gave one, else exponential backoff with
 * full jitter. When the deadline would pass first it throws at once a retryable error carrying
 * the wait, so the relay retries later instead of us sleeping through its timeout.
 */
export async function backOff(last: AttemptResult, attempt: number, deadline: Deadline, options: RetryOptions): Promise<void> {
  const suggested = last instanceof GraphTransportError ? undefined : last.retryAfterSeconds;
  const cap = options.maxDelayMs ?? 4000;
  const base = options.baseDelayMs ?? 250;
  const delay = suggested !== undefined ? suggested * 1000 : (options.random ?? Math.random)() * Math.min(cap, base * 2 ** (attempt - 1));
  if (delay + MIN_ATTEMPT_MS > deadline.remaining()) throw exhausted(last, suggested ?? Math.ceil(delay / 1000), attempt);
  await options.clock.sleep(delay);
}

/** Sends once; a transport failure comes back as a value, anything else unexpected is thrown. */
export async function attempt(http: GraphHttp, call: GraphCall, deadline: Deadline, options: RetryOptions): Promise<AttemptResult> {
  try {
    return await http.send(call, attemptTimeout(deadline, options));
  } catch (error) {
    if (error instanceof GraphTransportError) return error;
    throw error;
  }
}

/**
 * Sends a call that is safe to repeat (a read), retrying 408/429/5xx answers and transport
 * failures until the deadline. Other answers (2xx, 4xx) are returned for the caller to read.
 */
export async function sendWithRetry(http: GraphHttp, call: GraphCall, deadline: Deadline, options: RetryOptions): Promise<GraphAnswer> {
  for (let n = 1; ; n++) {
    const result = await attempt(http, call, deadline, options);
    if (!(result instanceof GraphTransportError) && !isRetryableStatus(result.status)) return result;
    await backOff(result, n, deadline, options);
  }
}
