/**
 * The bodies PIM sends its custom extension on a role activation, one model per resource type
 * (Microsoft's how-to, MicrosoftDocs/entra-docs privileged-identity-management-custom-extensions.md,
 * "Request model for …"; test/fixtures/pim/*.json hold one of each): PIM for Groups and Entra roles
 * send Graph's schedule request objects (with the request's id), Azure resources an Azure
 * Resource Manager role assignment schedule request in a `properties` wrapper (no id).
 */
interface ActivationCommon {
  /** The user (or group, service principal) activating. */
  readonly principalId: string;
  readonly justification?: string;
  readonly ticket?: { readonly ticketNumber: string; readonly ticketSystem: string };
  /** When the activation starts (default: now). */
  readonly startDateTime?: string;
  /** How long it lasts, ISO 8601 (default PT8H, the how-to's example). */
  readonly duration?: string;
  /**
   * The request's `status` in the Graph models. Microsoft's page shows the property but not the
   * value PIM sends at this step, so the emulator sends one only when given.
   */
  readonly status?: string;
  /** The Graph models' `action` (default selfActivate); the Azure model's requestType (default SelfActivate). */
  readonly action?: string;
}

/** PIM for Groups: the member or owner role of a group. */
export interface GroupActivation extends ActivationCommon {
  readonly kind: 'group';
  readonly groupId: string;
  /** Default member. */
  readonly accessId?: 'member' | 'owner';
}

/** PIM for Microsoft Entra roles: a directory role (its template id) at a directory scope. */
export interface EntraRoleActivation extends ActivationCommon {
  readonly kind: 'entraRole';
  readonly roleDefinitionId: string;
  /** Default `/`, the whole directory. */
  readonly directoryScopeId?: string;
}

/** PIM for Azure resources: an Azure role at an ARM scope. */
export interface AzureResourceActivation extends ActivationCommon {
  readonly kind: 'azureResource';
  /** The role definition's full ARM id, or its GUID (made into `/subscriptions/{scope's subscription}/providers/Microsoft.Authorization/roleDefinitions/{guid}`). */
  readonly roleDefinitionId: string;
  /** The ARM scope: `/subscriptions/{id}[/resourceGroups/{name}…]`. */
  readonly scope: string;
  /** Default User. */
  readonly principalType?: 'User' | 'Group' | 'ServicePrincipal';
}

export type PimActivationRequest = GroupActivation | EntraRoleActivation | AzureResourceActivation;

/** The request model's name, as PIM's resource types are called in a custom extension's resourceType. */
export const RESOURCE_TYPE_OF: Readonly<Record<PimActivationRequest['kind'], string>> = { group: 'entraGroups', entraRole: 'entraRoles', azureResource: 'azureResources' };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A role definition GUID made into its ARM id under the scope's subscription; a full id is kept. */
function armRoleDefinition(roleDefinitionId: string, scope: string): string {
  if (!GUID.test(roleDefinitionId)) return roleDefinitionId;
  const subscription = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
  if (subscription === undefined) throw new Error(`an Azure role definition GUID needs a scope under a subscription, not "${scope}"`);
  return `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${roleDefinitionId}`;
}

/** Graph's requestSchedule and ticketInfo, as the fixtures write them. */
function graphSchedule(request: ActivationCommon, now: Date): Record<string, unknown> {
  return {
    scheduleInfo: {
      '@odata.type': 'microsoft.graph.requestSchedule',
      startDateTime: request.startDateTime ?? now.toISOString(),
      expiration: { '@odata.type': 'microsoft.graph.expirationPattern', type: 'afterDuration', duration: request.duration ?? 'PT8H', endDateTime: null },
    },
    ticketInfo: { '@odata.type': 'microsoft.graph.ticketInfo', ticketNumber: request.ticket?.ticketNumber ?? null, ticketSystem: request.ticket?.ticketSystem ?? null },
  };
}

/**
 * The body PIM sends for `request`. `requestId` is the schedule request's id in the two Graph
 * models (the same on every retry: a retry is the same request); the Azure model carries none.
 */
export function activationBody(request: PimActivationRequest, requestId: string, now: Date = new Date()): Record<string, unknown> {
  const status = request.status === undefined ? {} : { status: request.status };
  const justification = request.justification ?? null;
  switch (request.kind) {
    case 'group':
      return {
        '@odata.type': '#microsoft.graph.privilegedAccessGroupAssignmentScheduleRequest', id: requestId, ...status, action: request.action ?? 'selfActivate', justification,
        principalId: request.principalId, accessId: request.accessId ?? 'member', groupId: request.groupId, ...graphSchedule(request, now),
      };
    case 'entraRole':
      return {
        '@odata.type': '#microsoft.graph.unifiedRoleAssignmentScheduleRequest', id: requestId, ...status, action: request.action ?? 'selfActivate', principalId: request.principalId,
        roleDefinitionId: request.roleDefinitionId, directoryScopeId: request.directoryScopeId ?? '/', justification, ...graphSchedule(request, now),
      };
    case 'azureResource':
      return {
        properties: {
          principalId: request.principalId, principalType: request.principalType ?? 'User', requestType: request.action ?? 'SelfActivate',
          roleDefinitionId: armRoleDefinition(request.roleDefinitionId, request.scope), scope: request.scope, justification,
          scheduleInfo: { startDateTime: request.startDateTime ?? now.toISOString(), expiration: { type: 'AfterDuration', duration: request.duration ?? 'PT8H' } },
          ...(request.ticket === undefined ? {} : { ticketInfo: { ticketNumber: request.ticket.ticketNumber, ticketSystem: request.ticket.ticketSystem } }),
        },
      };
  }
}
