import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AZURE_TYPES, definedResourceTypes, graphVersions, isVendored, vendoredIndex } from './support/azure-type-files.js';
import { checkResources, fullTarget } from './support/azure-types.js';
import { INFRA, bicepFile, bicepPaths, parseBicepText } from './support/bicep-tree.js';
import { CONFIG, checkInfra, configExtensions, loadInfra } from './support/infra-check.js';

// What the Bicep compiler would check of each resource, against the type definitions it uses
// (vendored in test/infra/azure-types): no compiler is published on npm. The whole of infra/ is
// checked with support/infra-check.ts (resources, scopes, modules, extensions); mutations.test.ts
// shows that each kind of mistake is caught.

const paths = bicepPaths();
const { extensions } = configExtensions(readFileSync(join(INFRA, CONFIG), 'utf8'));

let checked: ReturnType<typeof checkAll> | undefined;
async function checkAll() {
  return (await Promise.all(paths.map(async (path) => checkResources(await bicepFile(path), extensions).map((c) => ({ ...c, path }))))).flat();
}
/** Every resource of infra/, checked once per test file. */
function allChecks() {
  checked ??= checkAll();
  return checked;
}

describe('infra: resources against the Azure type definitions', () => {
  const problems = loadInfra().then(checkInfra);

  it.each(paths)('%s: every resource has only properties its API version defines, of the right kind and value, at a scope its type allows; every module fits', async (path) => {
    const mine = (await problems).filter((p) => p.startsWith(`infra/${path}:`));
    expect(mine, mine.join('\n')).toEqual([]);
  });

  it('bicepconfig.json names a vendored Graph extension version, and no problem is outside a file checked above', async () => {
    expect(graphVersions()).toContain('v1.0:1.0.0');
    const elsewhere = (await problems).filter((p) => !paths.some((path) => p.startsWith(`infra/${path}:`)));
    expect(elsewhere, elsewhere.join('\n')).toEqual([]);
  });

  it('every resource type infra/ uses is vendored: none goes unchecked', async () => {
    const unchecked = [...new Set((await allChecks()).map((c) => c.target))].filter((t) => !isVendored(t));
    expect(unchecked).toEqual([]);
  });

  it('checks every resource of the ledger, the alerts and the workbook', async () => {
    const checks = await allChecks();
    const of = (path: string) => checks.filter((c) => c.path === path).map((c) => [c.target, c.vendored]);
    expect(of('app/alerts.bicep')).toEqual([
      ['Microsoft.OperationalInsights/workspaces@2023-09-01', true],
      ['Microsoft.Insights/actionGroups@2023-01-01', true],
      ['Microsoft.Insights/scheduledQueryRules@2023-12-01', true],
      ['Microsoft.Insights/scheduledQueryRules@2023-12-01', true],
      ['Microsoft.Insights/scheduledQueryRules@2023-12-01', true],
      ['Microsoft.Insights/scheduledQueryRules@2023-12-01', true],
      ['Microsoft.Insights/scheduledQueryRules@2023-12-01', true],
      ['Microsoft.Insights/scheduledQueryRules@2023-12-01', true],
    ]);
    expect(of('app/workbook.bicep')).toEqual([
      ['Microsoft.OperationalInsights/workspaces@2023-09-01', true],
      ['Microsoft.Insights/components@2020-02-02', true],
      ['Microsoft.Insights/workbooks@2023-06-01', true],
    ]);
    expect(of('app/storage.bicep')).toContainEqual(['Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01', true]);
    expect(of('app/role-assignments.bicep')).toContainEqual(['Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01', true]);
    expect(of('app/role-assignments.bicep').filter(([t]) => t === 'Microsoft.Authorization/roleAssignments@2022-04-01')).toHaveLength(3);
  });

  it('finds what the compiler would refuse: unknown or read-only properties, wrong kinds, literals, patterns, missing required ones', async () => {
    const broken = await parseBicepText('broken.bicep', `param n string
var q = 42
resource rule 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'a/b'
  location: 'x'
  kind: 'LogAlert'
  identity: { type: 'Managed' }
  properties: {
    severity: '1'
    enabled: 'yes'
    scopes: 'one'
    criteria: { allOf: [ { query: q, operator: 'Greater' } ] }
    isLegacyLogAnalyticsRule: false
    nonsense: true
  }
}
resource group 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: n
  location: 'global'
  properties: { groupShortName: 'much-too-long-name', emailReceivers: [ { name: 'x' } ] }
}
resource table 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  name: 'a-b'
  properties: { tableName: 'x' }
}
resource later 'Microsoft.Insights/workbooks@2099-01-01' = {
  name: 'w'
}
`);
    const checks = checkResources(broken, extensions);
    const problems = checks.flatMap((c) => c.problems).map((p) => p.replace(/^broken\.bicep:\d+ \S+ /, ''));
    expect(problems).toEqual([
      `name: 'a/b' does not match ^[^#<>%&:\\?/{}*]{1,260}$`,
      "identity.type: 'Managed' is none of 'SystemAssigned' | 'UserAssigned' | 'None'",
      'properties.severity: string where the type wants int',
      'properties.enabled: string where the type wants bool',
      'properties.scopes: string where the type wants string[]',
      "properties.criteria.allOf[0].query: int where the type wants string",
      'properties.isLegacyLogAnalyticsRule: read-only',
      'properties.nonsense: no such property in ScheduledQueryRuleProperties',
      "properties.groupShortName: 'much-too-long-name' is longer than 12",
      'properties.emailReceivers[0].emailAddress: required, missing',
      'properties.enabled: required, missing',
      "name: 'a-b' does not match ^[A-Za-z][A-Za-z0-9]{2,62}$",
      'properties.tableName: read-only',
      'no type definitions for this API version (vendored: 2023-06-01): a nonexistent version, or one to vendor from Azure/bicep-types-az',
    ]);
    // 'Greater' is allowed: the type lists known operators but takes any string, as the compiler does.
    expect(checks.find((c) => c.symbol === 'later')?.vendored).toBe(false);
  });

  it('checks the Microsoft Graph extension\'s resources too: the API registration, its second declaration and the grants', async () => {
    const checks = await allChecks();
    const of = (path: string) => checks.filter((c) => c.path === path).map((c) => [c.symbol, c.target, c.vendored]);
    // Every Graph resource is checked (the extension's types are vendored), the registration and its service principal among them.
    expect(of('app/api-registration.bicep').filter(([, , vendored]) => vendored !== true)).toEqual([]);
    expect(of('app/api-registration.bicep')).toEqual(expect.arrayContaining([
      ['api', 'Microsoft.Graph/applications@v1.0', true],
      ['apiServicePrincipal', 'Microsoft.Graph/servicePrincipals@v1.0', true],
    ]));
    expect(of('app/api-identifier-uris.bicep')).toEqual([['api', 'Microsoft.Graph/applications@v1.0', true]]);
    // What the compiler would refuse in such declarations: a redeclared application without its
    // display name (the type requires one), a reference by anything but its identifier.
    const broken = await parseBicepText('graph.bicep', `extension microsoftGraphV1
resource again 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: 'u'
  identifierUris: 'api://x'
  appId: 'a'
}
resource sp 'Microsoft.Graph/servicePrincipals@v1.0' existing = {
  appId: 'x'
  appRoleAssignmentRequired: true
}
resource grant 'Microsoft.Graph/appRoleAssignedTo@v1.0' = {
  appRoleId: 'r'
  resourceId: sp.id
}
`);
    expect(checkResources(broken, extensions).flatMap((c) => c.problems).map((p) => p.replace(/^graph\.bicep:\d+ \S+ /, ''))).toEqual([
      'identifierUris: string where the type wants string[]',
      'appId: read-only',
      'displayName: required, missing',
      'appRoleAssignmentRequired: an existing resource takes only its name (or identifier), parent and scope',
      "appRoleId: 'r' is shorter than 36",
      "appRoleId: 'r' does not match ^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$",
      'principalId: required, missing',
    ]);
  });

  it('resolves a nested resource\'s type from its parent\'s', () => {
    expect(fullTarget('tables', 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01')).toBe('Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01');
    expect(fullTarget('Microsoft.Insights/components@2020-02-02', undefined)).toBe('Microsoft.Insights/components@2020-02-02');
  });
});

describe('infra: the vendored type definitions', () => {
  const files = readdirSync(AZURE_TYPES, { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('types.json')).map((p) => p.split('\\').join('/')).sort();

  it('index.json maps every resource type of every vendored file to that file, and names no other file', () => {
    const index = vendoredIndex();
    const mapped = Object.entries(index).flatMap(([type, versions]) => Object.entries(versions).map(([version, file]) => [`${type}@${version}`, file] as const));
    for (const [, file] of mapped) expect(existsSync(join(AZURE_TYPES, file)), file).toBe(true);
    expect([...new Set(mapped.map(([, file]) => file))].sort()).toEqual(files);
    const defined = files.flatMap((file) => definedResourceTypes(file).map((t) => [t, file] as const));
    expect(Object.fromEntries(mapped)).toEqual(Object.fromEntries(defined));
  });

  it('are in the repository, attributed and licensed, and nothing outside it is read', () => {
    expect(relative(join(import.meta.dirname, '..', '..'), AZURE_TYPES)).toBe(join('test', 'infra', 'azure-types'));
    const readme = readFileSync(join(AZURE_TYPES, 'README.md'), 'utf8');
    expect(readme).toMatch(/Azure\/bicep-types-az/);
    expect(readme).toMatch(/MIT/);
    for (const file of files) expect(readme, file).toContain(`\`${file}\``);
    expect(readFileSync(join(AZURE_TYPES, 'LICENSE'), 'utf8')).toMatch(/^MIT License$/m);
  });
});
