// entitlement-guard: the function app, the relay Logic App that Entra calls, their identities and
// the function API's app registration, in one resource group. Subscription-scoped so that
// `azd up` creates the resource group too. Nothing here holds a secret.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name: names the resource group and seeds the unique token in every resource name.')
param environmentName string

@minLength(1)
@description('Region of every resource; it must offer the Flex Consumption plan.')
@metadata({ azd: { type: 'location' } })
param location string

@description('Object id of the person deploying (azd sets AZURE_PRINCIPAL_ID): made owner of the API app registration so they can manage it without a directory role. Empty: no owner is added.')
param principalId string = ''

// The relay's resource path (/subscriptions/…/resourceGroups/<rg>/providers/Microsoft.Logic/workflows/<name>)
// must stay within the 150 characters Entra accepts: 103 fixed + at most 24 + 19.
@maxLength(24)
@description('Resource group to create; empty: rg-<environment name>, shortened with a hash past 21 characters.')
param resourceGroupName string = ''

@description('true (default): no tenant-wide write permission. The function reads entitlement management tenant-wide (EntitlementManagement.Read.All) and resumes only where it is authorized directly: the register command gives its identity the catalog-scoped "Access package assignment manager" role on each catalog it registers in, and lists it in each Lifecycle Workflows task extension\'s callbackConfiguration.authorizedApps. false (opt-in): EntitlementManagement.ReadWrite.All, and with enableLifecycleWorkflows LifecycleWorkflows.ReadWrite.All, tenant-wide.')
param leastPrivilege bool = true

@description('Serve Lifecycle Workflows custom task extensions. With leastPrivilege (default) no Graph permission: the function resumes as an authorized app of the task extension; with leastPrivilege false, LifecycleWorkflows.ReadWrite.All.')
param enableLifecycleWorkflows bool = false

@description('The policy uses the separation-of-duties check: grants RoleManagement.Read.Directory, RoleEligibilitySchedule.Read.Directory and Directory.Read.All (the least privileged application permission Graph documents for a user\'s app role assignments).')
param enableSeparationOfDuties bool = true

@description('The policy uses the risky-user check (Entra ID P2): grants IdentityRiskyUser.Read.All.')
param enableRiskyUserCheck bool = false

@description('A user-attributes condition names employeeLeaveDateTime: grants User-LifeCycleInfo.Read.All.')
param enableLeaveDateCondition bool = false

@description('NCRONTAB schedule of the scheduled separation-of-duties scan (six fields, e.g. "0 0 2 * * *"); empty: no scan. Set: a report container, SOD_SCAN_* settings, GroupMember.Read.All and Application.Read.All.')
param sodScanSchedule string = ''

@description('POLICY_PATH: the policy document the function reads; empty: the policy/policy.json deployed with the app.')
param policyPath string = ''

@description('ALLOW_DENY_AT_APPROVED_STAGE: let a resume deny at assignmentRequestApproved (sources disagree whether Entra allows it).')
param allowDenyAtApprovedStage bool = false

@description('Microsoft Graph origin of this cloud (GRAPH_BASE_URL): https://graph.microsoft.us for US Government L4, https://dod-graph.microsoft.us for L5, https://microsoftgraph.chinacloudapi.cn for 21Vianet.')
param graphBaseUrl string = 'https://graph.microsoft.com'

@description('Entra authority origin (AZURE_AUTHORITY_HOST); the default is this cloud\'s login endpoint.')
param authorityHost string = substring(environment().authentication.loginEndpoint, 0, length(environment().authentication.loginEndpoint) - 1)

@description('Issuer of the PoP tokens Entra sends the relay (v1 issuer, trailing slash kept).')
param popTokenIssuer string = 'https://sts.windows.net/${tenant().tenantId}/'

@description('LEDGER_RETENTION_DAYS: days an entry of the decision ledger is kept before it is purged.')
@minValue(1)
@maxValue(3650)
param ledgerRetentionDays int = 400

