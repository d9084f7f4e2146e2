// Graph's /servicePrincipals routes as the tenant emulator serves them for `npm run grant-permissions`:
// Microsoft Graph's service principal by app id, a service principal by id, the app roles granted to
// one (paged) and granting one; Graph's permission checks, its refusals, answers of Graph's published
// types, and a managed identity's replication lag (msgraph-bicep-types#193).
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { MICROSOFT_GRAPH_APP_ID, MICROSOFT_GRAPH_APP_ROLES, TenantFileError, type TenantEmulator } from '../../emulator/index.js';
import { schemaFindings } from '../../emulator/graph/graph-schema-check.js';
import { startTestEmulator } from '../support/emulator.js';
import { graphGet, graphPages, itemsOf, SOD, type Json } from './graph-calls.js';
import { graphSend } from './graph-writes.js';

const G = 'microsoft.graph';
const DEPLOYER_ROLES = ['AppRoleAssignment.ReadWrite.All', 'Application.Read.All'];
const MI = 'bbbbbbbb-0000-4000-8000-000000000001';
const MI_APP = 'bbbbbbbb-0000-4000-8000-0000000000a1';
const API = 'bbbbbbbb-0000-4000-8000-000000000002';
const INVOKE = 'bbbbbbbb-0000-4000-8000-0000000000b1';
const ADMIN_ONLY = 'bbbbbbbb-0000-4000-8000-0000000000b2';

let emulator: TenantEmulator;
let token: string;
let graphSp: string;
let now = 0;

beforeAll(async () => {
  emulator = await startTestEmulator();
  emulator.servicePrincipals.clock = () => now;
  token = await emulator.mintGraphToken(DEPLOYER_ROLES);
  graphSp = emulator.servicePrincipals.microsoftGraph?.id ?? '';
  emulator.servicePrincipals.add({
    id: API,
    displayName: 'entitlement-guard API',
    appRoles: [{ id: INVOKE, value: 'Callout.Invoke' }, { id: ADMIN_ONLY, value: 'Admin', allowedMemberTypes: ['User'] }],
  });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.faults.clear();
});

const grantPath = (principal: string, version = 'v1.0') => `/${version}/servicePrincipals/${principal}/appRoleAssignments`;
const grantBody = (principal: string, resourceId: string, appRoleId: string) => ({ principalId: principal, resourceId, appRoleId });
const errorOf = (json: Json) => json['error'] as { code: string; message: string };

describe("GET /servicePrincipals?$filter=appId eq '…': Microsoft Graph's service principal", () => {
  test('has its application permissions as app roles, with the ids Microsoft publishes, in the published types', async () => {
    for (const version of ['v1.0', 'beta'] as const) {
      const { status, json } = await graphGet(emulator, `/${version}/servicePrincipals?$filter=appId eq '${MICROSOFT_GRAPH_APP_ID}'&$select=id,appId,appRoles`, token);
      expect(status).toBe(200);
      const [sp, ...others] = json['value'] as Json[];
      expect(others).toEqual([]);
      expect(sp).toMatchObject({ id: graphSp, appId: MICROSOFT_GRAPH_APP_ID });
      const roles = (sp?.['appRoles'] ?? []) as Json[];
      expect(roles.find((r) => r['value'] === 'EntitlementManagement.Read.All')).toMatchObject({ id: 'c74fd47d-ed3c-45c3-9a9e-b8676de685d2', allowedMemberTypes: ['Application'], isEnabled: true });
      expect(Object.fromEntries(roles.map((r) => [r['value'], r['id']]))).toEqual(MICROSOFT_GRAPH_APP_ROLES);
      expect(schemaFindings(version, sp, `${G}.servicePrincipal`)).toEqual([]);
      expect(json['@odata.context']).toBe(`https://graph.microsoft.com/${version}/$metadata#servicePrincipals(id,appId,appRoles)`);
    }
  });

  test('every property it answers is of microsoft.graph.servicePrincipal (without $select), for the tenant file\'s applications too', async () => {
    const { json } = await graphGet(emulator, '/v1.0/servicePrincipals', token);
    const all = json['value'] as Json[];
    expect(all.map((sp) => sp['id'])).toEqual(expect.arrayContaining([graphSp, API, SOD.sap]));
    expect(all.flatMap((sp) => schemaFindings('v1.0', sp, `${G}.servicePrincipal`))).toEqual([]);
  });

  test('an app id without a service principal: an empty page; other filters are not served', async () => {
    expect((await graphGet(emulator, "/v1.0/servicePrincipals?$filter=appId eq '99999999-0000-4000-8000-000000000000'", token)).json['value']).toEqual([]);
    const other = await graphGet(emulator, "/v1.0/servicePrincipals?$filter=displayName eq 'Microsoft Graph'", token);
    expect(other.status).toBe(400);
    expect(errorOf(other.json).code).toBe('Request_UnsupportedQuery');
  });
});

