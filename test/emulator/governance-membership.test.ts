// Group memberships on the tenant emulator: a user's groups (direct and through nesting), a group's members, OData casts.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { EVENTUAL, graphGet, graphPages, itemsOf, miToken, PEOPLE, SOD, type Json } from './graph-calls.js';

let emulator: TenantEmulator;
let token: string;
const GROUPS = 'microsoft.graph.group';
const USERS = 'microsoft.graph.user';

const get = (path: string, headers: Record<string, string> = {}, bearer = token) => graphGet(emulator, path, bearer, headers);
const ids = (json: Json) => (json['value'] as Json[]).map((v) => v['id']);

beforeAll(async () => {
  emulator = await startTestEmulator();
  token = await miToken(emulator);
});
afterEach(() => {
  emulator.governance.pageSize = 100;
});
afterAll(() => emulator.close());

describe('GET /users/{id}/memberOf and /transitiveMemberOf', () => {
  test.each([
    ['Quinn, in a group nested in another', PEOPLE.quinn, [SOD.vendorDataStewards], [SOD.vendorDataStewards, SOD.vendorMasterEditors]],
    ['Taylor, a direct member', PEOPLE.taylor, [SOD.vendorMasterEditors], [SOD.vendorMasterEditors]],
    ['Dana', PEOPLE.dana, [SOD.sapVendorTeam], [SOD.sapVendorTeam]],
    ['Avery, in no group', PEOPLE.avery, [], []],
  ])('%s', async (_, user, direct, transitive) => {
    for (const version of ['v1.0', 'beta']) {
      expect(ids((await get(`/${version}/users/${user}/memberOf`)).json)).toEqual(direct);
      expect(ids((await get(`/${version}/users/${user}/transitiveMemberOf`)).json)).toEqual(transitive);
    }
  });

  test('the cast to microsoft.graph.group with ConsistencyLevel: eventual and $count=true, as the holding read asks', async () => {
    const { status, json } = await get(`/v1.0/users/${PEOPLE.quinn}/transitiveMemberOf/${GROUPS}?$select=id,displayName&$top=999&$count=true`, EVENTUAL);
    expect(status).toBe(200);
    expect(json).toEqual({
      '@odata.context': expect.stringContaining('#groups(id,displayName)') as unknown,
      '@odata.count': 2,
      value: [
        { '@odata.type': '#microsoft.graph.group', id: SOD.vendorDataStewards, displayName: 'Vendor Data Stewards' },
        { '@odata.type': '#microsoft.graph.group', id: SOD.vendorMasterEditors, displayName: 'Vendor Master Editors' },
      ],
    });
    expect((await get(`/v1.0/users/${PEOPLE.quinn}/memberOf/${GROUPS}?$count=true`, EVENTUAL)).json['value']).toEqual([
      expect.objectContaining({ id: SOD.vendorDataStewards, securityEnabled: true, mailEnabled: false, groupTypes: [] }),
    ]);
  });

  test.each([
    ['without ConsistencyLevel', `transitiveMemberOf/${GROUPS}?$count=true`, {}],
    ['without $count=true', `transitiveMemberOf/${GROUPS}`, EVENTUAL],
    ['with $count=false', `memberOf/${GROUPS}?$count=false`, EVENTUAL],
  ])('the cast %s → 400 Request_UnsupportedQuery', async (_, relation, headers) => {
    const { status, json } = await get(`/v1.0/users/${PEOPLE.quinn}/${relation}`, headers);
    expect(status).toBe(400);
    expect(json).toMatchObject({ error: { code: 'Request_UnsupportedQuery', message: expect.stringContaining('ConsistencyLevel') as unknown } });
  });

  test('by userPrincipalName; an unknown user → 404; another cast, $filter or property → 400', async () => {
    expect(ids((await get('/v1.0/users/Quinn.Park@contoso.example/transitiveMemberOf')).json)).toHaveLength(2);
    const missing = await get(`/v1.0/users/00000000-0000-4000-8000-000000000000/transitiveMemberOf/${GROUPS}?$count=true`, EVENTUAL);
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error: { code: 'Request_ResourceNotFound' } });
    expect((await get(`/v1.0/users/${PEOPLE.quinn}/memberOf/${USERS}?$count=true`, EVENTUAL)).json).toMatchObject({ error: { code: 'Request_UnsupportedQuery' } });
    expect((await get(`/v1.0/users/${PEOPLE.quinn}/memberOf?$filter=${encodeURIComponent(`id eq '${SOD.vendorDataStewards}'`)}`)).json).toMatchObject({ error: { code: 'Request_UnsupportedQuery' } });
    expect((await get(`/v1.0/users/${PEOPLE.quinn}/memberOf?$select=userPrincipalName`)).status).toBe(400);
    expect((await get(`/v1.0/users/${PEOPLE.quinn}/memberOf/${GROUPS}/extra?$count=true`, EVENTUAL)).status).toBe(400);
  });

  test('the manager and sponsors routes are untouched', async () => {
    expect((await get(`/v1.0/users/${PEOPLE.avery}/manager?$select=id`)).json).toMatchObject({ id: PEOPLE.morgan });
    expect(ids((await get(`/v1.0/users/${PEOPLE.alex}/sponsors?$select=id`)).json)).toHaveLength(3);
  });
});