@description('LEDGER_RETENTION_SCHEDULE: NCRONTAB schedule (six fields) of the timer that purges ledger entries older than ledgerRetentionDays; default 03:30 every day (UTC).')
param ledgerRetentionSchedule string = '0 30 3 * * *'

@description('STUCK_SWEEP_SCHEDULE: NCRONTAB schedule (six fields) of the sweep that settles callouts the relay did not deliver; default every 10 minutes.')
param stuckSweepSchedule string = '0 */10 * * * *'

@description('STUCK_AFTER: ISO 8601 duration after which a callout not yet settled counts as stuck and the sweep settles it.')
param stuckAfter string = 'PT10M'

@minLength(1)
@maxLength(256)
@description('STUCK_SWEEP_EXTENSION_NAME: display name of our custom extension, which the sweep looks for in the catalogs; the name `npm run register -- --name` gave it (default entitlement-guard).')
param stuckSweepExtensionName string = 'entitlement-guard'

@description('E-mail address the alerts are sent to (an action group with one e-mail receiver); empty: no action group, the alerts only show in Azure Monitor.')
param alertEmail string = ''

@description('PIM_CALLER_APP_IDS: app ids (appid/azp of their tokens) of Microsoft Entra PIM allowed to call POST /api/pim, comma-separated GUIDs. Empty: PIM custom extensions are off and every PIM call is refused. Set: Easy Auth lets them in, their service principals get the API\'s Pim.Invoke role, and the API gets the identifier URI api://<function host>/<client id> PIM requires.')
param pimCallerAppIds string = ''

@description('PIM_DEADLINE_MS: how long one PIM evaluation may take, in milliseconds; a little under the custom extension\'s timeoutInMilliseconds (10000 by default).')
@minValue(500)
@maxValue(120000)
param pimDeadlineMs int = 9000

@description('Create the API app registration with the Microsoft Graph Bicep extension, and let azd\'s postprovision hook (npm run grant-permissions) grant the app roles. false: whoever has the Entra rights creates them (national clouds, or a deployer without Entra rights); then apiClientId is required.')
param deployEntraObjects bool = true

@description('Client id of the API app registration made outside this template; required when deployEntraObjects is false (the deployment fails without it), ignored otherwise.')
param apiClientId string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var rgName = !empty(resourceGroupName)
  ? resourceGroupName
  : (length(environmentName) <= 21 ? 'rg-${environmentName}' : 'rg-${take(environmentName, 10)}-${take(resourceToken, 10)}')
// 19 characters: keeps the relay's resource path within 150 (see resourceGroupName).
var relayWorkflowName = 'relay-${resourceToken}'
var functionAppName = 'func-${resourceToken}'
var apiUniqueName = 'entitlement-guard-${resourceToken}'
var apiDisplayName = 'entitlement-guard (${environmentName})'
// api://<tenant>/<string>: a format Entra allows for new apps, known before the registration exists.
var apiIdentifierUri = 'api://${tenant().tenantId}/${apiUniqueName}'
var calloutRoleValue = 'Callout.Invoke'
var scanEnabled = !empty(sodScanSchedule)
var reportContainerName = 'sod-reports'
var deploymentContainerName = 'app-package'
// The decision ledger's table (DECISION_LEDGER_URL), in the function's storage account.
var ledgerTableName = 'decisions'
// PIM's app ids, trimmed and in lower case; none: PIM custom extensions are off.
var pimCallers = filter(map(split(pimCallerAppIds, ','), id => toLower(trim(id))), id => !empty(id))
var pimEnabled = !empty(pimCallers)
var pimRoleValue = 'Pim.Invoke'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: rgName
  location: location
  tags: tags
}

module identities 'app/identity.bicep' = {
  name: 'identities'
  scope: rg
  params: {
    location: location
    tags: tags
    functionIdentityName: 'id-func-${resourceToken}'
    relayIdentityName: 'id-relay-${resourceToken}'
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    reportContainerName: reportContainerName
    createReportContainer: scanEnabled
    ledgerTableName: ledgerTableName
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
  }
}

