import { describe, expect, it } from 'vitest';
import { evaluate, evalVar } from './support/bicep-eval.js';
import { moduleDeclaration, outputs, requireProp, resource, resources, squeeze, variable } from './support/bicep-query.js';
import { bicepFile, bicepPaths } from './support/bicep-tree.js';

// Storage, monitoring, identities, Azure role assignments, outputs, and no secrets anywhere.

const ROLE = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
};

describe('infra: storage, monitoring and identities', () => {
  it('storage refuses shared keys, SAS, anonymous blobs and old TLS', async () => {
    const file = await bicepFile('app/storage.bicep');
    const properties = evaluate(file, requireProp(resource(file, 'storage').body, 'properties'));
    expect(properties).toMatchObject({
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      allowBlobPublicAccess: false,
      minimumTlsVersion: 'TLS1_2',
      supportsHttpsTrafficOnly: true,
    });
  });

  it('creates the scan report container only with the scan, and no container is public', async () => {
    const file = await bicepFile('app/storage.bicep');
    expect(file.text).not.toMatch(/publicAccess: '(Blob|Container)'/);
    expect(squeeze(file.root).match(/publicAccess: 'None'/g)).toHaveLength(2);
    expect(file.text).toMatch(/resource reports 'containers' = if \(createReportContainer\)/);
    const main = await bicepFile('main.bicep');
    expect(squeeze(requireProp(moduleDeclaration(main, 'storage').body, 'params.createReportContainer'))).toBe('scanEnabled');
  });

  it('Application Insights and its Log Analytics workspace accept only Entra-authenticated ingestion (no shared key)', async () => {
    const file = await bicepFile('app/monitoring.bicep');
    const appInsights = resource(file, 'appInsights');
    expect(evaluate(file, requireProp(appInsights.body, 'properties.DisableLocalAuth'))).toBe(true);
    expect(evaluate(file, requireProp(resource(file, 'workspace').body, 'properties.features.disableLocalAuth'))).toBe(true);
  });

  it('gives the function and the relay a user-assigned identity each', async () => {
    const file = await bicepFile('app/identity.bicep');
    expect(resources(file).map((r) => [r.symbol, r.target])).toEqual([
      ['functionIdentity', 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31'],
      ['relayIdentity', 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31'],
    ]);
    const main = await bicepFile('main.bicep');
    expect(squeeze(requireProp(moduleDeclaration(main, 'functionApp').body, 'params.identityId'))).toBe('identities.outputs.functionIdentityId');
    expect(squeeze(requireProp(moduleDeclaration(main, 'relay').body, 'params.identityId'))).toBe('identities.outputs.relayIdentityId');
  });

  it('assigns the function\'s identity only Storage Blob Data Owner on its storage, Storage Table Data Contributor on the ledger\'s table and Monitoring Metrics Publisher on Application Insights', async () => {
    const file = await bicepFile('app/role-assignments.bicep');
    expect(evalVar(file, 'roles')).toEqual(ROLE);
    const assignments = resources(file).filter((r) => r.target.startsWith('Microsoft.Authorization/roleAssignments@'));
    expect(assignments.map((a) => [squeeze(requireProp(a.body, 'scope')), squeeze(requireProp(a.body, 'properties.roleDefinitionId'))])).toEqual([
      ['storage', "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)"],
      ['ledgerTable', "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)"],
      ['appInsights', "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)"],
    ]);
    for (const a of assignments) {
      expect(squeeze(requireProp(a.body, 'name'))).toMatch(/^guid\(\w+\.id, functionPrincipalId, roles\.\w+\)$/);
      expect(evaluate(file, requireProp(a.body, 'properties.principalType'))).toBe('ServicePrincipal');
    }
    // No other file assigns Azure roles (one module, as azd samples keep it).
    for (const path of bicepPaths().filter((p) => p !== 'app/role-assignments.bicep')) {
      expect((await bicepFile(path)).text, path).not.toContain('Microsoft.Authorization/roleAssignments');
    }
  });
});

describe('infra: no secrets', () => {
  it.each(bicepPaths())('%s holds no keys, SAS, connection secrets or secure params', async (path) => {
    const { text } = await bicepFile(path);
    expect(text).not.toMatch(/listKeys\(|listkeys\(|listCallbackUrl\(|listSecrets\(/);
    expect(text).not.toMatch(/AccountKey=|SharedAccessSignature|InstrumentationKey=|client_?secret|passwordCredentials/i);
    expect(text).not.toMatch(/@secure\(\)/);
  });

  it('sends the App Insights connection string only with AAD authentication', async () => {
    const file = await bicepFile('app/function-app.bicep');
    expect(squeeze(requireProp(resource(file, 'appSettings').body, 'properties'))).toBe('union(coreSettings, ledgerSettings, policySettings, scanSettings, pimSettings)');
    const core = variable(file, 'coreSettings');
    expect(squeeze(requireProp(core, 'APPLICATIONINSIGHTS_CONNECTION_STRING'))).toBe('applicationInsightsConnectionString');
    expect(squeeze(requireProp(core, 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'))).toBe("'ClientId=${identityClientId};Authorization=AAD'");
    const main = await bicepFile('main.bicep');
    expect(squeeze(requireProp(moduleDeclaration(main, 'functionApp').body, 'params.applicationInsightsConnectionString'))).toBe('monitoring.outputs.connectionString');
  });
});

describe('infra: outputs', () => {
  it('names every output in SCREAMING_CASE and gives the register command what it needs', async () => {
    const main = await bicepFile('main.bicep');
    const names = [...outputs(main).keys()];
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
    expect(names).toEqual(expect.arrayContaining([
      'AZURE_TENANT_ID', 'AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME',
      'RELAY_LOGIC_APP_NAME', 'RELAY_RESOURCE_GROUP', 'RELAY_RESOURCE_PATH',
      'FUNCTION_IDENTITY_PRINCIPAL_ID', 'FUNCTION_IDENTITY_CLIENT_ID', 'API_CLIENT_ID', 'API_IDENTIFIER_URI',
      'LEAST_PRIVILEGE', 'LIFECYCLE_WORKFLOWS_ENABLED', 'GRAPH_BASE_URL', 'AZURE_AUTHORITY_HOST',
    ]));
  });
});
