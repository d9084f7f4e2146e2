import { approverNeeds, resolveApprovers, type ResolvedApprovers } from '../approvers/resolve-approvers.js';
import type { CheckedCallout } from '../checks/define-check.js';
import type { SubjectSet } from '../decision/approval-stage.js';
import type { Decision } from '../decision/decision.js';
import { AppError } from '../errors.js';
import type { FactFailure, FactGatherer, FactSource } from '../facts/gather-facts.js';
import type { FactName } from '../facts/fact-types.js';
import type { Deadline } from '../graph/retry.js';
import type { Mode, Policy } from '../policy/policy-types.js';
import { selectScopes } from '../policy/select-scopes.js';
import type { Clock } from '../ports.js';
import { stageCapabilities } from '../stages.js';
import { decide, type Approvals } from './decide.js';
import { requestTypeNotice } from './policy-notices.js';
import { runCheck, skippedRun, type CheckRun, type Finding } from './run-checks.js';

/** How the approver strategy went, for the decision record. */
export interface ApproverRecord {
  readonly scope: string | undefined;
  readonly outcome: 'resolved' | 'fallback' | 'nobody' | 'could-not-run' | 'default';
  readonly approvers: readonly SubjectSet[];
  readonly sources: readonly { readonly source: string; readonly count: number; readonly note?: string }[];
}

export interface PolicyEvaluation {
  /**
   * The policy's version and mode, the matched scopes, and the engine's own notices about how
   * they matched (checkId `policy`: a request type entitlement-guard does not know).
   */
  readonly policy: { readonly version: string; readonly mode: Mode; readonly scopes: readonly string[]; readonly notices: readonly Finding[]; readonly autoApprove?: readonly string[] };
  readonly checks: readonly CheckRun[];
  readonly facts: readonly FactSource[];
  readonly approvers: ApproverRecord | undefined;
  readonly decision: Decision;
  readonly timings: { readonly factsMs: number; readonly checksMs: number };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Facts about an access package request, which a PIM activation is not. */
const NOT_READ_FOR_ACTIVATIONS: readonly FactName[] = ['request', 'requestedPackage'];

function retryLater(reason: string, sources: readonly FactSource[]): AppError {
  const waits = sources.flatMap((s) => (s.failure?.retryAfterSeconds === undefined ? [] : [s.failure.retryAfterSeconds]));
  return new AppError('CHECKS.UNAVAILABLE', `${reason}; the policy's fail mode is retry.`, {
    retryable: true,
    retryAfterSeconds: Math.max(5, ...waits),
    details: { failedFacts: sources.filter((s) => s.outcome === 'failed').map((s) => s.fact).join(',') },
  });
}

function approverRecord(scope: string, resolved: ResolvedApprovers): ApproverRecord {
  const outcome = resolved.missingFacts.length > 0 && resolved.stage === undefined ? 'could-not-run' : resolved.stage === undefined ? 'nobody' : resolved.usedFallback ? 'fallback' : 'resolved';
  return {
    scope,
    outcome,
    approvers: resolved.stage?.primaryApprovers ?? [],
    sources: resolved.results.map((r) => ({ source: r.source, count: r.approvers.length, ...(r.note === undefined ? {} : { note: r.note }) })),
  };
}

/**
 * The decision engine: which checks apply (policy), one round of fact reads (facts), pure checks,
 * the approver strategy, then the decision by findings, modes and fail modes.
 */
export class PolicyEngine {
  constructor(
    readonly policy: Policy,
    private readonly gatherer: FactGatherer,
    private readonly clock: Clock,
  ) {}

  /**
   * `hardStop`: each fact not back when the deadline passes counts as unavailable (a synchronous
   * caller's timeout: PIM's), the others are kept; otherwise the reads end with the deadline their
   * attempts are cut to.
   */
  async evaluate(callout: CheckedCallout, deadline: Deadline, options: { readonly hardStop?: boolean } = {}): Promise<PolicyEvaluation> {
    const selection = selectScopes(this.policy, callout);
    const notice = requestTypeNotice(selection, this.policy.mode);
    const notices = notice === undefined ? [] : [notice];
    const answersApproval = callout.kind === 'elm-request' && stageCapabilities(callout.stage)?.answer === 'approval-stage';
    const needs = new Set<FactName>(selection.runs.flatMap((r) => r.needs));
    // A PIM activation carries in its body what the request fact holds (justification, schedule), and requests no package.
    if (callout.kind === 'pim-activation') for (const fact of NOT_READ_FOR_ACTIVATIONS) needs.delete(fact);
    if (selection.approvers !== undefined) for (const fact of approverNeeds(selection.approvers.policy)) needs.add(fact);
    const started = this.clock.now();
    const gathered =
      needs.size === 0 ? { facts: { now: started }, sources: [], failures: new Map<FactName, FactFailure>() } : await this.gatherer.gather(callout, needs, deadline, started, options);
    const factsMs = this.clock.now() - started;
    const runs = [...selection.runs.map((run) => runCheck(run, callout, gathered.facts, gathered.failures)), ...selection.skipped.map(skippedRun)];
    const checksMs = this.clock.now() - started - factsMs;
    const retrying = runs.find((r) => r.status === 'error' && r.failMode === 'retry' && r.mode === 'enforce');
    if (retrying !== undefined) throw retryLater(`${retrying.id} could not run`, gathered.sources);

    let approvers: ApproverRecord | undefined;
    let approvals: Approvals | undefined;
    if (answersApproval && selection.approvers !== undefined) {
      const { scope, policy, failMode, mode } = selection.approvers;
      const resolved = resolveApprovers(policy, callout, gathered.facts);
      approvers = approverRecord(scope, resolved);
      if (resolved.stage === undefined && failMode === 'retry' && mode === 'enforce') throw retryLater(`the approver strategy of ${scope} yielded nobody`, gathered.sources);
      const note = resolved.stage === undefined ? 'the strategy yielded nobody; the requestor\'s manager decides' : resolved.usedFallback ? 'fallback approvers' : undefined;
      approvals = { stage: resolved.stage, note, strategy: true };
    } else if (answersApproval) {
      approvers = { scope: undefined, outcome: 'default', approvers: [], sources: [] };
      approvals = { stage: undefined, note: undefined, strategy: false };
    }
    return {
      policy: { version: this.policy.version, mode: this.policy.mode, scopes: selection.scopes, notices, ...(selection.autoApprove.length === 0 ? {} : { autoApprove: selection.autoApprove }) },
      checks: runs,
      facts: gathered.sources,
      approvers,
      decision: decide(callout, runs, approvals, notices, selection.autoApprove),
      timings: { factsMs: round(factsMs), checksMs: round(checksMs) },
    };
  }
}
