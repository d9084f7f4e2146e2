// The relay: the Consumption Logic App that Entra calls (it can target nothing else). It accepts
// only Entra's proof-of-possession tokens bound to its own ARM path, answers 202 at once (the
// workflow has no Response action), and forwards the body unchanged to the function with its
// managed identity's token. Its definition is relay/workflow.json, which the tests read too.
param name string
param location string
param tags object
@description('Resource id of the relay\'s user-assigned identity.')
param identityId string
param calloutUrl string
@description('Identifier URI of the function API: the audience of the relay\'s token.')
param apiAudience string
param popTokenIssuer string

// Entra's first-party callers (the appid claim of their PoP tokens).
var entitlementManagementAppId = '810dcf14-1858-4bf2-8134-4c369fa3235b'
var lifecycleWorkflowsAppId = 'ce79fdc4-cd1d-4ea5-8139-e74d7dbe0bb7'
// The PoP token is bound to this workflow: its ARM host (management.azure.com in the public
// cloud), the method and its own resource path.
var armHost = split(environment().resourceManager, '/')[2]
var ownPath = '/subscriptions/${subscription().subscriptionId}/resourceGroups/${resourceGroup().name}/providers/Microsoft.Logic/workflows/${name}'

resource relay 'Microsoft.Logic/workflows@2019-05-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    state: 'Enabled'
    // Checked against the 2019-05-01 type, but for the one property it predates (below). Its policy
    // type is 'AAD' or any string, so 'AADPOP' needs no escape.
    accessControl: {
      triggers: {
        // A trigger URL signature would bypass the policies below: refuse it. The published
        // 2019-05-01 type has no sasAuthenticationPolicy, which the service accepts: only this
        // property is exempt from the type check.
        #disable-next-line BCP037
        sasAuthenticationPolicy: any({
          state: 'Disabled'
        })
        openAuthenticationPolicies: {
          policies: {
            EntitlementManagement: {
              type: 'AADPOP'
              claims: [
                { name: 'iss', value: popTokenIssuer }
                { name: 'appid', value: entitlementManagementAppId }
                { name: 'm', value: 'POST' }
                { name: 'u', value: armHost }
                { name: 'p', value: ownPath }
              ]
            }
            LifecycleWorkflows: {
              type: 'AADPOP'
              claims: [
                { name: 'iss', value: popTokenIssuer }
                { name: 'appid', value: lifecycleWorkflowsAppId }
                { name: 'm', value: 'POST' }
                { name: 'u', value: armHost }
                { name: 'p', value: ownPath }
              ]
            }
          }
        }
      }
    }
    definition: loadJsonContent('../relay/workflow.json')
    parameters: {
      calloutUrl: { value: calloutUrl }
      calloutAudience: { value: apiAudience }
      relayIdentity: { value: identityId }
    }
  }
}

output name string = relay.name
