import type { GraphCall } from '../../graph/graph-http.js';
import type { Permission } from '../register-graph.js';
import type { ItemStatus } from '../register-model.js';
import type { PimEndpoint, PimLinkTarget, PimResourceType } from './pim-shapes.js';

type Json = Readonly<Record<string, unknown>>;

/** What the operator asked for with --pim, checked (pim-args.ts). */
export interface PimDesired {
  readonly mode: 'register' | 'unregister';
  readonly resourceType: PimResourceType;
  /** The extension's display name: how a later run finds it again. */
  readonly name: string;
  /** Needed to register; an unregister finds the extension by name. */
  readonly endpoint: PimEndpoint | undefined;
  readonly timeoutMs: number;
  readonly maximumRetries: number;
  /** The roles whose settings call the extension on activation (--link). */
  readonly links: readonly PimLinkTarget[];
}

/** A role's policy as read: its custom extension rule for activation, or why none can be set through Graph. */
export interface LinkState {
  readonly target: PimLinkTarget;
  readonly policyId: string;
  readonly rule: Json | undefined;
  /** Why the rule cannot be written (none, or several with no pre-approval one): the portal links it then. */
  readonly manual: string | undefined;
}

/** What the tenant holds now, as far as the request concerns it. */
export interface PimCurrent {
  /** Our extension (found by display name), as Graph answered it. */
  readonly extension: Json | undefined;
  readonly links: readonly LinkState[];
}

export type PimItemKind = 'PIM custom extension' | 'role setting';

/** One thing the command manages, and what happens to it; `manual` is a link only the portal can make. */
export interface PimPlanItem {
  readonly kind: PimItemKind;
  readonly label: string;
  readonly status: ItemStatus | 'manual';
  readonly detail: string;
}

/** A write the plan makes; after it the object is read back and compared with what was meant. */
export interface PimPlannedCall extends GraphCall {
  readonly kind: PimItemKind;
  readonly what: string;
  readonly hint?: string;
  /** What the call (and its read-back) needs, named when Graph refuses it. */
  readonly permission: Permission;
}

export interface PimPlan {
  readonly items: readonly PimPlanItem[];
  readonly calls: readonly PimPlannedCall[];
}
