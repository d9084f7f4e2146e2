import { describe, expect, it } from 'vitest';
import check from '../../src/checks/risky-user.js';
import type { RiskFact } from '../../src/facts/fact-types.js';
import { elmAssignment, elmRequest, evaluate, idsAndData, lcwTask, rendered } from './support.js';

const risk = (riskLevel: string, riskState: string): RiskFact => ({ riskLevel, riskState, riskDetail: undefined, riskLastUpdatedDateTime: '2026-11-20T08:00:00Z' });
const run = (fact: RiskFact, options?: Record<string, unknown>) => evaluate(check, elmRequest(), { riskState: fact }, options);

describe('risky-user', () => {
  it.each<[string, RiskFact, Record<string, unknown>?]>([
    ['a user never flagged', risk('none', 'none')],
    ['low risk at the default', risk('low', 'atRisk')],
    ['high risk, remediated', risk('high', 'remediated')],
    ['high risk, dismissed', risk('high', 'dismissed')],
    ['high risk, confirmed safe', risk('High', 'confirmedSafe')],
    ['medium risk when medium is accepted', risk('medium', 'atRisk'), { maxRiskLevel: 'medium' }],
    ['hidden risk when it is accepted', risk('hidden', 'atRisk'), { failHiddenRisk: false }],
    ['a level Graph adds later', risk('unknownFutureValue', 'atRisk')],
  ])('passes %s', (_name, fact, options) => {
    expect(run(fact, options)).toEqual([]);
  });

  it.each<[string, RiskFact, Record<string, unknown> | undefined, { messageId: string; data?: Record<string, unknown> }]>([
    ['medium risk at the default', risk('medium', 'atRisk'), undefined, { messageId: 'riskTooHigh', data: { level: 'medium', state: 'atRisk', max: 'low' } }],
    ['high risk in other casing', risk('HIGH', 'atRisk'), undefined, { messageId: 'riskTooHigh', data: { level: 'high', state: 'atRisk', max: 'low' } }],
    ['low risk when none is accepted', risk('low', 'atRisk'), { maxRiskLevel: 'none' }, { messageId: 'riskTooHigh', data: { level: 'low', state: 'atRisk', max: 'none' } }],
    ['a confirmed compromise, whatever the level', risk('low', 'confirmedCompromised'), undefined, { messageId: 'compromised' }],
    ['hidden risk', risk('hidden', 'atRisk'), undefined, { messageId: 'riskHidden' }],
  ])('fails %s', (_name, fact, options, expected) => {
    expect(idsAndData(run(fact, options))).toEqual([{ data: undefined, ...expected }]);
  });

  it('marks a confirmed compromise critical and keeps the risk as evidence', () => {
    const [report] = run(risk('high', 'confirmedCompromised'));
    expect(report?.severity).toBe('critical');
    expect(report?.evidence).toEqual({ riskLevel: 'high', riskState: 'confirmedCompromised', riskDetail: undefined, riskLastUpdatedDateTime: '2026-11-20T08:00:00Z' });
  });

  it('a confirmed compromise falls back to the level when it is not to fail on its own', () => {
    expect(idsAndData(run(risk('high', 'confirmedCompromised'), { failConfirmedCompromised: false }))).toEqual([{ messageId: 'riskTooHigh', data: { level: 'high', state: 'confirmedCompromised', max: 'low' } }]);
  });

  it.each([['elm-assignment', elmAssignment()], ['lcw-task', lcwTask()]])('runs on %s callouts', (_kind, callout) => {
    const reports = evaluate(check, callout, { riskState: risk('high', 'atRisk') });
    expect(rendered(check, reports)).toEqual(['The user is at high risk (atRisk); at most low is accepted.']);
  });
});
