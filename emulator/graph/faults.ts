/** The parts of Azure the emulator plays, for fault matching and call records. */
export type Service = 'openid' | 'jwks' | 'identity' | 'graph';

export type FaultAction =
  /** Answer with this status (and Retry-After, and a body: a Graph error body by default). */
  | { readonly status: number; readonly retryAfter?: number | string; readonly body?: unknown }
  /** Wait, then go on (to the next matching rule, or the real handler). */
  | { readonly delayMs: number }
  /** Close the connection without an answer: before handling, or after (the change is applied, the answer lost). */
  | { readonly drop: 'before-handling' | 'after-handling' }
  /**
   * Identity endpoint only: answer 200 with a token Graph refuses (401), as a misconfigured or
   * faulty endpoint would: issued for another audience, already expired (while `expires_on` says
   * an hour, as a skewed clock would, so a client caches it), or not a JWT at all.
   */
  | { readonly badToken: BadToken }
  /**
   * Graph only: handle the call with its JSON body changed by `rewrite`, as a tenant would that
   * reads a body otherwise than it was written (a property ignored, a value stored under another
   * name). The call log keeps the body as sent.
   */
  | { readonly rewriteBody: (body: unknown) => unknown };

export type BadToken = 'wrong-audience' | 'expired' | 'not-a-jwt';

export interface FaultRule {
  readonly service?: Service;
  readonly method?: string;
  /** Substring of, or pattern over, the path. */
  readonly path?: string | RegExp;
  /** How many matching calls it applies to (default 1; Infinity for all). */
  readonly times?: number;
  /**
   * The chance (0..1) that a matching call is hit; a call it spares does not count against
   * `times`. For soaks: a fault on a random fraction of calls, not on the first n.
   */
  readonly probability?: number;
  readonly action: FaultAction;
}

interface ActiveRule extends FaultRule {
  remaining: number;
}

/** Faults settable from tests, consumed by the calls they match, in the order added. */
export class Faults {
  private rules: ActiveRule[] = [];
  private readonly latency = new Map<Service, number>();

  /** `random` decides probabilistic rules; replaceable so tests are deterministic. */
  constructor(private readonly random: () => number = Math.random) {}

  add(rule: FaultRule): this {
    this.rules.push({ ...rule, remaining: rule.times ?? 1 });
    return this;
  }

  clear(): void {
    this.rules = [];
    this.latency.clear();
  }

  /** A fixed delay for every call to a service (e.g. Graph at 50 ms). */
  setLatency(service: Service, ms: number): void {
    this.latency.set(service, ms);
  }

  latencyOf(service: Service): number {
    return this.latency.get(service) ?? 0;
  }

  /** The actions for one call: every matching delay and body rewrite, then at most one answer or drop. */
  take(service: Service, method: string, path: string): FaultAction[] {
    const actions: FaultAction[] = [];
    for (const rule of this.rules) {
      if (rule.remaining <= 0 || !matches(rule, service, method, path)) continue;
      const terminal = !('delayMs' in rule.action) && !('rewriteBody' in rule.action);
      if (terminal && actions.some((a) => !('delayMs' in a) && !('rewriteBody' in a))) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      rule.remaining -= 1;
      actions.push(rule.action);
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return actions;
  }
}

function matches(rule: FaultRule, service: Service, method: string, path: string): boolean {
  if (rule.service !== undefined && rule.service !== service) return false;
  if (rule.method !== undefined && rule.method.toUpperCase() !== method) return false;
  if (rule.path === undefined) return true;
  return typeof rule.path === 'string' ? path.includes(rule.path) : rule.path.test(path);
}
