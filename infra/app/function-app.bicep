// The function app on the Flex Consumption plan (Linux, Node 22), its configuration
// (src/config.ts reads every setting below), and App Service authentication in front of it: a
// second lock that lets only the relay's identity (and, with PIM on, PIM's) in, before the code
// verifies the token again.
param name string
param planName string
param location string
param tags object
param identityId string
param identityClientId string
@description('The storage account\'s blob endpoint, from its primaryEndpoints (ends with a slash): host storage and the deployment container.')
param blobEndpoint string
@description('The account\'s table endpoint, from its primaryEndpoints (ends with a slash).')
param tableEndpoint string
@description('The decision ledger\'s table in the function\'s storage account.')
param ledgerTableName string
@description('LEDGER_RETENTION_DAYS: days a ledger entry is kept.')
param ledgerRetentionDays int
@description('LEDGER_RETENTION_SCHEDULE: NCRONTAB schedule (six fields) of the timer that purges ledger entries past retention.')
param ledgerRetentionSchedule string
@description('STUCK_SWEEP_SCHEDULE: NCRONTAB schedule (six fields) of the sweep that settles callouts left undelivered.')
param stuckSweepSchedule string
@description('STUCK_AFTER: ISO 8601 duration after which an unsettled callout counts as stuck.')
param stuckAfter string
@description('STUCK_SWEEP_EXTENSION_NAME: display name of our custom extension, which the sweep looks for in the catalogs.')
param stuckSweepExtensionName string
param deploymentContainerName string
@description('Container of the scheduled scan\'s reports, used when sodScanSchedule is set.')
param reportContainerName string
param applicationInsightsConnectionString string
param apiClientId string
param apiIdentifierUri string
param calloutRoleValue string
param relayClientId string
param relayPrincipalId string
param graphBaseUrl string
param authorityHost string
param policyPath string
param allowDenyAtApprovedStage bool
param sodScanSchedule string
@description('PIM_CALLER_APP_IDS: PIM\'s app ids (lower case), the callers of POST /api/pim; empty: PIM is off.')
param pimCallerAppIds array
@description('Object ids of PIM\'s service principals (the oid of its tokens), as api-registration.bicep found them; empty when this deployment makes no Entra objects.')
param pimCallerPrincipalIds array
@description('PIM_DEADLINE_MS: how long one PIM evaluation may take, in milliseconds.')
param pimDeadlineMs int
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

var tenantId = tenant().tenantId
var pimEnabled = !empty(pimCallerAppIds)
// The application ID URI PIM custom extensions require (their resourceId): the endpoint's host,
// then the API's client id. The host is the site's own, whatever form Azure gives it.
var pimIdentifierUri = 'api://${site.properties.defaultHostName}/${apiClientId}'
// The audiences of our tokens: the URI the relay asks for, the client id (v2 tokens), and PIM's URI
// only with PIM on.
var apiAudiences = pimEnabled ? [apiIdentifierUri, apiClientId, pimIdentifierUri] : [apiIdentifierUri, apiClientId]
// Easy Auth's allowedApplications and allowedPrincipals must both hold (a logical AND); it cannot say
// "the relay's identity or PIM's app". Both lists name both callers instead: an app-only token's
// appid/azp and oid belong to the same service principal, so this lets in exactly the relay's
// tokens and PIM's. Without PIM's object ids (no Entra objects made here), app ids alone: a managed
// identity's app id is its own, so the relay is still pinned to its identity. Either way the code
// accepts each caller on its own route only (ALLOWED_CALLER_APP_IDS, PIM_CALLER_APP_IDS).
var relayOnly = {
  allowedApplications: [
    relayClientId
  ]
  allowedPrincipals: {
    identities: [
      relayPrincipalId
    ]
  }
}
var relayAndPim = empty(pimCallerPrincipalIds)
  ? {
      allowedApplications: concat([relayClientId], pimCallerAppIds)
    }
  : {
      allowedApplications: concat([relayClientId], pimCallerAppIds)
      allowedPrincipals: {
        identities: concat([relayPrincipalId], pimCallerPrincipalIds)
      }
    }
