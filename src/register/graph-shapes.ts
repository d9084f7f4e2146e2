import { graphPath, odataEq, type Query } from '../graph/graph-path.js';

/**
 * The Graph shapes the register command writes, each as Graph's reference documents it (see
 * docs/register.md for the pages): the catalog's custom extension, its place in an assignment
 * policy, the dynamic approval stage (beta), the catalog role assignment and the Lifecycle
 * Workflows custom task extension.
 */

export const ELM = '/identityGovernance/entitlementManagement';
export const LCW_EXTENSIONS = '/identityGovernance/lifecycleWorkflows/customTaskExtensions';
export const EM_ROLE_ASSIGNMENTS = '/roleManagement/entitlementManagement/roleAssignments';

export const REQUEST_EXTENSION_TYPE = '#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension';
export const DYNAMIC_STAGE_TYPE = '#microsoft.graph.accessPackageDynamicApprovalStage';
/**
 * The callback window's type. Graph's metadata (v1.0 and beta) gives customExtensionCallbackConfiguration
 * one property, `timeoutDuration`, and v1.0 declares it abstract: a body must name a concrete type
 * derived from it, and in v1.0 there is one, the Lifecycle Workflows type below. An older example on
 * the create page wrote `durationBeforeTimeout` under the abstract type; Graph's metadata has no such
 * property. `register` reads the extension back after writing it, so a tenant that stores the window
 * otherwise is caught on the first run.
 */
export const CALLBACK_WINDOW_TYPE = '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration';
/** Built-in catalog role "Access package assignment manager" (Entra's entitlement-management delegation roles table). */
export const ASSIGNMENT_MANAGER_ROLE = 'e2182095-804a-4656-ae11-64734e9b7ae5';

/** The request stages a request-workflow extension is attached at with --stage. */
export const REQUEST_STAGES = ['assignmentRequestCreated', 'assignmentRequestApproved', 'assignmentRequestGranted', 'assignmentRequestRemoved'] as const;
export type RequestStage = (typeof REQUEST_STAGES)[number];
/** The stage a dynamic approval stage's extension runs at; --dynamic-approval attaches it. */
export const APPROVAL_REQUIREMENTS_STAGE = 'assignmentRequestDeterminingApprovalRequirements';
/** The pre-expiration stages take the other kind of extension (accessPackageAssignmentWorkflowExtension, no callback). */
export const EXPIRATION_STAGES = ['assignmentFourteenDaysBeforeExpiration', 'assignmentOneDayBeforeExpiration'] as const;

/** The relay Logic App Entra calls: its ARM coordinates. */
export interface Relay {
  readonly subscriptionId: string;
  readonly resourceGroupName: string;
  readonly logicAppWorkflowName: string;
}

export const DESCRIPTION = 'entitlement-guard: policy on access requests, through its relay Logic App.';

function endpoint(relay: Relay): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.logicAppTriggerEndpointConfiguration',
    subscriptionId: relay.subscriptionId,
    resourceGroupName: relay.resourceGroupName,
    logicAppWorkflowName: relay.logicAppWorkflowName,
  };
}

/** POST (create) and PUT (update) body of the catalog's custom extension: PoP tokens bound to the relay, launch and wait. */
export function workflowExtensionBody(name: string, relay: Relay, callback: string): Record<string, unknown> {
  return {
    '@odata.type': REQUEST_EXTENSION_TYPE,
    displayName: name,
    description: DESCRIPTION,
    endpointConfiguration: endpoint(relay),
    authenticationConfiguration: { '@odata.type': '#microsoft.graph.azureAdPopTokenAuthentication' },
    callbackConfiguration: { '@odata.type': CALLBACK_WINDOW_TYPE, timeoutDuration: callback },
  };
}

/**
 * How long Lifecycle Workflows waits for the relay's 202: the documented maximum (200 to 2000 ms,
 * docs/protocol.md §11). Entra retries once when the answer is late, so a shorter wait turns a slow
 * 202 into a second callout for the same task.
 */
export const TASK_CALLOUT_TIMEOUT_MS = 2000;

/** The apps a custom task extension lets resume its tasks: Graph's application references, `[{ id: <app (client) id> }]`. */
export function authorizedApps(appId: string): Record<string, unknown>[] {
  return [{ id: appId }];
}

