import { PolicyEngine, type PolicyEvaluation } from '../engine/policy-engine.js';
import { isAppError } from '../errors.js';
import { compileAnswerValidators } from '../facts/answer-validators.js';
import { createFactGatherer } from '../facts/gather-facts.js';
import { Deadline, type RetryOptions } from '../graph/retry.js';
import type { Guid } from '../guid.js';
import type { PimActivation } from '../pim/activation.js';
import { answerOf, evaluationIdOf, type PimAnswer } from '../pim/pim-answer.js';
import type { ActivationAsk } from './activation-args.js';
import { buildWhatIfActivation } from './build-activation.js';
import { readOnlyGraph } from './read-only-graph.js';
import { resolveUser, type WhatIfUser } from './resolve-subjects.js';
import type { WhatIfServices } from './run-what-if.js';
import { WhatIfError } from './what-if-error.js';

export interface ActivationQuestion extends ActivationAsk {
  /** Object id or user principal name. */
  readonly user: string;
  /** The made-up schedule request id the Graph models carry. */
  readonly requestId: Guid;
}

export interface ActivationResult {
  readonly user: WhatIfUser;
  /** The body PIM would POST to /api/pim (never sent). */
  readonly body: Readonly<Record<string, unknown>>;
  readonly activation: PimActivation;
  /** Whether the start was given (--start) or is when the what-if ran. */
  readonly startFrom: 'argument' | 'now';
  readonly evaluation: PolicyEvaluation;
  /** Exactly what PIM would receive. */
  readonly answer: PimAnswer;
}

/**
 * One PIM what-if: resolves the user, builds the activation PIM would send (with a made-up
 * request id, or for Azure none), and evaluates it with the function's engine and fact reads, as
 * `POST /api/pim` does (facts not back by the deadline count as unavailable), then shapes PIM's
 * answer. No ledger: nothing is kept. Reads only: the Graph passed in is wrapped so that anything
 * but a GET throws.
 */
export async function runActivationWhatIf(question: ActivationQuestion, services: Omit<WhatIfServices, 'allowDenyAtApprovedStage'>): Promise<ActivationResult> {
  const { clock, policy } = services;
  const graph = readOnlyGraph(services.graph);
  const retry: RetryOptions = { clock, timeoutMs: services.timeoutMs };
  const deadline = Deadline.after(clock, services.budgetMs);
  const user = await resolveUser(graph, question.user, deadline, retry);
  const start = question.start ?? new Date(clock.now()).toISOString();
  const { body, activation } = buildWhatIfActivation({ ...question, principalId: user.id, start });
  const engine = new PolicyEngine(policy, createFactGatherer(graph, compileAnswerValidators(), services.graphBaseUrl, retry), clock);
  let evaluation: PolicyEvaluation;
  try {
    evaluation = await engine.evaluate(activation, deadline, { hardStop: true });
  } catch (error) {
    // The policy's fail mode is retry and a fact could not be read: the function would answer PIM 503, and PIM would retry.
    if (isAppError(error) && error.code === 'CHECKS.UNAVAILABLE') throw new WhatIfError(1, `The function would answer PIM "retry later" (503): ${error.message}`, { cause: error });
    throw error;
  }
  const answer = answerOf(evaluationIdOf(activation, clock.now()), evaluation.decision, evaluation);
  return { user, body, activation, startFrom: question.start === undefined ? 'now' : 'argument', evaluation, answer };
}
