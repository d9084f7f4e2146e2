import { describe, expect, it } from 'vitest';
import { parseBicepText, type BicepFile } from './support/bicep-tree.js';
import { checkInfra } from './support/infra-check.js';

// The checker's rules on small templates, for what no mutation of infra/ reaches: what the compiler
// allows must pass (a reference across resource groups, an extension resource on a resource, a
// suppressed diagnostic), and what it refuses must not.

const CONFIG = '{ "extensions": { "microsoftGraphV1": "br:mcr.microsoft.com/bicep/extensions/microsoftgraph/v1.0:1.0.0" } }';

async function problems(files: Record<string, string>, config = CONFIG): Promise<string[]> {
  const parsed = await Promise.all(Object.entries(files).map(async ([path, text]) => [path, await parseBicepText(`infra/${path}`, text)] as const));
  return checkInfra({ files: new Map<string, BicepFile>(parsed), config }).map((p) => p.replace(/^infra\/(\S+?):\d+ /, '$1 '));
}

describe('infra checker: scopes, modules, extensions and suppressions', () => {
  it('allows what the compiler allows', async () => {
    expect(await problems({
      'main.bicep': `targetScope = 'subscription'
resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = { name: 'rg', location: 'x' }
module one 'app/one.bicep' = { name: 'one', scope: rg, params: { n: 'a' } }
module two 'app/one.bicep' = { name: 'two', scope: resourceGroup('other'), params: { n: one.outputs.id, opt: 1 } }
output id string = two.outputs.id
`,
      'app/one.bicep': `param n string
param opt int = 0
resource other 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: n
  scope: resourceGroup('elsewhere')
}
resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(n)
  scope: other
  properties: {
    roleDefinitionId: 'r'
    principalId: 'p'
    #disable-next-line BCP037
    notInTheType: true
  }
}
resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: n
}
resource web 'Microsoft.Web/sites/config@2024-04-01' existing = {
  parent: site
  name: 'web'
}
resource here 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(n, 'here')
  scope: resourceGroup()
  properties: { roleDefinitionId: 'r', principalId: 'p' }
}
output id string = other.id
`,
      'app/inline.bicep': `extension 'br:mcr.microsoft.com/bicep/extensions/microsoftgraph/v1.0:1.0.0'
resource app 'Microsoft.Graph/applications@v1.0' = { uniqueName: 'a', displayName: 'a' }
`,
    })).toEqual([]);
  });

  it('refuses what the compiler refuses', async () => {
    expect(await problems({
      'main.bicep': `resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = { name: 'rg', location: 'x' }
module one 'app/one.bicep' = { name: 'one', scope: subscription(), params: { typo: 'a' } }
module none 'app/none.bicep' = { name: 'none' }
output id string = one.outputs.idd
`,
      'app/one.bicep': `param n string
extension graph
resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(n)
  scope: resourceGroup('elsewhere')
  properties: {
    roleDefinitionId: 'r'
    principalId: 'p'
    #disable-next-line BCP036
    notInTheType: true
  }
}
resource user 'Microsoft.Graph/users@v1.0' = { userPrincipalName: 'u' }
output id string = grant.id
`,
      'app/two.bicep': `extension microsoftGraphV1
resource user 'Microsoft.Graph/users@v1.0' = { userPrincipalName: 'u' }
resource app 'Microsoft.Graph/applications@beta' = { uniqueName: 'a', displayName: 'a' }
`,
      'app/inline.bicep': `extension 'br:mcr.microsoft.com/bicep/extensions/microsoftgraph/v1.0:0.9.0'
`,
    })).toEqual([
      'main.bicep Microsoft.Resources/resourceGroups@2024-03-01: deployed at resourceGroup (the file\'s targetScope); permitted scopes: subscription',
      'main.bicep module one params.typo: app/one.bicep declares no such param (it has n)',
      'main.bicep module one params.n: required by app/one.bicep (no default), missing',
      'main.bicep module one: scope: a subscription, but app/one.bicep has targetScope resourceGroup',
      'main.bicep module none: no file app/none.bicep under infra/',
      'main.bicep one.outputs.idd: app/one.bicep declares no such output (it has id)',
      'app/one.bicep extension graph: bicepconfig.json names no such extension (it has microsoftGraphV1)',
      'app/one.bicep Microsoft.Authorization/roleAssignments@2022-04-01 properties.notInTheType: no such property in RoleAssignmentProperties',
      'app/one.bicep Microsoft.Graph/users@v1.0: a Microsoft Graph type in a file without `extension` of the Graph extension (bicepconfig.json)',
      'app/one.bicep Microsoft.Authorization/roleAssignments@2022-04-01: scope: another resourceGroup than the file\'s own: a resource\'s scope must match the file\'s (use a module to deploy elsewhere)',
      'app/two.bicep Microsoft.Graph/applications@beta: the Graph extension (microsoftGraphV1) defines no such type (it has Microsoft.Graph/applications@v1.0)',
      'app/two.bicep Microsoft.Graph/users@v1.0: read-only resource type, it can only be referenced with `existing`',
      'app/inline.bicep extension br:mcr.microsoft.com/bicep/extensions/microsoftgraph/v1.0:0.9.0: microsoftgraph/v1.0:0.9.0 is no version of the Microsoft Graph extension vendored in test/infra/azure-types (v1.0:1.0.0)',
    ]);
  });
});
