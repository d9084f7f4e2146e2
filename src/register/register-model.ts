import type { GraphCall } from '../graph/graph-http.js';
import type { Relay, RequestStage } from './graph-shapes.js';

/** What the operator asked for, checked (see register-args.ts). */
export interface Desired {
  readonly mode: 'register' | 'unregister';
  readonly catalogId: string;
  /** Display name of the custom extension (and of the custom task extension): how they are found again. */
  readonly name: string;
  /** The relay; needed to register, not to unregister (things are found by name). */
  readonly relay: Relay | undefined;
  /** callbackConfiguration.timeoutDuration of the custom extension (ISO 8601, 5 minutes to 14 days). */
  readonly callback: string;
  readonly policies: readonly string[];
  /** The stages of each policy that call the extension; with --unregister, ignored (all of ours go). */
  readonly stages: readonly RequestStage[];
  readonly dynamicApproval: boolean;
  /**
   * Least privilege (the default): the function identity's object id that gets the catalog role;
   * undefined with the broad grant (--broad-permissions, or LEAST_PRIVILEGE=false from azd).
   */
  readonly functionIdentity: string | undefined;
  /**
   * --lcw: the custom task extension's callback window (ISO 8601, 5 minutes to 3 hours) and, with
   * least privilege, the function identity's app (client) id listed in its authorizedApps.
   */
  readonly lcw: { readonly callback: string; readonly authorizedApp: string | undefined } | undefined;
}

/** A policy as read: in v1.0, or in beta when an approval stage of it is (or will be) dynamic. */
export interface PolicyState {
  readonly id: string;
  readonly displayName: string;
  readonly version: 'v1.0' | 'beta';
  /** The GET answer, relationships expanded; the PUT is built from it. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** A role assignment of entitlement management, as listed. */
export interface RoleAssignmentState {
  readonly id: string;
  readonly roleDefinitionId: string;
  readonly appScopeId: string | null;
}

/** What the tenant holds now, as far as the request concerns it. */
export interface Current {
  readonly catalog: { readonly id: string; readonly displayName: string };
  /** Our custom extension (found by display name in the catalog), as Graph answered it. */
  readonly extension: Readonly<Record<string, unknown>> | undefined;
  readonly policies: readonly PolicyState[];
  /** The function identity's entitlement-management role assignments (read with least privilege). */
  readonly roleAssignments: readonly RoleAssignmentState[] | undefined;
  /** Our custom task extension (found by display name; read with --lcw). */
  readonly taskExtension: Readonly<Record<string, unknown>> | undefined;
}

export type ItemKind = 'custom extension' | 'assignment policy' | 'role assignment' | 'custom task extension';
export type ItemStatus = 'create' | 'update' | 'remove' | 'unchanged' | 'absent';

/** One thing the command manages, and what happens to it. */
export interface PlanItem {
  readonly kind: ItemKind;
  readonly label: string;
  readonly status: ItemStatus;
  /** What changes (or why nothing does), in a few words. */
  readonly detail: string;
}

/** A write the plan makes; `what` says it in words, `hint` what to do if Graph refuses it. */
export interface PlannedCall extends GraphCall {
  /** What the call writes: after it, that object is read back and compared with what was meant (verify-write.ts). */
  readonly kind: ItemKind;
  readonly what: string;
  readonly hint?: string;
}

export interface Plan {
  readonly items: readonly PlanItem[];
  /** In order; empty when everything is as asked. */
  readonly calls: readonly PlannedCall[];
}

/**
 * Stands for the id Graph gives the custom extension when the same run creates it: the calls that
 * attach it carry this text until the create answers, and the what-if prints it as is.
 */
export const NEW_EXTENSION_ID = '{id of the new custom extension}';