describe('GET /servicePrincipals/{id}', () => {
  test('a service principal by id, with $select; an unknown id → 404 Request_ResourceNotFound', async () => {
    const graph = await graphGet(emulator, `/v1.0/servicePrincipals/${graphSp}?$select=id,displayName`, token);
    expect(graph.json).toEqual({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#servicePrincipals(id,displayName)/$entity', id: graphSp, displayName: 'Microsoft Graph' });
    const sap = await graphGet(emulator, `/beta/servicePrincipals/${SOD.sap}`, token);
    expect(sap.status).toBe(200);
    expect(schemaFindings('beta', sap.json, `${G}.servicePrincipal`)).toEqual([]);
    const unknown = await graphGet(emulator, '/v1.0/servicePrincipals/99999999-0000-4000-8000-000000000000', token);
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown.json).code).toBe('Request_ResourceNotFound');
    expect((await graphGet(emulator, `/v1.0/servicePrincipals/${graphSp}?$select=noSuchProperty`, token)).status).toBe(400);
  });
});

describe("a managed identity's replication lag", () => {
  test('not found, then found but a grant refused ("Not a valid reference update."), then granted', async () => {
    const sp = emulator.addManagedIdentity({ principalId: MI, appId: MI_APP, displayName: 'id-func', visibleAfterMs: 1000, assignableAfterMs: 3000 });
    expect(sp.servicePrincipalType).toBe('ManagedIdentity');
    const body = grantBody(MI, graphSp, MICROSOFT_GRAPH_APP_ROLES['User.Read.All'] ?? '');

    expect((await graphGet(emulator, `/v1.0/servicePrincipals/${MI}`, token)).status).toBe(404);
    expect((await graphGet(emulator, `/v1.0/servicePrincipals?$filter=appId eq '${MI_APP}'`, token)).json['value']).toEqual([]);
    expect((await graphGet(emulator, grantPath(MI), token)).status).toBe(404);
    const early = await graphSend(emulator, 'POST', grantPath(MI), token, body);
    expect(early.status).toBe(404);
    expect(errorOf(early.json)).toMatchObject({ code: 'Request_ResourceNotFound', message: `Resource '${MI}' does not exist or one of its queried reference-property objects are not present.` });

    now = 1000;
    const found = await graphGet(emulator, `/v1.0/servicePrincipals/${MI}`, token);
    expect(found.json).toMatchObject({ id: MI, appId: MI_APP, servicePrincipalType: 'ManagedIdentity', appDisplayName: null });
    expect((await graphGet(emulator, grantPath(MI), token)).json['value']).toEqual([]);
    const refused = await graphSend(emulator, 'POST', grantPath(MI), token, body);
    expect(refused.status).toBe(400);
    expect(errorOf(refused.json)).toMatchObject({ code: 'Request_BadRequest', message: 'Not a valid reference update.' });
    // A grant naming it as the principal is refused alike while it replicates.
    expect(errorOf((await graphSend(emulator, 'POST', grantPath(MI), token, grantBody(MI, API, INVOKE))).json).message).toBe('Not a valid reference update.');

    now = 3000;
    const granted = await graphSend(emulator, 'POST', grantPath(MI), token, body);
    expect(granted.status).toBe(201);
    expect(granted.json).toMatchObject({
      '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#servicePrincipals('${MI}')/appRoleAssignments/$entity`,
      principalId: MI, principalType: 'ServicePrincipal', principalDisplayName: 'id-func', resourceId: graphSp, resourceDisplayName: 'Microsoft Graph', appRoleId: body.appRoleId, deletedDateTime: null,
    });
    expect(granted.json['id']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(schemaFindings('v1.0', granted.json, `${G}.appRoleAssignment`)).toEqual([]);
  });
});

describe('POST /servicePrincipals/{id}/appRoleAssignments', () => {
  const PRINCIPAL = 'bbbbbbbb-0000-4000-8000-000000000003';
  beforeAll(() => {
    emulator.addManagedIdentity({ principalId: PRINCIPAL, displayName: 'id-relay' });
  });

  test('grants, then refuses the same grant, a role the resource does not define for applications, and references it does not know', async () => {
    expect((await graphSend(emulator, 'POST', grantPath(PRINCIPAL, 'beta'), token, grantBody(PRINCIPAL, API, INVOKE))).status).toBe(201);
    const refusals: [Record<string, unknown>, number, string, string][] = [
      [grantBody(PRINCIPAL, API, INVOKE), 400, 'Request_BadRequest', 'Permission being assigned already exists on the object'],
      [grantBody(PRINCIPAL, API, 'bbbbbbbb-0000-4000-8000-0000000000ff'), 400, 'Request_BadRequest', 'Permission being assigned was not found on application'],
      [grantBody(PRINCIPAL, API, ADMIN_ONLY), 400, 'Request_BadRequest', 'Permission being assigned was not found on application'],
      [grantBody(PRINCIPAL, '99999999-0000-4000-8000-000000000000', INVOKE), 400, 'Request_BadRequest', 'Not a valid reference update.'],
      [grantBody(MI, API, INVOKE), 400, 'Request_BadRequest', 'Not a valid reference update.'],
      [{ ...grantBody(PRINCIPAL, API, INVOKE), principalId: 'id-relay' }, 400, 'BadRequest', "Invalid value for property 'principalId': a GUID is expected."],
      [{ ...grantBody(PRINCIPAL, API, INVOKE), role: 'Callout.Invoke' }, 400, 'BadRequest', "The property 'role' does not exist on type 'microsoft.graph.appRoleAssignment'. Make sure to only use property names that are defined by the type or mark the type as open type."],
    ];
    for (const [body, status, code, message] of refusals) {
      const answer = await graphSend(emulator, 'POST', grantPath(PRINCIPAL), token, body);
      expect([answer.status, errorOf(answer.json)], JSON.stringify(body)).toEqual([status, expect.objectContaining({ code, message })]);
    }
    expect(emulator.servicePrincipals.appRoleAssignments(PRINCIPAL).map((a) => a.appRoleId)).toEqual([INVOKE]);
  });

  test('lists what a service principal holds in pages, and the resource lists it in appRoleAssignedTo; both of the published types', async () => {
    for (const role of ['Directory.Read.All', 'GroupMember.Read.All']) {
      expect((await graphSend(emulator, 'POST', grantPath(PRINCIPAL), token, grantBody(PRINCIPAL, graphSp, MICROSOFT_GRAPH_APP_ROLES[role] ?? ''))).status).toBe(201);
    }
    emulator.servicePrincipals.pageSize = 2;
    try {
      const pages = await graphPages(emulator, `${grantPath(PRINCIPAL)}?$select=id,appRoleId,resourceId`, token);
      expect(pages.map((p) => p.status)).toEqual([200, 200]);
      expect(String(pages[0]?.json['@odata.nextLink'])).toMatch(new RegExp(`^${emulator.origin}/v1\\.0/servicePrincipals/${PRINCIPAL}/appRoleAssignments\\?\\$select=id,appRoleId,resourceId&\\$skiptoken=`));
      expect(itemsOf(pages).map((a) => a['appRoleId'])).toEqual([INVOKE, MICROSOFT_GRAPH_APP_ROLES['Directory.Read.All'], MICROSOFT_GRAPH_APP_ROLES['GroupMember.Read.All']]);
      expect(Object.keys(itemsOf(pages)[0] ?? {}).sort()).toEqual(['appRoleId', 'id', 'resourceId']);
    } finally {
      emulator.servicePrincipals.pageSize = 100;
    }
    for (const version of ['v1.0', 'beta'] as const) {
      const held = await graphGet(emulator, grantPath(PRINCIPAL, version), token);
      expect((held.json['value'] as Json[]).flatMap((a) => schemaFindings(version, a, `${G}.appRoleAssignment`))).toEqual([]);
      const assignedTo = await graphGet(emulator, `/${version}/servicePrincipals/${graphSp}/appRoleAssignedTo`, token);
      const items = assignedTo.json['value'] as Json[];
      expect(items.filter((a) => a['principalId'] === PRINCIPAL).map((a) => [a['principalType'], a['principalDisplayName']])).toEqual([['ServicePrincipal', 'id-relay'], ['ServicePrincipal', 'id-relay']]);
      expect(items.flatMap((a) => schemaFindings(version, a, `${G}.appRoleAssignment`))).toEqual([]);
    }
    // The tenant file's application still lists its users and groups only.
    expect(((await graphGet(emulator, `/v1.0/servicePrincipals/${SOD.sap}/appRoleAssignedTo`, token)).json['value'] as Json[]).map((a) => a['principalType'])).toEqual(['User', 'Group', 'User']);
  });
});

describe("Graph's permission checks", () => {
  const PRINCIPAL = 'bbbbbbbb-0000-4000-8000-000000000004';
  beforeAll(() => {
    emulator.addManagedIdentity({ principalId: PRINCIPAL });
  });

  test('no token → 401; reads need Application.Read.All (or a higher read), a grant AppRoleAssignment.ReadWrite.All with it', async () => {
    const none = await graphGet(emulator, `/v1.0/servicePrincipals/${graphSp}`, '');
    expect([none.status, errorOf(none.json).code]).toEqual([401, 'InvalidAuthenticationToken']);
    const other = await graphGet(emulator, `/v1.0/servicePrincipals/${graphSp}`, await emulator.mintCallerToken({ roles: DEPLOYER_ROLES }));
    expect(other.status).toBe(401);

    const writeOnly = await emulator.mintGraphToken(['AppRoleAssignment.ReadWrite.All']);
    const readOnly = await emulator.mintGraphToken(['Application.Read.All']);
    const directoryRead = await emulator.mintGraphToken(['AppRoleAssignment.ReadWrite.All', 'Directory.Read.All']);
    const forbidden = await graphGet(emulator, `/v1.0/servicePrincipals?$filter=appId eq '${MICROSOFT_GRAPH_APP_ID}'`, writeOnly);
    expect([forbidden.status, errorOf(forbidden.json)]).toEqual([403, expect.objectContaining({ code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' })]);
    expect((await graphGet(emulator, `/v1.0/servicePrincipals/${PRINCIPAL}`, writeOnly)).status).toBe(403);
    // Listing what a service principal holds: AppRoleAssignment.ReadWrite.All is one of the roles Graph takes.
    expect((await graphGet(emulator, grantPath(PRINCIPAL), writeOnly)).status).toBe(200);
    const body = grantBody(PRINCIPAL, graphSp, MICROSOFT_GRAPH_APP_ROLES['User.Read.All'] ?? '');
    expect((await graphSend(emulator, 'POST', grantPath(PRINCIPAL), readOnly, body)).status).toBe(403);
    expect((await graphSend(emulator, 'POST', grantPath(PRINCIPAL), writeOnly, body)).status).toBe(403);
    expect(emulator.servicePrincipals.appRoleAssignments(PRINCIPAL)).toEqual([]);
    expect((await graphSend(emulator, 'POST', grantPath(PRINCIPAL), directoryRead, body)).status).toBe(201);
    expect((await graphSend(emulator, 'PATCH', `/v1.0/servicePrincipals/${PRINCIPAL}`, token, { displayName: 'x' })).status).toBe(405);
  });
});

describe('fault injection and the tenant', () => {
  test('throttling and server errors reach these routes like the others', async () => {
    emulator.faults.add({ service: 'graph', method: 'POST', path: '/appRoleAssignments', action: { status: 429, retryAfter: 7 } });
    const throttled = await graphSend(emulator, 'POST', grantPath(graphSp), token, {});
    expect([throttled.status, throttled.headers.get('retry-after')]).toEqual([429, '7']);
    emulator.faults.add({ service: 'graph', method: 'GET', path: '/servicePrincipals', action: { status: 503 } });
    expect((await graphGet(emulator, `/v1.0/servicePrincipals/${graphSp}`, token)).status).toBe(503);
  });

  test("a tenant without Microsoft Graph's service principal; the mutators check what they are given", async () => {
    const other = await startTestEmulator();
    try {
      const t = await other.mintGraphToken(DEPLOYER_ROLES);
      const sp = other.servicePrincipals.microsoftGraph?.id ?? '';
      other.servicePrincipals.remove(sp);
      expect((await graphGet(other, `/v1.0/servicePrincipals?$filter=appId eq '${MICROSOFT_GRAPH_APP_ID}'`, t)).json['value']).toEqual([]);
      expect((await graphGet(other, `/v1.0/servicePrincipals/${sp}`, t)).status).toBe(404);
      expect(() => other.addManagedIdentity({ principalId: SOD.sap })).toThrow(TenantFileError);
      expect(() => other.addManagedIdentity({ principalId: 'not-a-guid' })).toThrow(/principalId|id "not-a-guid" is not a GUID/);
      expect(() => other.addManagedIdentity({ principalId: MI, visibleAfterMs: -1 })).toThrow(/visibleAfterMs/);
      expect(() => other.servicePrincipals.add({ displayName: 'x', appRoles: [{ id: INVOKE, value: 'a' }, { id: INVOKE, value: 'b' }] })).toThrow(/distinct/);
    } finally {
      await other.close();
    }
  });
});
