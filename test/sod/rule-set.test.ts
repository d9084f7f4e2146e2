import { describe, expect, it } from 'vitest';
import { SettingsProblem } from '../../src/checks/define-check.js';
import { compileRuleSet, placesOf } from '../../src/sod/rule-set.js';
import { ID, RULES, SECTION } from './sod-fixtures.js';

const sides = [
  { name: 'A', accessPackages: [{ id: ID.vendorPackage }] },
  { name: 'B', groups: [{ id: ID.paymentsGroup }] },
];
const rule = (extra: Record<string, unknown> = {}) => ({ id: 'R1', title: 'T', severity: 'low', action: 'flag', sides, ...extra });

function problem(section: unknown): { path: string; message: string } | undefined {
  try {
    compileRuleSet(section);
    return undefined;
  } catch (error) {
    if (!(error instanceof SettingsProblem)) throw error;
    return { path: error.path, message: error.message };
  }
}

describe('compiling the rules', () => {
  it('indexes every entitlement to the places that name it', () => {
    expect(RULES.rules.map((r) => r.id)).toEqual(['SOD-001', 'SOD-002', 'SOD-003']);
    expect(placesOf(RULES, `accessPackage:${ID.paymentsPackage}`)).toEqual([
      { rule: 0, side: 1, includeEligible: false },
      { rule: 1, side: 0, includeEligible: false },
    ]);
    expect(placesOf(RULES, `directoryRole:${ID.userAdmin}`)).toEqual([{ rule: 1, side: 1, includeEligible: true }]);
    expect(placesOf(RULES, `directoryRole:${ID.auditor}`)).toEqual([{ rule: 1, side: 1, includeEligible: false }]);
    expect(placesOf(RULES, `appRole:${ID.sap}/${ID.paymentRole}`)).toEqual([{ rule: 2, side: 1, includeEligible: false }]);
  });

  it('a date alone lasts through that day (UTC); a date-time is exact', () => {
    const [first, , third] = RULES.rules[0]?.exemptions ?? [];
    expect(first?.expiresAt).toBe(Date.parse('2027-01-01T00:00:00Z'));
    expect(third?.expiresAt).toBe(Date.parse('2027-06-30T00:00:00Z'));
    expect(third?.principal).toEqual({ kind: 'group', id: ID.exemptGroup });
  });

  it('no section: no rules', () => {
    expect(compileRuleSet(undefined).rules).toEqual([]);
    expect(SECTION.rules).toHaveLength(3);
  });

  it.each<[string, unknown, { path: string; message: string }]>([
    ['a rule id used twice', { rules: [rule(), rule()] }, { path: '/rules/1/id', message: 'rule id "R1" is used twice' }],
    ['a side that names nothing', { rules: [rule({ sides: [sides[0], { name: 'B' }] })] }, { path: '/rules/0/sides/1', message: 'side "B" names no entitlement (accessPackages, groups, directoryRoles, appRoles or azureRoles)' }],
    [
      'an entitlement on two sides',
      { rules: [rule({ sides: [sides[0], { name: 'B', accessPackages: [{ id: ID.vendorPackage.toUpperCase() }] }] })] },
      { path: '/rules/0/sides/1', message: `accessPackage:${ID.vendorPackage} is on sides 0 and 1; an entitlement belongs to one side` },
    ],
    ['two sides with one name', { rules: [rule({ sides: [sides[0], { ...sides[1], name: 'A' }] })] }, { path: '/rules/0/sides/1/name', message: 'side name "A" is used twice in rule R1' }],
    ['an exemption for both a user and a group', { rules: [rule({ exemptions: [{ user: ID.vendorGroup, group: ID.paymentsGroup, reason: 'x' }] })] }, { path: '/rules/0/exemptions/0', message: 'an exemption names exactly one of user and group' }],
    ['an exemption for nobody', { rules: [rule({ exemptions: [{ reason: 'x' }] })] }, { path: '/rules/0/exemptions/0', message: 'an exemption names exactly one of user and group' }],
    ['an expiry that is no date', { rules: [rule({ exemptions: [{ user: ID.vendorGroup, reason: 'x', expires: '2026-13-45' }] })] }, { path: '/rules/0/exemptions/0/expires', message: '"2026-13-45" is not a date' }],
  ])('rejects %s', (_name, section, expected) => {
    expect(problem(section)).toEqual(expected);
  });
});
