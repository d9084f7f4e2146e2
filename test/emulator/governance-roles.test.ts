// Directory roles (active and PIM-eligible) and app role assignments on the tenant emulator.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { EVENTUAL, graphGet, graphPages, itemsOf, miToken, PEOPLE, SOD, type Json } from './graph-calls.js';

let emulator: TenantEmulator;
let token: string;
const ROLES = '/v1.0/roleManagement/directory';
const SAM_GLOBAL_ADMIN = 'ac000000-0000-4000-8000-000000000001';
const NOOR_ELIGIBLE = 'ad000000-0000-4000-8000-000000000001';
const APP_ROLE_SELECT = '$select=id,appRoleId,resourceId,resourceDisplayName,principalId,principalType,principalDisplayName&$top=999&$count=true';

const get = (path: string, headers: Record<string, string> = {}) => graphGet(emulator, path, token, headers);
const filter = (expression: string) => `$filter=${encodeURIComponent(expression)}`;
const ids = (json: Json) => (json['value'] as Json[]).map((v) => v['id']);

beforeAll(async () => {
  emulator = await startTestEmulator();
  token = await miToken(emulator);
});
afterEach(() => {
  emulator.governance.pageSize = 100;
});
afterAll(() => emulator.close());

describe('GET /roleManagement/directory/roleAssignments', () => {
  test.each([
    ['principalId', `principalId eq '${PEOPLE.sam}'`, [SAM_GLOBAL_ADMIN]],
    ['roleDefinitionId (the template id)', `roleDefinitionId eq '${SOD.globalAdministrator}'`, [SAM_GLOBAL_ADMIN]],
    ['both', `PrincipalId eq '${PEOPLE.sam}' and roleDefinitionId eq '${SOD.userAdministrator}'`, []],
    ['a user with no active role', `principalId eq '${PEOPLE.noor}'`, []],
  ])('$filter on %s', async (_, expression, expected) => {
    expect(ids((await get(`${ROLES}/roleAssignments?${filter(expression)}`)).json)).toEqual(expected);
  });

  test('the item, and with $select as the holding read asks', async () => {
    const all = await get(`${ROLES}/roleAssignments?${filter(`principalId eq '${PEOPLE.sam}'`)}`);
    expect(all.json['value']).toEqual([{ id: SAM_GLOBAL_ADMIN, principalId: PEOPLE.sam, roleDefinitionId: SOD.globalAdministrator, directoryScopeId: '/' }]);
    const selected = await get(`${ROLES}/roleAssignments?${filter(`principalId eq '${PEOPLE.sam}'`)}&$select=id,roleDefinitionId,directoryScopeId`);
    expect(selected.json).toEqual({
      '@odata.context': expect.stringContaining('roleAssignments(id,roleDefinitionId,directoryScopeId)') as unknown,
      value: [{ id: SAM_GLOBAL_ADMIN, roleDefinitionId: SOD.globalAdministrator, directoryScopeId: '/' }],
    });
  });

  test('$expand=principal: a user or a group as a directoryObject', async () => {
    const added = emulator.governance.addRoleAssignment({ principal: SOD.sapVendorTeam, roleTemplateId: SOD.globalAdministrator, directoryScopeId: '/administrativeUnits/1' });
    try {
      const { json } = await get(`${ROLES}/roleAssignments?${filter(`roleDefinitionId eq '${SOD.globalAdministrator}'`)}&$expand=principal`);
      expect((json['value'] as Json[]).map((r) => [r['directoryScopeId'], r['principal']])).toEqual([
        ['/', { '@odata.type': '#microsoft.graph.user', id: PEOPLE.sam, displayName: 'Sam Rivera' }],
        ['/administrativeUnits/1', { '@odata.type': '#microsoft.graph.group', id: SOD.sapVendorTeam, displayName: 'SAP Vendor Team' }],
      ]);
      expect((await get(`${ROLES}/roleAssignments?$expand=principal($select=id)`)).json['value']).toEqual([
        expect.objectContaining({ principal: { '@odata.type': '#microsoft.graph.user', id: PEOPLE.sam } }),
        expect.objectContaining({ principal: { '@odata.type': '#microsoft.graph.group', id: SOD.sapVendorTeam } }),
      ]);
    } finally {
      emulator.governance.removeRoleAssignment(added.id);
    }
  });

  test.each([
    ['a property not served', `appScopeId eq '${PEOPLE.sam}'`],
    ['in', `principalId in ('${PEOPLE.sam}')`],
    ['an unquoted GUID', `principalId eq ${PEOPLE.sam}`],
  ])('400 Request_UnsupportedQuery: %s', async (_, expression) => {
    expect((await get(`${ROLES}/roleAssignments?${filter(expression)}`)).json).toMatchObject({ error: { code: 'Request_UnsupportedQuery' } });
  });

  test('other role management paths → 400', async () => {
    expect((await get(`${ROLES}/roleDefinitions`)).status).toBe(400);
    expect((await get(`${ROLES}/roleAssignments/${SAM_GLOBAL_ADMIN}`)).status).toBe(400);
  });
});

