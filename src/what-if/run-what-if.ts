import type { Guid } from '../guid.js';
import type { ElmRequestCallout } from '../callout/model.js';
import type { Decision } from '../decision/decision.js';
import { elmResume } from '../decision/resume-request.js';
import { PolicyEngine, type PolicyEvaluation } from '../engine/policy-engine.js';
import { isAppError } from '../errors.js';
import { compileAnswerValidators } from '../facts/answer-validators.js';
import { createFactGatherer } from '../facts/gather-facts.js';
import type { GraphHttp } from '../graph/graph-http.js';
import { Deadline, type RetryOptions } from '../graph/retry.js';
import type { Policy } from '../policy/policy-types.js';
import type { Clock } from '../ports.js';
import type { RequestType } from '../request-types.js';
import { stageCapabilities, stageMayDeny } from '../stages.js';
import { buildWhatIfCallout, type SyntheticIds } from './build-callout.js';
import { readOnlyGraph } from './read-only-graph.js';
import { runRequestChecks, withoutRequestChecks, type RequestChecks } from './request-checks.js';
import { resolvePackage, resolveUser, type WhatIfPackage, type WhatIfUser } from './resolve-subjects.js';
import { WhatIfError } from './what-if-error.js';

export interface WhatIfQuestion {
  /** Object id or user principal name. */
  readonly user: string;
  readonly packageId: Guid;
  readonly catalogId: Guid | undefined;
  readonly assignmentPolicyId: Guid | undefined;
  readonly stage: ElmRequestCallout['stage'];
  readonly requestType: RequestType;
  readonly ids: SyntheticIds;
}

export interface WhatIfServices {
  /** Any Graph: it is wrapped read-only here, whatever the caller passes. */
  readonly graph: GraphHttp;
  readonly graphBaseUrl: string;
  readonly policy: Policy;
  readonly clock: Clock;
  /** Time one Graph call may take, and the time every read together may take (retries included). */
  readonly timeoutMs: number;
  readonly budgetMs: number;
  readonly allowDenyAtApprovedStage: boolean;
}

/** What the stage would answer: the policy's decision, shaped as the resume would carry it. */
export interface StageAnswer {
  readonly decision: 'deny' | 'continue' | 'approval-stage';
  /** The decision before the stage shaped it: a deny where the stage cannot deny is sent as continue. */
  readonly policyDecision: Decision['kind'];
  readonly stageMayDeny: boolean;
  /** The text the request history and approvers would show (the resume clamps it to 500 characters). */
  readonly detail: string;
  /** The resume Entra would receive; never sent. */
  readonly resume: { readonly apiVersion: 'v1.0' | 'beta'; readonly path: string; readonly body: Readonly<Record<string, unknown>> };
}

export interface WhatIfResult {
  readonly user: WhatIfUser;
  readonly accessPackage: WhatIfPackage;
  readonly callout: ElmRequestCallout;
  /** The engine's evaluation of every check a what-if can run. */
  readonly evaluation: PolicyEvaluation;
  /** The checks that read the request itself, which a what-if does not have. */
  readonly requestChecks: RequestChecks;
  readonly answer: StageAnswer;
}

function stageAnswer(callout: ElmRequestCallout, decision: Decision, allowDeny: boolean): StageAnswer {
  const caps = stageCapabilities(callout.stage);
  if (caps === undefined || callout.resume === null) throw new Error(`${callout.stage} is not a stage a what-if answers`);
  const { sent, request } = elmResume(callout, callout.resume, decision, allowDeny);
  if (sent.kind !== 'deny' && sent.kind !== 'continue' && sent.kind !== 'approval-stage') throw new Error(`a request stage answered ${sent.kind}`);
  return {
    decision: sent.kind,
    policyDecision: decision.kind,
    stageMayDeny: stageMayDeny(caps, allowDeny),
    detail: sent.detail,
    resume: { apiVersion: request.apiVersion, path: request.target.path, body: request.body },
  };
}

/**
 * One what-if: resolves the user and the package, builds the callout Entra would send, and runs
 * the policy engine on it with the function's fact reads (a Graph client and a fact gatherer built
 * as src/composition.ts builds them), then shapes the answer as the resume would carry it. Reads
 * only: the Graph passed in is wrapped so that anything but a GET throws.
 */
export async function runWhatIf(question: WhatIfQuestion, services: WhatIfServices): Promise<WhatIfResult> {
  const { clock, policy } = services;
  const graph = readOnlyGraph(services.graph);
  const retry: RetryOptions = { clock, timeoutMs: services.timeoutMs };
  const deadline = Deadline.after(clock, services.budgetMs);
  const [user, accessPackage] = await Promise.all([
    resolveUser(graph, question.user, deadline, retry),
    resolvePackage(graph, question.packageId, question.catalogId, deadline, retry),
  ]);
  const callout = buildWhatIfCallout({ user, accessPackage, stage: question.stage, requestType: question.requestType, assignmentPolicyId: question.assignmentPolicyId, ids: question.ids });
  const gatherer = createFactGatherer(graph, compileAnswerValidators(), services.graphBaseUrl, retry);
  const engine = new PolicyEngine(withoutRequestChecks(policy), gatherer, clock);
  let evaluation: PolicyEvaluation;
  let requestChecks: RequestChecks;
  try {
    [evaluation, requestChecks] = await Promise.all([engine.evaluate(callout, deadline), runRequestChecks(policy, callout, gatherer, deadline, clock.now())]);
  } catch (error) {
    // The policy's fail mode is retry and a fact could not be read: the function would answer 503.
    if (isAppError(error) && error.code === 'CHECKS.UNAVAILABLE') throw new WhatIfError(1, `The function would answer "retry later": ${error.message}`, { cause: error });
    throw error;
  }
  return { user, accessPackage, callout, evaluation, requestChecks, answer: stageAnswer(callout, evaluation.decision, services.allowDenyAtApprovedStage) };
}
