import { describe, expect, it } from 'vitest';
import { defineCheck, type CheckedCallout } from '../../src/checks/define-check.js';
import { CHECK_LIST } from '../../src/checks/index.js';
import { elmResume } from '../../src/decision/resume-request.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import { AppError } from '../../src/errors.js';
import type { FactFailure, FactGatherer } from '../../src/facts/gather-facts.js';
import type { FactName, FactSet } from '../../src/facts/fact-types.js';
import { Deadline } from '../../src/graph/retry.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { elmRequest, lcwTask } from '../checks/support.js';
import { VirtualClock } from '../support/fake-graph.js';
import { guid, pathOf } from '../support/graph-paths.js';

const needsRisk = defineCheck({
  id: 'needs-risk', description: 'Fails on any risk.', optionsSchema: { type: 'object', additionalProperties: false, properties: {} }, defaultOptions: {},
  needs: ['riskState'], appliesTo: ['elm-request', 'elm-assignment', 'lcw-task'], severity: 'high', messages: { risky: 'Risk is {{level}}.' },
  evaluate: (_c, { riskState }) => (riskState.riskLevel === 'none' ? [] : [{ messageId: 'risky', data: { level: riskState.riskLevel } }]),
});
const throws = defineCheck({
  id: 'throws', description: 'Always throws.', optionsSchema: { type: 'object', additionalProperties: false, properties: {} }, defaultOptions: {},
  needs: [], appliesTo: ['elm-request', 'lcw-task'], severity: 'low', messages: { never: 'never' },
  evaluate: () => { throw new TypeError('boom'); },
});
const lowFlag = defineCheck({
  id: 'low-flag', description: 'Always flags.', optionsSchema: { type: 'object', additionalProperties: false, properties: {} }, defaultOptions: {},
  needs: [], appliesTo: ['elm-request'], severity: 'low', messages: { noted: 'Noted.' },
  evaluate: () => [{ messageId: 'noted' }],
});
const checks = [...CHECK_LIST, needsRisk, throws, lowFlag];

/** A gatherer that serves fixed facts and failures, and counts its calls. */
function fakeGatherer(facts: Omit<FactSet, 'now'>, failures: Partial<Record<FactName, FactFailure>> = {}) {
  const asked: FactName[][] = [];
  const gatherer: FactGatherer = {
    gather: (_callout, needed, _deadline, now) => {
      asked.push([...needed].sort());
      const failed = new Map(Object.entries(failures) as [FactName, FactFailure][]);
      return Promise.resolve({ facts: { ...facts, now }, failures: failed, sources: [...needed].map((fact) => ({ fact, read: `GET v1.0 /${fact}`, outcome: failed.has(fact) ? 'failed' : 'loaded', attempts: 1, pages: 1, ms: 1 }) as const) });
    },
  };
  return { gatherer, asked };
}

function engineFor(document: object, gatherer: FactGatherer) {
  const clock = new VirtualClock();
  const policy = loadPolicy(JSON.stringify(document), 'test', { checks, allowDenyAtApprovedStage: false });
  return { engine: new PolicyEngine(policy, gatherer, clock), deadline: Deadline.after(clock, 10_000) };
}

const risky = { riskState: { riskLevel: 'high', riskState: 'atRisk', riskDetail: undefined, riskLastUpdatedDateTime: undefined } };
const scopeWith = (entries: object[], extra: object = {}) => ({ scopes: [{ name: 's', checks: entries, ...extra }] });

async function evaluate(document: object, callout: CheckedCallout = elmRequest(), facts: Omit<FactSet, 'now'> = risky, failures: Partial<Record<FactName, FactFailure>> = {}) {
  const { gatherer, asked } = fakeGatherer(facts, failures);
  const { engine, deadline } = engineFor(document, gatherer);
  return { evaluation: await engine.evaluate(callout, deadline), asked };
}

