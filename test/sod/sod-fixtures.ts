import type { HoldingFactValues } from '../../src/facts/holding-fact-types.js';
import { compileRuleSet } from '../../src/sod/rule-set.js';
import { REQUEST_ID } from '../checks/support.js';

/** Ids of the entitlements the SoD tables use: a vendor side and a payments side, plus admin roles. */
export const ID = {
  vendorPackage: 'b1c2d3e4-0002-4000-8000-00000000b002',
  paymentsPackage: '97979783-38c5-40ae-b74e-404935a04ffd',
  otherPackage: 'c0c0c0c0-0000-4000-8000-00000000c0c0',
  vendorGroup: '1a2b3c4d-0002-4000-8000-00000000a002',
  paymentsGroup: '1a2b3c4d-0001-4000-8000-00000000a001',
  stewardsGroup: '1a2b3c4d-0003-4000-8000-00000000a003',
  exemptGroup: '1a2b3c4d-0009-4000-8000-00000000a009',
  sap: '5a9f0000-0000-4000-8000-00000000c001',
  vendorRole: '5a9f0000-0000-4000-8000-00000000c101',
  paymentRole: '5a9f0000-0000-4000-8000-00000000c102',
  userAdmin: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  auditor: '0f971eea-41eb-4569-a71e-57bb8a3eff1e',
} as const;

/** A policy's separationOfDuties section: two-sided SOD-001, roles SOD-002, three-sided SOD-003. */
export const SECTION = {
  rules: [
    {
      id: 'SOD-001',
      title: 'Vendor maintenance vs payment release',
      owner: 'Finance Controls',
      severity: 'critical',
      action: 'deny',
      mitigatingControl: 'Monthly review',
      sides: [
        { name: 'Maintain vendors', accessPackages: [{ id: ID.vendorPackage, displayName: 'Vendor Master - Maintain' }], groups: [{ id: ID.vendorGroup, displayName: 'Vendor Master Editors' }], appRoles: [{ servicePrincipalId: ID.sap, appRoleId: ID.vendorRole, displayName: 'SAP Vendor Maintain' }] },
        { name: 'Release payments', accessPackages: [{ id: ID.paymentsPackage, displayName: 'Payments - Approver' }], groups: [{ id: ID.paymentsGroup }] },
      ],
      exemptions: [
        { user: '11111111-0000-4000-8000-000000000001', reason: 'Interim cover', ticket: 'RISK-1', expires: '2026-12-31' },
        { user: '11111111-0000-4000-8000-000000000002', reason: 'Old cover', ticket: 'RISK-2', expires: '2026-01-31' },
        { group: ID.exemptGroup, reason: 'Controllers', expires: '2027-06-30T00:00:00Z' },
      ],
    },
    {
      id: 'SOD-002',
      title: 'Payment approvers do not administer users',
      severity: 'high',
      action: 'flag',
      sides: [
        { name: 'Release payments', accessPackages: [{ id: ID.paymentsPackage }] },
        { name: 'Administer users', directoryRoles: [{ roleTemplateId: ID.userAdmin, displayName: 'User Administrator' }, { roleTemplateId: ID.auditor, displayName: 'Auditor', includeEligible: false }] },
      ],
    },
    {
      id: 'SOD-003',
      title: 'Request, approve, audit',
      severity: 'medium',
      action: 'deny',
      sides: [
        { name: 'Request', accessPackages: [{ id: ID.otherPackage }] },
        { name: 'Approve', appRoles: [{ servicePrincipalId: ID.sap, appRoleId: ID.paymentRole, displayName: 'SAP Payment Release' }] },
        { name: 'Audit', groups: [{ id: ID.stewardsGroup, displayName: 'Stewards' }] },
      ],
    },
  ],
};

export const RULES = compileRuleSet(SECTION);

const ref = (id: string, displayName?: string) => ({ id, displayName });

/** The SoD facts of a user who holds nothing, with the requested package granting the payments group and SAP Payment Release. */
export function emptyHoldings(overrides: Partial<HoldingFactValues> = {}): HoldingFactValues {
  return {
    targetPackageAssignments: [],
    targetPackageRequests: [],
    requestedPackage: {
      ...ref(ID.paymentsPackage, 'Payments - Approver'),
      grants: [
        { kind: 'group', groupId: ID.paymentsGroup, role: 'Member', displayName: 'Payment Approvers' },
        { kind: 'appRole', servicePrincipalId: ID.sap, appRoleId: ID.paymentRole, displayName: 'Payment Release', resourceDisplayName: 'SAP' },
      ],
    },
    targetGroups: [],
    targetDirectGroups: [],
    targetActiveRoles: [],
    targetEligibleRoles: [],
    targetAppRoles: [],
    ...overrides,
  };
}

export const assignment = (packageId: string, state = 'delivered', id = 'asg-1') => ({ id, state, accessPackage: ref(packageId, 'Package') });
export const pending = (packageId: string, state = 'pendingApproval', id = '22222222-0000-4000-8000-000000000001', requestType = 'userAdd') => ({ id, state, requestType, accessPackage: ref(packageId, 'Package') });
export const role = (roleTemplateId: string, window: { startDateTime?: string; endDateTime?: string } = {}) => ({ id: `ra-${roleTemplateId.slice(0, 4)}`, roleTemplateId, directoryScopeId: '/', startDateTime: window.startDateTime, endDateTime: window.endDateTime });
export const appRole = (appRoleId: string, via?: { id: string; displayName: string }) => ({
  id: 'ara-1', appRoleId, resourceId: ID.sap, resourceDisplayName: 'SAP', principalType: via ? 'Group' : 'User', principalId: via?.id ?? '5e8b3a43-2f3c-4f6e-9d6a-1b2c3d4e5f60', principalDisplayName: via?.displayName,
});
export const group = (id: string, displayName = 'Group') => ref(id, displayName);
export { REQUEST_ID };
