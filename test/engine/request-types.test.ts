// Scopes that filter on request types, and callouts whose request type entitlement-guard does not know.
import { describe, expect, it } from 'vitest';
import type { CheckedCallout } from '../../src/checks/define-check.js';
import { CHECK_LIST } from '../../src/checks/index.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import type { FactGatherer } from '../../src/facts/gather-facts.js';
import type { FactSet } from '../../src/facts/fact-types.js';
import { Deadline } from '../../src/graph/retry.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { elmAssignment, elmRequest, requestFact, schedule } from '../checks/support.js';
import { VirtualClock } from '../support/fake-graph.js';

const FINANCE = '26803898-8c26-4ca8-ba50-15552ecd4c9d';
const OTHER_CATALOG = '0a0b0c0d-0000-4000-8000-000000000001';

/** A request asking for 400 days: max-duration (at most 90) fails it. */
const facts: Omit<FactSet, 'now'> = { request: requestFact({ schedule: schedule({ startDateTime: '2026-12-01T09:00:00Z', expirationType: 'afterDuration', duration: 'P400D' }) }) };

const gatherer: FactGatherer = {
  gather: (_callout, needed, _deadline, now) =>
    Promise.resolve({ facts: { ...facts, now }, failures: new Map(), sources: [...needed].map((fact) => ({ fact, read: `GET v1.0 /${fact}`, outcome: 'loaded', attempts: 1, pages: 1, ms: 1 }) as const) }),
};

const maxDuration = { id: 'max-duration', action: 'deny', options: { maxDays: 90 } };

/** One scope for adds in the Finance catalog, and any other scopes given. */
function policyWith(match: Record<string, unknown> = { requestTypes: ['userAdd'] }, more: object[] = [], mode: 'enforce' | 'audit' = 'enforce') {
  return { mode, scopes: [{ name: 'finance-adds', match: { catalogs: [FINANCE], ...match }, checks: [maxDuration] }, ...more] };
}

async function evaluate(document: object, callout: CheckedCallout) {
  const clock = new VirtualClock();
  const policy = loadPolicy(JSON.stringify(document), 'test', { checks: CHECK_LIST, allowDenyAtApprovedStage: false });
  return new PolicyEngine(policy, gatherer, clock).evaluate(callout, Deadline.after(clock, 10_000));
}

const ran = (evaluation: Awaited<ReturnType<typeof evaluate>>) => evaluation.checks.map((c) => `${c.scope}/${c.id}:${c.status}`);
const notices = (evaluation: Awaited<ReturnType<typeof evaluate>>) => evaluation.policy.notices.map((n) => ({ checkId: n.checkId, kind: n.kind, messageId: n.messageId, data: n.data }));

