import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEPLOYMENT, evalString, evaluate, evalVar, type Value } from './support/bicep-eval.js';
import { moduleDeclaration, outputs, param, requireProp, resource, resources, squeeze, variable } from './support/bicep-query.js';
import { REPO, bicepFile, bicepPaths, readInfraJson } from './support/bicep-tree.js';
import { MICROSOFT_GRAPH_APP_ROLES } from '../../emulator/index.js';

// The function API's app registration and the Graph application permissions of the function's
// identity, per option. The deployment computes the permissions; azd's postprovision hook
// (npm run grant-permissions, test/provision) grants them and the relay's app role once the
// directory knows the new identities (msgraph-bicep-types#193).

const OPTIONS = ['leastPrivilege', 'enableLifecycleWorkflows', 'enableSeparationOfDuties', 'enableRiskyUserCheck', 'enableLeaveDateCondition', 'enableScheduledScan'] as const;
type Options = Record<(typeof OPTIONS)[number], boolean>;

/** What each option should grant, written independently of the Bicep (README, docs/checks, docs/scan.md, docs/protocol.md §11). */
function expected(o: Options): string[] {
  const sod = o.enableSeparationOfDuties || o.enableScheduledScan;
  return [
    'User.Read.All',
    // Least privilege: read only; the resume is authorized by the catalog role (EM) and authorizedApps (LCW).
    o.leastPrivilege ? 'EntitlementManagement.Read.All' : 'EntitlementManagement.ReadWrite.All',
    ...(o.enableLifecycleWorkflows && !o.leastPrivilege ? ['LifecycleWorkflows.ReadWrite.All'] : []),
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
  const rules = evalVar(file, 'permissionRules', { params: options }) as { permission: string; when: Value }[];
  return rules.filter((r) => r.when === true).map((r) => r.permission).sort();
}

const MAIN_PARAMS = { environmentName: 'dev', location: 'swedencentral' };

describe('infra: Graph permissions of the function\'s identity', () => {
  it('names only Microsoft Graph application permissions (the hook resolves each to its app role id in Graph\'s service principal)', async () => {
    const file = await bicepFile('app/graph-permissions.bicep');
    const names = (evalVar(file, 'permissionRules', { params: Object.fromEntries(OPTIONS.map((o) => [o, true])) }) as { permission: string }[]).map((r) => r.permission);
    for (const name of names) expect(Object.keys(MICROSOFT_GRAPH_APP_ROLES), name).toContain(name);
    expect(new Set(names).size).toBe(names.length);
  });

  const label = (o: Options) => OPTIONS.filter((name) => o[name]).join(' + ') || 'no option';
  it.each(allOptionSets().map((o) => [label(o), o] as const))('grants exactly what the options need: %s', async (_, options) => {
    expect(await granted(options)).toEqual(expected(options));
  });

  it('is least privileged by default: no tenant-wide write, and the broad grant is an opt-in that keeps the parameter name leastPrivilege', async () => {
    const main = await bicepFile('main.bicep');
    expect(evaluate(main, param(main, 'leastPrivilege').defaultValue as Node)).toBe(true);
    const given = (readInfraJson('main.parameters.json') as { parameters: Record<string, { value: string }> }).parameters;
    expect(given['leastPrivilege']?.value).toBe('${ENTITLEMENT_GUARD_LEAST_PRIVILEGE=true}');
    for (const options of allOptionSets().filter((o) => o.leastPrivilege)) {
      expect((await granted(options)).filter((p) => /Write/.test(p)), label(options)).toEqual([]);
    }
    // The register command reads what it must do from the outputs.
    expect(squeeze(outputs(main).get('LEAST_PRIVILEGE') as Node)).toBe('leastPrivilege');
    expect(squeeze(outputs(main).get('LIFECYCLE_WORKFLOWS_ENABLED') as Node)).toBe('enableLifecycleWorkflows');
    expect(squeeze(outputs(main).get('FUNCTION_IDENTITY_PRINCIPAL_ID') as Node)).toBe('identities.outputs.functionPrincipalId');
    expect(squeeze(outputs(main).get('FUNCTION_IDENTITY_CLIENT_ID') as Node)).toBe('identities.outputs.functionClientId');
  });

  it('never grants both EntitlementManagement permissions, and writes only entitlement management and LCW, and only when opted in', async () => {
    for (const options of allOptionSets()) {
      const permissions = await granted(options);
      expect(permissions.filter((p) => p.startsWith('EntitlementManagement.'))).toHaveLength(1);
      for (const p of permissions.filter((x) => x.includes('Write'))) {
        expect(['EntitlementManagement.ReadWrite.All', 'LifecycleWorkflows.ReadWrite.All']).toContain(p);
        expect(options.leastPrivilege).toBe(false);
      }
    }
  });

  it('are granted after the deployment by the postprovision hook, not in it: no Graph grant to an identity the deployment creates', async () => {
    const file = await bicepFile('app/graph-permissions.bicep');
    expect(resources(file)).toEqual([]);
    expect(squeeze(requireProp(resources(await bicepFile('app/api-registration.bicep')).find((r) => r.symbol === 'pimGrants')?.body as Node, 'principalId'))).toBe('pimCallerPrincipals[i].id');
    for (const path of bicepPaths()) {
      const bicep = await bicepFile(path);
      for (const grant of resources(bicep).filter((r) => r.target.startsWith('Microsoft.Graph/appRoleAssignedTo@'))) {
        // Only PIM's service principals, which exist long before, are granted in the deployment.
        expect(`${path} ${grant.symbol}`).toBe('app/api-registration.bicep pimGrants');
      }
    }
    const main = await bicepFile('main.bicep');
    const module = moduleDeclaration(main, 'graphPermissions');
    expect(module.condition).toBeUndefined();
    expect(squeeze(outputs(main).get('FUNCTION_GRAPH_PERMISSIONS') as Node)).toBe("join(graphPermissions.outputs.permissions, ',')");
    expect(squeeze(outputs(main).get('API_SERVICE_PRINCIPAL_ID') as Node)).toBe("deployEntraObjects ? apiRegistration!.outputs.servicePrincipalId : ''");
    expect(squeeze(outputs(main).get('API_APP_ROLE_ID') as Node)).toBe("deployEntraObjects ? apiRegistration!.outputs.calloutRoleId : ''");
    expect(squeeze(outputs(main).get('RELAY_IDENTITY_PRINCIPAL_ID') as Node)).toBe('identities.outputs.relayPrincipalId');
    // The list the hook grants, as azd hands it over, for the defaults.
    const defaults = Object.fromEntries(OPTIONS.map((o) => [o, o === 'enableScheduledScan' ? false : evaluate(main, param(main, o).defaultValue as Node)])) as Options;
    const list = evaluate(main, outputs(main).get('FUNCTION_GRAPH_PERMISSIONS') as Node, { params: MAIN_PARAMS, runtime: { graphPermissions: { outputs: { permissions: await granted(defaults) } } } });
    if (typeof list !== 'string') throw new Error('FUNCTION_GRAPH_PERMISSIONS is not a string');
    expect(list.split(',').sort()).toEqual(expected(defaults));
    expect(list).not.toMatch(/Write/);
  });

  it('runs the hook after every azd provision, with the outputs it reads', async () => {
    const azure = parseYaml(readFileSync(join(REPO, 'azure.yaml'), 'utf8')) as { hooks: { postprovision: Record<string, { run: string; continueOnError?: boolean }> } };
    expect(Object.keys(azure.hooks.postprovision).sort()).toEqual(['posix', 'windows']);
    for (const hook of Object.values(azure.hooks.postprovision)) expect(hook).toMatchObject({ run: 'npm run grant-permissions', continueOnError: false });
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['grant-permissions']).toBe('npm run build --silent && node dist/scripts/provision.js');
    const { OUTPUTS } = await import('../../src/provision/grant-settings.js');
    const main = await bicepFile('main.bicep');
    for (const name of Object.values(OUTPUTS)) expect([...outputs(main).keys()], name).toContain(name);
  });

  it('receives the options from main.bicep', async () => {
    const main = await bicepFile('main.bicep');
    const module = moduleDeclaration(main, 'graphPermissions').body;
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

  it('defines the relay\'s application-only app role, and hands its id and the API\'s service principal to the hook, which grants it to the relay\'s identity', async () => {
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
    // No grant of Callout.Invoke in the deployment: the relay's identity is created in it (msgraph-bicep-types#193).
    expect(resources(file).filter((r) => r.target === 'Microsoft.Graph/appRoleAssignedTo@v1.0' && squeeze(requireProp(r.body, 'appRoleId')) === 'calloutRoleId')).toEqual([]);
    expect(squeeze(outputs(file).get('calloutRoleId') as Node)).toBe('calloutRoleId');
    expect(squeeze(outputs(file).get('servicePrincipalId') as Node)).toBe('apiServicePrincipal.id');
    expect(evalVar(file, 'calloutRoleId', { params })).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('fails the deployment when it makes no registration and is given no client id (Easy Auth would answer every call 401)', async () => {
    const main = await bicepFile('main.bicep');
    const resolved = (apiClientId: string) => evalVar(main, 'resolvedApiClientId', { params: { ...MAIN_PARAMS, deployEntraObjects: false, apiClientId } });
    expect(() => resolved('')).toThrow(/deployEntraObjects is false but apiClientId is empty: set ENTITLEMENT_GUARD_API_CLIENT_ID/);
    expect(() => resolved('   ')).toThrow(/apiClientId is empty/);
    expect(resolved(' aaaaaaaa-0000-4000-8000-000000000002 ')).toBe('aaaaaaaa-0000-4000-8000-000000000002');
    expect(evalVar(main, 'resolvedApiClientId', { params: { ...MAIN_PARAMS, deployEntraObjects: true, apiClientId: '' }, runtime: { apiRegistration: { outputs: { clientId: 'from-the-registration' } } } })).toBe('from-the-registration');
  });

  it('has no password or certificate credentials', async () => {
    const file = await bicepFile('app/api-registration.bicep');
    expect(file.text).not.toMatch(/passwordCredentials|keyCredentials|federatedIdentityCredentials/);
  });
});
