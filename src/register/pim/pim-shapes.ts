import { graphPath, odataEq } from '../../graph/graph-path.js';
import type { PimResourceType } from '../../policy/policy-types.js';
import type { Permission } from '../register-graph.js';

/**
 * The Graph shapes `npm run register -- --pim` reads and writes, each from Microsoft's pages:
 * the PIM custom extension (how-to: MicrosoftDocs/entra-docs, docs/id-governance/
 * privileged-identity-management/privileged-identity-management-custom-extensions.md; Graph's
 * roleManagementCustomCalloutExtension), and the role management policy rule that links it to a
 * role's settings (Graph's unifiedRoleManagementPolicyCustomExtensionRule). Everything is written
 * in beta, which the how-to requires while the feature is in preview.
 */
export const PIM_EXTENSION_TYPE = '#microsoft.graph.roleManagementCustomCalloutExtension';
export const CUSTOM_EXTENSION_RULE = '#microsoft.graph.unifiedRoleManagementPolicyCustomExtensionRule';

/** resourceType: Graph's customExtensionResourceType, the same names the policy selects activations by. */
export { PIM_RESOURCE_TYPES, type PimResourceType } from '../../policy/policy-types.js';

/** The how-to's clientConfiguration: PIM waits 10 s for an answer and retries 3 times. */
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RETRIES = 3;
/** The function's PIM_DEADLINE_MS default: the timeout must stay above the deadline, or PIM gives up before the function answers. */
export { DEFAULT_PIM_DEADLINE_MS as FUNCTION_PIM_DEADLINE_MS } from '../../config.js';

export const DESCRIPTION = 'entitlement-guard: policy on PIM role activations (POST /api/pim).';

/** Graph's permission tables for each family of call. */
export const PIM_EXTENSION_PERMISSION: Permission = { permission: 'PrivilegedAccess-CustomExt.ReadWrite.All', roles: 'Privileged Role Administrator' };
export const ROLE_POLICY_PERMISSION: Permission = { permission: 'RoleManagementPolicy.ReadWrite.Directory', roles: 'Privileged Role Administrator' };
export const GROUP_POLICY_PERMISSION: Permission = { permission: 'RoleManagementPolicy.ReadWrite.AzureADGroup', roles: 'Privileged Role Administrator, or owner of the group' };

/** Where the extension calls and the audience of PIM's token (`api://<function host>/<client id>`, the how-to's rule). */
export interface PimEndpoint {
  readonly host: string;
  readonly targetUrl: string;
  readonly resourceId: string;
}

/** A role whose settings are linked to the extension: a directory role (its definition id), or a group's member or owner role. */
export type PimLinkTarget =
  | { readonly kind: 'role'; readonly roleDefinitionId: string }
  | { readonly kind: 'group'; readonly groupId: string; readonly access: 'member' | 'owner' };

export const linkLabel = (t: PimLinkTarget): string => (t.kind === 'role' ? `directory role ${t.roleDefinitionId}` : `group ${t.groupId} (${t.access})`);
export const linkPermission = (t: PimLinkTarget): Permission => (t.kind === 'role' ? ROLE_POLICY_PERMISSION : GROUP_POLICY_PERMISSION);

/** POST (create) and PATCH (update) body of the extension, as the how-to's create example writes it. */
export function pimExtensionBody(name: string, resourceType: PimResourceType, endpoint: PimEndpoint, timeoutMs: number, retries: number): Record<string, unknown> {
  return {
    '@odata.type': PIM_EXTENSION_TYPE,
    displayName: name,
    description: DESCRIPTION,
    endpointConfiguration: { '@odata.type': '#microsoft.graph.httpRequestEndpoint', targetUrl: endpoint.targetUrl },
    clientConfiguration: { '@odata.type': '#microsoft.graph.customExtensionClientConfiguration', timeoutInMilliseconds: timeoutMs, maximumRetries: retries },
    authenticationConfiguration: { '@odata.type': '#microsoft.graph.azureAdTokenAuthentication', resourceId: endpoint.resourceId },
    resourceType,
    customAttributes: [],
  };
}

/** PATCH body of the custom extension rule: its type (Graph's update page: "must be included"), its id and target as read, the link. */
export function ruleLinkBody(rule: Readonly<Record<string, unknown>>, extensionId: string | undefined, isEnabled: boolean): Record<string, unknown> {
  return {
    '@odata.type': CUSTOM_EXTENSION_RULE, id: rule['id'],
    ...(extensionId === undefined ? {} : { customExtensionId: extensionId }),
    isEnabled,
    ...(rule['target'] === undefined ? {} : { target: rule['target'] }),
  };
}

const EXTENSIONS = ['identityGovernance', 'privilegedAccess', 'customExtensions'] as const;

function assignmentFilter(t: PimLinkTarget): string {
  const clauses = t.kind === 'role'
    ? [odataEq('scopeId', '/'), odataEq('scopeType', 'DirectoryRole'), odataEq('roleDefinitionId', t.roleDefinitionId)]
    : [odataEq('scopeId', t.groupId), odataEq('scopeType', 'Group'), odataEq('roleDefinitionId', t.access)];
  return clauses.join(' and ');
}

/** Graph paths, built by graph-path.ts: ids from the command line are validated GUIDs; ids Graph gave are encoded as path segments. */
export const pimPaths = {
  extensions: () => graphPath(EXTENSIONS),
  extension: (id: string) => graphPath([...EXTENSIONS, id]),
  policyAssignments: (t: PimLinkTarget) => graphPath(['policies', 'roleManagementPolicyAssignments'], { $filter: assignmentFilter(t) }),
  rules: (policyId: string) => graphPath(['policies', 'roleManagementPolicies', policyId, 'rules']),
  rule: (policyId: string, ruleId: string) => graphPath(['policies', 'roleManagementPolicies', policyId, 'rules', ruleId]),
} as const;

const NAV: Readonly<Record<PimResourceType, string>> = { entraGroups: 'Groups', entraRoles: 'Microsoft Entra roles', azureResources: 'Azure resources' };

/**
 * Linking in the Microsoft Entra admin center, after the how-to's "Link to PIM for Groups role
 * settings"; the page gives the steps for groups and says a similar process links Entra roles
 * and Azure resource roles, so for those the third step names their blade.
 */
export function portalSteps(resourceType: PimResourceType, name: string): string[] {
  const similar = resourceType === 'entraGroups' ? [] : ['(Microsoft\'s page gives these steps for groups and says the same process links Microsoft Entra roles and Azure resource roles.)'];
  return [
    ...similar,
    '1. Sign in to the Microsoft Entra admin center (https://entra.microsoft.com) as at least a Privileged Role Administrator (for a group: its owner).',
    '2. Go to Identity governance > Privileged Identity Management.',
    `3. Select ${NAV[resourceType]}, then the ${resourceType === 'entraGroups' ? 'group, and open its role management experience' : resourceType === 'entraRoles' ? 'role' : 'resource'}.`,
    `4. Select Settings, then the role to configure${resourceType === 'entraGroups' ? ' (Member or Owner)' : ''}, and select Edit.`,
    '5. Select the checkbox "Require pre-approval custom extension to activate".',
    `6. Select the custom extension "${name}" and select Save; the role setting details then show it linked.`,
  ];
}
