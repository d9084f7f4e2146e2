import type { CheckedCallout } from '../checks/define-check.js';
import { isAppError } from '../errors.js';
import { graphErrorCode, type GraphAnswer, type GraphCall, type GraphHttp } from '../graph/graph-http.js';
import { describeRead, InvalidPage, walkPages, type GraphPage } from '../graph/paging.js';
import { sendWithRetry, type Deadline, type RetryOptions } from '../graph/retry.js';
import type { AnswerValidators } from './answer-schemas.js';
import { FACT_READS, InvalidAnswer, type FactRead } from './fact-reads.js';
import type { FactName, FactSet } from './fact-types.js';

/** Why a fact could not be had. `transient` may succeed later, `late` was not back before a synchronous caller's deadline; the others need a person. */
export interface FactFailure {
  readonly kind: 'forbidden' | 'transient' | 'late' | 'not-found' | 'rejected' | 'invalid' | 'no-subject';
  readonly message: string;
  /** The permission the managed identity lacks (forbidden). */
  readonly permission?: string;
  readonly retryAfterSeconds?: number;
}

/** Where a fact came from, for the decision record. */
export interface FactSource {
  readonly fact: FactName;
  /** `GET v1.0 /users/{id}/manager`: the read, ids included, query left out. */
  readonly read: string | undefined;
  readonly outcome: 'loaded' | 'absent' | 'failed';
  readonly graphStatus?: number;
  readonly attempts: number;
  readonly pages: number;
  readonly ms: number;
  readonly failure?: FactFailure;
}

export interface GatheredFacts {
  readonly facts: FactSet;
  readonly sources: readonly FactSource[];
  readonly failures: ReadonlyMap<FactName, FactFailure>;
}

export interface FactGatherer {
  /**
   * `now` is stamped into the facts as the evaluation time. `hardStop`: a read not back when the
   * deadline passes fails `late` there and then (the facts that came back are kept), for a caller
   * that waits synchronously (PIM).
   */
  gather(callout: CheckedCallout, needed: ReadonlySet<FactName>, deadline: Deadline, now: number, options?: { readonly hardStop?: boolean }): Promise<GatheredFacts>;
}

const LATE: FactFailure = { kind: 'late', message: 'Not back from Graph before the deadline.' };

/** Resolves when the deadline passes (for `hardStop`), and can be stopped. */
function deadlineTimer(deadline: Deadline): { readonly passed: Promise<undefined>; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  const passed = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => { resolve(undefined); }, deadline.remaining());
  });
  return { passed, stop: () => { clearTimeout(timer); } };
}

interface Fetched {
  readonly answer: GraphAnswer | undefined;
  /** The parsed body, or every page's `value` items for a collection. */
  readonly json: unknown;
  readonly attempts: number;
  readonly pages: number;
  readonly failure: FactFailure | undefined;
}

function failureOf(answer: GraphAnswer, permission: string, read: string): FactFailure {
  if (answer.status === 401) {
    // The token was renewed once already (graph-client.ts): the identity's token, not a permission, is refused.
    return { kind: 'forbidden', permission, message: `Graph refused the managed identity's token for ${read} (401 ${graphErrorCode(answer)}), renewed at most every 30 s; check AZURE_CLIENT_ID and the identity.` };
  }
  if (answer.status === 403) {
    return { kind: 'forbidden', permission, message: `Graph refused ${read} (403 ${graphErrorCode(answer)}); the managed identity needs ${permission}.` };
  }
  if (answer.status === 404) return { kind: 'not-found', message: `Graph found nothing at ${read} (404).` };
  return { kind: 'rejected', message: `Graph answered ${answer.status} ${graphErrorCode(answer)} to ${read}.` };
}

/**
 * Reads the facts the selected checks need, in one round of parallel Graph reads: each distinct
 * call is made once even when several facts come from it, collections are paged, and every answer
 * is validated before a check sees it. Reads retry like resume does, within the deadline; what
 * still fails is reported per fact, so the checks that do not need it still run.
 */
