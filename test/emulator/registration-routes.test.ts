// Catalog role assignments and LCW custom task extensions on the tenant emulator, and the Graph permissions every registration route needs.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { graphGet, miToken, type Json } from './graph-calls.js';
import { ELM, EMPLOYEES, endpoint, EXTENSIONS, extensionBody, FINANCE, graphSend, taskBody } from './graph-writes.js';

let emulator: TenantEmulator;
let defaultRoles: string[];
beforeAll(async () => {
  emulator = await startTestEmulator();
  defaultRoles = [...emulator.managedIdentityRoles];
});
afterEach(() => {
  emulator.managedIdentityRoles = [...defaultRoles];
});
afterAll(() => emulator.close());

const ROLES = '/v1.0/roleManagement/entitlementManagement/roleAssignments';
const TASKS = '/v1.0/identityGovernance/lifecycleWorkflows/customTaskExtensions';
const MANAGER = 'e2182095-804a-4656-ae11-64734e9b7ae5';
const principal = () => crypto.randomUUID();
const message = (answer: { json: Json }) => (answer.json['error'] as { message?: string } | undefined)?.message;
const tokenWith = async (roles: readonly string[]) => {
  emulator.managedIdentityRoles = [...roles];
  return miToken(emulator);
};

describe('entitlement management role assignments', () => {
  test('create (201), list by principal, refuse the same again (409), delete (204, then 404)', async () => {
    const token = await tokenWith(defaultRoles);
    const who = principal();
    const body = { principalId: who, roleDefinitionId: MANAGER, appScopeId: `/AccessPackageCatalog/${FINANCE}` };
    const created = await graphSend(emulator, 'POST', ROLES, token, body);
    expect([created.status, created.json]).toEqual([201, { id: expect.any(String) as unknown, ...body, directoryScopeId: null }]);
    const listed = await graphGet(emulator, `${ROLES}?$filter=${encodeURIComponent(`principalId eq '${who}'`)}`, token);
    expect((listed.json['value'] as Json[]).map((r) => r['id'])).toEqual([created.json['id']]);
    expect((await graphSend(emulator, 'POST', ROLES, token, body)).status).toBe(409);
    expect((await graphSend(emulator, 'DELETE', `${ROLES}/${String(created.json['id'])}`, token)).status).toBe(204);
    expect((await graphSend(emulator, 'DELETE', `${ROLES}/${String(created.json['id'])}`, token)).status).toBe(404);
  });

  test.each([
    ['a directory role', { roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10' }, 'is not a role of entitlement management'],
    ['no catalog scope', { appScopeId: '/' }, "A catalog role needs appScopeId '/AccessPackageCatalog/{catalog id}'"],
    ['a directory scope', { directoryScopeId: '/' }, 'and no directoryScopeId'],
    ['a principal that is not a GUID', { principalId: 'function-app' }, 'principalId must be the object id'],
    ['a property a catalog role does not take', { condition: 'x' }, 'A catalog role assignment takes principalId, roleDefinitionId and appScopeId, not condition.'],
    ['a property the type does not have', { scope: '/' }, "The property 'scope' does not exist on type 'microsoft.graph.unifiedRoleAssignment'"],
  ])('400 for %s', async (_, change, text) => {
    const refused = await graphSend(emulator, 'POST', ROLES, await tokenWith(defaultRoles), { principalId: principal(), roleDefinitionId: MANAGER, appScopeId: `/AccessPackageCatalog/${FINANCE}`, ...change });
    expect(refused.status).toBe(400);
    expect(message(refused)).toContain(text);
  });

  test('404 for a catalog that does not exist', async () => {
    const refused = await graphSend(emulator, 'POST', ROLES, await tokenWith(defaultRoles), { principalId: principal(), roleDefinitionId: MANAGER, appScopeId: '/AccessPackageCatalog/99999999-9999-4999-8999-999999999999' });
    expect(refused.status).toBe(404);
  });
});

describe('Lifecycle Workflows custom task extensions', () => {
  test('create (201), refuse a second of the same name (409), PATCH (204), delete (204, then 404)', async () => {
    const token = await tokenWith(defaultRoles);
    const name = `guard ${principal()}`;
    const created = await graphSend(emulator, 'POST', TASKS, token, taskBody({ displayName: name }));
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ displayName: name, endpointConfiguration: endpoint(), callbackConfiguration: { timeoutDuration: 'PT30M' } });
    expect((await graphSend(emulator, 'POST', TASKS, token, taskBody({ displayName: name }))).status).toBe(409);
    const id = String(created.json['id']);
    const patched = await graphSend(emulator, 'PATCH', `${TASKS}/${id}`, token, { callbackConfiguration: { '@odata.type': '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration', timeoutDuration: 'PT3H' } });
    expect(patched.status).toBe(204);
    expect((await graphGet(emulator, `${TASKS}/${id}`, token)).json['callbackConfiguration']).toMatchObject({ timeoutDuration: 'PT3H' });
    expect((await graphSend(emulator, 'DELETE', `${TASKS}/${id}`, token)).status).toBe(204);
    expect((await graphSend(emulator, 'DELETE', `${TASKS}/${id}`, token)).status).toBe(404);
  });

  test.each([
    ['a window over 3 hours', { callbackConfiguration: { '@odata.type': '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration', timeoutDuration: 'PT4H' } }, 'timeoutDuration PT4H is outside PT5M to PT3H'],
    ['the entitlement-management callback type', { callbackConfiguration: { '@odata.type': '#microsoft.graph.customExtensionCallbackConfiguration', timeoutDuration: 'PT1H' } }, 'callbackConfiguration.@odata.type must be #microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration'],
    ['an @odata.type of another entity type', { '@odata.type': '#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension' }, "A resource with type 'microsoft.graph.accessPackageAssignmentRequestWorkflowExtension' was found, but it is not assignable to the expected type 'microsoft.graph.identityGovernance.customTaskExtension'."],
    ['no endpoint', { endpointConfiguration: undefined }, 'endpointConfiguration is required'],
    ['a timeout over 2 seconds', { clientConfiguration: { timeoutInMilliseconds: 5000 } }, 'clientConfiguration.timeoutInMilliseconds must be 200 to 2000'],
  ])('400 for %s', async (_, change, text) => {
    const refused = await graphSend(emulator, 'POST', TASKS, await tokenWith(defaultRoles), taskBody({ displayName: `guard ${principal()}`, ...change }));
    expect(refused.status).toBe(400);
    expect(message(refused)).toContain(text);
  });
});