describe('the engine', () => {
  it('a check that throws becomes an error finding; the others still run', async () => {
    const { evaluation } = await evaluate(scopeWith([{ id: 'throws', action: 'flag' }, { id: 'needs-risk', action: 'flag' }]));
    expect(evaluation.checks.map((c) => `${c.id}:${c.status}`)).toEqual(['throws:error', 'needs-risk:failed']);
    expect(evaluation.checks[0]?.findings[0]).toMatchObject({ kind: 'error', messageId: 'checkFailed', data: { error: 'TypeError: boom' }, action: 'deny' });
    expect(evaluation.decision.kind).toBe('deny');
  });

  it('a fact that failed to load → factUnavailable naming the permission; fail mode deny denies', async () => {
    const { evaluation } = await evaluate(scopeWith([{ id: 'needs-risk', action: 'flag' }]), elmRequest(), {}, { riskState: { kind: 'forbidden', message: 'no', permission: 'IdentityRiskyUser.Read.All' } });
    expect(evaluation.checks[0]?.findings[0]).toMatchObject({ messageId: 'factUnavailable', data: { fact: 'riskState', reason: 'permission IdentityRiskyUser.Read.All missing', permission: 'IdentityRiskyUser.Read.All' }, action: 'deny' });
    expect(evaluation.decision.kind).toBe('deny');
  });

  it.each([
    ['continue', 'continue', 'Flagged by policy: [needs-risk] Could not run: riskState could not be read (Graph unavailable).'],
    ['deny', 'deny', 'Denied by policy: [needs-risk] Could not run: riskState could not be read (Graph unavailable).'],
  ] as const)('fail mode %s on a check that could not run → %s', async (failMode, kind, detail) => {
    const { evaluation } = await evaluate({ failMode, ...scopeWith([{ id: 'needs-risk', action: 'flag' }]) }, elmRequest(), {}, { riskState: { kind: 'transient', message: 'x', retryAfterSeconds: 7 } });
    expect(evaluation.decision).toEqual({ kind, detail });
  });

  it('fail mode retry → a retryable CHECKS.UNAVAILABLE with the longest wait Graph asked for', async () => {
    const attempt = evaluate({ failMode: 'retry', ...scopeWith([{ id: 'needs-risk', action: 'deny' }]) }, elmRequest(), {}, { riskState: { kind: 'transient', message: 'x', retryAfterSeconds: 3 } });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: 'CHECKS.UNAVAILABLE', retryable: true, retryAfterSeconds: 5 });
  });

  it('audit mode records the same findings, never denies, and says so', async () => {
    const enforce = await evaluate(scopeWith([{ id: 'needs-risk', action: 'deny' }]));
    const audit = await evaluate({ mode: 'audit', ...scopeWith([{ id: 'needs-risk', action: 'deny' }]) });
    expect(enforce.evaluation.decision.kind).toBe('deny');
    expect(audit.evaluation.decision).toEqual({ kind: 'continue', detail: 'Audit only, would deny: [needs-risk] Risk is high.' });
    expect(audit.evaluation.checks[0]?.findings.map((f) => [f.messageId, f.enforced])).toEqual([['risky', false]]);
    expect(enforce.evaluation.checks[0]?.findings.map((f) => [f.messageId, f.enforced])).toEqual([['risky', true]]);
  });

  it('deny findings first, then flags, in the text; the shaper turns a deny at a stage that cannot deny into continue', async () => {
    const callout = elmRequest({ stage: 'assignmentRequestGranted' });
    const { evaluation } = await evaluate(scopeWith([{ id: 'low-flag', action: 'flag' }, { id: 'needs-risk', action: 'deny' }]), callout);
    expect(evaluation.decision).toEqual({ kind: 'deny', detail: 'Denied by policy: [needs-risk] Risk is high. [low-flag] Noted.' });
    const shaped = elmResume(callout, callout.resume ?? { path: pathOf('/none'), confirmPath: pathOf('/none') }, evaluation.decision, false);
    expect(shaped.sent).toEqual({ kind: 'continue', detail: 'Flagged, not denied (assignmentRequestGranted cannot deny): [needs-risk] Risk is high. [low-flag] Noted.' });
  });

  it('a Lifecycle Workflows task: deny → fail; checks that do not apply are skipped', async () => {
    const { evaluation } = await evaluate(scopeWith([{ id: 'needs-risk', action: 'deny' }, { id: 'low-flag', action: 'flag' }]), lcwTask());
    expect(evaluation.decision.kind).toBe('fail');
    expect(evaluation.checks.map((c) => `${c.id}:${c.status}`)).toEqual(['needs-risk:failed', 'low-flag:skipped']);
  });

  it('the approval stage: the default when no scope names approvers, no facts read when nothing needs them', async () => {
    const { evaluation, asked } = await evaluate({ scopes: [] }, elmRequest({ stage: 'assignmentRequestDeterminingApprovalRequirements' }));
    expect(asked).toEqual([]);
    expect(evaluation.decision).toMatchObject({ kind: 'approval-stage', detail: "No approver policy applies; the requestor's manager approves.", approvalStage: { primaryApprovers: [{ '@odata.type': '#microsoft.graph.requestorManager', managerLevel: 1 }] } });
    expect(evaluation.approvers).toMatchObject({ outcome: 'default' });
  });

  it('the approval stage: a strategy that yields nobody sends the default stage and says why; facts are the union of needs', async () => {
    const { evaluation, asked } = await evaluate(
      scopeWith([{ id: 'needs-risk', action: 'flag' }], { approvers: { primary: [{ type: 'requestorManager', level: 1 }] } }),
      elmRequest({ stage: 'assignmentRequestDeterminingApprovalRequirements' }),
      { ...risky, requestorManagerChain: [] },
    );
    expect(asked).toEqual([['requestorManagerChain', 'riskState']]);
    expect(evaluation.approvers).toMatchObject({ scope: 's', outcome: 'nobody', sources: [{ source: 'requestorManager', count: 0, note: 'the requestor has no level-1 manager' }] });
    expect(evaluation.decision.detail).toBe("Approvers: requestor's manager (level 1) (the strategy yielded nobody; the requestor's manager decides). Flagged by policy: [needs-risk] Risk is high.");
  });

  it('with fail mode retry, a strategy that yields nobody answers 503', async () => {
    const attempt = evaluate({ failMode: 'retry', scopes: [{ name: 's', approvers: { primary: [{ type: 'requestorManager', level: 1 }] } }] }, elmRequest({ stage: 'assignmentRequestDeterminingApprovalRequirements' }), { requestorManagerChain: [] });
    await expect(attempt).rejects.toMatchObject({ code: 'CHECKS.UNAVAILABLE' });
  });

  it('a pre-expiration stage runs its checks and records only', async () => {
    const callout: CheckedCallout = { kind: 'elm-assignment', shape: 'flat-pascal', stage: 'assignmentOneDayBeforeExpiration', stageInstanceId: guid('0e0e0e0e-0000-4000-8000-00000000000e'), requestId: undefined, accessPackage: undefined, catalog: undefined, assignmentId: undefined, target: elmRequest().target };
    const { evaluation } = await evaluate(scopeWith([{ id: 'needs-risk', action: 'deny' }]), callout);
    expect(evaluation.decision).toEqual({ kind: 'none', detail: 'assignmentOneDayBeforeExpiration cannot be resumed; recorded only. Denied by policy: [needs-risk] Risk is high.' });
  });
});
