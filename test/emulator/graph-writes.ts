import type { TenantEmulator } from '../../emulator/index.js';
import type { GraphAnswer, Json } from './graph-calls.js';

/** A write on the emulator's Graph; `path` includes the version. */
export async function graphSend(emulator: TenantEmulator, method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, token: string, body?: unknown): Promise<GraphAnswer> {
  const response = await fetch(`${emulator.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: (text === '' ? {} : JSON.parse(text)) as Json };
}

export const FINANCE = '26803898-8c26-4ca8-ba50-15552ecd4c9d';
export const EMPLOYEES = '94f213d6-cfa4-4bda-86f9-6bb659b87cb0';
export const PAYMENTS = '97979783-38c5-40ae-b74e-404935a04ffd';
export const ELM = '/v1.0/identityGovernance/entitlementManagement';
export const EXTENSIONS = `${ELM}/catalogs/${FINANCE}/customWorkflowExtensions`;
export const REQUEST_TYPE = '#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension';
export const ASSIGNMENT_TYPE = '#microsoft.graph.accessPackageAssignmentWorkflowExtension';

export const endpoint = (change: Record<string, unknown> = {}) => ({
  '@odata.type': '#microsoft.graph.logicAppTriggerEndpointConfiguration',
  subscriptionId: '6d1f7a52-2c0b-4e0e-9a55-7d2d5c1b9e41',
  resourceGroupName: 'rg-entitlement-guard',
  logicAppWorkflowName: 'eg-relay',
  ...change,
});
export const POP = { '@odata.type': '#microsoft.graph.azureAdPopTokenAuthentication' };

/** A request-workflow custom extension body as Graph's metadata defines it (the window is `timeoutDuration` under a concrete type). */
export const extensionBody = (change: Record<string, unknown> = {}) => ({
  '@odata.type': REQUEST_TYPE,
  displayName: 'entitlement-guard',
  description: 'policy on access requests',
  endpointConfiguration: endpoint(),
  authenticationConfiguration: POP,
  callbackConfiguration: { '@odata.type': 'microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration', timeoutDuration: 'PT1H' },
  ...change,
});

/** A custom task extension body as Graph's create example gives it (with PoP authentication). */
export const taskBody = (change: Record<string, unknown> = {}) => ({
  displayName: 'entitlement-guard',
  endpointConfiguration: endpoint(),
  authenticationConfiguration: POP,
  clientConfiguration: { '@odata.type': '#microsoft.graph.customExtensionClientConfiguration', maximumRetries: 1, timeoutInMilliseconds: 1000 },
  callbackConfiguration: { '@odata.type': '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration', timeoutDuration: 'PT30M' },
  ...change,
});

/** `value` without `keys` (a GET answer made into a PUT body, a body without one part). */
export const without = (value: Record<string, unknown>, ...keys: string[]): Record<string, unknown> => Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