module roleAssignments 'app/role-assignments.bicep' = {
  name: 'role-assignments'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    ledgerTableName: storage.outputs.ledgerTableName
    applicationInsightsName: monitoring.outputs.name
    functionPrincipalId: identities.outputs.functionPrincipalId
  }
}

module apiRegistration 'app/api-registration.bicep' = if (deployEntraObjects) {
  name: 'api-registration'
  scope: rg
  params: {
    uniqueName: apiUniqueName
    displayName: apiDisplayName
    calloutRoleValue: calloutRoleValue
    pimRoleValue: pimRoleValue
    ownerPrincipalId: principalId
    pimCallerAppIds: pimCallers
  }
}

// The Graph application permissions the options call for. Computed here, granted by azd's
// postprovision hook (npm run grant-permissions) once the function's identity has replicated in the
// directory: granted in this deployment, they fail on the first one (msgraph-bicep-types#193).
module graphPermissions 'app/graph-permissions.bicep' = {
  name: 'graph-permissions'
  scope: rg
  params: {
    leastPrivilege: leastPrivilege
    enableLifecycleWorkflows: enableLifecycleWorkflows
    enableSeparationOfDuties: enableSeparationOfDuties
    enableRiskyUserCheck: enableRiskyUserCheck
    enableLeaveDateCondition: enableLeaveDateCondition
    enableScheduledScan: scanEnabled
  }
}

// Without the registration made here and without its client id, Easy Auth and the code would refuse
// every call (401): stop the deployment instead.
var resolvedApiClientId = deployEntraObjects
  ? apiRegistration!.outputs.clientId
  : (empty(trim(apiClientId))
      ? fail('deployEntraObjects is false but apiClientId is empty: set ENTITLEMENT_GUARD_API_CLIENT_ID to the client id of the API app registration (infra/README.md, "Without the Graph Bicep extension").')
      : trim(apiClientId))
// PIM's service principals' object ids, known only where this template looks them up (for their role).
var resolvedPimPrincipalIds = deployEntraObjects ? apiRegistration!.outputs.pimCallerPrincipalIds : []

module functionApp 'app/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    identityId: identities.outputs.functionIdentityId
    identityClientId: identities.outputs.functionClientId
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    ledgerTableName: storage.outputs.ledgerTableName
    ledgerRetentionDays: ledgerRetentionDays
    ledgerRetentionSchedule: ledgerRetentionSchedule
    stuckSweepSchedule: stuckSweepSchedule
    stuckAfter: stuckAfter
    stuckSweepExtensionName: stuckSweepExtensionName
    deploymentContainerName: deploymentContainerName
    reportContainerName: reportContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    apiClientId: resolvedApiClientId
    apiIdentifierUri: apiIdentifierUri
    calloutRoleValue: calloutRoleValue
    relayClientId: identities.outputs.relayClientId
    relayPrincipalId: identities.outputs.relayPrincipalId
    graphBaseUrl: graphBaseUrl
    authorityHost: authorityHost
    policyPath: policyPath
    allowDenyAtApprovedStage: allowDenyAtApprovedStage
    sodScanSchedule: sodScanSchedule
    pimCallerAppIds: pimCallers
    pimCallerPrincipalIds: resolvedPimPrincipalIds
    pimDeadlineMs: pimDeadlineMs
  }
  // The host reaches storage and Application Insights with the identity from its first start.
  dependsOn: [roleAssignments]
}

// The registration's identifier URIs, once the function's host is known: PIM's URI is
// api://<function host>/<client id>, and the host exists only after the function app does, which
// itself needs the client id. A second declaration of the same application (same uniqueName, an
// upsert), in a deployment of its own after the function app's.
module apiIdentifierUris 'app/api-identifier-uris.bicep' = if (deployEntraObjects) {
  name: 'api-identifier-uris'
  scope: rg
  params: {
    uniqueName: apiUniqueName
    displayName: apiDisplayName
    identifierUris: pimEnabled ? [apiIdentifierUri, functionApp.outputs.pimIdentifierUri] : [apiIdentifierUri]
  }
}