describe('GET /groups/{id}/members and /transitiveMembers', () => {
  test('direct members include the nested group; transitive members add its members', async () => {
    const direct = await get(`/v1.0/groups/${SOD.vendorMasterEditors}/members?$select=id,displayName`);
    expect(direct.json['value']).toEqual([
      { '@odata.type': '#microsoft.graph.user', id: PEOPLE.taylor, displayName: 'Taylor Brooks' },
      { '@odata.type': '#microsoft.graph.group', id: SOD.vendorDataStewards, displayName: 'Vendor Data Stewards' },
    ]);
    expect(ids((await get(`/beta/groups/${SOD.vendorMasterEditors}/transitiveMembers`)).json)).toEqual([PEOPLE.taylor, SOD.vendorDataStewards, PEOPLE.quinn]);
  });

  test('cast to microsoft.graph.user: users only, projected as the directory projects them', async () => {
    const { json } = await get(`/v1.0/groups/${SOD.vendorMasterEditors}/transitiveMembers/${USERS}?$count=true`, EVENTUAL);
    expect(json['@odata.count']).toBe(2);
    expect(json['@odata.context']).toContain('#users');
    const [taylor] = json['value'] as Json[];
    expect(taylor).toMatchObject({ '@odata.type': '#microsoft.graph.user', id: PEOPLE.taylor, displayName: 'Taylor Brooks', userPrincipalName: 'taylor@contoso.example', jobTitle: 'Vendor Master Data Specialist', businessPhones: [] });
    expect(ids(json)).toEqual([PEOPLE.taylor, PEOPLE.quinn]);
    expect(ids((await get(`/v1.0/groups/${SOD.vendorMasterEditors}/transitiveMembers/${GROUPS}?$count=true`, EVENTUAL)).json)).toEqual([SOD.vendorDataStewards]);
    expect((await get(`/v1.0/groups/${SOD.vendorMasterEditors}/members/${USERS}`)).json).toMatchObject({ error: { code: 'Request_UnsupportedQuery' } });
  });

  test('$select: each kind answers the properties it has; a name neither has → 400; the leave date needs User-LifeCycleInfo', async () => {
    const { json } = await get(`/v1.0/groups/${SOD.vendorMasterEditors}/members?$select=userPrincipalName,description`);
    expect(json['value']).toEqual([
      { '@odata.type': '#microsoft.graph.user', id: PEOPLE.taylor, userPrincipalName: 'taylor@contoso.example' },
      { '@odata.type': '#microsoft.graph.group', id: SOD.vendorDataStewards, description: expect.stringContaining('Vendor data quality') as unknown },
    ]);
    expect((await get(`/v1.0/groups/${SOD.vendorMasterEditors}/members?$select=colour`)).json).toMatchObject({ error: { code: 'BadRequest' } });
    expect((await get(`/v1.0/groups/${SOD.vendorMasterEditors}/transitiveMembers/${USERS}?$count=true&$select=description`, EVENTUAL)).status).toBe(400);
    const roles = emulator.managedIdentityRoles;
    try {
      emulator.managedIdentityRoles = roles.filter((r) => r !== 'User-LifeCycleInfo.Read.All');
      expect((await get(`/v1.0/groups/${SOD.paymentApprovers}/members?$select=employeeLeaveDateTime`, {}, await miToken(emulator))).status).toBe(403);
    } finally {
      emulator.managedIdentityRoles = roles;
    }
  });

  test('pages of pageSize or $top through an absolute nextLink; a skiptoken of another group → 400', async () => {
    emulator.governance.pageSize = 1;
    const pages = await graphPages(emulator, `/v1.0/groups/${SOD.vendorMasterEditors}/transitiveMembers?$select=id`, token);
    expect(pages.map((p) => ids(p.json))).toEqual([[PEOPLE.taylor], [SOD.vendorDataStewards], [PEOPLE.quinn]]);
    expect(String(pages[0]?.json['@odata.nextLink'])).toMatch(new RegExp(`^${emulator.origin.replaceAll('.', '\\.')}/v1\\.0/groups/${SOD.vendorMasterEditors}/transitiveMembers\\?\\$select=id&\\$skiptoken=[\\w-]+$`));
    const top = await graphPages(emulator, `/v1.0/groups/${SOD.vendorMasterEditors}/transitiveMembers/${USERS}?$top=1&$count=true`, token, EVENTUAL);
    expect(top.map((p) => p.status)).toEqual([200, 200]);
    expect(itemsOf(top).map((u) => u['id'])).toEqual([PEOPLE.taylor, PEOPLE.quinn]);
    const skiptoken = new URL(String(pages[0]?.json['@odata.nextLink'])).searchParams.get('$skiptoken') ?? '';
    expect((await get(`/v1.0/groups/${SOD.paymentApprovers}/transitiveMembers?$skiptoken=${skiptoken}`)).json).toMatchObject({ error: { code: 'Directory_InvalidPageToken' } });
  });

  test('an unknown group → 404; other group paths → 400', async () => {
    expect((await get('/v1.0/groups/00000000-0000-4000-8000-000000000000/members')).json).toMatchObject({ error: { code: 'Request_ResourceNotFound' } });
    expect((await get(`/v1.0/groups/${SOD.paymentApprovers}`)).status).toBe(400);
    expect((await get(`/v1.0/groups/${SOD.paymentApprovers}/owners`)).status).toBe(400);
  });
});

