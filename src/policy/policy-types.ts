import type { Action, Check, Severity } from '../checks/define-check.js';
import type { FactName } from '../facts/fact-types.js';
import type { RequestType } from '../request-types.js';

export type Mode = 'enforce' | 'audit';
/** What a check that could not run decides: deny (fail closed), continue, or retry (answer 503). */
export type FailMode = 'deny' | 'continue' | 'retry';
export type { Action };

/** Where an approver comes from (policy document form). */
export type ApproverSource =
  | { readonly type: 'requestorManager'; readonly level: number }
  | {
      readonly type: 'groupByAttribute';
      readonly of: 'target' | 'requestor';
      readonly attribute: string;
      readonly groups: Readonly<Record<string, string>>;
      readonly otherwise?: string;
    }
  | { readonly type: 'users'; readonly users: readonly { readonly id: string; readonly description?: string }[] }
  | { readonly type: 'groups'; readonly groups: readonly { readonly id: string; readonly description?: string }[] };

/** The approver strategy of a scope, for `assignmentRequestDeterminingApprovalRequirements`. */
export interface ApproverPolicy {
  readonly primary: readonly ApproverSource[];
  readonly fallback: readonly ApproverSource[];
  /** ISO 8601 days: how long approvers have before the request is denied automatically. */
  readonly decisionWindow: string;
  readonly approverJustificationRequired: boolean;
  readonly escalation:
    | { readonly after: string; readonly approvers: readonly ApproverSource[]; readonly fallback: readonly ApproverSource[] }
    | undefined;
}

/**
 * The kinds of PIM activation a scope can select: PIM for Groups, Microsoft Entra roles, Azure
 * resources. They are Graph's enum customExtensionResourceType, which `npm run register -- --pim`
 * writes: the how-to shows entraGroups; the others are read in Graph's v1.0 metadata as
 * Microsoft's generated SDK carries it (microsoftgraph/msgraph-sdk-java,
 * src/main/java/com/microsoft/graph/generated/models/CustomExtensionResourceType.java: entraRoles,
 * azureResources, entraGroups, and unknownFutureValue, which no write may use).
 */
export const PIM_RESOURCE_TYPES = ['entraGroups', 'entraRoles', 'azureResources'] as const;
export type PimResourceType = (typeof PIM_RESOURCE_TYPES)[number];

/** Which callouts a scope applies to; an absent list matches anything. Ids and stages are lower-case; request types in Graph's spelling. */
export interface Match {
  readonly catalogs?: readonly string[];
  readonly accessPackages?: readonly string[];
  readonly assignmentPolicies?: readonly string[];
  readonly stages?: readonly string[];
  readonly requestTypes?: readonly RequestType[];
  readonly workflows?: readonly string[];
  readonly tasks?: readonly string[];
  /** PIM activations: of these resource types (kept in the schema's spelling). */
  readonly resourceTypes?: readonly PimResourceType[];
  /** PIM activations of these roles: Entra role definition (template) ids, Azure role definition GUIDs or ARM ids. */
  readonly roleDefinitions?: readonly string[];
  /** PIM for Groups activations of these groups. */
  readonly groups?: readonly string[];
  /** PIM for Groups activations of this access. */
  readonly groupAccess?: readonly ('member' | 'owner')[];
  /** PIM activations at these scopes: a directory scope exactly, an Azure scope or anything beneath it. */
  readonly resourceScopes?: readonly string[];
}

/** One check as a scope configures it, options merged with the check's defaults and validated. */
export interface ConfiguredCheck {
  readonly check: Check;
  readonly scope: string;
  /** JSON pointer of the entry in the policy document, for messages. */
  readonly pointer: string;
  readonly action: Action;
  readonly severity: Severity | undefined;
  readonly mode: Mode;
  readonly failMode: FailMode;
  readonly options: Readonly<Record<string, unknown>>;
  /** The check's compiled settings section, when it reads one. */
  readonly settings: unknown;
  readonly needs: readonly FactName[];
}

export interface Scope {
  readonly name: string;
  readonly match: Match;
  readonly mode: Mode;
  readonly failMode: FailMode;
  readonly checks: readonly ConfiguredCheck[];
  readonly approvers: ApproverPolicy | undefined;
  /** PIM scopes: answer AutoApproved (no manual approval) when every check of the scope passes. */
  readonly autoApprove: boolean;
}

export interface Policy {
  /** `sha256:` and the first 16 hex digits of the document's bytes. */
  readonly version: string;
  /** Where it was read from (a path, or "built-in default"). */
  readonly source: string;
  readonly mode: Mode;
  readonly failMode: FailMode;
  readonly scopes: readonly Scope[];
  /** Compiled settings sections by key (e.g. separationOfDuties), for checks and tools. */
  readonly settings: Readonly<Record<string, unknown>>;
}
