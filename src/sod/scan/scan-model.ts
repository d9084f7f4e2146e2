import type * as V1 from '@microsoft/microsoft-graph-types';
import type { OrUndefined, Present } from '../../graph/graph-types.js';
import type { Entitlement, EntitlementKind, Exemption, Rule } from '../sod-model.js';

/** A group through which a user holds something (a role or app role assigned to the group). */
export interface GroupRef extends Present<Pick<V1.Group, 'id'>>, OrUndefined<Pick<V1.Group, 'displayName'>> {}

/** How a user holds an entitlement, as the tenant-wide reads show it. */
export type Via =
  | { readonly kind: 'assignment'; readonly id: string; readonly state: string }
  | { readonly kind: 'member' }
  | { readonly kind: 'activeRole'; readonly id: string; readonly scope: string; readonly group?: GroupRef }
  | { readonly kind: 'eligibleRole'; readonly id: string; readonly scope: string; readonly until?: string; readonly group?: GroupRef }
  | { readonly kind: 'appRole'; readonly id: string; readonly group?: GroupRef };

/** The users holding one entitlement: user id (lower-case) → every way they hold it. */
export type Holders = ReadonlyMap<string, readonly Via[]>;

export interface EntitlementHolders {
  readonly holders: Holders;
  /** Graph answered 404 for the entitlement itself (a deleted group or service principal): nobody holds it. */
  readonly missing: boolean;
}

/**
 * Where the scan reads who holds what. One read per entitlement per scan (cached), bounded
 * concurrency; a refusal or an invalid answer rejects with ScanError.
 */
export interface MemberReader {
  holders(entitlement: Entitlement): Promise<EntitlementHolders>;
  /** Every user in a group, direct or nested: who a group exemption covers. */
  groupUsers(groupId: string): Promise<ReadonlySet<string>>;
  /** The display name Graph gave a user in any read, if any. */
  displayName(userId: string): string | undefined;
  /** Users met in any read so far. */
  usersSeen(): number;
  readonly counters: ReadCounters;
  /** Stops queued reads: the scan failed. */
  cancel(): void;
}

export interface ReadCounters {
  /** Collections read (each followed through its pages). */
  reads: number;
  pages: number;
  /** HTTP requests sent, retries included. */
  requests: number;
}

/** Why a scan stopped: Graph refused a read (a missing permission), answered invalidly, or stayed unavailable. */
export class ScanError extends Error {
  override readonly name = 'ScanError';
  constructor(
    readonly kind: 'forbidden' | 'invalid' | 'rejected' | 'unavailable',
    message: string,
    /** The Graph application permission the scanning identity lacks (forbidden). */
    readonly permission?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ViolationItem {
  readonly key: string;
  readonly kind: EntitlementKind;
  /** The rule's name for it, else its id. */
  readonly displayName: string;
  /** Readable: "assignment 1f…", "member of group", "eligible role (until 2026-09-30T00:00:00Z)". */
  readonly via: string;
  readonly source: Via;
}

export interface Violation {
  /** The rule's id. */
  readonly rule: string;
  readonly user: { readonly id: string; readonly displayName: string | undefined };
  /** The sides the user holds something of (two or more), in the rule's order. */
  readonly sides: readonly { readonly name: string; readonly items: readonly ViolationItem[] }[];
  /** The exemption that applies: the violation is accepted, not open. */
  readonly exemption: Exemption | undefined;
  /** Exemptions for this user that have expired: named so a reviewer sees why they no longer apply. */
  readonly expiredExemptions: readonly Exemption[];
}

export interface RuleScan {
  readonly rule: Rule;
  /** Users holding anything of each side, in the rule's side order. */
  readonly holders: readonly number[];
  /** Open violations (no exemption applies). */
  readonly open: number;
  readonly exempt: number;
  /** Open first, then exempt; each by display name, then id. */
  readonly violations: readonly Violation[];
  /** Entitlements the rule names that Graph does not know (404): nobody holds them. */
  readonly missing: readonly { readonly key: string; readonly displayName: string }[];
}

export interface ScanStats {
  readonly reads: number;
  readonly pages: number;
  readonly requests: number;
  /** Distinct entitlements read. */
  readonly entitlements: number;
  readonly usersSeen: number;
  readonly ms: number;
}

export interface ScanResult {
  /** ISO time the scan evaluated exemptions and eligibility windows at. */
  readonly scannedAt: string;
  readonly rules: readonly RuleScan[];
  readonly stats: ScanStats;
}

export interface ScanProgress {
  /** 1-based index of the rule being evaluated. */
  readonly rule: number;
  readonly rules: number;
  readonly ruleId: string;
  readonly readsDone: number;
  readonly readsTotal: number;
}

/** "assignment 1f…", "member of group", "active role via group Helpdesk", "eligible role (until …)". */
export function viaText(via: Via): string {
  const group = 'group' in via ? ` via group ${via.group.displayName ?? via.group.id}` : '';
  const scope = 'scope' in via && via.scope !== '/' ? ` at ${via.scope}` : '';
  switch (via.kind) {
    case 'assignment':
      return via.state.toLowerCase() === 'delivered' ? `assignment ${via.id}` : `assignment ${via.id} (${via.state})`;
    case 'member':
      return 'member of group';
    case 'activeRole':
      return `active role${group}${scope}`;
    case 'eligibleRole':
      return `eligible role${group}${scope} (${via.until === undefined ? 'no end' : `until ${via.until}`})`;
    case 'appRole':
      return `app role${group}`;
  }
}

/** "Interim cover, RISK-1, until 2026-12-31" (group exemptions name the group). */
export function exemptionSummary(exemption: Exemption): string {
  return [
    exemption.reason,
    exemption.ticket,
    exemption.principal.kind === 'group' ? `members of group ${exemption.principal.id}` : undefined,
    exemption.expires === undefined ? undefined : `until ${exemption.expires}`,
  ]
    .filter((part) => part !== undefined)
    .join(', ');
}