var authorizationPolicy = pimEnabled ? relayAndPim : relayOnly

// No secrets and no keys: storage and Application Insights are reached with the identity.
// Host storage by service URI, not by account name: __accountName makes the host build
// https://<account>.blob.core.windows.net, the public cloud's suffix, and US Government or 21Vianet
// would never start. The host of an app with HTTP and timer triggers uses blobs only (timer
// schedules and singleton locks, keys, the Flex deployment container), so no queue or table URI is
// set, and the identity has no queue or table role on the account (the ledger's table is the
// code's, DECISION_LEDGER_URL).
var coreSettings = {
  AzureWebJobsStorage__blobServiceUri: blobEndpoint
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  AZURE_TENANT_ID: tenantId
  AZURE_AUTHORITY_HOST: authorityHost
  AZURE_CLIENT_ID: identityClientId
  GRAPH_BASE_URL: graphBaseUrl
  // v2 tokens (the API asks for them) carry the client id as aud; the URIs are kept for v1.
  CALLOUT_AUDIENCE: join(apiAudiences, ',')
  ALLOWED_CALLER_APP_IDS: relayClientId
  REQUIRED_CALLER_ROLE: calloutRoleValue
  ALLOW_DENY_AT_APPROVED_STAGE: string(allowDenyAtApprovedStage)
  // Easy Auth: tokens of other tenants are refused before any code runs.
  WEBSITE_AUTH_AAD_ALLOWED_TENANTS: tenantId
}
// The decision ledger, reached with the identity (Storage Table Data Contributor on the table):
// the URL is the table's own, built from the account's endpoint, so every cloud gets its suffix.
// Its retention timer and the sweep of stuck callouts run only with it (functions/index.ts).
var ledgerSettings = {
  DECISION_LEDGER_URL: '${tableEndpoint}${ledgerTableName}'
  LEDGER_RETENTION_DAYS: string(ledgerRetentionDays)
  LEDGER_RETENTION_SCHEDULE: ledgerRetentionSchedule
  STUCK_SWEEP_SCHEDULE: stuckSweepSchedule
  STUCK_AFTER: stuckAfter
  STUCK_SWEEP_EXTENSION_NAME: stuckSweepExtensionName
}
var policySettings = empty(policyPath) ? {} : { POLICY_PATH: policyPath }
// PIM custom extensions (POST /api/pim): with no app id, every PIM call is refused.
var pimSettings = {
  PIM_CALLER_APP_IDS: join(pimCallerAppIds, ',')
  PIM_DEADLINE_MS: string(pimDeadlineMs)
}
var scanSettings = empty(sodScanSchedule)
  ? {}
  : {
      SOD_SCAN_SCHEDULE: sodScanSchedule
      SOD_SCAN_BLOB_URL: '${blobEndpoint}${reportContainerName}'
    }

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true // Linux
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // No ftpsState: Flex Consumption has no FTP(S) endpoint and lists the property as deprecated;
    // the basic publishing credential policies below switch off what remains.
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// Flex Consumption sets the runtime itself: no FUNCTIONS_EXTENSION_VERSION or FUNCTIONS_WORKER_RUNTIME.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(coreSettings, ledgerSettings, policySettings, scanSettings, pimSettings)
}

// The site's configuration is written one resource after the other (dependsOn): App Service
// races on concurrent writes to the same site's config, and ARM would otherwise send the app
// settings, authentication and both publishing credential policies at once.
resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'authsettingsV2'
  dependsOn: [appSettings]
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
    }
    httpSettings: {
      requireHttps: true
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: apiClientId
          openIdIssuer: '${authorityHost}/${tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: apiAudiences
          // Both must hold: the token was issued to the relay's identity (appid/azp) and names it (oid);
          // with PIM on, to the relay's or PIM's (see authorizationPolicy).
          defaultAuthorizationPolicy: authorizationPolicy
        }
      }
    }
  }
}

resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  dependsOn: [authSettings]
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  dependsOn: [ftpCredentials]
  properties: {
    allow: false
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
output pimIdentifierUri string = pimIdentifierUri
