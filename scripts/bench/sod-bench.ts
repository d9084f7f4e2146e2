import type { CheckedCallout } from '../../src/checks/define-check.js';
import sod from '../../src/checks/separation-of-duties.js';
import type { FactSet } from '../../src/facts/fact-types.js';
import { compileRuleSet } from '../../src/sod/rule-set.js';
import type { RuleSet } from '../../src/sod/sod-model.js';
import { guidOf } from '../../src/guid.js';

const RUNS = 101;

/** Deterministic ids: a small LCG, so every run measures the same tenant. */
function ids(seed: number): () => string {
  let state = seed >>> 0;
  return () => {
    const parts = Array.from({ length: 4 }, () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state.toString(16).padStart(8, '0');
    });
    const [a = '', b = '', c = '', d = ''] = parts;
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-8${c.slice(1, 4)}-${c.slice(4)}${d}`;
  };
}

/**
 * `rules` two-sided rules over a pool of groups, and a user in `groups` groups of that pool, a
 * tenth of them named by some rule, one rule broken by the request. The user's holdings are
 * groups: the kind a user has by the thousand.
 */
function workload(groups: number, rules: number): { ruleSet: RuleSet; facts: FactSet; callout: CheckedCallout } {
  const next = ids(groups * 31 + rules);
  const pool = Array.from({ length: rules * 4 }, next);
  const section = {
    rules: Array.from({ length: rules }, (_, r) => ({
      id: `R${String(r)}`,
      title: `Rule ${String(r)}`,
      severity: 'high',
      action: 'deny',
      sides: [
        { name: 'a', groups: [{ id: pool[r * 4] }, { id: pool[r * 4 + 1] }] },
        { name: 'b', groups: [{ id: pool[r * 4 + 2] }], accessPackages: [{ id: pool[r * 4 + 3] }] },
      ],
    })),
  };
  const ruleSet = compileRuleSet(section);
  const named = Math.min(Math.floor(groups / 10), rules);
  const held = [...Array.from({ length: named }, (_, i) => pool[i * 4] as string), ...Array.from({ length: groups - named }, next)];
  const requested = guidOf(pool[3] as string);
  const targetGroups = held.map((id) => ({ id, displayName: undefined }));
  const facts: FactSet = {
    now: Date.parse('2026-12-01T00:00:00Z'),
    targetGroups,
    targetDirectGroups: targetGroups,
    targetPackageAssignments: [],
    targetPackageRequests: [],
    targetActiveRoles: [],
    targetEligibleRoles: [],
    targetAppRoles: [],
    requestedPackage: { id: requested, displayName: 'Requested', grants: [] },
  };
  const subject = { objectId: guidOf(next()), displayName: 'User', principalName: undefined, email: undefined, subjectType: 'user' as const };
  const callout: CheckedCallout = {
    kind: 'elm-request', shape: 'flat-pascal', stage: 'assignmentRequestCreated', stageInstanceId: guidOf(next()), requestId: guidOf(next()),
    resume: null, callbackTimeout: 'PT1H', requestType: 'userAdd', state: 'submitted', status: 'Accepted',
    accessPackage: { id: requested, displayName: 'Requested' }, catalog: undefined, assignmentId: undefined, assignmentPolicy: undefined,
    target: subject, requestor: subject, answers: [],
  };
  return { ruleSet, facts, callout };
}

/** The work the index does: one lookup per holding, plus every place it finds (the rules touched). */
function lookups(ruleSet: RuleSet, facts: FactSet): number {
  const held = facts.targetGroups ?? [];
  return held.length + 1 + held.reduce((n, g) => n + (ruleSet.byKind.group.get(g.id)?.length ?? 0), 0);
}

export interface SodFigures {
  readonly groups: number;
  readonly rules: number;
  readonly samples: number[];
  /** The floor: the index lookups alone (one Map lookup per holding), same workload, same runs. */
  readonly floor: number[];
  readonly findings: number;
  readonly lookups: number;
}

/** The index lookups an evaluation cannot do without: one per held group. */
function lookupAll(ruleSet: RuleSet, facts: FactSet): number {
  let found = 0;
  for (const group of facts.targetGroups ?? []) found += ruleSet.byKind.group.get(group.id)?.length ?? 0;
  return found;
}

/**
 * Times the evaluation of each workload and its floor, the workloads interleaved run by run so
 * that the machine's drift (a shared VM) weighs on all of them alike.
 */
function timeEvaluations(sizes: readonly (readonly [groups: number, rules: number])[]): SodFigures[] {
  const loads = sizes.map(([groups, rules]) => workload(groups, rules));
  const options = { ...sod.defaultOptions };
  const samples = loads.map(() => [] as number[]);
  const floor = loads.map(() => [] as number[]);
  const findings = loads.map(() => 0);
  let sink = 0;
  for (let run = 0; run < RUNS; run++) {
    for (const [i, { ruleSet, facts, callout }] of loads.entries()) {
      let started = performance.now();
      findings[i] = sod.evaluate(callout, facts, options, ruleSet).length;
      samples[i]?.push(performance.now() - started);
      started = performance.now();
      sink += lookupAll(ruleSet, facts);
      floor[i]?.push(performance.now() - started);
    }
  }
  if (sink < 0) throw new Error('unreachable');
  return loads.map(({ ruleSet, facts }, i) => ({
    groups: sizes[i]?.[0] ?? 0,
    rules: sizes[i]?.[1] ?? 0,
    samples: samples[i] ?? [],
    floor: floor[i] ?? [],
    findings: findings[i] ?? 0,
    lookups: lookups(ruleSet, facts),
  }));
}

/** The separation-of-duties evaluation (holdings → conflicts) at 10,000 × 2,000, and doubled. */
export function sodEvaluationFigures(): SodFigures[] {
  timeEvaluations([[2000, 400]]); // warm the JIT
  return timeEvaluations([[10_000, 2_000], [20_000, 4_000]]);
}