describe('GET /roleManagement/directory/roleEligibilitySchedules', () => {
  test("Noor's eligibility: direct, provisioned, no expiration", async () => {
    const { json } = await get(`${ROLES}/roleEligibilitySchedules?${filter(`principalId eq '${PEOPLE.noor}'`)}&$expand=principal`);
    expect(json['value']).toEqual([
      {
        id: NOOR_ELIGIBLE,
        principalId: PEOPLE.noor,
        roleDefinitionId: SOD.userAdministrator,
        directoryScopeId: '/',
        memberType: 'Direct',
        status: 'Provisioned',
        scheduleInfo: { startDateTime: '2026-06-01T00:00:00Z', recurrence: null, expiration: { type: 'noExpiration', endDateTime: null, duration: null } },
        principal: { '@odata.type': '#microsoft.graph.user', id: PEOPLE.noor, displayName: 'Noor Haddad' },
      },
    ]);
  });

  test('an eligibility with an end date expires afterDateTime; $select and filters by role, paged', async () => {
    const added = emulator.governance.addRoleEligibility({ principal: PEOPLE.dana, roleTemplateId: SOD.userAdministrator, startDateTime: '2026-01-01T00:00:00Z', endDateTime: '2027-01-01T00:00:00Z' });
    try {
      emulator.governance.pageSize = 1;
      const pages = await graphPages(emulator, `${ROLES}/roleEligibilitySchedules?${filter(`roleDefinitionId eq '${SOD.userAdministrator}'`)}&$select=id,scheduleInfo`, token);
      expect(pages).toHaveLength(2);
      expect(itemsOf(pages)).toEqual([
        { id: NOOR_ELIGIBLE, scheduleInfo: expect.objectContaining({ expiration: expect.objectContaining({ type: 'noExpiration' }) as unknown }) as unknown },
        { id: added.id, scheduleInfo: { startDateTime: '2026-01-01T00:00:00Z', recurrence: null, expiration: { type: 'afterDateTime', endDateTime: '2027-01-01T00:00:00Z', duration: null } } },
      ]);
    } finally {
      emulator.governance.removeRoleEligibility(added.id);
    }
    expect(() => emulator.governance.addRoleEligibility({ principal: PEOPLE.dana, roleTemplateId: SOD.userAdministrator, startDateTime: '2027-01-01T00:00:00Z', endDateTime: '2026-01-01T00:00:00Z' })).toThrow(/endDateTime is not after startDateTime/);
    expect(() => emulator.governance.addRoleAssignment({ principal: SOD.sap, roleTemplateId: SOD.userAdministrator })).toThrow(/principal "5a9f.*" is not the id of a user or group/);
  });
});

