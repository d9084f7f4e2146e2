import { summarize } from '../callout/decision-record.js';
import { RESOURCE_TYPE } from './format-activation.js';
import type { ActivationResult } from './run-activation.js';
import type { WhatIfResult } from './run-what-if.js';
import { ABSENT_REQUEST_NOTE, type WhatIfContext } from './what-if-context.js';

const orNull = <T>(value: T | undefined): T | null => value ?? null;

/**
 * The what-if for machines. Keys are fixed: `whatIf` (what was asked, where it was read, under
 * which policy), `answer` (what the stage would answer, and the resume it would carry), `callout`
 * (the callout summary the decision record has), `evaluation` (the engine's PolicyEvaluation of
 * the checks a what-if can run) and `requestChecks` (those that read the request, not counted).
 * Absent values are null, never left out.
 */
export function whatIfJson(result: WhatIfResult, context: WhatIfContext): Record<string, unknown> {
  const { user, accessPackage, callout, evaluation, requestChecks, answer } = result;
  return {
    whatIf: {
      source: context.source,
      policy: { file: context.policyFile, from: context.policyOrigin ?? null, version: evaluation.policy.version },
      user: { id: user.id, displayName: orNull(user.displayName), userPrincipalName: orNull(user.userPrincipalName) },
      accessPackage: { id: accessPackage.id, displayName: orNull(accessPackage.displayName) },
      catalog: { id: accessPackage.catalog.id, displayName: orNull(accessPackage.catalog.displayName), from: accessPackage.catalogFrom },
      assignmentPolicy: orNull(callout.assignmentPolicy?.id),
      stage: callout.stage,
      requestType: orNull(callout.requestType),
      requestId: callout.requestId,
      stageInstanceId: callout.stageInstanceId,
    },
    answer: {
      decision: answer.decision,
      policyDecision: answer.policyDecision,
      stageMayDeny: answer.stageMayDeny,
      detail: answer.detail,
      resume: answer.resume,
    },
    callout: summarize(callout),
    evaluation: { ...evaluation, approvers: evaluation.approvers ?? null },
    requestChecks: { note: ABSENT_REQUEST_NOTE, checks: requestChecks.checks, facts: requestChecks.facts },
  };
}

/**
 * The PIM what-if for machines. Keys are fixed: `whatIf` (what was asked, where it was read, under
 * which policy), `request` (the body PIM would POST, never sent), `answer` (exactly what PIM would
 * receive: evaluationId, evaluationOutcome, reason) and `evaluation` (the engine's
 * PolicyEvaluation). Absent values are null, never left out.
 */
export function activationJson(result: ActivationResult, context: WhatIfContext): Record<string, unknown> {
  const { user, activation, evaluation } = result;
  return {
    whatIf: {
      source: context.source,
      policy: { file: context.policyFile, from: context.policyOrigin ?? null, version: evaluation.policy.version },
      user: { id: user.id, displayName: orNull(user.displayName), userPrincipalName: orNull(user.userPrincipalName) },
      resourceType: RESOURCE_TYPE[activation.target.kind].key,
      model: activation.model,
      target: activation.target,
      requestId: orNull(activation.requestId),
      start: { at: orNull(activation.schedule?.startDateTime), from: result.startFrom },
      duration: orNull(activation.schedule?.duration),
      justification: orNull(activation.justification),
      ticket: activation.ticket === undefined ? null : { system: orNull(activation.ticket.system), number: orNull(activation.ticket.number) },
    },
    request: result.body,
    answer: result.answer,
    evaluation: { ...evaluation, approvers: evaluation.approvers ?? null },
  };
}
