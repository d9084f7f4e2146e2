import type { Guid } from '../guid.js';

/**
 * A PIM role activation, as PIM's custom extension sends it (one of three request models, see
 * parse-activation.ts), normalized: what is being activated, by whom, for how long, and why.
 * Ids are checked GUIDs; ARM ids and scopes are checked paths; texts are bounded.
 */
export type PimTarget =
  /** PIM for Groups: membership or ownership of a group. */
  | { readonly kind: 'group'; readonly groupId: Guid; readonly access: 'member' | 'owner' }
  /** PIM for Microsoft Entra roles: a directory role (its definition or template id) at a directory scope. */
  | { readonly kind: 'directory-role'; readonly roleDefinitionId: Guid; readonly directoryScopeId: string }
  /** PIM for Azure resources: an Azure role definition (ARM id, and the GUID it ends with) at an ARM scope. */
  | { readonly kind: 'azure-role'; readonly roleDefinitionId: string; readonly roleDefinitionGuid: Guid; readonly scope: string };

/** What the activation asks for: Graph's requestSchedule (start, and an expiration by type). */
export interface PimSchedule {
  readonly startDateTime: string | undefined;
  /** notSpecified, noExpiration, afterDateTime, afterDuration (Azure spells them in PascalCase; kept as sent). */
  readonly expirationType: string | undefined;
  readonly duration: string | undefined;
  readonly endDateTime: string | undefined;
}

export interface PimActivation {
  readonly kind: 'pim-activation';
  /** Which request model it came in. */
  readonly model: 'group-request' | 'directory-role-request' | 'azure-resource-request';
  /** The schedule request's id (groups and Entra roles; the Azure model carries none). */
  readonly requestId: Guid | undefined;
  /** The request's action (Graph: selfActivate…; Azure: requestType, SelfActivate…). */
  readonly action: string | undefined;
  readonly status: string | undefined;
  readonly principalId: Guid;
  /** Azure's principalType (User, Group…); Graph's models carry none. */
  readonly principalType: string | undefined;
  readonly target: PimTarget;
  readonly justification: string | undefined;
  readonly ticket: { readonly number: string | undefined; readonly system: string | undefined } | undefined;
  readonly schedule: PimSchedule | undefined;
}
