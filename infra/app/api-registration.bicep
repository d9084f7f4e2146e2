// The function API's identity in Entra: an app registration with two app roles, its service
// principal (assignment required, so only granted callers get tokens), and PIM's role granted to
// PIM's service principals. The relay's role (Callout.Invoke) is granted to the relay's identity by
// azd's postprovision hook (npm run grant-permissions): that identity is created in the same
// deployment, and a grant to it fails until the directory has replicated its service principal
// (microsoftgraph/msgraph-bicep-types#193). PIM's service principals exist long before. Its identifier URIs are set by
// api-identifier-uris.bicep once the function's host is known (PIM's URI holds it). Needs the
// Microsoft Graph Bicep extension (bicepconfig.json) and, for the deployer, Application.ReadWrite.All
// + AppRoleAssignment.ReadWrite.All or an equivalent directory role.
extension microsoftGraphV1

param uniqueName string
param displayName string
param calloutRoleValue string
@description('App role PIM\'s service principals are granted: with assignment required, Entra issues PIM no token for this API without one.')
param pimRoleValue string
@description('Object id of the person deploying, made owner; empty: none.')
param ownerPrincipalId string
@description('PIM\'s app ids (lower case); empty: PIM is off and nothing is granted to it.')
param pimCallerAppIds array

// Derived, so that every deployment keeps the same role ids and the grants below stay valid.
var calloutRoleId = guid(uniqueName, calloutRoleValue)
var pimRoleId = guid(uniqueName, pimRoleValue)

// No identifierUris here: api-identifier-uris.bicep owns them. Declared here too, a redeployment
// would set them back to this list, dropping PIM's URI until that module runs again.
resource api 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: uniqueName
  displayName: displayName
  signInAudience: 'AzureADMyOrg'
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
    {
      id: pimRoleId
      value: pimRoleValue
      displayName: 'Call the entitlement-guard PIM custom extension'
      description: 'Lets Microsoft Entra PIM get a token for entitlement-guard to call its PIM custom extension (POST /api/pim).'
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

// PIM's service principals in this tenant, found by app id (the deployment fails on one that is not there).
resource pimCallerPrincipals 'Microsoft.Graph/servicePrincipals@v1.0' existing = [
  for appId in pimCallerAppIds: {
    appId: appId
  }
]

resource pimGrants 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [
  for i in range(0, length(pimCallerAppIds)): {
    appRoleId: pimRoleId
    principalId: pimCallerPrincipals[i].id
    resourceId: apiServicePrincipal.id
  }
]

output clientId string = api.appId
output servicePrincipalId string = apiServicePrincipal.id
// The relay's app role, granted to the relay's identity by the postprovision hook.
output calloutRoleId string = calloutRoleId
// The object ids PIM's tokens carry in oid, in the order of pimCallerAppIds: Easy Auth's identities.
output pimCallerPrincipalIds array = [for i in range(0, length(pimCallerAppIds)): pimCallerPrincipals[i].id]
