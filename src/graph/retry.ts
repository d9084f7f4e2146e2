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

export interface RetriedAnswer {
  readonly answer: GraphAnswer;
  readonly attempts: number;
  /** An earlier attempt may have reached Graph and been applied (timeout, dropped answer, 5xx). */
  readonly ambiguous: boolean;
}

/** Least time worth starting another attempt with. */
const MIN_ATTEMPT_MS = 100;

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function exhausted(last: GraphAnswer | GraphTransportError, retryAfterSeconds: number | undefined, attempts: number): AppError {
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
 * Sends a Graph call, retrying 408/429/5xx answers and transport failures (network, timeout, no
 * token) with exponential backoff and full jitter, honouring Retry-After, until the deadline.
 * When the deadline would pass first it gives up at once with a retryable error that carries the
 * wait, so the relay retries later instead of us sleeping through its timeout. Other answers
 * (2xx, 4xx) are returned for the caller to interpret.
 */
export async function sendWithRetry(http: GraphHttp, call: GraphCall, deadline: Deadline, options: RetryOptions): Promise<RetriedAnswer> {
  const base = options.baseDelayMs ?? 250;
  const cap = options.maxDelayMs ?? 4000;
  const random = options.random ?? Math.random;
  let ambiguous = false;
  for (let attempt = 1; ; attempt++) {
    const budget = deadline.remaining();
    let last: GraphAnswer | GraphTransportError;
    try {
      const answer = await http.send(call, Math.max(MIN_ATTEMPT_MS, Math.min(options.timeoutMs, budget)));
      if (!isRetryableStatus(answer.status)) return { answer, attempts: attempt, ambiguous };
      last = answer;
      ambiguous ||= answer.status >= 500;
    } catch (error) {
      if (!(error instanceof GraphTransportError)) throw error;
      last = error;
      ambiguous ||= error.kind !== 'identity';
    }
    const suggested = last instanceof GraphTransportError ? undefined : last.retryAfterSeconds;
    const delay = suggested !== undefined ? suggested * 1000 : random() * Math.min(cap, base * 2 ** (attempt - 1));
    if (delay + MIN_ATTEMPT_MS > deadline.remaining()) throw exhausted(last, suggested ?? Math.ceil(delay / 1000), attempt);
    await options.clock.sleep(delay);
  }
}
