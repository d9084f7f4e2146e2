import { describe, expect, it } from 'vitest';
import check from '../../src/checks/user-attributes.js';
import type { DirectoryUser } from '../../src/facts/fact-types.js';
import { configure, daysFromNow, directoryUser, elmRequest, evaluate, idsAndData, lcwTask, optionsProblem, rendered } from './support.js';

type Condition = Record<string, unknown>;
const run = (conditions: Condition[] | undefined, user: Partial<DirectoryUser> = {}, leave?: string) =>
  evaluate(check, elmRequest(), { targetUser: directoryUser(user), targetLeaveDate: { employeeLeaveDateTime: leave } }, conditions === undefined ? {} : { conditions });

describe('user-attributes passes', () => {
  it.each<[string, Condition[] | undefined, Partial<DirectoryUser>, string?]>([
    ['the default on an enabled account', undefined, {}],
    ['equals without case', [{ attribute: 'department', operator: 'equals', value: 'finance' }], { department: 'Finance ' }],
    ['in', [{ attribute: 'department', operator: 'in', values: ['Finance', 'Treasury'] }], { department: 'Treasury' }],
    ['notIn', [{ attribute: 'department', operator: 'notIn', values: ['Sales'] }], { department: 'Finance' }],
    ['notIn when the attribute is not set', [{ attribute: 'department', operator: 'notIn', values: ['Sales'] }], {}],
    ['matches without case', [{ attribute: 'jobTitle', operator: 'matches', pattern: '^senior ' }], { jobTitle: 'Senior Engineer' }],
    ['an extension attribute', [{ attribute: 'extensionAttribute3', operator: 'equals', value: 'EU' }], { onPremisesExtensionAttributes: { extensionAttribute3: 'eu' } }],
    ['exists', [{ attribute: 'employeeId', operator: 'exists' }], { employeeId: 'E1234' }],
    ['accountEnabled equals false', [{ attribute: 'accountEnabled', operator: 'equals', value: false }], { accountEnabled: false }],
    ['a hire date in the past', [{ attribute: 'employeeHireDate', operator: 'notInFuture' }], { employeeHireDate: daysFromNow(-30) }],
    ['a hire date of today', [{ attribute: 'employeeHireDate', operator: 'notInFuture' }], { employeeHireDate: daysFromNow(0) }],
    ['no hire date (use exists to require one)', [{ attribute: 'employeeHireDate', operator: 'notInFuture' }], {}],
    ['a leave date ahead', [{ attribute: 'employeeLeaveDateTime', operator: 'notPast' }], {}, daysFromNow(1)],
    ['no leave date', [{ attribute: 'employeeLeaveDateTime', operator: 'notPast' }], {}],
    ['several conditions', [{ attribute: 'userType', operator: 'in', values: ['Member'] }, { attribute: 'accountEnabled', operator: 'exists' }], {}],
  ])('%s', (_name, conditions, user, leave) => {
    expect(run(conditions, user, leave)).toEqual([]);
  });
});

