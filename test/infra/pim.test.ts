import type { Node } from 'web-tree-sitter';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PIM_DEADLINE_MS, loadConfig } from '../../src/config.js';
import { DEPLOYMENT, evaluate, evalVar, type Scope, type Value } from './support/bicep-eval.js';
import { moduleDeclaration, outputs, param, prop, requireProp, resource, squeeze } from './support/bicep-query.js';
import { bicepFile, readInfraJson } from './support/bicep-tree.js';
import { GUIDS, MODULE_PARAMS, PIM_APP_IDS, PIM_PRINCIPAL_IDS, SITE_HOST, SITE_RUNTIME } from './support/function-app-params.js';

// Microsoft Entra PIM custom extensions call POST /api/pim themselves, with a token Entra issues
// to PIM's app for our API (docs/protocol.md §13): PIM's app ids and deadline reach the app settings, Easy
// Auth lets PIM's token in, the API registration has the identifier URI PIM requires
// (api://<endpoint host>/<client id>) and grants PIM's service principals a role. Off by default.

const MAIN_PARAMS = { environmentName: 'dev', location: 'swedencentral' };
const PIM_ON: Record<string, Value> = { ...MODULE_PARAMS, pimCallerAppIds: [...PIM_APP_IDS], pimCallerPrincipalIds: [...PIM_PRINCIPAL_IDS], pimDeadlineMs: 8000 };
const PIM_URI = `api://${SITE_HOST}/${GUIDS.apiClientId}`;
const PLATFORM_ENV = { IDENTITY_ENDPOINT: 'http://localhost:8081/msi/token', IDENTITY_HEADER: 'x' };
// Entra's `api://<string>/<appId>` format of application ID URIs (identifier-uri-restrictions).
const HOST_AND_APP_ID = /^api:\/\/([^/]+)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

async function functionApp(what: 'appSettings' | 'authSettings', params: Record<string, Value>, scope: Omit<Scope, 'params'> = {}): Promise<Record<string, Value>> {
  const file = await bicepFile('app/function-app.bicep');
  return evaluate(file, requireProp(resource(file, what).body, 'properties'), { ...scope, params }) as Record<string, Value>;
}

async function mainDefault(name: string): Promise<Value> {
  const main = await bicepFile('main.bicep');
  return evaluate(main, param(main, name).defaultValue as Node);
}

function azdValues(): Record<string, string | undefined> {
  const given = (readInfraJson('main.parameters.json') as { parameters: Record<string, { value: string }> }).parameters;
  return Object.fromEntries(Object.entries(given).map(([name, p]) => [name, p.value]));
}

