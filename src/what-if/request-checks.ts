import type { CheckedCallout } from '../checks/define-check.js';
import { runCheck, type CheckRun } from '../engine/run-checks.js';
import type { FactName } from '../facts/fact-types.js';
import type { FactGatherer, FactSource } from '../facts/gather-facts.js';
import type { Deadline } from '../graph/retry.js';
import type { ConfiguredCheck, Policy } from '../policy/policy-types.js';
import { selectScopes } from '../policy/select-scopes.js';

/**
 * The one fact a what-if cannot have: the request (its justification and schedule), read from
 * `assignmentRequests/{id}`. A request that was never made reads as 404.
 */
export const REQUEST_FACT: FactName = 'request';

export const readsRequest = (run: ConfiguredCheck): boolean => run.needs.includes(REQUEST_FACT);

/**
 * The policy as a what-if can apply it: every scope, match and option as written, but without
 * the checks that judge the request itself. Left in, they could only report that they could not
 * run, and a fail mode meant for a Graph outage (deny, retry) would then decide every what-if.
 */
export function withoutRequestChecks(policy: Policy): Policy {
  return { ...policy, scopes: policy.scopes.map((scope) => ({ ...scope, checks: scope.checks.filter((run) => !readsRequest(run)) })) };
}

export interface RequestChecks {
  /** The checks that read the request, run on what Graph answered (they report they could not run). */
  readonly checks: readonly CheckRun[];
  /** The reads behind them: the request's, and any other fact they need. */
  readonly facts: readonly FactSource[];
}

/**
 * Runs the request-reading checks that apply to the callout, through the same fact reads and the
 * same runner as the engine: the request read finds nothing, so each reports that it could not
 * run, which is what a what-if shows instead of a verdict it cannot have.
 */
export async function runRequestChecks(policy: Policy, callout: CheckedCallout, gatherer: FactGatherer, deadline: Deadline, now: number): Promise<RequestChecks> {
  const runs = selectScopes(policy, callout).runs.filter(readsRequest);
  if (runs.length === 0) return { checks: [], facts: [] };
  const gathered = await gatherer.gather(callout, new Set(runs.flatMap((run) => run.needs)), deadline, now);
  return { checks: runs.map((run) => runCheck(run, callout, gathered.facts, gathered.failures)), facts: gathered.sources };
}
