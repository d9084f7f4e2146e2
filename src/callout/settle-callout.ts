import type { Config } from '../config.js';
import { isAppError } from '../errors.js';
import { decideWithoutChecks, type Decision } from '../decision/decision.js';
import { elmResume, flaggedInstead, lcwResume, type ShapedResume } from '../decision/resume-request.js';
import type { PolicyEngine, PolicyEvaluation } from '../engine/policy-engine.js';
import { Deadline } from '../graph/retry.js';
import type { Resumer } from '../graph/resumer.js';
import type { Clock } from '../ports.js';
import type { Outcome, ResumeSummary } from './decision-record.js';
import type { CalloutRequest } from './model.js';

export interface Settled {
  readonly outcome: Outcome;
  readonly decision: Decision;
  readonly evaluation: PolicyEvaluation | undefined;
  readonly resume: ResumeSummary | undefined;
  readonly resumeMs: number;
}

export interface SettleServices {
  readonly config: Config;
  readonly engine: PolicyEngine;
  readonly resumer: Resumer;
  readonly clock: Clock;
}

function shape(callout: CalloutRequest, decision: Decision, config: Config): ShapedResume | undefined {
  if (callout.kind === 'elm-request' && callout.resume !== null) {
    return elmResume(callout, callout.resume, decision, config.allowDenyAtApprovedStage);
  }
  if (callout.kind === 'lcw-task' && callout.resume !== null) return lcwResume(callout, callout.resume, decision);
  return undefined;
}

/**
 * Decides a parsed callout and carries the decision out. The callout's Graph budget is shared:
 * the round of fact reads may use half of it, so the resume always keeps at least the other half.
 */
export async function settleCallout(callout: CalloutRequest, services: SettleServices): Promise<Settled> {
  if (callout.kind === 'connection-test') {
    return { outcome: 'connection-test', decision: decideWithoutChecks(callout), evaluation: undefined, resume: undefined, resumeMs: 0 };
  }
  const { clock, config } = services;
  const deadline = Deadline.after(clock, config.graphBudgetMs);
  const evaluation = await services.engine.evaluate(callout, Deadline.after(clock, config.graphBudgetMs / 2));
  const { decision } = evaluation;
  if (callout.kind === 'elm-assignment') return { outcome: 'not-resumable', decision, evaluation, resume: undefined, resumeMs: 0 };
  const shaped = shape(callout, decision, config);
  if (shaped === undefined) return { outcome: 'launch-and-continue', decision, evaluation, resume: undefined, resumeMs: 0 };
  const started = clock.now();
  const { sent, request, result, refused } = await resumeOrFlag(callout, shaped, deadline, services);
  // Graph took this body only when it accepted our resume; `already-resumed` means another
  // delivery's answer (another instance, or before a restart) settled the callout: what it sent is
  // not ours to report, beyond the detail Graph stored for the instance.
  const ours = result.outcome === 'resumed';
  const stored = result.confirmation?.calloutDetail;
  return {
    outcome: result.outcome,
    decision: sent,
    evaluation,
    resumeMs: clock.now() - started,
    resume: {
      apiVersion: request.apiVersion,
      path: request.target.path,
      body: request.body,
      sent: ours,
      graphStatus: result.graphStatus,
      attempts: result.attempts,
      confirmation: result.confirmation,
      note: ours || result.outcome === 'not-waiting' ? result.note : `${result.note} The body above was not sent by this delivery${stored === undefined ? '' : `; Graph stored the detail "${stored}"`}.`,
      ...(refused === undefined ? {} : { refused }),
    },
  };
}

/**
 * Sends the resume. Sources disagree whether `assignmentRequestApproved` may deny (PROTOCOL.md
 * §5): with ALLOW_DENY_AT_APPROVED_STAGE a deny is tried there, and when Graph refuses it while
 * the request still waits, the request is not stranded until it expires: it is resumed with
 * continue and the finding in the detail, and the record keeps both (the refused body in `refused`).
 */
async function resumeOrFlag(callout: CalloutRequest, shaped: ShapedResume, deadline: Deadline, services: SettleServices) {
  try {
    return { sent: shaped.sent, request: shaped.request, result: await services.resumer.resume(shaped.request, deadline), refused: undefined };
  } catch (error) {
    const denyAtApproved = callout.kind === 'elm-request' && callout.stage === 'assignmentRequestApproved' && shaped.sent.kind === 'deny';
    // A refusal of this stage's deny may also read back as a stage mismatch (the request's state is our inference): either way, continue.
    const refusedHere = isAppError(error) && (error.code === 'GRAPH.REJECTED' || error.code === 'CALLOUT.STAGE_MISMATCH');
    if (!denyAtApproved || !refusedHere || callout.resume === null) throw error;
    const graphStatus = Number(error.details['graphStatus']);
    const graphCode = String(error.details['graphCode']);
    const retry = elmResume(callout, callout.resume, flaggedInstead(shaped.sent, `Graph refused a deny at ${callout.stage}: ${String(graphStatus)} ${graphCode}`), false);
    const result = await services.resumer.resume(retry.request, deadline);
    return { sent: retry.sent, request: retry.request, result, refused: { body: shaped.request.body, graphStatus, graphCode } };
  }
}
