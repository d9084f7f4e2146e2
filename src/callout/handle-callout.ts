import type { Config } from '../config.js';
import { asAppError, describeError, errorFields } from '../errors.js';
import type { PolicyEngine } from '../engine/policy-engine.js';
import type { Resumer } from '../graph/resumer.js';
import type { CalloutParser } from '../ingress/callout-parser.js';
import type { CallerVerifier, VerifiedCaller } from '../ingress/caller-verifier.js';
import type { Clock, Logger } from '../ports.js';
import type { DecisionMemory } from './decision-memory.js';
import { ledgerNote, summarize, type DecisionRecord } from './decision-record.js';
import type { DecisionLedger } from '../ledger/ledger.js';
import type { Recordings } from '../ledger/recordings.js';
import { calloutKey, type CalloutRequest } from './model.js';
import { settleCallout } from './settle-callout.js';

/** What the HTTP adapter hands over: raw, unverified. */
export interface CalloutInput {
  readonly authorization: string | null;
  readonly contentType: string | null;
  readonly body: Uint8Array;
  /** Invocation id and the relay's correlation headers, echoed in the record and the log. */
  readonly correlation: Readonly<Record<string, string>>;
}

export interface CalloutServices {
  readonly config: Config;
  readonly verifier: CallerVerifier;
  readonly parser: CalloutParser;
  readonly engine: PolicyEngine;
  readonly resumer: Resumer;
  readonly memory: DecisionMemory;
  readonly clock: Clock;
  readonly ledger: DecisionLedger;
  readonly recordings: Recordings;
}

const SETTLED_IN_GRAPH = new Set(['resumed', 'already-resumed', 'not-waiting']);

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/**
 * A repeat of a callout this instance settled, or a concurrent delivery that waited for the one
 * settling it: that delivery's decision and the body Graph received, no Graph call of its own.
 */
function repeatOf(known: DecisionRecord, input: CalloutInput, totalMs: number, how: 'memory' | 'joined'): DecisionRecord {
  const note =
    how === 'memory'
      ? 'A repeat of a callout this instance already settled; answered from memory.'
      : 'A concurrent delivery of a callout another delivery was settling; answered with what that one sent.';
  return {
    ...known,
    outcome: known.outcome === 'resumed' ? 'already-resumed' : known.outcome,
    resume: known.resume === undefined ? undefined : { ...known.resume, attempts: 0, note },
    timings: { ...known.timings, totalMs: round(totalMs), factsMs: 0, checksMs: 0, resumeMs: 0 },
    correlation: input.correlation,
  };
}

/**
 * One callout, end to end: verify the caller, parse the body into the callout model, evaluate
 * the policy (one round of fact reads, the checks, the approver strategy), resume in Graph when
 * Entra waits for it, and return the decision record. Every failure is an AppError whose code the
 * adapter maps to an answer; each callout is logged as one event.
 */
export async function handleCallout(input: CalloutInput, services: CalloutServices, logger: Logger): Promise<DecisionRecord> {
  const { clock } = services;
  const started = clock.now();
  let caller: VerifiedCaller | undefined;
  let callout: CalloutRequest | undefined;
  try {
    caller = await services.verifier.verify(input.authorization);
    const verifyMs = clock.now() - started;
    callout = services.parser.parse(input.body, input.contentType);
    const parseMs = clock.now() - started - verifyMs;
    const key = calloutKey(callout);
    const known = services.memory.recall(key);
    if (known !== undefined) {
      const repeat = repeatOf(known, input, clock.now() - started, 'memory');
      logger.info('callout.decided', { ...repeat });
      return repeat;
    }
    const parsed = callout;
    const verified = caller;
    const { record, joined } = await services.memory.settleOnce(key, async () => {
      const settled = await settleCallout(parsed, services, { by: 'callout', callerAppId: verified.appId });
      if (settled.recording !== undefined) {
        services.recordings.track(settled.recording, (error) => {
          logger.warn('ledger.update-failed', { key, cause: describeError(error), correlation: input.correlation });
        });
      }
      const evaluation = settled.evaluation;
      const made: DecisionRecord = {
        outcome: settled.outcome,
        decision: settled.decision.kind,
        detail: settled.decision.detail,
        callout: summarize(parsed),
        caller: { appId: verified.appId, tokenVersion: verified.tokenVersion },
        policy: evaluation?.policy,
        checks: evaluation?.checks ?? [],
        facts: evaluation?.facts ?? [],
        approvers: evaluation?.approvers,
        resume: settled.resume,
        ...(settled.entry === undefined ? {} : { ledger: ledgerNote(settled.entry, settled.adopted, services.ledger) }),
        timings: {
          totalMs: round(clock.now() - started),
          verifyMs: round(verifyMs),
          parseMs: round(parseMs),
          factsMs: evaluation?.timings.factsMs ?? 0,
          checksMs: evaluation?.timings.checksMs ?? 0,
          resumeMs: round(settled.resumeMs),
        },
        correlation: input.correlation,
      };
      if (SETTLED_IN_GRAPH.has(made.outcome)) services.memory.remember(key, made);
      return made;
    });
    const answer = joined ? repeatOf(record, input, clock.now() - started, 'joined') : record;
    logger.info('callout.decided', { ...answer });
    return answer;
  } catch (thrown) {
    const error = asAppError(thrown);
    const fields = {
      ...errorFields(error),
      callerAppId: caller?.appId,
      callout: callout === undefined ? undefined : summarize(callout),
      totalMs: round(clock.now() - started),
      correlation: input.correlation,
    };
    if (error.code === 'INTERNAL' || error.code === 'GRAPH.REJECTED') logger.error('callout.failed', fields);
    else logger.warn(error.retryable ? 'callout.deferred' : 'callout.rejected', fields);
    throw error;
  }
}
