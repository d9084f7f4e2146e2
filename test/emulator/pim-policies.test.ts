// Role management policies on the tenant emulator: a role's or group's policy found by its assignment, its rules, and the custom extension rule that links a PIM custom extension.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { CUSTOM_EXTENSION_RULE, PRE_APPROVAL_RULE_ID, type TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { graphGet, miToken, SOD, type Json } from './graph-calls.js';
import { graphSend } from './graph-writes.js';

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

const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const ALL = ['PrivilegedAccess-CustomExt.ReadWrite.All', 'RoleManagementPolicy.ReadWrite.Directory', 'RoleManagementPolicy.ReadWrite.AzureADGroup'];
const message = (answer: { json: Json }) => (answer.json['error'] as { message?: string } | undefined)?.message;
const q = (filter: string) => `/beta/policies/roleManagementPolicyAssignments?$filter=${encodeURIComponent(filter)}`;
const roleFilter = (role: string) => q(`scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${role}'`);
const tokenWith = async (roles: readonly string[]) => {
  emulator.managedIdentityRoles = [...roles];
  return miToken(emulator);
};

async function extension(token: string, resourceType: string): Promise<string> {
  const created = await graphSend(emulator, 'POST', '/beta/identityGovernance/privilegedAccess/customExtensions', token, {
    displayName: `eg ${crypto.randomUUID()}`, resourceType,
    endpointConfiguration: { '@odata.type': '#microsoft.graph.httpRequestEndpoint', targetUrl: 'https://eg.example.net/api/pim' },
    authenticationConfiguration: { '@odata.type': '#microsoft.graph.azureAdTokenAuthentication', resourceId: 'api://eg.example.net/5e1a7c2b-3d4f-4a6b-8c9d-0e1f2a3b4c5d' },
  });
  expect(created.status).toBe(201);
  return String(created.json['id']);
}

async function policyOf(token: string, path: string): Promise<string> {
  const listed = await graphGet(emulator, path, token);
  expect(listed.status).toBe(200);
  return String((listed.json['value'] as Json[])[0]?.['policyId']);
}

const link = (id: string | null, isEnabled = true) => ({ '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyCustomExtensionRule', id: PRE_APPROVAL_RULE_ID, customExtensionId: id, isEnabled });

describe('finding a policy', () => {
  test("a directory role's policy: one assignment, the same on every read, in v1.0 and beta", async () => {
    const token = await tokenWith(ALL);
    const listed = await graphGet(emulator, roleFilter(USER_ADMIN), token);
    const [assignment] = listed.json['value'] as Json[];
    expect(assignment).toMatchObject({ scopeId: '/', scopeType: 'DirectoryRole', roleDefinitionId: USER_ADMIN });
    expect(String(assignment?.['policyId'])).toMatch(new RegExp(`^DirectoryRole_${emulator.tenantId}_[0-9a-f-]{36}$`));
    expect(await policyOf(token, roleFilter(USER_ADMIN).replace('/beta/', '/v1.0/'))).toBe(assignment?.['policyId']);
    const policy = await graphGet(emulator, `/beta/policies/roleManagementPolicies/${String(assignment?.['policyId'])}?$expand=rules`, token);
    expect(policy.json).toMatchObject({ scopeId: '/', scopeType: 'DirectoryRole', isOrganizationDefault: false });
    expect((policy.json['rules'] as Json[]).map((r) => r['@odata.type'])).toContain(CUSTOM_EXTENSION_RULE);
  });

  test("a group's member and owner policies; a group the tenant does not have has none", async () => {
    const token = await tokenWith(ALL);
    const both = await graphGet(emulator, q(`scopeId eq '${SOD.paymentApprovers}' and scopeType eq 'Group'`), token);
    expect((both.json['value'] as Json[]).map((a) => a['roleDefinitionId'])).toEqual(['member', 'owner']);
    const none = await graphGet(emulator, q(`scopeId eq '${crypto.randomUUID()}' and scopeType eq 'Group' and roleDefinitionId eq 'member'`), token);
    expect(none.json['value']).toEqual([]);
  });

  test.each([
    ['no $filter', '/beta/policies/roleManagementPolicyAssignments', 'The $filter must name scopeId and scopeType'],
    ['no scopeType', q("scopeId eq '/'"), 'The $filter must name scopeId and scopeType'],
    ['another operator', q("scopeId ne '/' and scopeType eq 'DirectoryRole'"), 'Unsupported $filter'],
    ['a group role that is not member or owner', q(`scopeId eq '${SOD.paymentApprovers}' and scopeType eq 'Group' and roleDefinitionId eq 'admin'`), "roleDefinitionId is 'member' or 'owner'"],
  ])('400 for %s', async (_, path, text) => {
    const refused = await graphGet(emulator, path, await tokenWith(ALL));
    expect([refused.status, message(refused)]).toEqual([400, expect.stringContaining(text) as unknown]);
  });

  test('404 for a policy or a rule that does not exist', async () => {
    const token = await tokenWith(ALL);
    expect((await graphGet(emulator, '/beta/policies/roleManagementPolicies/DirectoryRole_x_y', token)).status).toBe(404);
    const policy = await policyOf(token, roleFilter(USER_ADMIN));
    expect((await graphGet(emulator, `/beta/policies/roleManagementPolicies/${policy}/rules/Nope`, token)).status).toBe(404);
    expect((await graphSend(emulator, 'PATCH', `/beta/policies/roleManagementPolicies/${policy}/rules/Nope`, token, link(null, false))).status).toBe(404);
  });
});

