// The function API's identity in Entra: an app registration with an identifier URI and one app
// role, its service principal (assignment required, so only granted callers get tokens), and
// that role granted to the relay's identity. Needs the Microsoft Graph Bicep extension
// (bicepconfig.json) and, for the deployer, Application.ReadWrite.All + AppRoleAssignment.ReadWrite.All
// or an equivalent directory role.
extension microsoftGraphV1

param uniqueName string
param displayName string
param identifierUri string
param calloutRoleValue string
@description('Object id of the person deploying, made owner; empty: none.')
param ownerPrincipalId string
param relayPrincipalId string

// Derived, so that every deployment keeps the same role id and the grant below stays valid.
var calloutRoleId = guid(uniqueName, calloutRoleValue)

resource api 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: uniqueName
  displayName: displayName
  signInAudience: 'AzureADMyOrg'
  identifierUris: [
    identifierUri
  ]
  api: {
    // v2 tokens: issuer https://login.microsoftonline.com/<tenant>/v2.0, caller in azp, aud = client id.
    requestedAccessTokenVersion: 2
  }
  appRoles: [
    {
      id: calloutRoleId
      value: calloutRoleValue
      displayName: 'Invoke the entitlement-guard callout'
      description: 'Lets the relay Logic App deliver Entra custom extension callouts to entitlement-guard.'
      allowedMemberTypes: [
        'Application'
      ]
      isEnabled: true
    }
  ]
  owners: {
    relationships: empty(ownerPrincipalId) ? [] : [ownerPrincipalId]
  }
}

resource apiServicePrincipal 'Microsoft.Graph/servicePrincipals@v1.0' = {
  appId: api.appId
  appRoleAssignmentRequired: true
}

resource relayGrant 'Microsoft.Graph/appRoleAssignedTo@v1.0' = {
  appRoleId: calloutRoleId
  principalId: relayPrincipalId
  resourceId: apiServicePrincipal.id
}

output clientId string = api.appId
output servicePrincipalId string = apiServicePrincipal.id