// Alerts on the function's structured events (Log Analytics, AppTraces) and the decisions workbook.
module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    namePrefix: 'entitlement-guard-${resourceToken}'
    actionGroupName: 'ag-${resourceToken}'
    alertEmail: alertEmail
    logAnalyticsName: monitoring.outputs.workspaceName
  }
}

module workbook 'app/workbook.bicep' = {
  name: 'workbook'
  scope: rg
  params: {
    location: location
    tags: tags
    displayName: 'entitlement-guard decisions (${environmentName})'
    logAnalyticsName: monitoring.outputs.workspaceName
    applicationInsightsName: monitoring.outputs.name
  }
}

module relay 'app/relay.bicep' = {
  name: 'relay'
  scope: rg
  params: {
    name: relayWorkflowName
    location: location
    tags: tags
    identityId: identities.outputs.relayIdentityId
    calloutUrl: 'https://${functionApp.outputs.defaultHostName}/api/callout'
    apiAudience: apiIdentifierUri
    popTokenIssuer: popTokenIssuer
  }
}

// For azd and for the register command (scripts/register.ts reads them from `azd env get-values`).
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_SUBSCRIPTION_ID string = subscription().subscriptionId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
output FUNCTION_IDENTITY_PRINCIPAL_ID string = identities.outputs.functionPrincipalId
output FUNCTION_IDENTITY_CLIENT_ID string = identities.outputs.functionClientId
output RELAY_LOGIC_APP_NAME string = relay.outputs.name
output RELAY_RESOURCE_GROUP string = rg.name
output RELAY_RESOURCE_PATH string = '/subscriptions/${subscription().subscriptionId}/resourceGroups/${rg.name}/providers/Microsoft.Logic/workflows/${relayWorkflowName}'
output RELAY_IDENTITY_CLIENT_ID string = identities.outputs.relayClientId
output RELAY_IDENTITY_PRINCIPAL_ID string = identities.outputs.relayPrincipalId
output API_CLIENT_ID string = resolvedApiClientId
output API_IDENTIFIER_URI string = apiIdentifierUri
output API_APP_ROLE string = calloutRoleValue
// PIM's custom extension: authenticationConfiguration.resourceId; empty while PIM is off.
output API_PIM_IDENTIFIER_URI string = pimEnabled ? functionApp.outputs.pimIdentifierUri : ''
output ENTRA_OBJECTS_DEPLOYED bool = deployEntraObjects
// For azd's postprovision hook (npm run grant-permissions) and for whoever grants by hand when
// deployEntraObjects is false: the Graph application permissions of the function's identity
// (comma-separated), and the relay's app role on the API's service principal.
output FUNCTION_GRAPH_PERMISSIONS string = join(graphPermissions.outputs.permissions, ',')
output API_SERVICE_PRINCIPAL_ID string = deployEntraObjects ? apiRegistration!.outputs.servicePrincipalId : ''
output API_APP_ROLE_ID string = deployEntraObjects ? apiRegistration!.outputs.calloutRoleId : ''
// The register command: true (default) assign the catalog-scoped "Access package assignment
// manager" role to FUNCTION_IDENTITY_PRINCIPAL_ID in each catalog, and with LCW list
// FUNCTION_IDENTITY_CLIENT_ID in the task extension's callbackConfiguration.authorizedApps.
output LEAST_PRIVILEGE bool = leastPrivilege
output LIFECYCLE_WORKFLOWS_ENABLED bool = enableLifecycleWorkflows
output GRAPH_BASE_URL string = graphBaseUrl
output AZURE_AUTHORITY_HOST string = authorityHost
output DECISION_LEDGER_URL string = '${storage.outputs.tableEndpoint}${storage.outputs.ledgerTableName}'
output DECISIONS_WORKBOOK_ID string = workbook.outputs.id
