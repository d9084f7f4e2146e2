import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Node } from 'web-tree-sitter';
import { REQUIRED_SETTINGS, loadConfig } from '../../src/config.js';
import { loadScanSettings } from '../../src/sod/scan/scan-settings.js';
import { DEPLOYMENT, evaluate, type Value } from './support/bicep-eval.js';
import { GUIDS, IDENTITY_ID, MODULE_PARAMS } from './support/function-app-params.js';
import { moduleDeclaration, outputs, prop, requireProp, resource, resources, squeeze } from './support/bicep-query.js';
import { REPO, bicepFile } from './support/bicep-tree.js';

// The function app as src/config.ts needs it, on Flex Consumption, behind App Service authentication.

async function appSettings(overrides: Record<string, Value> = {}): Promise<Record<string, string>> {
  const file = await bicepFile('app/function-app.bicep');
  const value = requireProp(resource(file, 'appSettings').body, 'properties');
  return evaluate(file, value, { params: { ...MODULE_PARAMS, ...overrides } }) as Record<string, string>;
}

/** App settings the code reads: every quoted SCREAMING_CASE name in the settings readers, the ledger's and the functions' (timers read theirs at registration). */
function settingsTheCodeReads(): Set<string> {
  const ts = (dir: string) => readdirSync(join(REPO, dir), { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.ts')).map((p) => `${dir}/${p}`);
  const sources = ['src/config.ts', 'src/sod/scan/scan-settings.ts', 'src/sweep/sweep-settings.ts', ...ts('src/ledger'), ...ts('functions')].map((p) => readFileSync(join(REPO, p), 'utf8'));
  return new Set(sources.flatMap((s) => [...s.matchAll(/'([A-Z][A-Z0-9_]{3,})'/g)].map((m) => m[1] as string)));
}

// Read by the Functions host and App Service authentication, not by the code.
const PLATFORM_SETTINGS = [
  'AzureWebJobsStorage__blobServiceUri',
  'AzureWebJobsStorage__credential',
  'AzureWebJobsStorage__clientId',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
  'WEBSITE_AUTH_AAD_ALLOWED_TENANTS',
];

// Set by the template ahead of the code: STUCK_SWEEP_EXTENSION_NAME (the custom extension's display
// name the sweep looks for) is being added to src/sweep/sweep-settings.ts by another change. Drop
// it from here once the code reads it.
// Flex Consumption deprecates these (the runtime and deployment come from functionAppConfig).
const FLEX_DEPRECATED = ['FUNCTIONS_EXTENSION_VERSION', 'FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_WORKER_RUNTIME_VERSION', 'WEBSITE_RUN_FROM_PACKAGE', 'WEBSITE_CONTENTSHARE', 'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING', 'WEBSITE_NODE_DEFAULT_VERSION', 'SCM_DO_BUILD_DURING_DEPLOYMENT'];

describe('infra: the function app', () => {
  it('runs on the Flex Consumption plan, Linux, Node 22, deployed from storage with its identity', async () => {
    const file = await bicepFile('app/function-app.bicep');
    const plan = resource(file, 'plan');
    expect(evaluate(file, requireProp(plan.body, 'sku'))).toEqual({ tier: 'FlexConsumption', name: 'FC1' });
    expect(evaluate(file, requireProp(plan.body, 'properties.reserved'))).toBe(true);
    const site = resource(file, 'site');
    expect(evaluate(file, requireProp(site.body, 'kind'))).toBe('functionapp,linux');
    const config = evaluate(file, requireProp(site.body, 'properties.functionAppConfig'), { params: MODULE_PARAMS });
    expect(config).toMatchObject({
      runtime: { name: 'node', version: '22' },
      deployment: { storage: { type: 'blobContainer', value: 'https://sttest.blob.core.windows.net/app-package', authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: IDENTITY_ID } } },
    });
    expect(evaluate(file, requireProp(site.body, 'identity'), { params: MODULE_PARAMS })).toEqual({ type: 'UserAssigned', userAssignedIdentities: { [IDENTITY_ID]: {} } });
  });

  it('serves HTTPS only with TLS 1.2 at least, and without FTP or basic publishing credentials', async () => {
    const file = await bicepFile('app/function-app.bicep');
    const site = resource(file, 'site').body;
    expect(evaluate(file, requireProp(site, 'properties.httpsOnly'))).toBe(true);
    expect(evaluate(file, requireProp(site, 'properties.siteConfig.minTlsVersion'))).toBe('1.2');
    expect(evaluate(file, requireProp(site, 'properties.siteConfig.scmMinTlsVersion'))).toBe('1.2');
    // Flex has no FTP(S): ftpsState is deprecated there, so it may only ever say Disabled.
    const ftps = prop(site, 'properties.siteConfig.ftpsState');
    if (ftps !== undefined) expect(evaluate(file, ftps)).toBe('Disabled');
    const policies = resources(file).filter((r) => r.target.startsWith('Microsoft.Web/sites/basicPublishingCredentialsPolicies@'));
    expect(policies.map((p) => evaluate(file, requireProp(p.body, 'name'))).sort()).toEqual(['ftp', 'scm']);
    for (const p of policies) expect(evaluate(file, requireProp(p.body, 'properties.allow'))).toBe(false);
  });

  it('gives the code every setting it requires, and loadConfig accepts them', async () => {
    const settings = await appSettings();
    for (const name of REQUIRED_SETTINGS.filter((n) => !n.startsWith('IDENTITY_'))) expect(Object.keys(settings)).toContain(name);
    // IDENTITY_ENDPOINT and IDENTITY_HEADER are set by the platform.
    const config = loadConfig({ ...settings, IDENTITY_ENDPOINT: 'http://localhost:8081/msi/token', IDENTITY_HEADER: 'x' });
    expect(config).toMatchObject({
      tenantId: DEPLOYMENT.tenantId,
      managedIdentityClientId: GUIDS.identityClientId,
      allowedCallerAppIds: [GUIDS.relayClientId],
      calloutAudiences: [MODULE_PARAMS['apiIdentifierUri'], GUIDS.apiClientId],
      requiredCallerRole: 'Callout.Invoke',
      graphBaseUrl: 'https://graph.microsoft.com',
      authorityHost: 'https://login.microsoftonline.com',
      allowDenyAtApprovedStage: false,
      policyPath: undefined,
    });
    expect(loadScanSettings(settings)).toBeUndefined();
  });

  it('sets POLICY_PATH and the scan settings only when given, and the scan settings validate', async () => {
    const settings = await appSettings({ policyPath: 'policy/sample.policy.json', sodScanSchedule: '0 0 2 * * *' });
    expect(settings['POLICY_PATH']).toBe('policy/sample.policy.json');
    expect(loadScanSettings(settings)).toEqual({ schedule: '0 0 2 * * *', containerUrl: 'https://sttest.blob.core.windows.net/sod-reports' });
    const main = await bicepFile('main.bicep');
    expect(squeeze(requireProp(moduleDeclaration(main, 'storage').body, 'params.reportContainerName'))).toBe('reportContainerName');
    expect(squeeze(requireProp(moduleDeclaration(main, 'functionApp').body, 'params.reportContainerName'))).toBe('reportContainerName');
  });

  it('sets only settings the code or the platform reads, none that Flex deprecates', async () => {
    const settings = await appSettings({ policyPath: 'p.json', sodScanSchedule: '0 0 2 * * *' });
    const known = new Set([...settingsTheCodeReads(), ...PLATFORM_SETTINGS]);
    for (const name of Object.keys(settings)) expect(known, name).toContain(name);
    for (const name of FLEX_DEPRECATED) expect(Object.keys(settings)).not.toContain(name);
  });

  it('reaches host storage and Application Insights with its identity, not with keys', async () => {
    const settings = await appSettings();
    expect(settings).toMatchObject({
      AzureWebJobsStorage__blobServiceUri: 'https://sttest.blob.core.windows.net/',
      AzureWebJobsStorage__credential: 'managedidentity',
      AzureWebJobsStorage__clientId: GUIDS.identityClientId,
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${GUIDS.identityClientId};Authorization=AAD`,
    });
    expect(Object.keys(settings)).not.toContain('AzureWebJobsStorage');
    for (const [name, value] of Object.entries(settings)) {
      expect(value, name).not.toMatch(/AccountKey=|SharedAccessSignature|sig=|client_secret/i);
    }
  });

  it('names host storage by its service URI from the account\'s own endpoints, so every cloud gets its suffix (never __accountName)', async () => {
    // US Government: the account's endpoints carry core.usgovcloudapi.net; an account name would make the host build core.windows.net.
    const gov = { blobEndpoint: 'https://sttest.blob.core.usgovcloudapi.net/', tableEndpoint: 'https://sttest.table.core.usgovcloudapi.net/' };
    const settings = await appSettings(gov);
    expect(settings['AzureWebJobsStorage__blobServiceUri']).toBe(gov.blobEndpoint);
    expect(settings['DECISION_LEDGER_URL']).toBe('https://sttest.table.core.usgovcloudapi.net/decisions');
    expect(Object.keys(settings).filter((k) => k.startsWith('AzureWebJobsStorage')).sort()).toEqual(['AzureWebJobsStorage__blobServiceUri', 'AzureWebJobsStorage__clientId', 'AzureWebJobsStorage__credential']);
    for (const value of Object.values(settings)) expect(value).not.toContain('core.windows.net');
    // The code reads the ledger under the name it always had, and accepts that cloud's URL.
    const config = loadConfig({ ...settings, IDENTITY_ENDPOINT: 'http://localhost:8081/msi/token', IDENTITY_HEADER: 'x' });
    expect(JSON.stringify(config.decisionLedger)).toContain('core.usgovcloudapi.net');
    const main = await bicepFile('main.bicep');
    const fn = moduleDeclaration(main, 'functionApp').body;
    expect(squeeze(requireProp(fn, 'params.blobEndpoint'))).toBe('storage.outputs.blobEndpoint');
    expect(squeeze(requireProp(fn, 'params.tableEndpoint'))).toBe('storage.outputs.tableEndpoint');
    const storage = await bicepFile('app/storage.bicep');
    expect(squeeze(outputs(storage).get('blobEndpoint') as Node)).toBe('storage.properties.primaryEndpoints.blob');
    expect(squeeze(outputs(storage).get('tableEndpoint') as Node)).toBe('storage.properties.primaryEndpoints.table');
  });

  it('writes the site\'s configuration one resource after another: app settings, authentication, then each publishing credential policy', async () => {
    const file = await bicepFile('app/function-app.bicep');
    const children = resources(file).filter((r) => squeeze(prop(r.body, 'parent') ?? r.body) === 'site');
    expect(children.map((r) => r.symbol)).toEqual(['appSettings', 'authSettings', 'ftpCredentials', 'scmCredentials']);
    const dependsOn = (symbol: string) => {
      const node = prop(resource(file, symbol).body, 'dependsOn');
      return node === undefined ? [] : squeeze(node).replace(/^\[|\]$/g, '').split(/\s+|,/).filter((s) => s !== '');
    };
    // A chain: each waits for the one before, so App Service never gets two config writes at once.
    expect(children.map((r) => dependsOn(r.symbol))).toEqual([[], ['appSettings'], ['authSettings'], ['ftpCredentials']]);
  });

  it('lets only the relay\'s identity through App Service authentication, for the API audience; others get 401', async () => {
    const file = await bicepFile('app/function-app.bicep');
    const auth = resource(file, 'authSettings');
    expect(evaluate(file, requireProp(auth.body, 'name'))).toBe('authsettingsV2');
    const settings = evaluate(file, requireProp(auth.body, 'properties'), { params: MODULE_PARAMS });
    expect(settings).toMatchObject({
      platform: { enabled: true },
      globalValidation: { requireAuthentication: true, unauthenticatedClientAction: 'Return401' },
      httpSettings: { requireHttps: true },
      identityProviders: {
        azureActiveDirectory: {
          enabled: true,
          registration: { clientId: GUIDS.apiClientId, openIdIssuer: `https://login.microsoftonline.com/${DEPLOYMENT.tenantId}/v2.0` },
          validation: {
            allowedAudiences: [MODULE_PARAMS['apiIdentifierUri'], GUIDS.apiClientId],
            defaultAuthorizationPolicy: { allowedApplications: [GUIDS.relayClientId], allowedPrincipals: { identities: [GUIDS.relayPrincipalId] } },
          },
        },
      },
    });
    expect(JSON.stringify(settings)).not.toMatch(/clientSecret/i);
  });

  it('is wired in main.bicep to the relay\'s identity, the API registration and the same app role', async () => {
    const main = await bicepFile('main.bicep');
    const fn = moduleDeclaration(main, 'functionApp').body;
    expect(squeeze(requireProp(fn, 'params.relayClientId'))).toBe('identities.outputs.relayClientId');
    expect(squeeze(requireProp(fn, 'params.relayPrincipalId'))).toBe('identities.outputs.relayPrincipalId');
    expect(squeeze(requireProp(fn, 'params.identityClientId'))).toBe('identities.outputs.functionClientId');
    expect(squeeze(requireProp(fn, 'params.apiClientId'))).toBe('resolvedApiClientId');
    expect(squeeze(requireProp(fn, 'params.apiIdentifierUri'))).toBe('apiIdentifierUri');
    expect(squeeze(requireProp(fn, 'params.calloutRoleValue'))).toBe('calloutRoleValue');
    expect(squeeze(requireProp(moduleDeclaration(main, 'apiRegistration').body, 'params.calloutRoleValue'))).toBe('calloutRoleValue');
    expect(squeeze(requireProp(fn, 'dependsOn'))).toBe('[roleAssignments]');
  });
});
