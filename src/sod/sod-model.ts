import type { Severity } from '../checks/define-check.js';
import type { Action } from '../policy/policy-types.js';

/** The kinds of entitlement a rule's side can name. */
export type EntitlementKind = 'accessPackage' | 'group' | 'directoryRole' | 'appRole' | 'azureRole';

/**
 * One entitlement as a rule names it. `key` identifies it across holdings and rules:
 * `accessPackage:{id}`, `group:{id}`, `directoryRole:{roleTemplateId}`, `appRole:{servicePrincipalId}/{appRoleId}`,
 * `azureRole:{roleDefinitionGuid}`.
 */
export interface Entitlement {
  readonly key: string;
  readonly kind: EntitlementKind;
  readonly displayName: string | undefined;
  /** Directory roles: whether a PIM-eligible assignment counts as holding the role (default true). */
  readonly includeEligible: boolean;
}

export interface Side {
  readonly name: string;
  readonly entitlements: readonly Entitlement[];
}

export interface Exemption {
  readonly principal: { readonly kind: 'user' | 'group'; readonly id: string };
  readonly reason: string;
  readonly ticket: string | undefined;
  /** Epoch ms after which the exemption no longer applies (a date alone lasts to its end, UTC); undefined: no expiry. */
  readonly expiresAt: number | undefined;
  /** As written in the policy, for evidence. */
  readonly expires: string | undefined;
}

export interface Rule {
  readonly id: string;
  readonly title: string;
  readonly description: string | undefined;
  readonly owner: string | undefined;
  readonly severity: Severity;
  readonly action: Action;
  readonly mitigatingControl: string | undefined;
  readonly sides: readonly Side[];
  readonly exemptions: readonly Exemption[];
}

/** Where a rule names an entitlement: the rule's index and the side's index. */
export interface RulePlace {
  readonly rule: number;
  readonly side: number;
  /** Whether a PIM-eligible directory role counts here. */
  readonly includeEligible: boolean;
}

/**
 * The compiled `separationOfDuties` section: the rules, and per kind an index from the
 * entitlement's id (the key without its kind) to the places naming it. Looking a holding up by
 * its id needs no key string per holding: a user holds groups by the ten thousand.
 */
export interface RuleSet {
  readonly rules: readonly Rule[];
  readonly byKind: { readonly [K in EntitlementKind]: ReadonlyMap<string, readonly RulePlace[]> };
  readonly byId: ReadonlyMap<string, number>;
}

/** Where a holding comes from, for evidence a reviewer can follow. */
export type HoldingSource =
  | { readonly via: 'assignment'; readonly assignmentId: string; readonly state: string }
  | { readonly via: 'pendingRequest'; readonly requestId: string; readonly state: string }
  | { readonly via: 'requestedPackage'; readonly accessPackage: string; readonly role?: string }
  | { readonly via: 'groupMembership'; readonly membership: 'direct' | 'nested' }
  | { readonly via: 'directoryRole'; readonly assignment: 'active' | 'eligible'; readonly id: string; readonly directoryScopeId: string; readonly until?: string }
  | { readonly via: 'appRoleAssignment'; readonly assignmentId: string; readonly principalType: string; readonly principal?: string }
  /** The PIM activation being decided: a group's membership or ownership, or a directory role at a scope. */
  | { readonly via: 'pimActivation'; readonly access?: 'member' | 'owner'; readonly directoryScopeId?: string; readonly scope?: string };

/** One entitlement a user holds (or would hold), with where it comes from. */
export interface Holding {
  /** `kind:id`, the entitlement's key. */
  readonly key: string;
  readonly kind: EntitlementKind;
  /** Lower-case id as in the key: `{servicePrincipalId}/{appRoleId}` for an app role. */
  readonly id: string;
  readonly displayName: string | undefined;
  readonly source: HoldingSource;
  /** A PIM-eligible directory role: counts only for entitlements that include eligible assignments. */
  readonly eligible?: boolean | undefined;
}

/** How a conflict relates to the request: it creates it, adds to one that existed, or leaves one alone. */
export type ConflictStatus = 'new' | 'extended' | 'existing';

export interface Conflict {
  readonly rule: Rule;
  readonly status: ConflictStatus;
  /** The sides the user holds something of (two or more), each with the holdings that put the user there. */
  readonly sides: readonly { readonly name: string; readonly holdings: readonly Holding[] }[];
  /** The exemption that applies, if any. */
  readonly exemption: Exemption | undefined;
  /** Exemptions for this user that have expired, named so a reviewer sees why they did not apply. */
  readonly expiredExemptions: readonly Exemption[];
}

export const entitlementKey = {
  accessPackage: (id: string) => `accessPackage:${id.toLowerCase()}`,
  group: (id: string) => `group:${id.toLowerCase()}`,
  directoryRole: (roleTemplateId: string) => `directoryRole:${roleTemplateId.toLowerCase()}`,
  appRole: (servicePrincipalId: string, appRoleId: string) => `appRole:${servicePrincipalId.toLowerCase()}/${appRoleId.toLowerCase()}`,
  azureRole: (roleDefinitionGuid: string) => `azureRole:${roleDefinitionGuid.toLowerCase()}`,
} as const;
