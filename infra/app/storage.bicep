// Host storage of the function app (AzureWebJobsStorage), its deployment package, the decision
// ledger's table and, when the scheduled scan is on, the scan's reports. Entra ID only: shared keys
// and SAS are refused.
param name string
param location string
param tags object
param deploymentContainerName string
@description('Container of the scheduled scan\'s reports.')
param reportContainerName string
param createReportContainer bool
@description('Table of the decision ledger (DECISION_LEDGER_URL): one entity per callout, written by the function with its identity.')
param ledgerTableName string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }

  resource blobs 'blobServices' = {
    name: 'default'

    resource deployment 'containers' = {
      name: deploymentContainerName
      properties: { publicAccess: 'None' }
    }

    resource reports 'containers' = if (createReportContainer) {
      name: reportContainerName
      properties: { publicAccess: 'None' }
    }
  }

  resource tables 'tableServices' = {
    name: 'default'

    // No stored access policies (signedIdentifiers): nothing signs a SAS for this table.
    resource ledger 'tables' = {
      name: ledgerTableName
    }
  }
}

output name string = storage.name
output id string = storage.id
// Ends with a slash: https://<account>.blob.core.windows.net/
output blobEndpoint string = storage.properties.primaryEndpoints.blob
// Ends with a slash: https://<account>.table.core.windows.net/ (this cloud's suffix, from the account).
output tableEndpoint string = storage.properties.primaryEndpoints.table
output ledgerTableName string = storage::tables::ledger.name
