// How findings decide a PIM activation (src/engine/decide.ts): a deny finding denies; with nothing
// found, a matched AutoApproved scope auto-approves; anything found short of a deny (a flag, an
// audited finding, a check that could not run) leaves the activation to PIM's own approval;
// notices decide nothing. Then the engine on an activation, with fixed facts.
import { describe, expect, it } from 'vitest';
import { CHECK_LIST } from '../../src/checks/index.js';
import { decide } from '../../src/engine/decide.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import type { CheckRun, Finding } from '../../src/engine/run-checks.js';
import type { FactGatherer } from '../../src/facts/gather-facts.js';
import type { FactName, FactSet } from '../../src/facts/fact-types.js';
import { Deadline } from '../../src/graph/retry.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { elmRequest, lcwTask } from '../checks/support.js';
import { VirtualClock } from '../support/fake-graph.js';
import { GROUP_ACTIVATION, ROLE_ACTIVATION } from './activations.js';

const finding = (overrides: Partial<Finding> = {}): Finding => ({
  checkId: 'activation-window',
  scope: 'on-call',
  kind: 'violation',
  messageId: 'outsideWindow',
  message: 'sun 12:00 UTC is outside the activation window (mon, tue, wed, thu, fri 08:00–18:00).',
  data: {},
  severity: 'medium',
  action: 'deny',
  enforced: true,
  ...overrides,
});
const NOTICE = finding({ kind: 'notice', messageId: 'allowedOutside', message: 'Allowed outside the window: a member of exception group 0c0c0c0c-0000-4000-8000-000000000001.', action: 'flag' });

function run(findings: readonly Finding[], overrides: Partial<CheckRun> = {}): CheckRun {
  const failed = findings.some((f) => f.kind === 'violation');
  const errored = findings.some((f) => f.kind === 'error');
  return { id: 'activation-window', scope: 'on-call', action: 'deny', mode: 'enforce', failMode: 'deny', status: errored ? 'error' : failed ? 'failed' : 'passed', findings, ms: 1, ...overrides };
}
const skipped = run([], { id: 'manager-or-sponsor', status: 'skipped' });
const passed = run([]);

describe('decide on a PIM activation', () => {
  it.each<[string, CheckRun[], string[]]>([
    ['an enforced deny', [run([finding()])], []],
    ['an enforced deny, an AutoApproved scope matched', [run([finding()])], ['on-call']],
    ['an enforced deny beside a passing check', [passed, run([finding({ checkId: 'justification', scope: 'tickets' })])], ['on-call']],
    ['a check that could not run, fail mode deny', [run([finding({ kind: 'error', messageId: 'factUnavailable', message: 'Could not run: targetGroups could not be read (Graph unavailable).' })])], ['on-call']],
  ])('%s → Denied', (_name, runs, autoApprove) => {
    const decision = decide(ROLE_ACTIVATION, runs, undefined, [], autoApprove);
    expect(decision.kind).toBe('deny');
    expect(decision.detail).toMatch(/^Denied by policy: \[(activation-window|justification)\] /);
  });

  it('nothing found in a scope that auto-approves → AutoApproved, naming the scope', () => {
    expect(decide(ROLE_ACTIVATION, [passed], undefined, [], ['on-call'])).toEqual({ kind: 'auto-approve', detail: 'AutoApproved by on-call. All 1 check passed (activation-window).' });
  });

  it('every AutoApproved scope is named', () => {
    expect(decide(GROUP_ACTIVATION, [passed, run([], { id: 'justification', scope: 'tickets' })], undefined, [], ['on-call', 'tickets'])).toEqual({
      kind: 'auto-approve',
      detail: 'AutoApproved by on-call, tickets. All 2 checks passed (activation-window, justification).',
    });
  });

  it('no check ran, in a scope that auto-approves → AutoApproved', () => {
    expect(decide(ROLE_ACTIVATION, [], undefined, [], ['on-call'])).toEqual({ kind: 'auto-approve', detail: 'AutoApproved by on-call. No check applies to this activation.' });
    expect(decide(ROLE_ACTIVATION, [skipped], undefined, [], ['on-call'])).toEqual({ kind: 'auto-approve', detail: 'AutoApproved by on-call. No check applies to this activation.' });
  });

  it('nothing found and no scope that auto-approves → Approved (PIM\'s own approval follows)', () => {
    expect(decide(ROLE_ACTIVATION, [passed], undefined, [], [])).toEqual({ kind: 'approve', detail: 'All 1 check passed (activation-window).' });
    expect(decide(ROLE_ACTIVATION, [], undefined)).toEqual({ kind: 'approve', detail: 'No check applies to this activation.' });
  });

  it.each<[string, Finding, string]>([
    ['an enforced flag', finding({ action: 'flag' }), 'Flagged by policy: [activation-window] '],
    ['an audited deny', finding({ enforced: false }), 'Audit only, would deny: [activation-window] '],
    ['an audited flag', finding({ enforced: false, action: 'flag' }), 'Audit only, would flag: [activation-window] '],
    ['a check that could not run, fail mode continue', finding({ kind: 'error', action: 'flag', messageId: 'factUnavailable', message: 'Could not run: targetGroups could not be read (Graph unavailable).' }), 'Flagged by policy: [activation-window] Could not run'],
    ['a check that could not run, in audit mode', finding({ kind: 'error', enforced: false, messageId: 'checkFailed', message: 'Could not run: the check failed (TypeError: boom).' }), 'Audit only, would deny: [activation-window] Could not run'],
  ])('%s → Approved, not AutoApproved, though the scope auto-approves', (_name, found, detail) => {
    const decision = decide(ROLE_ACTIVATION, [run([found])], undefined, [], ['on-call']);
    expect(decision.kind).toBe('approve');
    expect(decision.detail.startsWith(detail)).toBe(true);
  });

  it('a flag in another scope keeps an AutoApproved scope from auto-approving', () => {
    const decision = decide(ROLE_ACTIVATION, [passed, run([finding({ checkId: 'justification', scope: 'tickets', action: 'flag' })], { id: 'justification', scope: 'tickets', action: 'flag' })], undefined, [], ['on-call']);
    expect(decision.kind).toBe('approve');
  });

  it("notices decide nothing: the check's own and the engine's", () => {
    const engineNotice = finding({ checkId: 'policy', kind: 'notice', messageId: 'unknownRequestType', message: 'Noted by the engine.', action: 'flag', severity: 'low' });
    expect(decide(ROLE_ACTIVATION, [run([NOTICE])], undefined, [engineNotice], ['on-call'])).toEqual({
      kind: 'auto-approve',
      detail: `AutoApproved by on-call. All 1 check passed (activation-window). Noted: [policy] Noted by the engine. [activation-window] ${NOTICE.message}`,
    });
    expect(decide(ROLE_ACTIVATION, [run([NOTICE])], undefined, [], []).kind).toBe('approve');
  });

  it('a separation-of-duties notice (a conflict already held, an exemption) keeps an activation from being auto-approved', () => {
    // As the separation-of-duties check reports an exemption used: a notice a person should see.
    const exempt = finding({ checkId: 'separation-of-duties', kind: 'notice', messageId: 'exempt', message: 'SOD-002 Payment approvers do not administer users: exempt (Interim cover).', action: 'flag', withholdsAutoApproval: true });
    const decision = decide(ROLE_ACTIVATION, [passed, run([exempt], { id: 'separation-of-duties' })], undefined, [], ['on-call']);
    expect(decision.kind).toBe('approve');
  });

  it('only activations are auto-approved: the same runs on a request or a task decide as before', () => {
    expect(decide(elmRequest(), [passed], undefined, [], ['on-call']).kind).toBe('continue');
    expect(decide(lcwTask(), [passed], undefined, [], ['on-call']).kind).toBe('complete');
    expect(decide(elmRequest(), [run([finding()])], undefined, [], ['on-call']).kind).toBe('deny');
  });
});