describe('linking a PIM custom extension', () => {
  test('PATCH of the custom extension rule (204) links it, the read shows it, and the extension cannot be deleted while linked', async () => {
    const token = await tokenWith(ALL);
    const id = await extension(token, 'entraRoles');
    const policy = await policyOf(token, roleFilter(USER_ADMIN));
    const rules = `/beta/policies/roleManagementPolicies/${policy}/rules`;
    expect((await graphSend(emulator, 'PATCH', `${rules}/${PRE_APPROVAL_RULE_ID}`, token, link(id))).status).toBe(204);
    expect((await graphGet(emulator, `${rules}/${PRE_APPROVAL_RULE_ID}`, token)).json).toMatchObject({ customExtensionId: id, isEnabled: true, target: { caller: 'EndUser', level: 'Assignment' } });
    expect(emulator.pimPolicies.linkedExtension({ scopeType: 'DirectoryRole', scopeId: '/', roleDefinitionId: USER_ADMIN })).toBe(id);
    const refused = await graphSend(emulator, 'DELETE', `/beta/identityGovernance/privilegedAccess/customExtensions/${id}`, token);
    expect([refused.status, message(refused)]).toEqual([400, `The custom extension '${id}' is in use by the role management policy '${policy}'.`]);
    expect((await graphSend(emulator, 'PATCH', `${rules}/${PRE_APPROVAL_RULE_ID}`, token, { '@odata.type': CUSTOM_EXTENSION_RULE, isEnabled: false })).status).toBe(204);
    expect((await graphSend(emulator, 'DELETE', `/beta/identityGovernance/privilegedAccess/customExtensions/${id}`, token)).status).toBe(204);
  });

  test.each([
    ['no @odata.type', (id: string) => ({ customExtensionId: id, isEnabled: true }), 'must be #microsoft.graph.unifiedRoleManagementPolicyCustomExtensionRule'],
    ['an extension of another resource type', (id: string) => link(id), 'has resourceType entraGroups; this policy takes one of resourceType entraRoles'],
    ['an extension the tenant does not have', () => link(crypto.randomUUID()), 'is not a PIM custom extension of this tenant'],
    ['enabled without an extension', () => link(null), 'an enabled custom extension rule needs a customExtensionId'],
    ['a read-only property', (id: string) => ({ ...link(id), displayName: 'mine' }), 'displayName is read-only'],
    ['another rule id', (id: string) => ({ ...link(id), id: 'Approval_EndUser_Assignment' }), 'is not the id of this rule'],
  ])('400 for %s', async (_, make, text) => {
    const token = await tokenWith(ALL);
    const id = await extension(token, 'entraGroups');
    const policy = await policyOf(token, roleFilter(USER_ADMIN));
    const refused = await graphSend(emulator, 'PATCH', `/beta/policies/roleManagementPolicies/${policy}/rules/${PRE_APPROVAL_RULE_ID}`, token, make(id));
    expect([refused.status, message(refused)]).toEqual([400, expect.stringContaining(text) as unknown]);
  });
});

describe('permissions', () => {
  test('directory role policies take RoleManagementPolicy.*.Directory, group policies RoleManagementPolicy.*.AzureADGroup; writes need ReadWrite', async () => {
    const setup = await tokenWith(ALL);
    const rolePolicy = await policyOf(setup, roleFilter(USER_ADMIN));
    const groupPolicy = await policyOf(setup, q(`scopeId eq '${SOD.paymentApprovers}' and scopeType eq 'Group' and roleDefinitionId eq 'member'`));
    const rule = (policy: string) => `/v1.0/policies/roleManagementPolicies/${policy}/rules/${PRE_APPROVAL_RULE_ID}`;
    const directoryRead = await tokenWith(['RoleManagementPolicy.Read.Directory']);
    expect((await graphGet(emulator, rule(rolePolicy), directoryRead)).status).toBe(200);
    expect((await graphGet(emulator, rule(groupPolicy), directoryRead)).status).toBe(403);
    expect((await graphGet(emulator, roleFilter(USER_ADMIN), directoryRead)).status).toBe(200);
    expect((await graphSend(emulator, 'PATCH', rule(rolePolicy), directoryRead, link(null, false))).status).toBe(403);
    const groupWrite = await tokenWith(['RoleManagementPolicy.ReadWrite.AzureADGroup']);
    expect((await graphSend(emulator, 'PATCH', rule(groupPolicy), groupWrite, link(null, false))).status).toBe(204);
    expect((await graphSend(emulator, 'PATCH', rule(rolePolicy), groupWrite, link(null, false))).status).toBe(403);
    expect((await graphGet(emulator, roleFilter(USER_ADMIN), groupWrite)).status).toBe(403);
    expect((await fetch(`${emulator.origin}${rule(rolePolicy)}`)).status).toBe(401);
  });
});