describe('a callout whose request type entitlement-guard does not know never skips a scope that filters on request types', () => {
  it('a type newer than the list ("someNewType") under a policy whose only scope filters on [userAdd]: that scope\'s checks run and decide, with the notice', async () => {
    const evaluation = await evaluate(policyWith(), elmRequest({ requestType: 'someNewType' }));
    expect(evaluation.policy.scopes).toEqual(['finance-adds']);
    expect(ran(evaluation)).toEqual(['finance-adds/max-duration:failed']);
    expect(evaluation.checks[0]?.findings.map((f) => f.messageId)).toEqual(['tooLong']);
    expect(notices(evaluation)).toEqual([{ checkId: 'policy', kind: 'notice', messageId: 'unknownRequestType', data: { requestType: 'someNewType', scopes: 'finance-adds' } }]);
    expect(evaluation.decision).toEqual({
      kind: 'deny',
      detail:
        'Denied by policy: [max-duration] The requested access lasts 400 days (2026-12-01 to 2028-01-05); at most 90 are allowed. ' +
        'Noted: [policy] The request type "someNewType" is not one entitlement-guard knows; the checks of every scope whose other match keys fit ran (finance-adds).',
    });
  });

  it.each([
    ['absent', 'missingRequestType', undefined, { scopes: 'finance-adds' }],
    ['unknownFutureValue', 'unspecifiedRequestType', 'unknownFutureValue', { requestType: 'unknownFutureValue', scopes: 'finance-adds' }],
    ['notSpecified', 'unspecifiedRequestType', 'notSpecified', { requestType: 'notSpecified', scopes: 'finance-adds' }],
    ['NotSpecified', 'unspecifiedRequestType', 'NotSpecified', { requestType: 'NotSpecified', scopes: 'finance-adds' }],
  ])('a request type %s: the scope applies, with %s', async (_name, messageId, requestType, data) => {
    const evaluation = await evaluate(policyWith(), elmRequest({ requestType }));
    expect(ran(evaluation)).toEqual(['finance-adds/max-duration:failed']);
    expect(notices(evaluation)).toEqual([{ checkId: 'policy', kind: 'notice', messageId, data }]);
    expect(evaluation.decision.kind).toBe('deny');
  });

  it('the notice names every scope it widened, decides nothing by itself, and is marked as the policy\'s mode marks findings', async () => {
    const flagOnly = { name: 'removals', match: { requestTypes: ['userRemove', 'adminRemove'] }, checks: [] };
    const everything = { name: 'baseline', checks: [] };
    const evaluation = await evaluate(policyWith(undefined, [flagOnly, everything], 'audit'), elmRequest({ requestType: 'someNewType' }));
    expect(evaluation.policy.scopes).toEqual(['finance-adds', 'removals', 'baseline']);
    expect(evaluation.policy.notices).toMatchObject([{ scope: 'finance-adds, removals', data: { scopes: 'finance-adds, removals' }, severity: 'low', action: 'flag', enforced: false }]);
    expect(evaluation.decision.kind).toBe('continue');
  });

  it('a scope named for the placeholder matches it as written, without a notice for that scope', async () => {
    const evaluation = await evaluate(policyWith({ requestTypes: ['notSpecified'] }, [{ name: 'adds', match: { requestTypes: ['userAdd'] }, checks: [] }]), elmRequest({ requestType: 'notSpecified' }));
    expect(evaluation.policy.scopes).toEqual(['finance-adds', 'adds']);
    expect(evaluation.policy.notices.map((n) => n.data)).toEqual([{ requestType: 'notSpecified', scopes: 'adds' }]);
  });
});

describe('what still keeps a scope out', () => {
  it('another key that does not fit: the scope does not apply, and there is nothing to note', async () => {
    const evaluation = await evaluate(policyWith({ catalogs: [OTHER_CATALOG], requestTypes: ['userAdd'] }), elmRequest({ requestType: 'someNewType' }));
    expect(evaluation.policy).toMatchObject({ scopes: [], notices: [] });
    expect(evaluation.decision).toEqual({ kind: 'continue', detail: 'No check applies to this stage.' });
  });

  it('a request type entitlement-guard knows and the scope does not name (adminAdd under [userAdd])', async () => {
    const evaluation = await evaluate(policyWith(), elmRequest({ requestType: 'adminAdd' }));
    expect(evaluation.policy).toMatchObject({ scopes: [], notices: [] });
  });

  it('a pre-expiration callout is no request: a scope that filters on request types is not about it', async () => {
    const evaluation = await evaluate(policyWith(), elmAssignment());
    expect(evaluation.policy).toMatchObject({ scopes: [], notices: [] });
  });

  it('a scope that does not filter on request types applies to an unknown type without a notice', async () => {
    const evaluation = await evaluate(policyWith({}), elmRequest({ requestType: 'someNewType' }));
    expect(ran(evaluation)).toEqual(['finance-adds/max-duration:failed']);
    expect(evaluation.policy.notices).toEqual([]);
  });
});

describe('userExtend can be named', () => {
  it.each(['userExtend', 'UserExtend'])('a %s callout matches a scope for [userExtend], without a notice; a scope for [userAdd] does not apply to it', async (requestType) => {
    const evaluation = await evaluate(policyWith({ requestTypes: ['UserExtend'] }, [{ name: 'adds-only', match: { requestTypes: ['userAdd'] }, checks: [maxDuration] }]), elmRequest({ requestType }));
    expect(ran(evaluation)).toEqual(['finance-adds/max-duration:failed']);
    expect(evaluation.policy.notices).toEqual([]);
    expect(evaluation.decision.kind).toBe('deny');
  });
});
