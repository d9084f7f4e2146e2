import { brief } from '../callout/ledger-entries.js';
import type { Decision } from '../decision/decision.js';
import type { PolicyEvaluation } from '../engine/policy-engine.js';
import { AppError } from '../errors.js';
import { ledgerKey, type LedgerEntry, type LedgerKey } from '../ledger/ledger.js';
import type { PimActivation } from './activation.js';
import { activationFingerprint, activationText, EVALUATION_OUTCOMES, type EvaluationOutcome, type PimAnswer } from './pim-answer.js';

/** The route PIM calls: where a PIM entry's answer was given. */
export const PIM_ROUTE = '/api/pim';

export const pimKey = (evaluationId: string): LedgerKey => ledgerKey(evaluationId, 'activation');

/** The entry an activation's decision writes before it is answered: the answer PIM receives is its body. */
export function pimEntryOf(activation: PimActivation, answer: PimAnswer, decision: Decision, evaluation: PolicyEvaluation, callerAppId: string, now: Date): LedgerEntry {
  return {
    key: pimKey(answer.evaluationId),
    protocol: 'pim',
    decision: decision.kind,
    detail: decision.detail,
    resume: { apiVersion: 'answer', path: PIM_ROUTE, body: { ...answer, reason: [...answer.reason] } },
    stage: activationText(activation),
    // No stage instance here: the activation's fingerprint, so that only the same activation is answered from the entry.
    stageInstanceId: activationFingerprint(activation),
    policy: { version: evaluation.policy.version, scopes: evaluation.policy.scopes },
    findings: brief(evaluation),
    callerAppId,
    decidedBy: 'callout',
    operator: undefined,
    reason: undefined,
    subject: { catalogId: undefined, accessPackageId: undefined, targetObjectId: activation.principalId, requestType: activation.action },
    // Answered as it is written: the answer follows the write in the same exchange, and should the
    // connection drop between them, PIM's retry is answered from this very entry. No second write.
    state: 'sent',
    decidedAt: now.toISOString(),
    sentAt: now.toISOString(),
    confirmedAt: undefined,
    refusedBody: undefined,
  };
}


/**
 * The answer an entry holds, for the activation asking again. The entry must be this
 * activation's: same principal, same role or group, same scope. Another activation carrying the
 * same request id is refused (400), never answered with a decision made for someone else.
 */
export function answerFromEntry(entry: LedgerEntry, activation: PimActivation): PimAnswer {
  if (entry.protocol !== 'pim' || entry.subject.targetObjectId !== activation.principalId || entry.stage !== activationText(activation) || entry.stageInstanceId !== activationFingerprint(activation)) {
    throw new AppError('CALLOUT.ID_MISMATCH', 'The activation request id was decided before for another activation (its principal, role, scope, schedule, justification or ticket differ); it is not answered again.', {
      details: { evaluationId: entry.key.subject },
    });
  }
  const { evaluationId, evaluationOutcome, reason } = entry.resume.body;
  if (typeof evaluationId !== 'string' || typeof evaluationOutcome !== 'string' || !(EVALUATION_OUTCOMES as readonly string[]).includes(evaluationOutcome) || !Array.isArray(reason) || !reason.every((r) => typeof r === 'string')) {
    throw new AppError('INTERNAL', `The ledger entry ${entry.key.subject} holds no PIM answer.`);
  }
  return { evaluationId, evaluationOutcome: evaluationOutcome as EvaluationOutcome, reason };
}
