import { describe, expect, it } from 'vitest';
import { checkInfra, loadInfra, withText, type Infra } from './support/infra-check.js';

// Mutation test of the infra checker (support/infra-check.ts): each row makes one realistic mistake
// in a copy of a real infra/ file, in memory, and the checker must report it, naming the file and
// the property, type, output or extension. One or more rows per class of mistake the reviewers
// injected (issue 16). A row whose `from` text is gone from infra/ fails rather than passing
// silently: its anchor is then moved to the new text.

type Class =
  | 'nonexistent API version'
  | 'property from a newer API version'
  | 'misspelt property'
  | 'invalid literal'
  | 'missing required property'
  | 'read-only property written'
  | 'wrong property type'
  | 'module output that does not exist'
  | 'module param that does not exist'
  | 'scope that does not fit'
  | 'bad extension version'
  | 'extension not in bicepconfig.json';

interface Mutation {
  readonly class: Class;
  /** Path in infra/. */
  readonly file: string;
  /** Replaced once, at its first occurrence. */
  readonly from: string;
  readonly to: string;
  /** What a problem of this file must say (after `infra/<file>:<line> `). */
  readonly problem: RegExp;
}

const MUTATIONS: readonly Mutation[] = [
  // A version that was never published (2023-05-01 is; 2023-13-01 cannot be).
  { class: 'nonexistent API version', file: 'app/storage.bicep', from: "'Microsoft.Storage/storageAccounts@2023-05-01' = {", to: "'Microsoft.Storage/storageAccounts@2023-13-01' = {", problem: /^Microsoft\.Storage\/storageAccounts@2023-13-01: no type definitions for this API version/ },
  { class: 'nonexistent API version', file: 'app/function-app.bicep', from: "'Microsoft.Web/sites@2024-04-01' = {", to: "'Microsoft.Web/sites@2024-04-31' = {", problem: /^Microsoft\.Web\/sites@2024-04-31: no type definitions/ },
  { class: 'nonexistent API version', file: 'app/identity.bicep', from: "'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {", to: "'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-01' = {", problem: /^Microsoft\.ManagedIdentity\/userAssignedIdentities@2023-01-01: no type definitions/ },
  { class: 'nonexistent API version', file: 'app/api-registration.bicep', from: "'Microsoft.Graph/applications@v1.0' = {", to: "'Microsoft.Graph/applications@v2.0' = {", problem: /^Microsoft\.Graph\/applications@v2\.0: the Graph extension \(microsoftGraphV1\) defines no such type/ },
  // Real properties of later API versions than the pinned one (Bicep types of those versions).
  { class: 'property from a newer API version', file: 'app/function-app.bicep', from: '    httpsOnly: true\n', to: '    httpsOnly: true\n    outboundVnetRouting: { allTraffic: true }\n', problem: /^Microsoft\.Web\/sites@2024-04-01 properties\.outboundVnetRouting: no such property/ }, // 2024-11-01
  { class: 'property from a newer API version', file: 'app/storage.bicep', from: '    allowSharedKeyAccess: false\n', to: '    allowSharedKeyAccess: false\n    dualStackEndpointPreference: { publishIpv6Endpoint: false }\n', problem: /^Microsoft\.Storage\/storageAccounts@2023-05-01 properties\.dualStackEndpointPreference: no such property/ }, // 2025-01-01
  { class: 'property from a newer API version', file: 'app/monitoring.bicep', from: '    retentionInDays: 30\n', to: '    retentionInDays: 30\n    replication: { enabled: false }\n', problem: /^Microsoft\.OperationalInsights\/workspaces@2023-09-01 properties\.replication: no such property/ }, // 2025-02-01
  { class: 'property from a newer API version', file: 'app/identity.bicep', from: '  name: functionIdentityName\n', to: "  name: functionIdentityName\n  properties: { isolationScope: 'Regional' }\n", problem: /^Microsoft\.ManagedIdentity\/userAssignedIdentities@2023-01-31 properties: read-only/ }, // 2024-11-30: before it, properties held only read-only values
  { class: 'property from a newer API version', file: 'app/function-app.bicep', from: '    reserved: true', to: '    asyncScalingEnabled: true\n    reserved: true', problem: /^Microsoft\.Web\/serverfarms@2024-04-01 properties\.asyncScalingEnabled: no such property/ }, // 2024-11-01
  { class: 'misspelt property', file: 'app/storage.bicep', from: 'minimumTlsVersion:', to: 'minimumTlsVerison:', problem: /^Microsoft\.Storage\/storageAccounts@2023-05-01 properties\.minimumTlsVerison: no such property/ },
  { class: 'misspelt property', file: 'app/function-app.bicep', from: 'unauthenticatedClientAction:', to: 'unauthenticatedAction:', problem: /^Microsoft\.Web\/sites\/config@2024-04-01 properties\.globalValidation\.unauthenticatedAction: no such property/ },
  { class: 'misspelt property', file: 'app/monitoring.bicep', from: 'WorkspaceResourceId:', to: 'WorkspaceResourcesId:', problem: /^Microsoft\.Insights\/components@2020-02-02 properties\.WorkspaceResourcesId: no such property/ },
  { class: 'misspelt property', file: 'app/api-registration.bicep', from: 'appRoleAssignmentRequired:', to: 'appRoleAssignmentsRequired:', problem: /^Microsoft\.Graph\/servicePrincipals@v1\.0 appRoleAssignmentsRequired: no such property/ },
  { class: 'invalid literal', file: 'app/storage.bicep', from: "defaultAction: 'Allow'", to: "defaultAction: 'Allowed'", problem: /^Microsoft\.Storage\/storageAccounts@2023-05-01 properties\.networkAcls\.defaultAction: 'Allowed' is none of 'Allow' \| 'Deny'/ },
  { class: 'invalid literal', file: 'app/function-app.bicep', from: "unauthenticatedClientAction: 'Return401'", to: "unauthenticatedClientAction: 'Return404'", problem: /^Microsoft\.Web\/sites\/config@2024-04-01 properties\.globalValidation\.unauthenticatedClientAction: 'Return404' is none of/ },
  { class: 'invalid literal', file: 'app/storage.bicep', from: "publicAccess: 'None'", to: "publicAccess: 'Private'", problem: /^Microsoft\.Storage\/storageAccounts\/blobServices\/containers@2023-05-01 properties\.publicAccess: 'Private' is none of/ },
  { class: 'invalid literal', file: 'app/function-app.bicep', from: "name: 'ftp'", to: "name: 'sftp'", problem: /^Microsoft\.Web\/sites\/basicPublishingCredentialsPolicies@2024-04-01 name: 'sftp' is none of ftp, scm/ },
  { class: 'missing required property', file: 'app/monitoring.bicep', from: "    Application_Type: 'web'\n", to: '', problem: /^Microsoft\.Insights\/components@2020-02-02 properties\.Application_Type: required, missing/ },
  { class: 'missing required property', file: 'app/storage.bicep', from: "  sku: { name: 'Standard_LRS' }\n", to: '', problem: /^Microsoft\.Storage\/storageAccounts@2023-05-01 sku: required, missing/ },
  { class: 'missing required property', file: 'app/role-assignments.bicep', from: '    principalId: functionPrincipalId\n', to: '', problem: /^Microsoft\.Authorization\/roleAssignments@2022-04-01 properties\.principalId: required, missing/ },
  { class: 'missing required property', file: 'app/api-identifier-uris.bicep', from: '  displayName: displayName\n', to: '', problem: /^Microsoft\.Graph\/applications@v1\.0 displayName: required, missing/ },
  { class: 'read-only property written', file: 'app/function-app.bicep', from: '    httpsOnly: true\n', to: "    httpsOnly: true\n    defaultHostName: '${name}.azurewebsites.net'\n", problem: /^Microsoft\.Web\/sites@2024-04-01 properties\.defaultHostName: read-only/ },
  { class: 'read-only property written', file: 'app/storage.bicep', from: '    allowSharedKeyAccess: false\n', to: '    allowSharedKeyAccess: false\n    primaryLocation: location\n', problem: /^Microsoft\.Storage\/storageAccounts@2023-05-01 properties\.primaryLocation: read-only/ },
  { class: 'wrong property type', file: 'app/monitoring.bicep', from: 'retentionInDays: 30', to: "retentionInDays: '30'", problem: /^Microsoft\.OperationalInsights\/workspaces@2023-09-01 properties\.retentionInDays: string where the type wants int/ },
  { class: 'wrong property type', file: 'app/function-app.bicep', from: 'http20Enabled: true', to: "http20Enabled: 'true'", problem: /^Microsoft\.Web\/sites@2024-04-01 properties\.siteConfig\.http20Enabled: string where the type wants bool/ },
  { class: 'wrong property type', file: 'app/api-registration.bicep', from: 'requestedAccessTokenVersion: 2', to: "requestedAccessTokenVersion: '2'", problem: /^Microsoft\.Graph\/applications@v1\.0 api\.requestedAccessTokenVersion: string where the type wants int/ },
  { class: 'module output that does not exist', file: 'main.bicep', from: 'storage.outputs.blobEndpoint', to: 'storage.outputs.blobEndPoint', problem: /^storage\.outputs\.blobEndPoint: app\/storage\.bicep declares no such output/ },
  { class: 'module output that does not exist', file: 'main.bicep', from: 'identities.outputs.functionClientId', to: 'identities.outputs.functionIdentityClientId', problem: /^identities\.outputs\.functionIdentityClientId: app\/identity\.bicep declares no such output/ },
  { class: 'module output that does not exist', file: 'main.bicep', from: 'monitoring.outputs.connectionString', to: 'monitoring.outputs.instrumentationKey', problem: /^monitoring\.outputs\.instrumentationKey: app\/monitoring\.bicep declares no such output/ },
  { class: 'module output that does not exist', file: 'main.bicep', from: 'apiRegistration!.outputs.clientId', to: 'apiRegistration!.outputs.appId', problem: /^apiRegistration\.outputs\.appId: app\/api-registration\.bicep declares no such output/ },
  { class: 'module param that does not exist', file: 'main.bicep', from: "    logAnalyticsName: 'log-${resourceToken}'", to: "    workspaceName: 'log-${resourceToken}'", problem: /^module monitoring params\.workspaceName: app\/monitoring\.bicep declares no such param/ },
  // main.bicep targets the subscription: a resource-group module needs a resource group scope.
  { class: 'scope that does not fit', file: 'main.bicep', from: "  name: 'storage'\n  scope: rg\n", to: "  name: 'storage'\n", problem: /^module storage: no scope, so this file's targetScope subscription, but app\/storage\.bicep has targetScope resourceGroup/ },
  { class: 'scope that does not fit', file: 'main.bicep', from: 'scope: rg', to: 'scope: resourceGroup()', problem: /^scope: resourceGroup\(\) without arguments is not valid in a subscription-scoped file/ },
  { class: 'scope that does not fit', file: 'main.bicep', from: "targetScope = 'subscription'", to: "targetScope = 'resourceGroup'", problem: /^Microsoft\.Resources\/resourceGroups@2024-03-01: deployed at resourceGroup \(the file's targetScope\); permitted scopes: subscription/ },
  { class: 'scope that does not fit', file: 'app/monitoring.bicep', from: '  kind: \'web\'\n', to: "  kind: 'web'\n  scope: workspace\n", problem: /^Microsoft\.Insights\/components@2020-02-02: scope: a resource, but this type is no extension resource; permitted scopes: resourceGroup/ },
  { class: 'scope that does not fit', file: 'app/role-assignments.bicep', from: 'scope: storage\n', to: 'scope: subscription()\n', problem: /^Microsoft\.Authorization\/roleAssignments@2022-04-01: scope: a subscription, but this file deploys at its targetScope resourceGroup/ },
  { class: 'bad extension version', file: 'bicepconfig.json', from: 'microsoftgraph/v1.0:1.0.0', to: 'microsoftgraph/v1.0:1.0.1', problem: /^extensions\.microsoftGraphV1: microsoftgraph\/v1\.0:1\.0\.1 is no version of the Microsoft Graph extension vendored/ },
  { class: 'bad extension version', file: 'bicepconfig.json', from: 'microsoftgraph/v1.0:1.0.0', to: 'microsoftgraph/v1:1.0.0', problem: /^extensions\.microsoftGraphV1: br:mcr\.microsoft\.com\/bicep\/extensions\/microsoftgraph\/v1:1\.0\.0 is not the Microsoft Graph extension/ },
  { class: 'extension not in bicepconfig.json', file: 'app/api-registration.bicep', from: 'extension microsoftGraphV1', to: 'extension microsoftGraph', problem: /^extension microsoftGraph: bicepconfig\.json names no such extension \(it has microsoftGraphV1\)/ },
];

/** The text after `infra/<file>[:<line>] ` of each problem of that file. */
function problemsOf(problems: readonly string[], file: string): string[] {
  const prefix = new RegExp(`^infra/${file.replaceAll('.', '\\.')}(?::\\d+)?:? `);
  return problems.filter((p) => prefix.test(p)).map((p) => p.replace(prefix, ''));
}

describe('infra: the checker catches each kind of mistake (mutations of the real files)', () => {
  const infra: Promise<Infra> = loadInfra();

  it('the unmutated infra/ has no problem', async () => {
    const problems = checkInfra(await infra);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('covers every class of mistake, at least 22 mutations', () => {
    expect(MUTATIONS.length).toBeGreaterThanOrEqual(22);
    const classes: readonly Class[] = [
      'nonexistent API version', 'property from a newer API version', 'misspelt property', 'invalid literal', 'missing required property',
      'read-only property written', 'wrong property type', 'module output that does not exist', 'scope that does not fit', 'bad extension version',
    ];
    for (const c of classes) expect(MUTATIONS.map((m) => m.class), c).toContain(c);
  });

  it.each(MUTATIONS.map((m) => [`${m.class}: ${m.file}: ${m.from.trim()} → ${m.to.trim() || '(removed)'}`, m] as const))('%s', async (_, mutation) => {
    const base = await infra;
    const original = mutation.file === 'bicepconfig.json' ? base.config : base.files.get(mutation.file)?.text;
    expect(original, `infra/${mutation.file}`).toBeDefined();
    // The anchor must still be in infra/: otherwise this row would test nothing.
    expect(original?.includes(mutation.from), `infra/${mutation.file} no longer contains ${JSON.stringify(mutation.from)}`).toBe(true);
    const mutated = await withText(base, mutation.file, (original ?? '').replace(mutation.from, mutation.to));
    // Only the mutated file's problems count (and bicepconfig.json's, checked always): the others are not checked again.
    const found = problemsOf(checkInfra(mutated, [mutation.file]), mutation.file);
    expect(found.some((p) => mutation.problem.test(p)), `expected ${String(mutation.problem)} among:\n${found.join('\n')}`).toBe(true);
  });
});
