import { describe, expect, it } from 'vitest';
import { DEPLOYMENT, evalString, evaluate, evalVar, type Value } from './support/bicep-eval.js';
import { moduleDeclaration, requireProp, resource, resources, squeeze, variable } from './support/bicep-query.js';
import { bicepFile } from './support/bicep-tree.js';

// The function API's app registration and the Graph application permissions of the function's
// identity, per option.

const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

// Microsoft Graph's app role ids, checked against Graph's published application permissions.
const GRAPH_APP_ROLES = {
  'User.Read.All': 'df021288-bdef-4463-88db-98f22de89214',
  'EntitlementManagement.ReadWrite.All': '9acd699f-1e81-4958-b001-93b1d2506e19',
  'EntitlementManagement.Read.All': 'c74fd47d-ed3c-45c3-9a9e-b8676de685d2',
  'LifecycleWorkflows.ReadWrite.All': '5c505cf4-8424-4b8e-aa14-ee06e3bb23e3',
  'IdentityRiskyUser.Read.All': 'dc5007c0-2d7d-4c42-879c-2dab87571379',
  'User-LifeCycleInfo.Read.All': '8556a004-db57-4d7a-8b82-97a13428e96f',
  'RoleManagement.Read.Directory': '483bed4a-2ad3-4361-a73b-c83ccdbdc53c',
  'RoleEligibilitySchedule.Read.Directory': 'ff278e11-4a33-4d0c-83d2-d01dc58929a5',
  'Directory.Read.All': '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
  'GroupMember.Read.All': '98830695-27a2-44f7-8c18-0c3ebc9698f6',
  'Application.Read.All': '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
};

const OPTIONS = ['leastPrivilege', 'enableLifecycleWorkflows', 'enableSeparationOfDuties', 'enableRiskyUserCheck', 'enableLeaveDateCondition', 'enableScheduledScan'] as const;
type Options = Record<(typeof OPTIONS)[number], boolean>;

/** What each option should grant, written independently of the Bicep (README, docs/checks, docs/scan.md). */
function expected(o: Options): string[] {
  const sod = o.enableSeparationOfDuties || o.enableScheduledScan;
  return [
    'User.Read.All',
    o.leastPrivilege ? 'EntitlementManagement.Read.All' : 'EntitlementManagement.ReadWrite.All',
    ...(o.enableLifecycleWorkflows ? ['LifecycleWorkflows.ReadWrite.All'] : []),
    ...(o.enableRiskyUserCheck ? ['IdentityRiskyUser.Read.All'] : []),
    ...(o.enableLeaveDateCondition ? ['User-LifeCycleInfo.Read.All'] : []),
    ...(sod ? ['RoleManagement.Read.Directory', 'RoleEligibilitySchedule.Read.Directory', 'Directory.Read.All'] : []),
    ...(o.enableScheduledScan ? ['GroupMember.Read.All', 'Application.Read.All'] : []),
  ].sort();
}

function allOptionSets(): Options[] {
  return Array.from({ length: 2 ** OPTIONS.length }, (_, bits) =>
    Object.fromEntries(OPTIONS.map((name, i) => [name, (bits & (1 << i)) !== 0])) as Options);
}

async function granted(options: Options): Promise<string[]> {
  const file = await bicepFile('app/graph-permissions.bicep');
  const rules = evalVar(file, 'permissionRules', { params: { ...options, principalId: 'p' } }) as { permission: string; when: Value }[];
  return rules.filter((r) => r.when === true).map((r) => r.permission).sort();
}