describe('GET /users/{id}/appRoleAssignments', () => {
  test("a user's own, and those of groups the user is a direct member of, as the holding read asks", async () => {
    const taylor = await get(`/v1.0/users/${PEOPLE.taylor}/appRoleAssignments?${APP_ROLE_SELECT}`, EVENTUAL);
    expect(taylor.json).toMatchObject({ '@odata.count': 1 });
    expect(taylor.json['value']).toEqual([
      { id: 'ab000000-0000-4000-8000-000000000001', appRoleId: SOD.vendorMaintain, resourceId: SOD.sap, resourceDisplayName: 'SAP S/4HANA Finance', principalId: PEOPLE.taylor, principalType: 'User', principalDisplayName: 'Taylor Brooks' },
    ]);
    const dana = await get(`/v1.0/users/${PEOPLE.dana}/appRoleAssignments`);
    expect(dana.json['value']).toEqual([
      {
        id: 'ab000000-0000-4000-8000-000000000002',
        appRoleId: SOD.vendorMaintain,
        createdDateTime: '2024-05-20T09:00:00Z',
        deletedDateTime: null,
        principalId: SOD.sapVendorTeam,
        principalType: 'Group',
        principalDisplayName: 'SAP Vendor Team',
        resourceId: SOD.sap,
        resourceDisplayName: 'SAP S/4HANA Finance',
      },
    ]);
  });

  test('nested groups pass no app role on: granted to Vendor Master Editors, Taylor has it and Quinn (through Vendor Data Stewards) does not', async () => {
    const grant = emulator.governance.addAppRoleAssignment({ principal: SOD.vendorMasterEditors, servicePrincipal: SOD.sap, appRole: '00000000-0000-0000-0000-000000000000' });
    try {
      expect(ids((await get(`/v1.0/users/${PEOPLE.taylor}/appRoleAssignments`)).json)).toEqual(['ab000000-0000-4000-8000-000000000001', grant.id]);
      expect(ids((await get(`/v1.0/users/${PEOPLE.quinn}/appRoleAssignments`)).json)).toEqual([]);
    } finally {
      emulator.governance.removeAppRoleAssignment(grant.id);
    }
  });

  test('an unknown user → 404; $filter is not served; an app role the service principal lacks is refused', async () => {
    expect((await get('/v1.0/users/00000000-0000-4000-8000-000000000000/appRoleAssignments')).json).toMatchObject({ error: { code: 'Request_ResourceNotFound' } });
    expect((await get(`/v1.0/users/${PEOPLE.taylor}/appRoleAssignments?${filter(`resourceId eq '${SOD.sap}'`)}`)).json).toMatchObject({ error: { code: 'Request_UnsupportedQuery' } });
    expect(() => emulator.governance.addAppRoleAssignment({ principal: PEOPLE.sky, servicePrincipal: SOD.sap, appRole: SOD.paymentsApprover })).toThrow(
      /addAppRoleAssignment: .*appRole "97979783-.*" is not an app role of service principal 5a9f0000-.* \(SAP S\/4HANA Finance\)/,
    );
  });
});

describe('GET /servicePrincipals/{id}/appRoleAssignedTo', () => {
  test('every assignment of its app roles, to users and groups', async () => {
    const { json } = await get(`/beta/servicePrincipals/${SOD.sap}/appRoleAssignedTo?$select=principalId,principalType,appRoleId`);
    expect(json['value']).toEqual([
      { id: 'ab000000-0000-4000-8000-000000000001', principalId: PEOPLE.taylor, principalType: 'User', appRoleId: SOD.vendorMaintain },
      { id: 'ab000000-0000-4000-8000-000000000002', principalId: SOD.sapVendorTeam, principalType: 'Group', appRoleId: SOD.vendorMaintain },
      { id: 'ab000000-0000-4000-8000-000000000003', principalId: PEOPLE.rowan, principalType: 'User', appRoleId: SOD.paymentRelease },
    ]);
  });

  test('an unknown service principal → 404; other paths → 400', async () => {
    expect((await get('/v1.0/servicePrincipals/00000000-0000-4000-8000-000000000000/appRoleAssignedTo')).status).toBe(404);
    expect((await get(`/v1.0/servicePrincipals/${SOD.sap}/owners`)).status).toBe(400);
  });
});
