import { DEPLOYMENT, type Value } from './bicep-eval.js';

/** Params of infra/app/function-app.bicep as main.bicep passes them, with recognisable values. */

export const GUIDS = {
  identityClientId: 'aaaaaaaa-0000-4000-8000-000000000001',
  apiClientId: 'aaaaaaaa-0000-4000-8000-000000000002',
  relayClientId: 'aaaaaaaa-0000-4000-8000-000000000003',
  relayPrincipalId: 'aaaaaaaa-0000-4000-8000-000000000004',
};
export const IDENTITY_ID = '/subscriptions/s/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-func-test';
export const MODULE_PARAMS: Readonly<Record<string, Value>> = {
  ...GUIDS,
  name: 'func-test',
  planName: 'plan-test',
  location: 'swedencentral',
  tags: {},
  identityId: IDENTITY_ID,
  blobEndpoint: 'https://sttest.blob.core.windows.net/',
  tableEndpoint: 'https://sttest.table.core.windows.net/',
  ledgerTableName: 'decisions',
  ledgerRetentionDays: 400,
  ledgerRetentionSchedule: '0 30 3 * * *',
  stuckSweepSchedule: '0 */10 * * * *',
  stuckAfter: 'PT10M',
  stuckSweepExtensionName: 'entitlement-guard',
  deploymentContainerName: 'app-package',
  reportContainerName: 'sod-reports',
  applicationInsightsConnectionString: 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://example.invalid/',
  apiIdentifierUri: `api://${DEPLOYMENT.tenantId}/entitlement-guard-test`,
  calloutRoleValue: 'Callout.Invoke',
  graphBaseUrl: 'https://graph.microsoft.com',
  authorityHost: 'https://login.microsoftonline.com',
  policyPath: '',
  allowDenyAtApprovedStage: false,
  sodScanSchedule: '',
  // PIM off, the template's defaults.
  pimCallerAppIds: [],
  pimCallerPrincipalIds: [],
  pimDeadlineMs: 9000,
};

/** Two of PIM's app ids (as main.bicep passes them: lower case), and the site's host as Azure would give it. */
export const PIM_APP_IDS = ['bbbbbbbb-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000002'] as const;
/** Their service principals' object ids in the tenant, as api-registration.bicep finds them. */
export const PIM_PRINCIPAL_IDS = ['cccccccc-0000-4000-8000-000000000001', 'cccccccc-0000-4000-8000-000000000002'] as const;
export const SITE_HOST = 'func-test.azurewebsites.net';
/** What only the deployment knows of the function app module's resources (bicep-eval's Scope.runtime). */
export const SITE_RUNTIME: Readonly<Record<string, Value>> = { site: { properties: { defaultHostName: SITE_HOST } } };
