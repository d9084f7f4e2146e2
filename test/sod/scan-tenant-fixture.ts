/**
 * A small tenant in the tenant file's format, with rules over it, holding one case of each way a
 * scan can find a violation: package assignments (one expired), nested groups, a role through a
 * group, current / ended / future PIM eligibility, app roles direct and through a group (not
 * through a nested one), user and group exemptions, an expired one, a three-sided rule.
 */
const id = (kind: string, n: number) => `${kind}-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const U = (n: number) => id('0000a000', n);
export const G = (n: number) => id('0000b000', n);
export const AP = (n: number) => id('0000c000', n);
export const SP = id('0000d000', 1);
export const APP_ROLE = { maintain: id('0000e000', 1), release: id('0000e000', 2) };
export const ROLE = { userAdmin: 'fe930be7-5e62-47db-91af-98c3a49a38b1', globalAdmin: '62e90394-69f5-4237-9190-012177145e10' };
/** The time the scan is judged at. */
export const SCAN_AT = Date.parse('2026-06-15T12:00:00Z');

const NAMES = ['Ada', 'Ben', 'Cy', 'Di', 'Ed', 'Flo', 'Gus', 'Hal', 'Ivy', 'Jo', 'Kim'];

export function scanTenantFile(): Record<string, unknown> {
  return {
    description: 'Scan fixture',
    users: NAMES.map((name, i) => ({ id: U(i + 1), displayName: name, userPrincipalName: `${name.toLowerCase()}@scan.example`, accountEnabled: true })),
    groups: [
      { id: G(1), displayName: 'Editors', members: [U(1), G(2)] },
      { id: G(2), displayName: 'Nested editors', members: [U(2)] },
      { id: G(3), displayName: 'Helpdesk admins', members: [U(3)] },
      { id: G(4), displayName: 'SAP team', members: [U(4), G(5)] },
      { id: G(5), displayName: 'SAP nested team', members: [U(9)] },
      { id: G(6), displayName: 'Controllers', members: [G(7)] },
      { id: G(7), displayName: 'Nested controllers', members: [U(4)] },
    ],
    servicePrincipals: [{ id: SP, displayName: 'SAP', appRoles: [{ id: APP_ROLE.maintain, displayName: 'Vendor Maintain', value: 'Vendor.Maintain' }, { id: APP_ROLE.release, displayName: 'Payment Release', value: 'Payment.Release' }] }],
    accessPackages: [
      { id: AP(1), displayName: 'Vendor Master', resourceRoleScopes: [] },
      { id: AP(2), displayName: 'Payments', resourceRoleScopes: [] },
    ],
    assignments: [
      { id: id('0000f001', 1), accessPackage: AP(1), target: U(1), state: 'delivered' },
      { id: id('0000f001', 2), accessPackage: AP(1), target: U(10), state: 'expired' },
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => ({ id: id('0000f002', n), accessPackage: AP(2), target: U(n), state: n === 9 ? 'partiallyDelivered' : 'delivered' })),
    ],
    roleAssignments: [
      { id: id('0000f003', 1), principal: G(3), roleTemplateId: ROLE.userAdmin },
      { id: id('0000f003', 2), principal: U(7), roleTemplateId: ROLE.globalAdmin },
    ],
    roleEligibilities: [
      { id: id('0000f004', 1), principal: U(5), roleTemplateId: ROLE.userAdmin, startDateTime: '2026-01-01T00:00:00Z', endDateTime: '2026-09-30T00:00:00Z' },
      { id: id('0000f004', 2), principal: U(6), roleTemplateId: ROLE.userAdmin, startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2026-01-01T00:00:00Z' },
      { id: id('0000f004', 3), principal: U(8), roleTemplateId: ROLE.userAdmin, startDateTime: '2026-07-01T00:00:00Z' },
    ],
    appRoleAssignments: [
      { id: id('0000f005', 1), principal: G(4), servicePrincipal: SP, appRole: APP_ROLE.maintain },
      { id: id('0000f005', 2), principal: U(10), servicePrincipal: SP, appRole: APP_ROLE.release },
      { id: id('0000f005', 3), principal: U(11), servicePrincipal: SP, appRole: APP_ROLE.maintain },
    ],
  };
}

/** A policy's separationOfDuties section over scanTenantFile(). */
export function scanRules(): Record<string, unknown> {
  return {
    rules: [
      {
        id: 'SOD-A',
        title: 'Vendors vs payments',
        owner: 'Finance Controls',
        severity: 'critical',
        action: 'deny',
        sides: [
          { name: 'Maintain vendors', accessPackages: [{ id: AP(1), displayName: 'Vendor Master' }], groups: [{ id: G(1), displayName: 'Editors' }], appRoles: [{ servicePrincipalId: SP, appRoleId: APP_ROLE.maintain, displayName: 'SAP Vendor Maintain' }] },
          { name: 'Release payments', accessPackages: [{ id: AP(2), displayName: 'Payments' }], appRoles: [{ servicePrincipalId: SP, appRoleId: APP_ROLE.release, displayName: 'SAP Payment Release' }] },
        ],
        exemptions: [
          { user: U(1), reason: 'Interim cover', ticket: 'RISK-1', expires: '2026-12-31' },
          { user: U(2), reason: 'Old cover', ticket: 'RISK-2', expires: '2026-01-31' },
          { group: G(6), reason: 'Controllers' },
        ],
      },
      {
        id: 'SOD-B',
        title: 'Payments vs user administration',
        severity: 'high',
        action: 'flag',
        sides: [
          { name: 'Release payments', accessPackages: [{ id: AP(2), displayName: 'Payments' }] },
          { name: 'Administer users', directoryRoles: [{ roleTemplateId: ROLE.userAdmin, displayName: 'User Administrator' }, { roleTemplateId: ROLE.globalAdmin, displayName: 'Global Administrator', includeEligible: false }] },
        ],
      },
      {
        id: 'SOD-C',
        title: 'Request, approve, audit',
        severity: 'medium',
        action: 'deny',
        sides: [
          { name: 'Request', accessPackages: [{ id: AP(1), displayName: 'Vendor Master' }] },
          { name: 'Approve', accessPackages: [{ id: AP(2), displayName: 'Payments' }] },
          { name: 'Audit', groups: [{ id: G(1), displayName: 'Editors' }] },
        ],
      },
    ],
  };
}
