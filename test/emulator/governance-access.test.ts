// The governance reads on the tenant emulator: the roles each one needs, methods, and faults, route by route.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { EVENTUAL, graphGet, miToken, PEOPLE, SOD } from './graph-calls.js';

let emulator: TenantEmulator;
let defaultRoles: string[];
const ELM = '/v1.0/identityGovernance/entitlementManagement';
const filter = (expression: string) => `$filter=${encodeURIComponent(expression)}`;
const ELM_ROLES = ['EntitlementManagement.Read.All', 'EntitlementManagement.ReadWrite.All'];
const MEMBER_OF_ROLES = ['User.Read.All', 'Directory.Read.All', 'GroupMember.Read.All', 'Group.Read.All'];
const MEMBERS_ROLES = ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All'];

interface Route {
  readonly name: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  /** The application roles Graph documents for it, any one of which is enough. */
  readonly roles: readonly string[];
}

const ROUTES: readonly Route[] = [
  { name: 'assignments', path: `${ELM}/assignments?${filter(`target/objectId eq '${PEOPLE.taylor}'`)}`, roles: ELM_ROLES },
  { name: 'assignment requests', path: `${ELM}/assignmentRequests?${filter(`requestor/objectId eq '${PEOPLE.sky}'`)}`, roles: ELM_ROLES },
  { name: 'an access package', path: `${ELM}/accessPackages/${SOD.paymentsApprover}?$expand=resourceRoleScopes($expand=role,scope)`, roles: ELM_ROLES },
  { name: 'memberOf', path: `/v1.0/users/${PEOPLE.quinn}/memberOf`, roles: MEMBER_OF_ROLES },
  { name: 'transitiveMemberOf, cast', path: `/v1.0/users/${PEOPLE.quinn}/transitiveMemberOf/microsoft.graph.group?$count=true`, headers: EVENTUAL, roles: MEMBER_OF_ROLES },
  { name: 'members', path: `/beta/groups/${SOD.vendorMasterEditors}/members`, roles: MEMBERS_ROLES },
  { name: 'transitiveMembers, cast', path: `/v1.0/groups/${SOD.vendorMasterEditors}/transitiveMembers/microsoft.graph.user?$count=true`, headers: EVENTUAL, roles: MEMBERS_ROLES },
  { name: 'roleAssignments', path: `/v1.0/roleManagement/directory/roleAssignments?${filter(`principalId eq '${PEOPLE.sam}'`)}`, roles: ['RoleManagement.Read.Directory', 'RoleManagement.Read.All', 'Directory.Read.All'] },
  {
    name: 'roleEligibilitySchedules',
    path: `/v1.0/roleManagement/directory/roleEligibilitySchedules?${filter(`principalId eq '${PEOPLE.noor}'`)}`,
    roles: ['RoleEligibilitySchedule.Read.Directory', 'RoleManagement.Read.Directory', 'RoleManagement.Read.All'],
  },
  { name: "a user's appRoleAssignments", path: `/v1.0/users/${PEOPLE.dana}/appRoleAssignments`, roles: ['Directory.Read.All', 'AppRoleAssignment.ReadWrite.All'] },
  { name: 'appRoleAssignedTo', path: `/v1.0/servicePrincipals/${SOD.sap}/appRoleAssignedTo`, roles: ['Application.Read.All', 'Directory.Read.All'] },
];

/** A token carrying exactly these roles. */
async function tokenWith(roles: readonly string[]): Promise<string> {
  emulator.managedIdentityRoles = [...roles];
  return miToken(emulator);
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  defaultRoles = [...emulator.managedIdentityRoles];
});
afterEach(() => {
  emulator.managedIdentityRoles = [...defaultRoles];
  emulator.faults.clear();
});
afterAll(() => emulator.close());

describe('roles', () => {
  test('the default roles read every route', async () => {
    const token = await tokenWith(defaultRoles);
    for (const route of ROUTES) expect([route.name, (await graphGet(emulator, route.path, token, route.headers)).status]).toEqual([route.name, 200]);
  });

  test.each(ROUTES)('$name: 403 Authorization_RequestDenied without any of its roles, 200 with each alone', async (route) => {
    const without = await tokenWith(defaultRoles.filter((r) => !route.roles.includes(r)));
    const denied = await graphGet(emulator, route.path, without, route.headers);
    expect(denied.status).toBe(403);
    expect(denied.json).toMatchObject({ error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } });
    for (const role of route.roles) expect([role, (await graphGet(emulator, route.path, await tokenWith([role]), route.headers)).status]).toEqual([role, 200]);
  });

  test("User.Read.All is not enough for a user's app role assignments (Graph's least privilege is Directory.Read.All)", async () => {
    expect((await graphGet(emulator, `/v1.0/users/${PEOPLE.dana}/appRoleAssignments`, await tokenWith(['User.Read.All']))).status).toBe(403);
    expect((await graphGet(emulator, `/v1.0/users/${PEOPLE.dana}/memberOf`, await tokenWith(['User.Read.All']))).status).toBe(200);
  });

  test('no token or a bad one → 401', async () => {
    for (const route of ROUTES) {
      expect((await graphGet(emulator, route.path, 'garbage', route.headers)).json).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
      expect((await fetch(`${emulator.origin}${route.path}`)).status).toBe(401);
    }
  });

  test('the managed identity is granted the roles the holding reads need', () => {
    expect(defaultRoles).toEqual(expect.arrayContaining(['GroupMember.Read.All', 'RoleManagement.Read.Directory', 'RoleEligibilitySchedule.Read.Directory', 'Directory.Read.All', 'Application.Read.All']));
  });
});

describe('methods', () => {
  test.each(ROUTES)('$name: GET only (405)', async (route) => {
    const token = await tokenWith(defaultRoles);
    const response = await fetch(`${emulator.origin}${route.path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...route.headers }, body: '{}' });
    expect(response.status).toBe(405);
  });
});

describe('faults and call records', () => {
  test('apply to the governance reads as to any Graph call', async () => {
    const token = await tokenWith(defaultRoles);
    emulator.clearCalls();
    emulator.faults.add({ service: 'graph', path: '/transitiveMemberOf', action: { status: 503, retryAfter: 3 } });
    emulator.faults.add({ service: 'graph', path: /\/roleEligibilitySchedules$/, action: { status: 429 } });
    emulator.faults.add({ service: 'graph', path: '/appRoleAssignedTo', action: { drop: 'before-handling' } });
    const [cast, eligibilities, assignedTo] = [ROUTES[4], ROUTES[8], ROUTES[10]] as [Route, Route, Route];
    const failed = await graphGet(emulator, cast.path, token, cast.headers);
    expect([failed.status, failed.headers.get('retry-after'), failed.json]).toEqual([503, '3', expect.objectContaining({ error: expect.objectContaining({ code: 'ServiceUnavailable' }) as unknown })]);
    expect((await graphGet(emulator, cast.path, token, cast.headers)).status).toBe(200);
    expect((await graphGet(emulator, eligibilities.path, token)).status).toBe(429);
    await expect(graphGet(emulator, assignedTo.path, token)).rejects.toThrow();
    expect(emulator.calls({ service: 'graph' }).map((c) => [c.status, c.fault ?? null])).toEqual([[503, 'status 503'], [200, null], [429, 'status 429'], ['dropped', 'drop before handling']]);
    expect(emulator.calls({ pathIncludes: '/transitiveMemberOf' })[1]?.query).toBe('?$count=true');
  });
});