describe('infra: PIM custom extensions', () => {
  it('are off by default: no PIM app id in the parameters, the app settings, Easy Auth or the identifier URIs', async () => {
    const main = await bicepFile('main.bicep');
    expect(await mainDefault('pimCallerAppIds')).toBe('');
    expect(azdValues()['pimCallerAppIds']).toBe('${PIM_CALLER_APP_IDS=}');
    expect(evalVar(main, 'pimCallers', { params: MAIN_PARAMS })).toEqual([]);
    expect(evalVar(main, 'pimEnabled', { params: MAIN_PARAMS })).toBe(false);

    const settings = await functionApp('appSettings', MODULE_PARAMS);
    expect(settings['PIM_CALLER_APP_IDS']).toBe('');
    const config = loadConfig({ ...(settings as Record<string, string>), ...PLATFORM_ENV });
    expect(config.pimCallerAppIds).toEqual([]);
    expect(config.calloutAudiences).toEqual([MODULE_PARAMS['apiIdentifierUri'], GUIDS.apiClientId]);

    // Easy Auth as before PIM: the relay's app id AND its object id.
    const auth = await functionApp('authSettings', MODULE_PARAMS);
    expect(auth).toMatchObject({
      identityProviders: {
        azureActiveDirectory: {
          validation: {
            allowedAudiences: [MODULE_PARAMS['apiIdentifierUri'], GUIDS.apiClientId],
            defaultAuthorizationPolicy: { allowedApplications: [GUIDS.relayClientId], allowedPrincipals: { identities: [GUIDS.relayPrincipalId] } },
          },
        },
      },
    });

    // The registration keeps the one identifier URI; no PIM URI is output for the register command.
    const uris = evaluate(main, requireProp(moduleDeclaration(main, 'apiIdentifierUris').body, 'params.identifierUris'), { params: MAIN_PARAMS });
    expect(uris).toEqual([evalVar(main, 'apiIdentifierUri', { params: MAIN_PARAMS })]);
    expect(evaluate(main, outputs(main).get('API_PIM_IDENTIFIER_URI') as Node, { params: MAIN_PARAMS })).toBe('');
    // ...and grants PIM nothing.
    const registration = await bicepFile('app/api-registration.bicep');
    const iterated = resource(registration, 'pimGrants').loop?.namedChildren.find((c) => c.type === 'call_expression') as Node;
    expect(evaluate(registration, iterated, { params: { pimCallerAppIds: [] } })).toEqual([]);
  });

  it('read PIM\'s app ids from a comma-separated azd variable: trimmed, in lower case, empty entries dropped', async () => {
    const main = await bicepFile('main.bicep');
    const raw = ` ${(PIM_APP_IDS[0]).toUpperCase()} ,${PIM_APP_IDS[1]},, `;
    expect(evalVar(main, 'pimCallers', { params: { ...MAIN_PARAMS, pimCallerAppIds: raw } })).toEqual([...PIM_APP_IDS]);
    expect(evalVar(main, 'pimEnabled', { params: { ...MAIN_PARAMS, pimCallerAppIds: raw } })).toBe(true);
    expect(evalVar(main, 'pimCallers', { params: { ...MAIN_PARAMS, pimCallerAppIds: ' , ' } })).toEqual([]);
    // The same list reaches the app settings, Easy Auth and the role grants.
    expect(squeeze(requireProp(moduleDeclaration(main, 'functionApp').body, 'params.pimCallerAppIds'))).toBe('pimCallers');
    expect(squeeze(requireProp(moduleDeclaration(main, 'apiRegistration').body, 'params.pimCallerAppIds'))).toBe('pimCallers');
  });

  it('set PIM_CALLER_APP_IDS and PIM_DEADLINE_MS, with the code\'s default and bounds, and the code accepts them', async () => {
    const main = await bicepFile('main.bicep');
    expect(await mainDefault('pimDeadlineMs')).toBe(DEFAULT_PIM_DEADLINE_MS);
    expect(azdValues()['pimDeadlineMs']).toBe(`\${PIM_DEADLINE_MS=${String(DEFAULT_PIM_DEADLINE_MS)}}`);
    expect(squeeze(requireProp(moduleDeclaration(main, 'functionApp').body, 'params.pimDeadlineMs'))).toBe('pimDeadlineMs');
    // The template refuses what the code would refuse at start-up (500 to 120000).
    const bounds = param(main, 'pimDeadlineMs').decorators;
    const [min, max] = [Number(bounds.get('minValue')?.[0]?.text), Number(bounds.get('maxValue')?.[0]?.text)];
    const required = { AZURE_TENANT_ID: DEPLOYMENT.tenantId, CALLOUT_AUDIENCE: GUIDS.apiClientId, ALLOWED_CALLER_APP_IDS: GUIDS.relayClientId, AZURE_CLIENT_ID: GUIDS.identityClientId, ...PLATFORM_ENV };
    for (const ms of [min, max]) expect(loadConfig({ ...required, PIM_DEADLINE_MS: String(ms) }).pimDeadlineMs).toBe(ms);
    for (const ms of [min - 1, max + 1]) expect(() => loadConfig({ ...required, PIM_DEADLINE_MS: String(ms) })).toThrow(/PIM_DEADLINE_MS/);

    const defaults = await functionApp('appSettings', MODULE_PARAMS);
    expect(defaults['PIM_DEADLINE_MS']).toBe(String(DEFAULT_PIM_DEADLINE_MS));
    const settings = await functionApp('appSettings', PIM_ON, { runtime: SITE_RUNTIME });
    expect(settings).toMatchObject({ PIM_CALLER_APP_IDS: PIM_APP_IDS.join(','), PIM_DEADLINE_MS: '8000' });
    const config = loadConfig({ ...(settings as Record<string, string>), ...PLATFORM_ENV });
    expect(config).toMatchObject({ pimCallerAppIds: [...PIM_APP_IDS], pimDeadlineMs: 8000, allowedCallerAppIds: [GUIDS.relayClientId] });
    // The code accepts PIM's token for the URI PIM asks for (v1 tokens name it in aud; v2 ones the client id).
    expect(config.calloutAudiences).toEqual([MODULE_PARAMS['apiIdentifierUri'], GUIDS.apiClientId, PIM_URI]);
  });

  it('let PIM through Easy Auth by its app ids and service principals, for PIM\'s audience, and the relay by its own', async () => {
    const validationOf = (auth: Record<string, Value>) => ((auth['identityProviders'] as Record<string, Value>)['azureActiveDirectory'] as Record<string, Record<string, Value>>)['validation'] as Record<string, Value>;
    const auth = await functionApp('authSettings', PIM_ON, { runtime: SITE_RUNTIME });
    const validation = validationOf(auth);
    expect(validation['allowedAudiences']).toEqual([MODULE_PARAMS['apiIdentifierUri'], GUIDS.apiClientId, PIM_URI]);
    // allowedApplications AND allowedPrincipals (no "or" in Easy Auth): both name both callers, and
    // an app-only token's appid and oid are one service principal's, so a relay app id with PIM's
    // oid (or the reverse) never comes; PIM's oid is its service principal's, found at deployment.
    expect(validation['defaultAuthorizationPolicy']).toEqual({
      allowedApplications: [GUIDS.relayClientId, ...PIM_APP_IDS],
      allowedPrincipals: { identities: [GUIDS.relayPrincipalId, ...PIM_PRINCIPAL_IDS] },
    });
    expect(JSON.stringify(auth)).not.toMatch(/jwtClaimChecks|excludedPaths/);
    // Without Entra objects made here PIM's object ids are unknown: app ids alone, an identities
    // list would refuse PIM's token (its oid is PIM's service principal).
    const appIdsOnly = validationOf(await functionApp('authSettings', { ...PIM_ON, pimCallerPrincipalIds: [] }, { runtime: SITE_RUNTIME }));
    expect(appIdsOnly['defaultAuthorizationPolicy']).toEqual({ allowedApplications: [GUIDS.relayClientId, ...PIM_APP_IDS] });
    const main = await bicepFile('main.bicep');
    expect(squeeze(requireProp(moduleDeclaration(main, 'functionApp').body, 'params.pimCallerPrincipalIds'))).toBe('resolvedPimPrincipalIds');
    const found = { apiRegistration: { outputs: { pimCallerPrincipalIds: [...PIM_PRINCIPAL_IDS] } } };
    expect(evalVar(main, 'resolvedPimPrincipalIds', { params: MAIN_PARAMS, runtime: found })).toEqual([...PIM_PRINCIPAL_IDS]);
    expect(evalVar(main, 'resolvedPimPrincipalIds', { params: { ...MAIN_PARAMS, deployEntraObjects: false }, runtime: found })).toEqual([]);
    const registration = await bicepFile('app/api-registration.bicep');
    expect(squeeze(outputs(registration).get('pimCallerPrincipalIds') as Node)).toBe('[for i in range(0, length(pimCallerAppIds)): pimCallerPrincipals[i].id]');

    // App Service takes at most 500 characters of allowed audiences in all: the real URIs, a long host.
    const relayUri = evalVar(main, 'apiIdentifierUri', { params: MAIN_PARAMS }) as string;
    const longHost = `func-${'u'.repeat(13)}-${'h'.repeat(16)}.southeastasia-01.azurewebsites.net`;
    const real = await functionApp('authSettings', { ...PIM_ON, apiIdentifierUri: relayUri }, { runtime: { site: { properties: { defaultHostName: longHost } } } });
    const audiences = validationOf(real)['allowedAudiences'] as string[];
    expect(audiences).toHaveLength(3);
    expect(audiences.join('').length).toBeLessThanOrEqual(500);
  });

  it('give the API registration the identifier URI PIM requires: api://<function host>/<client id>', async () => {
    const file = await bicepFile('app/function-app.bicep');
    const uri = evalVar(file, 'pimIdentifierUri', { params: MODULE_PARAMS, runtime: SITE_RUNTIME }) as string;
    expect(uri).toBe(PIM_URI);
    const [, host, clientId] = HOST_AND_APP_ID.exec(uri) ?? [];
    // The host is the endpoint's own: FUNCTION_APP_URL and the URI read the same site property.
    expect(host).toBe(SITE_HOST);
    expect(clientId).toBe(GUIDS.apiClientId);
    expect(squeeze(outputs(file).get('pimIdentifierUri') as Node)).toBe('pimIdentifierUri');
    expect(squeeze(outputs(file).get('defaultHostName') as Node)).toBe('site.properties.defaultHostName');
    expect(evalVar(file, 'pimIdentifierUri', { params: MODULE_PARAMS, runtime: { site: { properties: { defaultHostName: 'other.example' } } } })).toBe(`api://other.example/${GUIDS.apiClientId}`);
    const main = await bicepFile('main.bicep');
    expect(squeeze(outputs(main).get('FUNCTION_APP_URL') as Node)).toBe("'https://${functionApp.outputs.defaultHostName}'");
    expect(squeeze(requireProp(moduleDeclaration(main, 'functionApp').body, 'params.apiClientId'))).toBe('resolvedApiClientId');

    // With PIM on the registration gets both URIs, and the register command gets PIM's.
    const scope = { params: { ...MAIN_PARAMS, pimCallerAppIds: PIM_APP_IDS.join(',') }, runtime: { functionApp: { outputs: { pimIdentifierUri: PIM_URI } } } };
    const relayUri = evalVar(main, 'apiIdentifierUri', scope);
    expect(evaluate(main, requireProp(moduleDeclaration(main, 'apiIdentifierUris').body, 'params.identifierUris'), scope)).toEqual([relayUri, PIM_URI]);
    expect(evaluate(main, outputs(main).get('API_PIM_IDENTIFIER_URI') as Node, scope)).toBe(PIM_URI);
  });

  it('set the identifier URIs on the same application, after the function app exists, and only there', async () => {
    const main = await bicepFile('main.bicep');
    const uris = moduleDeclaration(main, 'apiIdentifierUris');
    const registration = moduleDeclaration(main, 'apiRegistration');
    expect(uris.target).toBe('app/api-identifier-uris.bicep');
    // Deployed with the registration, or not at all, and after the function app (it reads its output).
    expect(squeeze(uris.condition as Node)).toBe(squeeze(registration.condition as Node));
    expect(squeeze(requireProp(uris.body, 'params.identifierUris'))).toContain('functionApp.outputs.pimIdentifierUri');
    // One application: the same uniqueName (the Graph extension's upsert key) and display name.
    for (const name of ['uniqueName', 'displayName']) {
      expect(squeeze(requireProp(uris.body, `params.${name}`)), name).toBe(squeeze(requireProp(registration.body, `params.${name}`)));
    }
    const file = await bicepFile('app/api-identifier-uris.bicep');
    const api = resource(file, 'api');
    expect(api.target).toBe(resource(await bicepFile('app/api-registration.bicep'), 'api').target);
    expect(evaluate(file, api.body, { params: { uniqueName: 'u', displayName: 'd', identifierUris: ['a', 'b'] } })).toEqual({ uniqueName: 'u', displayName: 'd', identifierUris: ['a', 'b'] });
    // The first declaration leaves them alone: a redeployment does not drop PIM's URI in between.
    expect(prop(resource(await bicepFile('app/api-registration.bicep'), 'api').body, 'identifierUris')).toBeUndefined();
  });

  it('grant PIM\'s service principals an application-only role of their own, since assignment is required', async () => {
    const file = await bicepFile('app/api-registration.bicep');
    const params = { uniqueName: 'u', displayName: 'd', calloutRoleValue: 'Callout.Invoke', pimRoleValue: 'Pim.Invoke' };
    const roles = evaluate(file, requireProp(resource(file, 'api').body, 'appRoles'), { params }) as Record<string, Value>[];
    const pimRole = roles.find((r) => r['value'] === 'Pim.Invoke');
    expect(pimRole).toMatchObject({ id: evalVar(file, 'pimRoleId', { params }), allowedMemberTypes: ['Application'], isEnabled: true });
    expect(evalVar(file, 'pimRoleId', { params })).not.toBe(evalVar(file, 'calloutRoleId', { params }));
    // Without an assignment Entra issues no token for an API whose service principal requires one.
    expect(evaluate(file, requireProp(resource(file, 'apiServicePrincipal').body, 'appRoleAssignmentRequired'))).toBe(true);

    const principals = resource(file, 'pimCallerPrincipals');
    expect(principals).toMatchObject({ target: 'Microsoft.Graph/servicePrincipals@v1.0', existing: true });
    expect(squeeze(principals.loop as Node)).toBe('[ for appId in pimCallerAppIds: { appId: appId } ]');
    const grants = resource(file, 'pimGrants');
    expect(grants.target).toBe('Microsoft.Graph/appRoleAssignedTo@v1.0');
    expect(squeeze(grants.loop as Node)).toMatch(/^\[ for i in range\(0, length\(pimCallerAppIds\)\): \{/);
    expect(evaluate(file, grants.loop?.namedChildren.find((c) => c.type === 'call_expression') as Node, { params: { pimCallerAppIds: [...PIM_APP_IDS] } })).toEqual([0, 1]);
    expect([squeeze(requireProp(grants.body, 'appRoleId')), squeeze(requireProp(grants.body, 'principalId')), squeeze(requireProp(grants.body, 'resourceId'))])
      .toEqual(['pimRoleId', 'pimCallerPrincipals[i].id', 'apiServicePrincipal.id']);

    const main = await bicepFile('main.bicep');
    expect(evalVar(main, 'pimRoleValue')).toBe('Pim.Invoke');
    expect(squeeze(requireProp(moduleDeclaration(main, 'apiRegistration').body, 'params.pimRoleValue'))).toBe('pimRoleValue');
  });
});
