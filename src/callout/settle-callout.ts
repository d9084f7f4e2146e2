import type { Config } from '../config.js';
import { decideWithoutChecks, type Decision } from '../decision/decision.js';
import { elmResume, lcwResume, type ShapedResume } from '../decision/resume-request.js';
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
  const result = await services.resumer.resume(shaped.request, deadline);
  return {
    outcome: result.outcome,
    decision: shaped.sent,
    evaluation,
    resumeMs: clock.now() - started,
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