describe('the engine on a PIM activation', () => {
  const MEMBER = '0c0c0c0c-0000-4000-8000-000000000001';
  /** A gatherer that serves fixed facts and remembers what it was asked for. */
  function gatherer(facts: Omit<FactSet, 'now'>) {
    const asked: FactName[][] = [];
    const fake: FactGatherer = {
      gather: (_callout, needed, _deadline, now) => {
        asked.push([...needed].sort());
        return Promise.resolve({ facts: { ...facts, now }, failures: new Map(), sources: [...needed].map((fact) => ({ fact, read: `GET v1.0 /${fact}`, outcome: 'loaded', attempts: 1, pages: 1, ms: 1 }) as const) });
      },
    };
    return { fake, asked };
  }
  const document = {
    scopes: [
      {
        name: 'on-call',
        match: { resourceTypes: ['entraRoles'] },
        outcome: 'AutoApproved',
        checks: [
          { id: 'activation-window', action: 'flag', options: { allowedBy: ['exceptionGroups'], exceptionGroups: [MEMBER] } },
          { id: 'justification', action: 'deny', options: { ticket: { required: true } } },
          { id: 'max-duration', action: 'deny', options: { maxHours: 8 } },
        ],
      },
    ],
  };
  async function evaluate(groups: readonly string[]) {
    const clock = new VirtualClock();
    const { fake, asked } = gatherer({ targetGroups: groups.map((id) => ({ id, displayName: 'On call' })) });
    const engine = new PolicyEngine(loadPolicy(JSON.stringify(document), 'p.json', { checks: CHECK_LIST, allowDenyAtApprovedStage: false }), fake, clock);
    return { evaluation: await engine.evaluate(ROLE_ACTIVATION, Deadline.after(clock, 10_000)), asked };
  }

  it('reads no request fact (the activation carries justification and schedule) and auto-approves the on-call rota', async () => {
    const { evaluation, asked } = await evaluate([MEMBER]);
    expect(asked).toEqual([['targetGroups']]);
    expect(evaluation.policy.autoApprove).toEqual(['on-call']);
    expect(evaluation.checks.map((c) => `${c.id}:${c.status}`)).toEqual(['activation-window:passed', 'justification:passed', 'max-duration:passed']);
    expect(evaluation.decision.kind).toBe('auto-approve');
  });

  it('someone off the rota is left to PIM\'s approval', async () => {
    const { evaluation } = await evaluate([]);
    expect(evaluation.checks[0]?.findings.map((f) => f.messageId)).toEqual(['notAllowedBy']);
    expect(evaluation.decision.kind).toBe('approve');
  });
});
