// What PIM gets back (src/pim/pim-answer.ts): the evaluation id (the request id, or for the Azure
// model a version 8 GUID derived from what is asked for), the outcome, and the reasons in the
// order a reader needs them, bounded.
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/decision/decision.js';
import type { PolicyEvaluation } from '../../src/engine/policy-engine.js';
import type { CheckRun, Finding } from '../../src/engine/run-checks.js';
import { answerOf, evaluationIdOf, outcomeOf, reasonsOf } from '../../src/pim/pim-answer.js';
import { guid } from '../support/graph-paths.js';
import { activationFixture, AZURE_ACTIVATION, GROUP_ACTIVATION, ROLE_ACTIVATION } from './activations.js';

const NOW = Date.parse('2026-12-03T10:17:00Z');
const HOUR = 3_600_000;
/** A GUID of version 8 (custom) with the RFC 9562 variant (10xx). */
const VERSION_8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const azure = (changes: Record<string, unknown>) => activationFixture('azure-resource-activation', changes);
const AZURE_SCHEDULE = { startDateTime: '2026-12-03T10:00:00Z', expiration: { type: 'AfterDuration', duration: 'PT2H' } };

describe('evaluationIdOf', () => {
  it('is the schedule request id where PIM sends one', () => {
    expect(evaluationIdOf(GROUP_ACTIVATION, NOW)).toBe('9a0b1c2d-0001-4e5f-8a6b-7c8d9e0f1a2b');
    expect(evaluationIdOf(ROLE_ACTIVATION, NOW)).toBe('9a0b1c2d-0002-4e5f-8a6b-7c8d9e0f1a2b');
    expect(evaluationIdOf(ROLE_ACTIVATION, NOW + 5 * HOUR)).toBe('9a0b1c2d-0002-4e5f-8a6b-7c8d9e0f1a2b');
  });

  it('for the Azure model, which carries none: a version 8 GUID with the RFC 9562 variant, the same for the same activation', () => {
    const id = evaluationIdOf(AZURE_ACTIVATION, NOW);
    expect(id).toMatch(VERSION_8);
    expect(evaluationIdOf(azure({}), NOW)).toBe(id);
    // A start is named: when the request arrives does not matter.
    expect(evaluationIdOf(AZURE_ACTIVATION, NOW + 30 * 24 * HOUR)).toBe(id);
  });

  it('a Graph model without an id is derived the same way', () => {
    const withoutId = activationFixture('group-activation', { id: null });
    expect(withoutId.requestId).toBeUndefined();
    expect(evaluationIdOf(withoutId, NOW)).toMatch(VERSION_8);
    expect(evaluationIdOf(withoutId, NOW)).not.toBe(evaluationIdOf(azure({}), NOW));
  });

  it('every derived id is a version 8 GUID, whatever the hash gives', () => {
    const ids = Array.from({ length: 64 }, (_, i) => evaluationIdOf(azure({ justification: `Scale the payments app service plan, run ${String(i)}.` }), NOW));
    for (const id of ids) expect(id).toMatch(VERSION_8);
    expect(new Set(ids).size).toBe(64);
    // The variant's two free bits come from the hash: all four variant digits appear.
    expect(new Set(ids.map((id) => id.charAt(19)))).toEqual(new Set(['8', '9', 'a', 'b']));
  });

  it.each<[string, Record<string, unknown>]>([
    ['another principal', { principalId: '5e6c13ac-1147-4685-a32a-d31c30e75731' }],
    ['another role', { roleDefinitionId: '/subscriptions/3f2e1d0c-0001-4b5a-9c8d-7e6f5a4b3c2d/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7' }],
    ['another scope', { scope: '/subscriptions/3f2e1d0c-0001-4b5a-9c8d-7e6f5a4b3c2d/resourceGroups/rg-vendors' }],
    ['another start', { scheduleInfo: { ...AZURE_SCHEDULE, startDateTime: '2026-12-03T11:00:00Z' } }],
    ['another duration', { scheduleInfo: { ...AZURE_SCHEDULE, expiration: { type: 'AfterDuration', duration: 'PT3H' } } }],
    ['another justification', { justification: 'Scale the payments app service plan for the quarter-end run.' }],
    ['another ticket', { ticketInfo: { ticketNumber: 'CHG0012403', ticketSystem: 'ServiceNow' } }],
    ['another request type', { requestType: 'SelfExtend' }],
  ])('differs for %s', (_name, changes) => {
    const id = evaluationIdOf(azure(changes), NOW);
    expect(id).toMatch(VERSION_8);
    expect(id).not.toBe(evaluationIdOf(AZURE_ACTIVATION, NOW));
  });

  it('an activation naming no start is keyed by the hour it arrives in', () => {
    const immediate = azure({ scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'PT2H' } } });
    const hourStart = Date.parse('2026-12-03T10:00:00Z');
    const id = evaluationIdOf(immediate, hourStart);
    expect(id).toMatch(VERSION_8);
    expect(evaluationIdOf(immediate, hourStart + HOUR - 1)).toBe(id);
    expect(evaluationIdOf(immediate, hourStart + HOUR)).not.toBe(id);
    expect(evaluationIdOf(immediate, hourStart - 1)).not.toBe(id);
    expect(evaluationIdOf(azure({ scheduleInfo: null }), hourStart)).not.toBe(id);
  });
});

