import type { GraphHttp } from '../graph/graph-http.js';
import type { Clock } from '../ports.js';
import { readOnlyGraph } from '../what-if/read-only-graph.js';
import { applyPlan, type AppliedCall } from './apply.js';
import { plan } from './plan.js';
import { readState } from './read-state.js';
import { RegisterGraph } from './register-graph.js';
import type { Current, Desired, Plan } from './register-model.js';

export interface RegisterDeps {
  readonly graph: GraphHttp;
  readonly graphOrigin: string;
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly budgetMs: number;
  /** How long to wait before reading a written object again when it does not yet show the write. */
  readonly settleMs: number;
}

export interface RegisterResult {
  readonly desired: Desired;
  readonly catalog: Current['catalog'];
  readonly plan: Plan;
  readonly whatIf: boolean;
  /** The writes made, in order; none for a what-if. */
  readonly applied: readonly AppliedCall[];
}

/**
 * Reads what the tenant holds, plans the writes that make it as asked, and makes them, or with
 * `whatIf` stops after planning. A what-if talks to a Graph that refuses anything but GET, so
 * no write can slip through even by mistake.
 */
export async function runRegister(desired: Desired, whatIf: boolean, deps: RegisterDeps): Promise<RegisterResult> {
  const http = whatIf ? readOnlyGraph(deps.graph) : deps.graph;
  const graph = new RegisterGraph(http, { clock: deps.clock, timeoutMs: deps.timeoutMs, budgetMs: deps.budgetMs, graphOrigin: deps.graphOrigin });
  const current = await readState(graph, desired);
  const planned = plan(desired, current);
  const applied = whatIf ? [] : await applyPlan(graph, planned, { desired, clock: deps.clock, settleMs: deps.settleMs });
  return { desired, catalog: current.catalog, plan: planned, whatIf, applied };
}
