/**
 * How the relay (the Logic App Entra calls through) delivers one callout: a 503 or no answer is
 * retried after Retry-After, a bounded number of times, as its retry policy does; any other
 * answer, 4xx included, is final.
 */
export interface RelayPolicy {
  readonly maxAttempts: number;
  /** Wait when a 503 carries no Retry-After, or the connection failed. */
  readonly defaultWaitMs: number;
}

export const LOGIC_APP_POLICY: RelayPolicy = { maxAttempts: 5, defaultWaitMs: 1000 };

export interface Delivery {
  /** The final status, or 0 when every attempt failed without an answer. */
  readonly status: number;
  readonly outcome?: string | undefined;
  readonly attempts: number;
  readonly answered503: number;
  readonly networkErrors: number;
  readonly latencyMs: number;
  /** The resume body the final 200 answer says Graph received, when it carries one. */
  readonly resumeBody?: unknown;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function retryAfterMs(header: string | null, fallback: number): number {
  const seconds = header === null ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : fallback;
}

/**
 * One callout through the relay's retry policy. With several hosts (instances behind one
 * function app), each attempt may land on another: attempt n goes to `urls[(first + n) % length]`.
 */
export async function deliver(urls: string | readonly string[], token: string, body: string, policy: RelayPolicy = LOGIC_APP_POLICY, first = 0): Promise<Delivery> {
  const hosts = typeof urls === 'string' ? [urls] : urls;
  const started = performance.now();
  let answered503 = 0;
  let networkErrors = 0;
  for (let attempt = 1; ; attempt++) {
    let wait: number;
    try {
      const url = hosts[(first + attempt - 1) % hosts.length] ?? '';
      const response = await fetch(`${url}/api/callout`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
      const text = await response.text();
      if (response.status !== 503) {
        const answer = response.status === 200 ? (JSON.parse(text) as { outcome?: string; resume?: { body?: unknown } }) : undefined;
        return { status: response.status, outcome: answer?.outcome, resumeBody: answer?.resume?.body, attempts: attempt, answered503, networkErrors, latencyMs: performance.now() - started };
      }
      answered503++;
      wait = retryAfterMs(response.headers.get('retry-after'), policy.defaultWaitMs);
    } catch {
      networkErrors++;
      wait = policy.defaultWaitMs;
    }
    if (attempt >= policy.maxAttempts) return { status: answered503 > 0 ? 503 : 0, attempts: attempt, answered503, networkErrors, latencyMs: performance.now() - started };
    await sleep(wait);
  }
}