describe('user-attributes fails', () => {
  const seven = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
  it.each<[string, Condition[] | undefined, Partial<DirectoryUser>, string | undefined, { messageId: string; data: Record<string, unknown> }]>([
    ['a disabled account (default)', undefined, { accountEnabled: false }, undefined, { messageId: 'notEqual', data: { attribute: 'accountEnabled', operator: 'equals', expected: 'true' } }],
    ['accountEnabled not read', undefined, { accountEnabled: undefined }, undefined, { messageId: 'notEqual', data: { attribute: 'accountEnabled', operator: 'equals', expected: 'true' } }],
    ['equals with case', [{ attribute: 'department', operator: 'equals', value: 'Finance', ignoreCase: false }], { department: 'finance' }, undefined, { messageId: 'notEqual', data: { attribute: 'department', operator: 'equals', expected: 'Finance' } }],
    ['not in the list', [{ attribute: 'department', operator: 'in', values: ['Finance', 'Treasury'] }], { department: 'Sales' }, undefined, { messageId: 'notInList', data: { attribute: 'department', operator: 'in', expected: 'Finance, Treasury' } }],
    ['in, not set', [{ attribute: 'department', operator: 'in', values: ['Finance'] }], {}, undefined, { messageId: 'notInList', data: { attribute: 'department', operator: 'in', expected: 'Finance' } }],
    ['a long list is cut', [{ attribute: 'country', operator: 'in', values: seven }], { country: 'Z' }, undefined, { messageId: 'notInList', data: { attribute: 'country', operator: 'in', expected: 'A, B, C, D, E and 2 more' } }],
    ['an excluded value', [{ attribute: 'employeeType', operator: 'notIn', values: ['Contractor', 'Vendor'] }], { employeeType: 'contractor' }, undefined, { messageId: 'inExcludedList', data: { attribute: 'employeeType', operator: 'notIn', expected: 'Contractor, Vendor' } }],
    ['no match', [{ attribute: 'jobTitle', operator: 'matches', pattern: '^Senior ' }], { jobTitle: 'Engineer' }, undefined, { messageId: 'noMatch', data: { attribute: 'jobTitle', operator: 'matches', expected: '^Senior ' } }],
    ['matches, not set', [{ attribute: 'extensionAttribute15', operator: 'matches', pattern: '.' }], {}, undefined, { messageId: 'noMatch', data: { attribute: 'extensionAttribute15', operator: 'matches', expected: '.' } }],
    ['not set', [{ attribute: 'employeeId', operator: 'exists' }], {}, undefined, { messageId: 'missing', data: { attribute: 'employeeId', operator: 'exists' } }],
    ['a hire date ahead', [{ attribute: 'employeeHireDate', operator: 'notInFuture' }], { employeeHireDate: daysFromNow(3) }, undefined, { messageId: 'inFuture', data: { attribute: 'employeeHireDate', operator: 'notInFuture' } }],
    ['an unreadable date', [{ attribute: 'employeeHireDate', operator: 'notInFuture' }], { employeeHireDate: 'soon' }, undefined, { messageId: 'notADate', data: { attribute: 'employeeHireDate', operator: 'notInFuture' } }],
    ['a leave date passed', [{ attribute: 'employeeLeaveDateTime', operator: 'notPast' }], {}, daysFromNow(-1), { messageId: 'passed', data: { attribute: 'employeeLeaveDateTime', operator: 'notPast' } }],
    ['a leave date of now', [{ attribute: 'employeeLeaveDateTime', operator: 'notPast' }], {}, daysFromNow(0), { messageId: 'passed', data: { attribute: 'employeeLeaveDateTime', operator: 'notPast' } }],
    ['described', [{ attribute: 'department', operator: 'in', values: ['Finance'], description: 'Only Finance staff may hold this' }], { department: 'Sales' }, undefined, { messageId: 'conditionNotMet', data: { attribute: 'department', operator: 'in', expected: 'Finance', description: 'Only Finance staff may hold this' } }],
  ])('%s', (_name, conditions, user, leave, expected) => {
    expect(idsAndData(run(conditions, user, leave))).toEqual([expected]);
  });

  it('reports each failed condition, with its index as evidence', () => {
    const conditions = [
      { attribute: 'accountEnabled', operator: 'equals', value: true },
      { attribute: 'userType', operator: 'equals', value: 'Member' },
      { attribute: 'department', operator: 'exists' },
    ];
    const reports = run(conditions, { accountEnabled: false, userType: 'Guest' });
    expect(reports.map((r) => [r.messageId, r.evidence?.['condition']])).toEqual([['notEqual', 0], ['notEqual', 1], ['missing', 2]]);
    expect(rendered(check, reports)).toEqual(['accountEnabled is not true.', 'userType is not Member.', 'department is not set.']);
  });

  it('runs on Lifecycle Workflows tasks too', () => {
    const reports = evaluate(check, lcwTask(), { targetUser: directoryUser({ accountEnabled: false }) });
    expect(reports.map((r) => r.messageId)).toEqual(['notEqual']);
  });
});

