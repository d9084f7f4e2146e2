import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readEvaluation, type EvaluationOutcome } from './pim-answer.js';

/** How PIM calls its custom extension: where, with which token, how long it waits and how often it retries. */
export interface PimCallOptions {
  readonly url: string;
  readonly token: string;
  readonly body: unknown;
  /** clientConfiguration.timeoutInMilliseconds: the most one attempt may take, answer read included. */
  readonly timeoutMs: number;
  /** clientConfiguration.maximumRetries: attempts after the first, on a 5xx, a timeout or a failed connection. */
  readonly maximumRetries: number;
  /** The CA an https target's certificate is checked against (the emulator's: the local host's certificate is issued from it). */
  readonly ca: string;
  /** The longest Retry-After honoured; a longer one is cut to it. */
  readonly maxRetryAfterMs: number;
  /** The wait before a retry when the answer gives no Retry-After (PIM's own is not documented). */
  readonly retryDelayMs: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One attempt: Graph-like status, or why there was none. */
export interface PimAttempt {
  /** 1 for the first call, 2 for the first retry… */
  readonly attempt: number;
  readonly status: number | 'timeout' | 'connection-failed';
  readonly ms: number;
  /** The Retry-After the answer gave, in ms, as honoured (cut to maxRetryAfterMs). */
  readonly retryAfterMs?: number;
  /** What failed, for a timeout or a failed connection. */
  readonly error?: string;
}

/** What the calls came to: the extension's evaluation, or `failed` with the reason. */
export interface PimCallResult {
  readonly outcome: EvaluationOutcome | 'failed';
  readonly evaluationId: string | undefined;
  readonly reasons: readonly string[];
  readonly attempts: readonly PimAttempt[];
  readonly totalMs: number;
  /** Why the outcome is `failed`: a refusal (4xx), an answer PIM cannot read, or no answer after the last retry. */
  readonly failure?: string;
  /** The last answer's body, as text (bounded). */
  readonly answerText?: string;
}

/** The most of an answer read: an evaluation is a few hundred bytes. */
const MAX_ANSWER = 64 * 1024;

type Exchange =
  | { readonly kind: 'answer'; readonly status: number; readonly headers: IncomingHttpHeaders; readonly text: string }
  | { readonly kind: 'too-large'; readonly status: number; readonly error: string }
  | { readonly kind: 'timeout' | 'connection-failed'; readonly error: string };

/** One POST, its whole answer read, within `timeoutMs`; a fresh connection each time (a retry does not reuse a broken one). */
function exchange(options: PimCallOptions, url: URL, payload: string): Promise<Exchange> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: Exchange): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const onAnswer = (res: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER) {
          done({ kind: 'too-large', status: res.statusCode ?? 0, error: `the answer is over ${MAX_ANSWER} bytes` });
          req.destroy();
        } else chunks.push(chunk);
      });
      res.on('end', () => { done({ kind: 'answer', status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }); });
      res.on('error', (error) => { done({ kind: 'connection-failed', error: error.message }); });
    };
    const headers = { ...options.headers, 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${options.token}`, 'content-length': String(Buffer.byteLength(payload)) };
    const req = url.protocol === 'https:'
      ? httpsRequest(url, { method: 'POST', headers, agent: false, ca: options.ca }, onAnswer)
      : httpRequest(url, { method: 'POST', headers, agent: false }, onAnswer);
    const timer = setTimeout(() => {
      done({ kind: 'timeout', error: `no answer within ${options.timeoutMs} ms` });
      req.destroy();
    }, options.timeoutMs);
    req.on('error', (error) => { done({ kind: 'connection-failed', error: error.message }); });
    req.end(payload);
  });
}

/** Retry-After (seconds or an HTTP date) in ms, cut to `max`; undefined without one. */
function retryAfterMs(value: string | string[] | undefined, max: number): number | undefined {
  const text = [value ?? []].flat()[0]?.trim();
  if (text === undefined || text === '') return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - Date.now();
  return Number.isNaN(ms) ? undefined : Math.min(Math.max(ms, 0), max);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls the extension as PIM does: POST the body with the bearer token, wait at most the
 * timeout for the whole answer, retry the same body on a 5xx, a timeout or a failed connection
 * up to `maximumRetries` times (after Retry-After when the answer gives one, within reason), and
 * read the 200's evaluation. A 4xx, or an answer that is not an evaluation, ends the calls.
 */
export async function callExtension(options: PimCallOptions): Promise<PimCallResult> {
  const url = new URL(options.url);
  const payload = JSON.stringify(options.body);
  const started = Date.now();
  const attempts: PimAttempt[] = [];
  const finish = (outcome: Omit<PimCallResult, 'attempts' | 'totalMs'>): PimCallResult => ({ ...outcome, attempts, totalMs: Date.now() - started });
  const failed = (failure: string, answerText?: string): PimCallResult => finish({ outcome: 'failed', evaluationId: undefined, reasons: [], failure, ...(answerText === undefined ? {} : { answerText }) });
  let last = '';
  for (let attempt = 1; attempt <= options.maximumRetries + 1; attempt++) {
    const at = Date.now();
    const result = await exchange(options, url, payload);
    const ms = Date.now() - at;
    let wait = options.retryDelayMs;
    if (result.kind === 'too-large') {
      attempts.push({ attempt, status: result.status, ms, error: result.error });
      return failed(result.error);
    }
    if (result.kind === 'answer') {
      const honoured = result.status >= 500 ? retryAfterMs(result.headers['retry-after'], options.maxRetryAfterMs) : undefined;
      attempts.push({ attempt, status: result.status, ms, ...(honoured === undefined ? {} : { retryAfterMs: honoured }) });
      if (result.status < 500) {
        if (result.status !== 200) return failed(`the extension answered ${result.status}`, result.text);
        const evaluation = readEvaluation(result.text);
        if ('problem' in evaluation) return failed(`the answer is not an evaluation: ${evaluation.problem}`, result.text);
        return finish({ outcome: evaluation.evaluationOutcome, evaluationId: evaluation.evaluationId, reasons: evaluation.reason, answerText: result.text });
      }
      last = `answered ${result.status}`;
      wait = honoured ?? wait;
    } else {
      attempts.push({ attempt, status: result.kind, ms, error: result.error });
      last = `${result.kind === 'timeout' ? 'timed out' : 'connection failed'} (${result.error})`;
    }
    if (attempt <= options.maximumRetries) await sleep(wait);
  }
  return failed(`no evaluation after ${attempts.length} attempt(s): the last ${last}`);
}
