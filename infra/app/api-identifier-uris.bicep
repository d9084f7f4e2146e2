// The identifier URIs of the function API's app registration (api-registration.bicep), set after
// the function app exists: PIM custom extensions need api://<function host>/<client id>, the
// endpoint's host followed by the registration's own client id, and neither is known before then.
// The same application, declared again by its uniqueName: the Graph extension upserts it (a PATCH
// of the properties written here; the rest stays as api-registration.bicep left it).
extension microsoftGraphV1

param uniqueName string
@description('The registration\'s display name, as api-registration.bicep gives it (the type requires one).')
param displayName string
@description('Every identifier URI of the registration: the relay\'s api://<tenant id>/<unique name>, and with PIM on api://<function host>/<client id>.')
param identifierUris array

resource api 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: uniqueName
  displayName: displayName
  identifierUris: identifierUris
}

output identifierUris array = api.identifierUris