describe('infra: Graph permissions of the function\'s identity', () => {
  it('writes each app role id once, and they are Microsoft Graph\'s', async () => {
    const file = await bicepFile('app/graph-permissions.bicep');
    expect(evalVar(file, 'graphAppRoles')).toEqual(GRAPH_APP_ROLES);
    const graph = resource(file, 'microsoftGraph');
    expect(graph.target).toBe('Microsoft.Graph/servicePrincipals@v1.0');
    expect(evaluate(file, requireProp(graph.body, 'appId'))).toBe(MICROSOFT_GRAPH_APP_ID);
  });

  const label = (o: Options) => OPTIONS.filter((name) => o[name]).join(' + ') || 'no option';
  it.each(allOptionSets().map((o) => [label(o), o] as const))('grants exactly what the options need: %s', async (_, options) => {
    expect(await granted(options)).toEqual(expected(options));
  });

  it('never grants both EntitlementManagement permissions, and writes only entitlement management and LCW', async () => {
    for (const options of allOptionSets()) {
      const permissions = await granted(options);
      expect(permissions.filter((p) => p.startsWith('EntitlementManagement.'))).toHaveLength(1);
      for (const p of permissions.filter((x) => x.includes('Write'))) expect(['EntitlementManagement.ReadWrite.All', 'LifecycleWorkflows.ReadWrite.All']).toContain(p);
    }
  });

  it('assigns the chosen roles, and only those, to the function\'s identity on Microsoft Graph', async () => {
    const file = await bicepFile('app/graph-permissions.bicep');
    expect(squeeze(variable(file, 'granted'))).toBe('map(filter(permissionRules, rule => rule.when), rule => rule.permission)');
    const grants = resources(file).filter((r) => r.target === 'Microsoft.Graph/appRoleAssignedTo@v1.0');
    expect(grants).toHaveLength(1);
    const [grant] = grants as [(typeof grants)[number]];
    expect(grant.loop?.childForFieldName('initializer')?.text).toBe('permission');
    expect(grant.loop?.namedChildren.find((c) => c.type === 'identifier' && c.text === 'granted')).toBeDefined();
    expect(squeeze(requireProp(grant.body, 'appRoleId'))).toBe('graphAppRoles[permission]');
    expect(squeeze(requireProp(grant.body, 'principalId'))).toBe('principalId');
    expect(squeeze(requireProp(grant.body, 'resourceId'))).toBe('microsoftGraph.id');
  });

  it('receives the options and the function\'s identity from main.bicep', async () => {
    const main = await bicepFile('main.bicep');
    const module = moduleDeclaration(main, 'graphPermissions').body;
    expect(squeeze(requireProp(module, 'params.principalId'))).toBe('identities.outputs.functionPrincipalId');
    for (const option of OPTIONS.filter((o) => o !== 'enableScheduledScan')) expect(squeeze(requireProp(module, `params.${option}`))).toBe(option);
    expect(squeeze(requireProp(module, 'params.enableScheduledScan'))).toBe('scanEnabled');
    const scan = (schedule: string) => evalVar(main, 'scanEnabled', { params: { sodScanSchedule: schedule } });
    expect([scan(''), scan('0 0 2 * * *')]).toEqual([false, true]);
  });
});

describe('infra: the function API\'s app registration', () => {
  it('has an identifier URI in a format Entra accepts for new apps, and asks for v2 tokens', async () => {
    const main = await bicepFile('main.bicep');
    const uri = evalString(main, variable(main, 'apiIdentifierUri'), { params: { environmentName: 'dev', location: 'swedencentral' } });
    expect(uri).toMatch(new RegExp(`^api://${DEPLOYMENT.tenantId}/[a-z0-9-]+$`));
    const file = await bicepFile('app/api-registration.bicep');
    const api = resource(file, 'api');
    expect(api.target).toBe('Microsoft.Graph/applications@v1.0');
    // The identifier URIs come from app/api-identifier-uris.bicep (with PIM's, test/infra/pim.test.ts), this URI first.
    const uris = evaluate(main, requireProp(moduleDeclaration(main, 'apiIdentifierUris').body, 'params.identifierUris'), { params: { environmentName: 'dev', location: 'swedencentral' } });
    expect(uris).toEqual([uri]);
    expect(evaluate(file, requireProp(api.body, 'api.requestedAccessTokenVersion'))).toBe(2);
    expect(evaluate(file, requireProp(api.body, 'signInAudience'))).toBe('AzureADMyOrg');
  });

  it('defines the relay\'s application-only app role and grants it to the relay\'s identity alone', async () => {
    const file = await bicepFile('app/api-registration.bicep');
    const params = { uniqueName: 'u', calloutRoleValue: 'Callout.Invoke', pimRoleValue: 'Pim.Invoke' };
    const roles = evaluate(file, requireProp(resource(file, 'api').body, 'appRoles'), { params: { ...params, displayName: 'd' } }) as Record<string, Value>[];
    // The other role is PIM's (test/infra/pim.test.ts).
    expect(roles.map((r) => r['value'])).toEqual(['Callout.Invoke', 'Pim.Invoke']);
    expect(roles[0]).toMatchObject({ value: 'Callout.Invoke', allowedMemberTypes: ['Application'], isEnabled: true });
    expect(squeeze(requireProp(resource(file, 'api').body, 'appRoles'))).toContain('id: calloutRoleId');
    const sp = resource(file, 'apiServicePrincipal');
    expect(squeeze(requireProp(sp.body, 'appId'))).toBe('api.appId');
    expect(evaluate(file, requireProp(sp.body, 'appRoleAssignmentRequired'))).toBe(true);
    const grants = resources(file).filter((r) => r.target === 'Microsoft.Graph/appRoleAssignedTo@v1.0' && squeeze(requireProp(r.body, 'appRoleId')) === 'calloutRoleId');
    expect(grants.map((g) => [squeeze(requireProp(g.body, 'appRoleId')), squeeze(requireProp(g.body, 'principalId')), squeeze(requireProp(g.body, 'resourceId')), g.loop]))
      .toEqual([['calloutRoleId', 'relayPrincipalId', 'apiServicePrincipal.id', undefined]]);
    const main = await bicepFile('main.bicep');
    expect(squeeze(requireProp(moduleDeclaration(main, 'apiRegistration').body, 'params.relayPrincipalId'))).toBe('identities.outputs.relayPrincipalId');
  });

  it('has no password or certificate credentials', async () => {
    const file = await bicepFile('app/api-registration.bicep');
    expect(file.text).not.toMatch(/passwordCredentials|keyCredentials|federatedIdentityCredentials/);
  });
});