describe('outcomeOf', () => {
  it.each([
    ['deny', 'Denied'],
    ['approve', 'Approved'],
    ['auto-approve', 'AutoApproved'],
  ] as const)('%s → %s', (kind, outcome) => {
    expect(outcomeOf(kind)).toBe(outcome);
  });

  it.each(['continue', 'complete', 'fail', 'none', 'approval-stage'] as const)('%s is no answer to an activation', (kind) => {
    expect(() => outcomeOf(kind)).toThrow(`a PIM activation cannot be answered with ${kind}`);
  });
});

describe('reasonsOf', () => {
  const finding = (checkId: string, overrides: Partial<Finding> = {}): Finding => ({
    checkId, scope: 'tickets', kind: 'violation', messageId: 'm', message: `${checkId} found something.`, data: {}, severity: 'medium', action: 'deny', enforced: true, ...overrides,
  });
  const run = (findings: readonly Finding[], id = findings[0]?.checkId ?? 'activation-window', scope = 'tickets'): CheckRun => ({
    id, scope, action: 'deny', mode: 'enforce', failMode: 'deny', status: findings.some((f) => f.kind !== 'notice') ? 'failed' : 'passed', findings, ms: 1,
  });
  function evaluationOf(runs: readonly CheckRun[], decision: Decision, extra: { notices?: readonly Finding[]; autoApprove?: readonly string[] } = {}): PolicyEvaluation {
    return {
      policy: { version: 'sha256:0123456789abcdef', mode: 'enforce', scopes: ['tickets', 'on-call'], notices: extra.notices ?? [], ...(extra.autoApprove === undefined ? {} : { autoApprove: extra.autoApprove }) },
      checks: runs,
      facts: [],
      approvers: undefined,
      decision,
      timings: { factsMs: 0, checksMs: 0 },
    };
  }
  const reasons = (runs: readonly CheckRun[], decision: Decision, extra?: { notices?: readonly Finding[]; autoApprove?: readonly string[] }) => reasonsOf(decision, evaluationOf(runs, decision, extra));
  const APPROVE: Decision = { kind: 'approve', detail: 'detail' };

  it('the enforced denies first, then the other enforced findings by severity, then the audited ones, then the notices', () => {
    const runs = [
      run([finding('flag-low', { action: 'flag', severity: 'low' })]),
      run([finding('audited-critical', { enforced: false, severity: 'critical' })]),
      run([finding('deny-medium')]),
      run([finding('flag-critical', { action: 'flag', severity: 'critical' })]),
      run([finding('deny-high', { severity: 'high' })]),
      run([finding('window', { kind: 'notice', action: 'flag', message: 'Allowed outside the window.' })]),
    ];
    expect(reasons(runs, { kind: 'deny', detail: 'd' })).toEqual([
      '[deny-high] deny-high found something.',
      '[deny-medium] deny-medium found something.',
      '[flag-critical] flag-critical found something.',
      '[flag-low] flag-low found something.',
      'Audit only: [audited-critical] audited-critical found something.',
      'Noted: [window] Allowed outside the window.',
    ]);
  });

  it('a flag of a scope that auto-approves is what kept the activation from being auto-approved', () => {
    const runs = [
      run([finding('window', { scope: 'on-call', action: 'flag' })], 'window', 'on-call'),
      run([finding('error', { scope: 'on-call', kind: 'error', action: 'flag', message: 'Could not run: targetGroups could not be read (Graph unavailable).' })], 'error', 'on-call'),
      run([finding('ticket', { action: 'flag', severity: 'low' })]),
      run([finding('audited', { scope: 'on-call', action: 'flag', enforced: false, severity: 'low' })], 'audited', 'on-call'),
    ];
    expect(reasons(runs, APPROVE, { autoApprove: ['on-call'] })).toEqual([
      'Not auto-approved: [window] window found something.',
      'Not auto-approved: [error] Could not run: targetGroups could not be read (Graph unavailable).',
      '[ticket] ticket found something.',
      'Audit only: [audited] audited found something.',
    ]);
    // Without the scope auto-approving, a flag is just a flag; a deny of that scope denied, whatever the scope's outcome.
    expect(reasons(runs.slice(0, 1), APPROVE)).toEqual(['[window] window found something.']);
    expect(reasons([run([finding('window', { scope: 'on-call' })], 'window', 'on-call'), ...runs.slice(2, 3)], { kind: 'deny', detail: 'd' }, { autoApprove: ['on-call'] })).toEqual([
      '[window] window found something.',
      '[ticket] ticket found something.',
    ]);
  });

  it('notices are listed once each, the engine\'s first', () => {
    const notice = (checkId: string, message: string) => finding(checkId, { kind: 'notice', action: 'flag', message });
    const runs = [run([notice('window', 'Allowed outside the window: CHG1.'), notice('window', 'Allowed outside the window: CHG1.')]), run([notice('sod', 'Exempt.'), finding('ticket')])];
    expect(reasons(runs, { kind: 'deny', detail: 'd' }, { notices: [notice('policy', 'Unknown request type.'), notice('policy', 'Unknown request type.')] })).toEqual([
      '[ticket] ticket found something.',
      'Noted: [policy] Unknown request type.',
      'Noted: [window] Allowed outside the window: CHG1.',
      'Noted: [sod] Exempt.',
    ]);
  });

  it('when nothing was found: the verdict, naming the scope that auto-approved, then the notices', () => {
    const runs = [run([finding('activation-window', { kind: 'notice', action: 'flag', message: 'Allowed outside the window: on call.' })]), run([], 'justification')];
    expect(reasons(runs, { kind: 'auto-approve', detail: 'ignored' }, { autoApprove: ['on-call'] })).toEqual([
      'AutoApproved by on-call. All 2 checks passed (activation-window, justification).',
      'Noted: [activation-window] Allowed outside the window: on call.',
    ]);
    expect(reasons([run([], 'justification')], APPROVE)).toEqual(['All 1 check passed (justification).']);
  });

  it('when no check ran, or there was no evaluation: the decision\'s detail', () => {
    expect(reasons([], { kind: 'auto-approve', detail: 'AutoApproved by on-call. No check applies to this activation.' }, { autoApprove: ['on-call'] })).toEqual(['AutoApproved by on-call. No check applies to this activation.']);
    expect(reasonsOf({ kind: 'deny', detail: 'Denied: the policy could not be evaluated.' }, undefined)).toEqual(['Denied: the policy could not be evaluated.']);
  });

  it('at most 10 reasons, each at most 400 characters', () => {
    const many = Array.from({ length: 14 }, (_, i) => run([finding(`check-${String(i).padStart(2, '0')}`, { message: 'x'.repeat(1000) })]));
    const got = reasons(many, { kind: 'deny', detail: 'd' });
    expect(got).toHaveLength(10);
    for (const reason of got) expect(reason.length).toBeLessThanOrEqual(400);
    expect(got[0]).toBe(`[check-00] ${'x'.repeat(400 - '[check-00] '.length - 1)}…`);
    expect(reasons([run([finding('short', { message: 'y'.repeat(400 - '[short] '.length) })])], APPROVE)[0]).toHaveLength(400);
    expect(reasons([run([finding('short', { message: 'y'.repeat(400 - '[short] '.length) })])], APPROVE)[0]?.endsWith('y')).toBe(true);
  });

  it('answerOf puts them together', () => {
    const decision: Decision = { kind: 'deny', detail: 'd' };
    expect(answerOf(guid('9a0b1c2d-0002-4e5f-8a6b-7c8d9e0f1a2b'), decision, evaluationOf([run([finding('ticket')])], decision))).toEqual({
      evaluationId: '9a0b1c2d-0002-4e5f-8a6b-7c8d9e0f1a2b',
      evaluationOutcome: 'Denied',
      reason: ['[ticket] ticket found something.'],
    });
  });
});