export function createFactGatherer(http: GraphHttp, validators: AnswerValidators, graphOrigin: string, retry: RetryOptions): FactGatherer {
  async function fetch(read: FactRead, call: GraphCall, deadline: Deadline): Promise<Fetched> {
    let attempts = 0;
    const counting: GraphHttp = { send: (c, t) => { attempts++; return http.send(c, t); } };
    const items: unknown[] = [];
    let pages = 0;
    let answer: GraphAnswer | undefined;
    const send = (c: GraphCall) => sendWithRetry(counting, c, deadline, retry);
    try {
      if (!read.paged) {
        answer = await send(call);
        pages = 1;
        const ok = answer.status >= 200 && answer.status < 300;
        return { answer, json: ok ? answer.json : undefined, attempts, pages, failure: ok ? undefined : failureOf(answer, read.permission, describeRead(call)) };
      }
      const onAnswer = (a: GraphAnswer) => {
        pages++;
        answer = a;
      };
      const walk = await walkPages(send, call, { graphOrigin, isPage: validatorsPage(validators), onAnswer }, (page) => { items.push(...page); });
      if (!walk.complete) return { answer: walk.answer, json: undefined, attempts, pages, failure: failureOf(walk.answer, read.permission, describeRead(call)) };
      return { answer: walk.answer, json: items, attempts, pages, failure: undefined };
    } catch (error) {
      if (error instanceof InvalidAnswer || error instanceof InvalidPage) return { answer, json: undefined, attempts, pages, failure: { kind: 'invalid', message: error.message } };
      if (isAppError(error) && error.retryable) {
        return {
          answer,
          json: undefined,
          attempts,
          pages,
          failure: { kind: 'transient', message: error.message, ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }) },
        };
      }
      throw error;
    }
  }

  return {
    async gather(callout, needed, deadline, now, options = {}) {
      const facts: Record<string, unknown> = { now };
      const failures = new Map<FactName, FactFailure>();
      const sources: FactSource[] = [];
      const byCall = new Map<string, { call: GraphCall; reads: FactRead[] }>();
      for (const name of needed) {
        const read = FACT_READS[name] as FactRead;
        const subject = read.subjectOf(callout);
        if (subject === undefined) {
          const what = name === 'request' ? 'request' : name === 'requestedPackage' ? 'access package' : name.startsWith('requestor') ? 'requestor' : 'target user';
          const failure: FactFailure = { kind: 'no-subject', message: `The callout names no ${what} to read ${name} of.` };
          failures.set(name, failure);
          sources.push({ fact: name, read: undefined, outcome: 'failed', attempts: 0, pages: 0, ms: 0, failure });
          continue;
        }
        const sharer = read.sharesReadWith === undefined ? undefined : (FACT_READS[read.sharesReadWith] as FactRead);
        const shared = sharer !== undefined && needed.has(sharer.fact) && sharer.subjectOf(callout)?.toLowerCase() === subject.toLowerCase();
        const call = shared ? sharer.call(subject) : read.call(subject);
        const key = `${call.method} ${call.version} ${call.path}`;
        const group = byCall.get(key) ?? { call, reads: [] };
        group.reads.push(read);
        byCall.set(key, group);
      }
      const timer = options.hardStop === true ? deadlineTimer(deadline) : undefined;
      const fetchOrLate = async (read: FactRead, call: GraphCall): Promise<Fetched> => {
        const fetching = fetch(read, call, deadline);
        if (timer === undefined) return fetching;
        // Cut off: the read goes on, but nobody waits for it, and its end (or failure) is nobody's business.
        fetching.catch(() => undefined);
        const first = await Promise.race([fetching, timer.passed]);
        if (first === undefined) return { answer: undefined, json: undefined, attempts: 0, pages: 0, failure: LATE };
        // Attempts the deadline itself cut short were not back in time either.
        return first.failure?.kind === 'transient' && deadline.remaining() === 0 ? { ...first, failure: LATE } : first;
      };
      await Promise.all(
        [...byCall.values()].map(async ({ call, reads }) => {
          const started = performance.now();
          const fetched = await fetchOrLate(reads[0] as FactRead, call);
          const ms = Math.round((performance.now() - started) * 10) / 10;
          for (const read of reads) {
            const base = { fact: read.fact, read: describeRead(call), attempts: fetched.attempts, pages: fetched.pages, ms, ...(fetched.answer ? { graphStatus: fetched.answer.status } : {}) };
            let failure = fetched.failure === undefined ? undefined : { ...fetched.failure, ...(fetched.failure.kind === 'forbidden' ? { permission: read.permission } : {}) };
            if (failure?.kind === 'not-found' && read.onNotFound !== undefined) {
              facts[read.fact] = read.onNotFound();
              sources.push({ ...base, outcome: 'absent' });
              continue;
            }
            if (failure === undefined) {
              try {
                facts[read.fact] = read.parse(fetched.json, validators);
                sources.push({ ...base, outcome: 'loaded' });
                continue;
              } catch (error) {
                if (!(error instanceof InvalidAnswer)) throw error;
                failure = { kind: 'invalid', message: error.message };
              }
            }
            failures.set(read.fact, failure);
            sources.push({ ...base, outcome: 'failed', failure });
          }
        }),
      );
      timer?.stop();
      sources.sort((a, b) => a.fact.localeCompare(b.fact));
      return { facts: facts as unknown as FactSet, sources, failures };
    },
  };
}

function validatorsPage(validators: AnswerValidators): (json: unknown) => json is GraphPage {
  return (json): json is GraphPage => validators.page(json);
}
