import type { VerifiedCaller } from '../ingress/caller-verifier.js';
import type { PolicyEvaluation } from '../engine/policy-engine.js';
import type { DecisionLedger, LedgerEntry } from '../ledger/ledger.js';
import type { Clock } from '../ports.js';
import type { PimActivation } from './activation.js';
import type { PimAnswer } from './pim-answer.js';

/** An activation in brief for records and logs: ids and kinds, the justification's length only (free text of the user stays out). */
export function activationSummary(activation: PimActivation) {
  return {
    kind: activation.kind,
    model: activation.model,
    requestId: activation.requestId,
    action: activation.action,
    principalId: activation.principalId,
    principalType: activation.principalType,
    target: activation.target,
    justificationLength: activation.justification?.length ?? 0,
    ticket: activation.ticket === undefined ? undefined : { system: activation.ticket.system, number: activation.ticket.number },
    schedule: activation.schedule,
  };
}

/** What an activation's decision is on record as (the `pim.decided` log event): the answer PIM received and how it came about. */
export interface PimRecord {
  readonly answer: PimAnswer;
  readonly activation: ReturnType<typeof activationSummary>;
  readonly caller: { readonly appId: string; readonly tokenVersion: VerifiedCaller['tokenVersion'] };
  readonly policy: PolicyEvaluation['policy'] | undefined;
  readonly checks: PolicyEvaluation['checks'];
  readonly facts: PolicyEvaluation['facts'];
  /** Where the answer is kept; adopted: an earlier delivery's (PIM retried), not decided now. */
  readonly ledger: { readonly where: string; readonly state: LedgerEntry['state']; readonly decidedAt: string; readonly adopted: boolean; readonly policyVersion: string | undefined };
  readonly timings: { readonly totalMs: number; readonly factsMs: number; readonly checksMs: number };
  readonly correlation: Readonly<Record<string, string>>;
}

interface RecordInput {
  readonly answer: PimAnswer;
  readonly activation: PimActivation;
  readonly caller: VerifiedCaller;
  readonly evaluation: PolicyEvaluation | undefined;
  readonly entry: LedgerEntry;
  readonly adopted: boolean;
  readonly ledger: DecisionLedger;
  readonly started: number;
  readonly clock: Clock;
  readonly correlation: Readonly<Record<string, string>>;
}

export function pimRecord(input: RecordInput): PimRecord {
  const { evaluation, entry } = input;
  return {
    answer: input.answer,
    activation: activationSummary(input.activation),
    caller: { appId: input.caller.appId, tokenVersion: input.caller.tokenVersion },
    policy: evaluation?.policy,
    checks: evaluation?.checks ?? [],
    facts: evaluation?.facts ?? [],
    ledger: { where: input.ledger.where, state: entry.state, decidedAt: entry.decidedAt, adopted: input.adopted, policyVersion: entry.policy?.version },
    timings: { totalMs: Math.round((input.clock.now() - input.started) * 10) / 10, factsMs: evaluation?.timings.factsMs ?? 0, checksMs: evaluation?.timings.checksMs ?? 0 },
    correlation: input.correlation,
  };
}
