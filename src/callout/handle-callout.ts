import type { Config } from '../config.js';
import { AppError, describeError, isAppError } from '../errors.js';
import { decideWithoutChecks, type Decision } from '../decision/decision.js';
import { elmResume, lcwResume, type ShapedResume } from '../decision/resume-request.js';
import { Deadline } from '../graph/retry.js';
import type { Resumer } from '../graph/resumer.js';
import type { CalloutParser } from '../ingress/callout-parser.js';
import type { CallerVerifier, VerifiedCaller } from '../ingress/caller-verifier.js';
import type { Clock, Logger } from '../ports.js';
import { summarize, type DecisionRecord, type Outcome, type ResumeSummary } from './decision-record.js';
import type { CalloutRequest } from './model.js';

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
  readonly resumer: Resumer;
  readonly clock: Clock;
}

interface Settled {
  readonly outcome: Outcome;
  readonly decision: Decision;
  readonly resume: ResumeSummary | undefined;
}

function shape(callout: CalloutRequest, decision: Decision, config: Config): ShapedResume | undefined {
  if (callout.kind === 'elm-request' && callout.resume !== null) {
    return elmResume(callout, callout.resume, decision, config.allowDenyAtApprovedStage);
  }
  if (callout.kind === 'lcw-task' && callout.resume !== null) return lcwResume(callout, callout.resume, decision);
  return undefined;
}

async function settle(callout: CalloutRequest, services: CalloutServices): Promise<Settled> {
  const decision = decideWithoutChecks(callout);
  if (callout.kind === 'connection-test') return { outcome: 'connection-test', decision, resume: undefined };
  if (callout.kind === 'elm-assignment') return { outcome: 'not-resumable', decision, resume: undefined };
  const shaped = shape(callout, decision, services.config);
  if (shaped === undefined) return { outcome: 'launch-and-continue', decision, resume: undefined };
  const deadline = Deadline.after(services.clock, services.config.graphBudgetMs);
  const result = await services.resumer.resume(shaped.request, deadline);
  return {
    outcome: result.outcome,
    decision: shaped.sent,
    resume: {
      apiVersion: shaped.request.apiVersion,
      path: shaped.request.target.path,
      body: shaped.request.body,
      graphStatus: result.graphStatus,
      attempts: result.attempts,
      confirmation: result.confirmation,
      note: result.note,
    },
  };
}

/**
 * One callout, end to end: verify the caller, parse the body into the callout model, decide,
 * resume in Graph when Entra waits for it, and return the decision record. Every failure is an
 * AppError whose code the adapter maps to an answer; each callout is logged as one event.
 */
export async function handleCallout(input: CalloutInput, services: CalloutServices, logger: Logger): Promise<DecisionRecord> {
  const { clock } = services;
  const started = clock.now();
  const marks = { verifyMs: 0, parseMs: 0, graphMs: 0 };
  let caller: VerifiedCaller | undefined;
  let callout: CalloutRequest | undefined;
  try {
    caller = await services.verifier.verify(input.authorization);
    marks.verifyMs = clock.now() - started;
    callout = services.parser.parse(input.body, input.contentType);
    marks.parseMs = clock.now() - started - marks.verifyMs;
    const settled = await settle(callout, services);
    marks.graphMs = clock.now() - started - marks.verifyMs - marks.parseMs;
    const record: DecisionRecord = {
      outcome: settled.outcome,
      decision: settled.decision.kind,
      detail: settled.decision.detail,
      callout: summarize(callout),
      caller: { appId: caller.appId, tokenVersion: caller.tokenVersion },
      resume: settled.resume,
      timings: { totalMs: round(clock.now() - started), verifyMs: round(marks.verifyMs), parseMs: round(marks.parseMs), graphMs: round(marks.graphMs) },
      correlation: input.correlation,
    };
    logger.info('callout.decided', { ...record });
    return record;
  } catch (thrown) {
    const error = isAppError(thrown) ? thrown : new AppError('INTERNAL', 'entitlement-guard failed unexpectedly.', { cause: thrown });
    const fields = {
      code: error.code,
      message: error.message,
      retryable: error.retryable,
      details: error.details,
      cause: error.cause === undefined ? undefined : describeError(error.cause),
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

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
