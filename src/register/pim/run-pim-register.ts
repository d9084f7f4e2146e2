import { readOnlyGraph } from '../../what-if/read-only-graph.js';
import { RegisterGraph } from '../register-graph.js';
import type { RegisterDeps } from '../run-register.js';
import { applyPimPlan, type AppliedPimCall } from './pim-apply.js';
import type { PimDesired, PimPlan } from './pim-model.js';
import { planPim } from './pim-plan.js';
import { readPimState } from './pim-read.js';
import { portalSteps } from './pim-shapes.js';

export interface PimRegisterResult {
  readonly desired: PimDesired;
  readonly plan: PimPlan;
  readonly whatIf: boolean;
  /** The writes made, in order; none for a what-if. */
  readonly applied: readonly AppliedPimCall[];
  /** The portal steps that link the extension, when registering left a role to link by hand (none named, Azure resources, or a policy Graph cannot set); else undefined. */
  readonly portalSteps: readonly string[] | undefined;
}

/**
 * `register --pim`: reads what the tenant holds, plans the writes that make it as asked, and
 * makes them, or with `whatIf` stops after planning, talking to a Graph that refuses anything but
 * GET so that no write can slip through.
 */
export async function runPimRegister(desired: PimDesired, whatIf: boolean, deps: RegisterDeps): Promise<PimRegisterResult> {
  const http = whatIf ? readOnlyGraph(deps.graph) : deps.graph;
  const graph = new RegisterGraph(http, { clock: deps.clock, timeoutMs: deps.timeoutMs, budgetMs: deps.budgetMs, graphOrigin: deps.graphOrigin });
  const current = await readPimState(graph, desired);
  const plan = planPim(desired, current);
  const applied = whatIf ? [] : await applyPimPlan(graph, plan, { desired, clock: deps.clock, settleMs: deps.settleMs });
  const byHand = desired.mode === 'register' && (desired.links.length === 0 || plan.items.some((i) => i.status === 'manual'));
  return { desired, plan, whatIf, applied, portalSteps: byHand ? portalSteps(desired.resourceType, desired.name) : undefined };
}