/**
 * POST (create) and PATCH (update) body of the Lifecycle Workflows custom task extension. With
 * least privilege `authorizedApp` is the function identity's app (client) id: listed in
 * callbackConfiguration.authorizedApps, it resumes the extension's tasks without
 * LifecycleWorkflows.ReadWrite.All (docs/protocol.md §11). With the broad grant it is undefined and
 * the list is left out (a PATCH then clears it: the grant covers the resume).
 */
export function taskExtensionBody(name: string, relay: Relay, callback: string, authorizedApp?: string): Record<string, unknown> {
  return {
    displayName: name,
    description: DESCRIPTION,
    endpointConfiguration: endpoint(relay),
    authenticationConfiguration: { '@odata.type': '#microsoft.graph.azureAdPopTokenAuthentication' },
    // Entra waits for the relay's 202 and retries once (docs/protocol.md §1, §11); the relay answers at once.
    clientConfiguration: { '@odata.type': '#microsoft.graph.customExtensionClientConfiguration', maximumRetries: 1, timeoutInMilliseconds: TASK_CALLOUT_TIMEOUT_MS },
    callbackConfiguration: {
      '@odata.type': CALLBACK_WINDOW_TYPE,
      timeoutDuration: callback,
      ...(authorizedApp === undefined ? {} : { authorizedApps: authorizedApps(authorizedApp) }),
    },
  };
}

/** POST body of the catalog-scoped "Access package assignment manager" role for the function's identity. */
export function roleAssignmentBody(principalId: string, catalogId: string): Record<string, unknown> {
  return { principalId, roleDefinitionId: ASSIGNMENT_MANAGER_ROLE, appScopeId: catalogScope(catalogId) };
}

export function catalogScope(catalogId: string): string {
  return `/AccessPackageCatalog/${catalogId}`;
}

/** A stage setting as a policy PUT carries it: the stage and a reference to the extension (its type when known). */
export function stageSetting(stage: string, extensionId: string, type: string | undefined): Record<string, unknown> {
  return { stage, customExtension: { ...(type === undefined ? {} : { '@odata.type': type }), id: extensionId } };
}

/** Beta's accessPackageDynamicApprovalStage: the extension decides the approvers (v1.0's type has no customExtension). */
export function dynamicStage(extensionId: string): Record<string, unknown> {
  return { '@odata.type': DYNAMIC_STAGE_TYPE, customExtension: { '@odata.type': REQUEST_EXTENSION_TYPE, id: extensionId } };
}

/** A policy read with what a PUT must carry back: its stage settings with their extensions (v1.0 also its package and catalog). */
export const POLICY_EXPAND = { $expand: 'accessPackage,catalog,customExtensionStageSettings($expand=customExtension)' };
export const BETA_POLICY_EXPAND = { $expand: 'customExtensionStageSettings($expand=customExtension)' };

const ELM_SEGMENTS = ['identityGovernance', 'entitlementManagement'] as const;
const EM_ROLE_SEGMENTS = ['roleManagement', 'entitlementManagement', 'roleAssignments'] as const;
const LCW_SEGMENTS = ['identityGovernance', 'lifecycleWorkflows', 'customTaskExtensions'] as const;

/** Graph paths, built by graph-path.ts: ids from the command line are validated GUIDs; ids Graph gave are encoded as path segments. */
export const paths = {
  catalog: (catalogId: string) => graphPath([...ELM_SEGMENTS, 'catalogs', catalogId]),
  extensions: (catalogId: string) => graphPath([...ELM_SEGMENTS, 'catalogs', catalogId, 'customWorkflowExtensions']),
  extension: (catalogId: string, id: string) => graphPath([...ELM_SEGMENTS, 'catalogs', catalogId, 'customWorkflowExtensions', id]),
  policy: (policyId: string, query?: Query) => graphPath([...ELM_SEGMENTS, 'assignmentPolicies', policyId], query),
  betaPolicy: (policyId: string, query?: Query) => graphPath([...ELM_SEGMENTS, 'accessPackageAssignmentPolicies', policyId], query),
  roleAssignmentsCollection: () => graphPath(EM_ROLE_SEGMENTS),
  roleAssignments: (principalId: string) => graphPath(EM_ROLE_SEGMENTS, { $filter: odataEq('principalId', principalId) }),
  roleAssignment: (id: string) => graphPath([...EM_ROLE_SEGMENTS, id]),
  taskExtensions: () => graphPath(LCW_SEGMENTS),
  taskExtension: (id: string) => graphPath([...LCW_SEGMENTS, id]),
} as const;