describe('changing memberships from a test', () => {
  test('a member added to a nested group is a transitive member of the outer one, until removed', async () => {
    emulator.governance.addGroupMember(SOD.vendorDataStewards, PEOPLE.sky);
    try {
      expect(ids((await get(`/v1.0/users/${PEOPLE.sky}/transitiveMemberOf`)).json)).toEqual([SOD.vendorDataStewards, SOD.vendorMasterEditors]);
      expect(ids((await get(`/v1.0/groups/${SOD.vendorMasterEditors}/transitiveMembers`)).json)).toContain(PEOPLE.sky);
    } finally {
      emulator.governance.removeGroupMember(SOD.vendorDataStewards, PEOPLE.sky);
    }
    expect(ids((await get(`/v1.0/users/${PEOPLE.sky}/transitiveMemberOf`)).json)).toEqual([]);
  });

  test('nesting a group in itself, directly or not, and unknown ids are refused', () => {
    expect(() => { emulator.governance.addGroupMember(SOD.vendorDataStewards, SOD.vendorMasterEditors); }).toThrow(/would make a cycle/);
    expect(() => { emulator.governance.addGroupMember(SOD.sapVendorTeam, SOD.sapVendorTeam); }).toThrow(/would make a cycle/);
    expect(() => { emulator.governance.addGroupMember(SOD.sapVendorTeam, '99999999-9999-4999-8999-999999999999'); }).toThrow(/is not the id of a user or group/);
    expect(() => { emulator.governance.addGroupMember('99999999-9999-4999-8999-999999999999', PEOPLE.sky); }).toThrow(/no group 9999/);
    expect(() => { emulator.governance.removeGroupMember(SOD.sapVendorTeam, PEOPLE.sky); }).toThrow(/is not a direct member/);
  });

  test('a new group, nested; a removed user leaves its groups', async () => {
    const id = '1a2b3c4d-0009-4000-8000-00000000a009';
    const user = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8aa';
    emulator.directory.upsertUser({ id: user, displayName: 'Temp Steward', userPrincipalName: 'temp.steward@contoso.example' });
    emulator.governance.addGroup({ id, displayName: 'Vendor Interns', members: [user] });
    emulator.governance.addGroupMember(SOD.vendorMasterEditors, id);
    try {
      expect(ids((await get(`/v1.0/users/${user}/transitiveMemberOf`)).json)).toEqual([id, SOD.vendorMasterEditors]);
      expect(() => emulator.governance.addGroup({ id: PEOPLE.sky, displayName: 'Clash' })).toThrow(/already the id of a directory object/);
      emulator.directory.removeUser(user);
      expect(ids((await get(`/v1.0/groups/${id}/members`)).json)).toEqual([]);
    } finally {
      emulator.governance.removeGroupMember(SOD.vendorMasterEditors, id);
    }
  });
});