interface Route {
  readonly name: string;
  readonly read: string;
  readonly write: { readonly method: 'POST' | 'PUT'; readonly path: string; readonly body: () => unknown };
  readonly readRoles: readonly string[];
  readonly writeRoles: readonly string[];
}

const ELM_READ = ['EntitlementManagement.Read.All', 'EntitlementManagement.ReadWrite.All'];
const LCW_READ = ['LifecycleWorkflows-CustomExt.Read.All', 'LifecycleWorkflows-CustomExt.ReadWrite.All', 'LifecycleWorkflows.Read.All', 'LifecycleWorkflows.ReadWrite.All'];
const ROUTES: readonly Route[] = [
  { name: 'custom extensions', read: EXTENSIONS, write: { method: 'POST', path: EXTENSIONS, body: () => extensionBody({ displayName: `x ${principal()}` }) }, readRoles: ELM_READ, writeRoles: ['EntitlementManagement.ReadWrite.All'] },
  { name: 'a catalog and an assignment policy', read: `${ELM}/catalogs/${FINANCE}`, write: { method: 'PUT', path: `${ELM}/assignmentPolicies/${EMPLOYEES}`, body: () => ({}) }, readRoles: ELM_READ, writeRoles: ['EntitlementManagement.ReadWrite.All'] },
  { name: 'role assignments', read: ROLES, write: { method: 'POST', path: ROLES, body: () => ({ principalId: principal(), roleDefinitionId: MANAGER, appScopeId: `/AccessPackageCatalog/${FINANCE}` }) }, readRoles: ELM_READ, writeRoles: ['EntitlementManagement.ReadWrite.All'] },
  { name: 'custom task extensions', read: TASKS, write: { method: 'POST', path: TASKS, body: () => taskBody({ displayName: `t ${principal()}` }) }, readRoles: LCW_READ, writeRoles: ['LifecycleWorkflows-CustomExt.ReadWrite.All', 'LifecycleWorkflows.ReadWrite.All'] },
];

describe('permissions', () => {
  test.each(ROUTES)('$name: read with any read role, 403 without; write only with a ReadWrite role', async (route) => {
    for (const role of route.readRoles) expect([role, (await graphGet(emulator, route.read, await tokenWith([role]))).status]).toEqual([role, 200]);
    const none = await graphGet(emulator, route.read, await tokenWith(defaultRoles.filter((r) => !route.readRoles.includes(r))));
    expect([none.status, (none.json['error'] as Json)['code']]).toEqual([403, 'Authorization_RequestDenied']);
    const readOnly = route.readRoles.filter((r) => !route.writeRoles.includes(r));
    expect((await graphSend(emulator, route.write.method, route.write.path, await tokenWith(readOnly), route.write.body())).status).toBe(403);
    for (const role of route.writeRoles) expect([role, (await graphSend(emulator, route.write.method, route.write.path, await tokenWith([role]), route.write.body())).status]).not.toEqual([role, 403]);
  });

  test('no token or a bad one → 401', async () => {
    for (const route of ROUTES) {
      expect((await fetch(`${emulator.origin}${route.read}`)).status).toBe(401);
      expect((await graphGet(emulator, route.read, 'garbage')).status).toBe(401);
    }
  });

  test('writes are recorded with their bodies', async () => {
    emulator.clearCalls();
    const body = extensionBody({ displayName: `recorded ${principal()}` });
    await graphSend(emulator, 'POST', EXTENSIONS, await tokenWith(defaultRoles), body);
    expect(emulator.calls({ method: 'POST' }).map((c) => c.body)).toEqual([body]);
  });
});
