import { claimEntry, readEntry } from '../callout/ledger-entries.js';
import type { CalloutInput } from '../callout/handle-callout.js';
import type { Config } from '../config.js';
import type { PolicyEngine, PolicyEvaluation } from '../engine/policy-engine.js';
import { AppError, asAppError, errorFields } from '../errors.js';
import { Deadline } from '../graph/retry.js';
import type { CallerVerifier, VerifiedCaller } from '../ingress/caller-verifier.js';
import { parseJsonBody } from '../ingress/body.js';
import type { DecisionLedger, LedgerEntry } from '../ledger/ledger.js';
import type { Clock, Logger } from '../ports.js';
import type { PimActivation } from './activation.js';
import { parseActivation } from './parse-activation.js';
import { answerOf, evaluationIdOf, type PimAnswer } from './pim-answer.js';
import { activationSummary, pimRecord, type PimRecord } from './pim-record.js';
import { answerFromEntry, pimEntryOf, pimKey } from './pim-entry.js';

export interface ActivationServices {
  readonly config: Pick<Config, 'pimDeadlineMs'>;
  /** The caller check for PIM (PIM_CALLER_APP_IDS), not the relay's. */
  readonly pimVerifier: CallerVerifier;
  readonly engine: PolicyEngine;
  readonly clock: Clock;
  readonly ledger: DecisionLedger;
}

/** Time kept back from the deadline for recording the decision and answering. */
export function reserveMs(deadlineMs: number): number {
  return Math.min(1000, Math.round(deadlineMs / 5));
}

/** Time kept for answering once the ledger has spoken. */
const ANSWER_MS = 50;

/** The ledger's work, bounded by what is left of the deadline: later is a 503 (PIM retries), never a late answer. */
function inTime<T>(work: Promise<T>, deadline: Deadline, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new AppError('LEDGER.UNAVAILABLE', `The decision ledger did not ${what} before PIM_DEADLINE_MS; nothing was answered.`, { retryable: true, retryAfterSeconds: 1 }));
    }, Math.max(0, deadline.remaining() - ANSWER_MS));
  });
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => { clearTimeout(timer); });
}

type Evaluated = { readonly evaluation: PolicyEvaluation } | { readonly error: unknown };
type Read = { readonly entry: LedgerEntry | undefined } | { readonly error: unknown };

/**
 * One PIM activation, end to end, within PIM_DEADLINE_MS: verify PIM's token, parse the request
 * model, evaluate the policy (facts not back before the deadline, less a reserve for the ledger,
 * count as unavailable and the fail modes decide; retry answers 503 so PIM retries), write the
 * answer to the ledger insert-if-absent under its evaluation id, and return it. A retry of the
 * same activation finds the entry (looked up beside the fact reads) and gets the same answer.
 */
export async function handleActivation(input: CalloutInput, services: ActivationServices, logger: Logger): Promise<PimAnswer> {
  const { clock, config, ledger } = services;
  const started = clock.now();
  let caller: VerifiedCaller | undefined;
  let activation: PimActivation | undefined;
  try {
    caller = await services.pimVerifier.verify(input.authorization);
    activation = parseActivation(parseJsonBody(input.body, input.contentType));
    const evaluationId = evaluationIdOf(activation, started);
    const key = pimKey(evaluationId);
    const deadline = Deadline.after(clock, config.pimDeadlineMs - (clock.now() - started));
    const factsDeadline = Deadline.after(clock, Math.max(0, deadline.remaining() - reserveMs(config.pimDeadlineMs)));
    const parsed = activation;
    const evaluated: Promise<Evaluated> = services.engine.evaluate(parsed, factsDeadline, { hardStop: true }).then((evaluation) => ({ evaluation }), (error: unknown) => ({ error }));
    const reading: Promise<Read> = inTime(readEntry(ledger, key), factsDeadline, 'answer a read').then((entry) => ({ entry }), (error: unknown) => ({ error }));
    // An entry found before the evaluation ends is answered at once; otherwise the evaluation's decision is claimed.
    const first = await Promise.race([reading, evaluated]);
    const earlier = 'entry' in first ? first.entry : await reading.then((r) => ('entry' in r ? r.entry : undefined));
    let answer: PimAnswer;
    let record: PimRecord;
    const context = { activation: parsed, caller, ledger, started, clock, correlation: input.correlation };
    if (earlier !== undefined) {
      answer = answerFromEntry(earlier, parsed);
      record = pimRecord({ ...context, answer, evaluation: undefined, entry: earlier, adopted: true });
    } else {
      const result = await evaluated;
      if ('error' in result) throw result.error;
      const { evaluation } = result;
      const made = answerOf(evaluationId, evaluation.decision, evaluation);
      const claim = await inTime(claimEntry(ledger, pimEntryOf(parsed, made, evaluation.decision, evaluation, caller.appId, new Date())), deadline, 'record the decision');
      answer = claim.won ? made : answerFromEntry(claim.entry, parsed);
      record = pimRecord({ ...context, answer, evaluation: claim.won ? evaluation : undefined, entry: claim.entry, adopted: !claim.won });
    }
    logger.info('pim.decided', { ...record });
    return answer;
  } catch (thrown) {
    const error = asAppError(thrown);
    const fields = {
      ...errorFields(error),
      callerAppId: caller?.appId,
      activation: activation === undefined ? undefined : activationSummary(activation),
      totalMs: Math.round((clock.now() - started) * 10) / 10,
      correlation: input.correlation,
    };
    if (error.code === 'INTERNAL') logger.error('pim.failed', fields);
    else logger.warn(error.retryable ? 'pim.deferred' : 'pim.rejected', fields);
    throw error;
  }
}
