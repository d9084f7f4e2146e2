// The tenant file's governance sections: what the sample tenant holds, and what the loader refuses, naming file and place.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseTenant, readTenantFile, SAMPLE_TENANT_FILE, TenantFileError } from '../../emulator/index.js';
import { PEOPLE, SOD } from './graph-calls.js';

const ROBIN = '65bd6bb2-d72f-4ab0-8294-9da9ba15b140';

const dir = mkdtempSync(join(tmpdir(), 'eg-governance-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const G1 = '33333333-3333-4333-8333-333333333331';
const G2 = '33333333-3333-4333-8333-333333333332';
const G3 = '33333333-3333-4333-8333-333333333333';
const SP = '44444444-4444-4444-8444-444444444444';
const ROLE = '55555555-5555-4555-8555-555555555555';
const PKG = '66666666-6666-4666-8666-666666666666';
const UNKNOWN = '99999999-9999-4999-8999-999999999999';

const person = (id: string) => ({ id, displayName: `User ${id.slice(0, 4)}`, userPrincipalName: `${id.slice(0, 8)}@contoso.example` });
/** A small valid tenant with one of each; `change` replaces sections. */
const tenant = (change: Record<string, unknown> = {}) => ({
  users: [person(A), person(B)],
  groups: [{ id: G1, displayName: 'Finance', members: [A, G2] }, { id: G2, displayName: 'Payables', members: [B] }],
  servicePrincipals: [{ id: SP, displayName: 'ERP', appRoles: [{ id: ROLE, displayName: 'Approve', value: 'ERP.Approve' }] }],
  accessPackages: [{ id: PKG, displayName: 'Approver', resourceRoleScopes: [{ group: G1, role: 'Member' }, { servicePrincipal: SP, appRole: ROLE }] }],
  assignments: [{ id: 'aa000000-0000-4000-8000-000000000001', accessPackage: PKG, target: A }],
  appRoleAssignments: [{ id: 'ab000000-0000-4000-8000-000000000001', principal: G2, servicePrincipal: SP, appRole: ROLE }],
  roleAssignments: [{ id: 'ac000000-0000-4000-8000-000000000001', principal: A, roleTemplateId: SOD.globalAdministrator }],
  roleEligibilities: [{ id: 'ad000000-0000-4000-8000-000000000001', principal: G1, roleTemplateId: SOD.userAdministrator }],
  requests: [{ id: 'ae000000-0000-4000-8000-000000000001', accessPackage: PKG, requestor: B, state: 'pendingApproval' }],
  ...change,
});
const rejects = (value: unknown, message: RegExp) => {
  expect(() => parseTenant(value, 'test tenant')).toThrow(TenantFileError);
  expect(() => parseTenant(value, 'test tenant')).toThrow(message);
};

describe('the sample tenant', () => {
  const sample = readTenantFile(SAMPLE_TENANT_FILE);

  test('keeps every user and request of before, and adds the separation-of-duties people, groups, packages and holdings', () => {
    for (const id of Object.values(PEOPLE)) expect(sample.users.some((u) => u.id === id)).toBe(true);
    expect(sample.groups.find((g) => g.id === SOD.vendorMasterEditors)?.members).toEqual([PEOPLE.taylor, SOD.vendorDataStewards]);
    expect(sample.accessPackages.map((p) => [p.displayName, p.catalog?.displayName, p.resourceRoleScopes.length])).toEqual([['Payments - Approver', 'Finance', 2], ['Vendor Master - Maintain', 'Finance', 2]]);
    expect(sample.assignments.map((a) => [a.target, a.accessPackage, a.state])).toEqual([[PEOPLE.taylor, SOD.vendorMasterMaintain, 'delivered'], [PEOPLE.rowan, SOD.paymentsApprover, 'delivered'], [ROBIN, SOD.vendorMasterMaintain, 'delivered']]);
    expect(sample.roleEligibilities).toEqual([expect.objectContaining({ principal: PEOPLE.noor, roleTemplateId: SOD.userAdministrator, endDateTime: null })]);
    expect(sample.roleAssignments).toEqual([expect.objectContaining({ principal: PEOPLE.sam, roleTemplateId: SOD.globalAdministrator, directoryScopeId: '/' })]);
  });

  test('the separation-of-duties requests: one pending for Vendor Master, the callout ones for Payments with a ticket and 90 days', () => {
    const requests = sample.requests.filter((r) => r.id.startsWith('7e8f9a0b-'));
    expect(requests.map((r) => [r.requestor, r.accessPackage, r.state])).toEqual([
      [PEOPLE.sky, SOD.vendorMasterMaintain, 'pendingApproval'],
      ...[PEOPLE.taylor, PEOPLE.quinn, PEOPLE.sky, PEOPLE.noor, PEOPLE.dana].map((p) => [p, SOD.paymentsApprover, 'submitted']),
    ]);
    for (const r of requests.slice(1)) {
      expect(r.justification).toMatch(/CHG\d{7}/);
      expect((Date.parse(r.schedule.expiration.endDateTime ?? '') - Date.parse(r.schedule.startDateTime ?? '')) / 86_400_000).toBe(90);
    }
    expect(sample.requests.filter((r) => !r.id.startsWith('7e8f9a0b-')).every((r) => r.accessPackage === null && r.requestor === null && r.state === 'submitted')).toBe(true);
  });
});

describe('the loader', () => {
  test('a valid tenant with every section loads; ids are lower-cased; sections are optional', () => {
    const loaded = parseTenant(tenant({ groups: [{ id: G1.toUpperCase(), displayName: 'Finance', description: 'Finance staff', members: [A.toUpperCase(), G2] }, { id: G2, displayName: 'Payables', members: [] }] }), 'test tenant');
    expect(loaded.groups[0]).toEqual({ id: G1, displayName: 'Finance', description: 'Finance staff', members: [A, G2] });
    expect(loaded.requests[0]).toMatchObject({ accessPackage: PKG, requestor: B, state: 'pendingApproval' });
    expect(loaded.roleAssignments[0]?.directoryScopeId).toBe('/');
    expect(parseTenant({ users: [] }).groups).toEqual([]);
  });

  test('an unknown member id', () => {
    rejects(tenant({ groups: [{ id: G1, displayName: 'Finance', members: [A, UNKNOWN] }] }), /test tenant: groups\[0\] 3333.*1 \(Finance\): members\[1\] "9999.*" is not the id of a user or group in the tenant/);
  });

  test('a cycle among nested groups, however long; a group in itself', () => {
    const cycle = [
      { id: G1, displayName: 'Finance', members: [G2] },
      { id: G2, displayName: 'Payables', members: [A, G3] },
      { id: G3, displayName: 'Vendors', members: [G1] },
    ];
    rejects(tenant({ groups: cycle }), /test tenant: groups\[0\] 3333.*1 \(Finance\): members form a cycle: .*\(Finance\) → .*\(Payables\) → .*\(Vendors\) → .*\(Finance\)/);
    rejects(tenant({ groups: [{ id: G1, displayName: 'Finance', members: [G1] }] }), /groups\[0\]\.members names the group itself/);
  });

  test('an assignment to an unknown package, or of a target that is not a user', () => {
    rejects(tenant({ assignments: [{ id: 'aa000000-0000-4000-8000-000000000001', accessPackage: UNKNOWN, target: A }] }), /test tenant: assignments\[0\] aa000000-.*: accessPackage "9999.*" is not the id of an access package in the tenant/);
    rejects(tenant({ assignments: [{ id: 'aa000000-0000-4000-8000-000000000001', accessPackage: PKG, target: G1 }] }), /assignments\[0\] .*: target "3333.*" is not the id of a user in the tenant/);
    rejects(tenant({ assignments: [{ id: 'aa000000-0000-4000-8000-000000000001', accessPackage: PKG, target: A, state: 'active' }] }), /assignments\[0\]\.state "active" is not one of delivered, delivering/);
  });

  test('an app role that is not one of the service principal’s', () => {
    const assignment = { id: 'ab000000-0000-4000-8000-000000000001', principal: A, servicePrincipal: SP, appRole: UNKNOWN };
    rejects(tenant({ appRoleAssignments: [assignment] }), /test tenant: appRoleAssignments\[0\] ab000000-.*: appRole "9999.*" is not an app role of service principal 4444.* \(ERP\); its app roles: 5555.* \(Approve\), or 00000000-0000-0000-0000-000000000000 \(default access\)/);
    expect(parseTenant(tenant({ appRoleAssignments: [{ ...assignment, appRole: '00000000-0000-0000-0000-000000000000' }] })).appRoleAssignments).toHaveLength(1);
    rejects(tenant({ accessPackages: [{ id: PKG, displayName: 'Approver', resourceRoleScopes: [{ servicePrincipal: SP, appRole: UNKNOWN }] }] }), /accessPackages\[0\] 6666.* \(Approver\): resourceRoleScopes\[0\]\.appRole "9999.*" is not an app role/);
  });

  test('other references: package groups and service principals, principals, requests', () => {
    rejects(tenant({ accessPackages: [{ id: PKG, displayName: 'Approver', resourceRoleScopes: [{ group: UNKNOWN, role: 'Owner' }] }] }), /resourceRoleScopes\[0\]\.group "9999.*" is not the id of a group/);
    rejects(tenant({ accessPackages: [{ id: PKG, displayName: 'Approver', resourceRoleScopes: [{ servicePrincipal: UNKNOWN, appRole: ROLE }] }] }), /resourceRoleScopes\[0\]\.servicePrincipal "9999.*" is not the id of a service principal/);
    rejects(tenant({ roleAssignments: [{ id: 'ac000000-0000-4000-8000-000000000001', principal: SP, roleTemplateId: SOD.globalAdministrator }] }), /roleAssignments\[0\] .*: principal "4444.*" is not the id of a user or group/);
    rejects(tenant({ requests: [{ id: 'ae000000-0000-4000-8000-000000000001', requestor: UNKNOWN }] }), /requests\[0\] ae000000-.*: requestor "9999.*" is not the id of a user in the tenant/);
    rejects(tenant({ requests: [{ id: 'ae000000-0000-4000-8000-000000000001', accessPackage: UNKNOWN }] }), /requests\[0\] .*: accessPackage "9999.*" is not the id of an access package/);
    rejects(tenant({ requests: [{ id: 'ae000000-0000-4000-8000-000000000001', state: 'approved' }] }), /requests\[0\]\.state "approved" is not one of submitted, pendingApproval/);
  });

  test('duplicate ids, in a list and across users, groups and service principals', () => {
    rejects(tenant({ groups: [{ id: A, displayName: 'Clash', members: [] }] }), /groups\[0\]\.id "1111.*" is already the id of users\[0\]/);
    rejects(tenant({ servicePrincipals: [{ id: G2, displayName: 'Clash', appRoles: [] }] }), /servicePrincipals\[0\]\.id "3333.*" is already the id of groups\[1\]/);
    rejects(tenant({ servicePrincipals: [{ id: SP, displayName: 'ERP', appRoles: [{ id: ROLE, displayName: 'A', value: 'A' }, { id: ROLE, displayName: 'B', value: 'B' }] }] }), /appRoles\[1\]\.id "5555.*" is already the id of appRoles\[0\]/);
    const twice = { id: 'aa000000-0000-4000-8000-000000000001', accessPackage: PKG, target: A };
    rejects(tenant({ assignments: [twice, { ...twice, target: B }] }), /assignments\[1\]\.id "aa000000-.*" is already the id of assignments\[0\]/);
  });

  test('shapes: a scope of neither kind, a role not Member or Owner, a directory scope, dates, typos', () => {
    rejects(tenant({ accessPackages: [{ id: PKG, displayName: 'Approver', resourceRoleScopes: [{ site: 'x' }] }] }), /resourceRoleScopes\[0\] must be \{ "group": id/);
    rejects(tenant({ accessPackages: [{ id: PKG, displayName: 'Approver', resourceRoleScopes: [{ group: G1, role: 'Admin' }] }] }), /resourceRoleScopes\[0\]\.role "Admin" is not one of Member, Owner/);
    rejects(tenant({ roleAssignments: [{ id: 'ac000000-0000-4000-8000-000000000001', principal: A, roleTemplateId: SOD.globalAdministrator, directoryScopeId: 'tenant' }] }), /directoryScopeId "tenant" does not start with \//);
    rejects(tenant({ roleEligibilities: [{ id: 'ad000000-0000-4000-8000-000000000001', principal: A, roleTemplateId: SOD.userAdministrator, startDateTime: '2026-02-01T00:00:00Z', endDateTime: '2026-01-01T00:00:00Z' }] }), /roleEligibilities\[0\]\.endDateTime is not after startDateTime/);
    rejects(tenant({ groups: [{ id: G1, displayName: 'Finance', memebrs: [] }] }), /groups\[0\] has an unknown property "memebrs"/);
    rejects(tenant({ groups: { id: G1 } }), /test tenant: the tenant\.groups must be a list/);
  });

  test('a tenant file names its path in the message', () => {
    const path = join(dir, 'cycle.json');
    writeFileSync(path, JSON.stringify(tenant({ groups: [{ id: G1, displayName: 'Finance', members: [G2] }, { id: G2, displayName: 'Payables', members: [G1] }] })));
    expect(() => readTenantFile(path)).toThrow(`tenant file ${path}: groups[0] ${G1} (Finance): members form a cycle`);
  });
});