describe('user-attributes keeps the user\'s values out of findings', () => {
  it('names attributes and the policy\'s values, never the user\'s', () => {
    const secret = 'Zq9-private';
    const user = directoryUser({
      department: `${secret}-dept`, jobTitle: `${secret}-title`, employeeHireDate: '2099-01-01', employeeType: `${secret}-type`,
      onPremisesExtensionAttributes: { extensionAttribute1: `${secret}-ext` },
    });
    const conditions = [
      { attribute: 'department', operator: 'in', values: ['Finance'] },
      { attribute: 'jobTitle', operator: 'matches', pattern: '^Senior' },
      { attribute: 'employeeType', operator: 'equals', value: 'Employee' },
      { attribute: 'extensionAttribute1', operator: 'equals', value: 'EU' },
      { attribute: 'employeeHireDate', operator: 'notInFuture' },
    ];
    const reports = evaluate(check, elmRequest(), { targetUser: user }, { conditions });
    expect(reports).toHaveLength(5);
    const recorded = JSON.stringify(reports) + rendered(check, reports).join(' ');
    expect(recorded).not.toContain(`${secret}-dept`);
    expect(recorded).not.toContain(`${secret}-title`);
    expect(recorded).not.toContain(`${secret}-type`);
    expect(recorded).not.toContain(`${secret}-ext`);
    expect(recorded).not.toContain('2099');
  });
});

describe('user-attributes needs', () => {
  const needs = (conditions?: Condition[]) => check.needsFor(configure(check, conditions === undefined ? {} : { conditions }));
  it.each<[string, Condition[] | undefined, string[]]>([
    ['the user alone by default', undefined, ['targetUser']],
    ['the leave date only when a condition concerns it', [{ attribute: 'accountEnabled', operator: 'exists' }, { attribute: 'employeeLeaveDateTime', operator: 'notPast' }], ['targetUser', 'targetLeaveDate']],
    ['no user read when only the leave date matters', [{ attribute: 'employeeLeaveDateTime', operator: 'exists' }], ['targetLeaveDate']],
  ])('%s', (_name, conditions, facts) => {
    expect(needs(conditions)).toEqual(facts);
  });
});

describe('user-attributes options', () => {
  const valid = { attribute: 'accountEnabled', operator: 'equals', value: true };
  it.each<[string, Condition[], string, RegExp]>([
    ['a condition without attribute', [{ operator: 'equals', value: 'x' }], '/conditions/0', /required property 'attribute'/],
    ['a condition without operator', [{ attribute: 'department', value: 'x' }], '/conditions/0', /required property 'operator'/],
    ['equals without value', [{ attribute: 'department', operator: 'equals' }], '/conditions/0', /required property 'value'/],
    ['in without values', [{ attribute: 'department', operator: 'in' }], '/conditions/0', /required property 'values'/],
    ['matches without pattern', [valid, { attribute: 'department', operator: 'matches' }], '/conditions/1', /required property 'pattern'/],
    ['a date operator on text', [{ attribute: 'department', operator: 'notPast' }], '/conditions/0/operator', /allowed values|one of/],
    ['a text operator on a date', [{ attribute: 'employeeHireDate', operator: 'equals', value: '2020-01-01' }], '/conditions/0/operator', /allowed values|one of/],
    ['a string for accountEnabled', [{ attribute: 'accountEnabled', operator: 'equals', value: 'true' }], '/conditions/0/value', /boolean/],
    ['a boolean for text', [{ attribute: 'department', operator: 'equals', value: true }], '/conditions/0/value', /string/],
    ['an invalid pattern', [valid, valid, { attribute: 'jobTitle', operator: 'matches', pattern: '(' }], '/conditions/2/pattern', /not a valid regular expression/],
    ['a companion of another operator', [{ attribute: 'department', operator: 'equals', value: 'x', pattern: 'x' }], '/conditions/0/pattern', /does not go with operator equals/],
    ['an unknown attribute', [{ attribute: 'manager', operator: 'exists' }], '/conditions/0/attribute', /allowed values|one of/],
    ['an unknown field', [{ attribute: 'department', operator: 'equals', valeu: 'x', value: 'x' }], '/conditions/0', /unknown field "valeu"/],
    ['no condition', [], '/conditions', /fewer than 1/],
  ])('refuses %s', (_name, conditions, path, message) => {
    const problem = optionsProblem(check, { conditions });
    expect(problem?.path).toBe(path);
    expect(problem?.message).toMatch(message);
  });
});
