// Two user-assigned identities, one per job, so that neither carries the other's rights.
param location string
param tags object
param functionIdentityName string
param relayIdentityName string

// The function's identity: Microsoft Graph (AZURE_CLIENT_ID), host storage, Application Insights.
resource functionIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: functionIdentityName
  location: location
  tags: tags
}

// The relay's identity: holds only the API's Callout.Invoke role, so its token opens nothing else.
resource relayIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: relayIdentityName
  location: location
  tags: tags
}

output functionIdentityId string = functionIdentity.id
output functionClientId string = functionIdentity.properties.clientId
output functionPrincipalId string = functionIdentity.properties.principalId
output relayIdentityId string = relayIdentity.id
output relayClientId string = relayIdentity.properties.clientId
output relayPrincipalId string = relayIdentity.properties.principalId
