import type { CheckedCallout } from '../../src/checks/define-check.js';
import sod from '../../src/checks/separation-of-duties.js';
import type { FactSet } from '../../src/facts/fact-types.js';
import { compileRuleSet } from '../../src/sod/rule-set.js';
import type { RuleSet } from '../../src/sod/sod-model.js';
import { median, ms, percentile } from './stats.js';

const RUNS = 31;

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
  const requested = pool[3] as string;
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
  const subject = { objectId: next(), displayName: 'User', principalName: undefined, email: undefined, subjectType: 'user' };
  const callout: CheckedCallout = {
    kind: 'elm-request', shape: 'flat-pascal', stage: 'assignmentRequestCreated', stageInstanceId: next(), requestId: next(),
    resume: null, callbackTimeout: 'PT1H', requestType: 'userAdd', state: 'submitted', status: 'Accepted',
    accessPackage: { id: requested, displayName: 'Requested' }, catalog: undefined, assignmentId: undefined, assignmentPolicy: undefined,
    target: subject, requestor: subject, answers: [],
  };
  return { ruleSet, facts, callout };
}

function timeEvaluation(groups: number, rules: number): { samples: number[]; findings: number } {
  const { ruleSet, facts, callout } = workload(groups, rules);
  const options = { ...sod.defaultOptions };
  let findings = 0;
  const samples = Array.from({ length: RUNS }, () => {
    const started = performance.now();
    findings = sod.evaluate(callout, facts, options, ruleSet).length;
    return performance.now() - started;
  });
  return { samples, findings };
}

/** The separation-of-duties evaluation (holdings → conflicts) at 10,000 × 2,000, and doubled. */
export function sodEvaluationRows(): string[][] {
  const rows: string[][] = [['evaluation (holdings × rules)', 'findings', 'median', 'p99', 'against 10,000 × 2,000']];
  timeEvaluation(2000, 400); // warm the JIT
  const base = timeEvaluation(10_000, 2_000);
  const doubled = timeEvaluation(20_000, 4_000);
  const growth = (median(doubled.samples) / median(base.samples)).toFixed(2);
  rows.push(['10,000 groups × 2,000 rules', String(base.findings), ms(median(base.samples)), ms(percentile(base.samples, 99)), '1.00']);
  rows.push(['20,000 groups × 4,000 rules', String(doubled.findings), ms(median(doubled.samples)), ms(percentile(doubled.samples, 99)), `${growth} (linear: 2, quadratic: 4)`]);
  return rows;
}
