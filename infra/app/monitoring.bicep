// Application Insights on a Log Analytics workspace. Local authentication is off on both: the
// workspace takes no shared-key ingestion, and Application Insights accepts telemetry only with an
// Entra token, which the function gets with its identity.
param location string
param tags object
param logAnalyticsName string
param applicationInsightsName string

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
    features: {
      // No shared-key (workspace key) ingestion or queries: Entra only, like Application Insights.
      disableLocalAuth: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

output name string = appInsights.name
output workspaceName string = workspace.name
// Names the resource to send to; with DisableLocalAuth its instrumentation key authenticates nothing.
output connectionString string = appInsights.properties.ConnectionString
