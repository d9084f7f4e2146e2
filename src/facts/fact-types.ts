import type * as V1 from '@microsoft/microsoft-graph-types';
import type { Keyed, OrUndefined, Present } from '../graph/graph-types.js';
import type { DirectoryRef } from './directory-ref.js';
import type { HoldingFactValues } from './holding-fact-types.js';

/**
 * The facts checks can ask for, each read from Graph once per callout and validated before any
 * check sees it. A check names the facts it needs; the engine reads the union in one round.
 */
export const FACT_NAMES = [
  'request',
  'targetUser',
  'targetLeaveDate',
  'targetManager',
  'targetSponsors',
  'riskState',
  'requestorUser',
  'requestorManagerChain',
  'targetPackageAssignments',
  'targetPackageRequests',
  'requestedPackage',
  'targetGroups',
  'targetDirectGroups',
  'targetActiveRoles',
  'targetEligibleRoles',
  'targetAppRoles',
] as const;

export type FactName = (typeof FACT_NAMES)[number];

export type { DirectoryRef } from './directory-ref.js';

/**
 * The user properties checks and approver strategies read (GET /users/{id}?$select=…, USER_SELECT);
 * of onPremisesExtensionAttributes, extensionAttribute1 … extensionAttribute15 that have a value.
 */
export interface DirectoryUser
  extends DirectoryRef,
    OrUndefined<Pick<V1.User, 'accountEnabled' | 'userType' | 'employeeType' | 'department' | 'companyName' | 'jobTitle' | 'country' | 'usageLocation' | 'officeLocation' | 'employeeId' | 'employeeHireDate'>>,
    Keyed<V1.User, 'onPremisesExtensionAttributes', Readonly<Record<string, string>>> {}

/** The requested schedule (`entitlementManagementSchedule`), its `expiration` flattened into it. */
export interface RequestedSchedule
  extends OrUndefined<Pick<V1.EntitlementManagementSchedule, 'startDateTime'>>,
    OrUndefined<Pick<V1.ExpirationPattern, 'endDateTime' | 'duration'>> {
  /** The expiration's `type`: noExpiration | afterDateTime | afterDuration | notSpecified. */
  readonly expirationType: string | undefined;
}

/** What the callout body does not carry: the justification and the schedule (docs/protocol.md §4). */
export interface RequestFact
  extends Present<Pick<V1.AccessPackageAssignmentRequest, 'id'>>,
    OrUndefined<Pick<V1.AccessPackageAssignmentRequest, 'justification' | 'createdDateTime'>>,
    Keyed<V1.AccessPackageAssignmentRequest, 'schedule', RequestedSchedule | undefined> {}

/**
 * Identity Protection's view of the target; a user never flagged reads as level none. riskLevel:
 * low | medium | high | hidden | none | unknownFutureValue; riskState: none | confirmedSafe |
 * remediated | dismissed | atRisk | confirmedCompromised | unknownFutureValue.
 */
export interface RiskFact
  extends Present<Pick<V1.RiskyUser, 'riskLevel' | 'riskState'>>,
    OrUndefined<Pick<V1.RiskyUser, 'riskDetail' | 'riskLastUpdatedDateTime'>> {}

/** A manager in the requestor's chain: level 1 is the direct manager. */
export interface ChainedManager extends DirectoryRef, OrUndefined<Pick<V1.User, 'accountEnabled'>> {
  readonly level: number;
}

export interface FactValues extends HoldingFactValues {
  readonly request: RequestFact;
  readonly targetUser: DirectoryUser;
  readonly targetLeaveDate: OrUndefined<Pick<V1.User, 'employeeLeaveDateTime'>>;
  /** null: the target has no manager. */
  readonly targetManager: DirectoryRef | null;
  readonly targetSponsors: readonly DirectoryRef[];
  readonly riskState: RiskFact;
  readonly requestorUser: DirectoryUser;
  readonly requestorManagerChain: readonly ChainedManager[];
}

/** Always present, not read from Graph: when the callout is evaluated (epoch ms), so checks stay pure. */
export interface Now {
  readonly now: number;
}

/** The facts a check with needs N receives: every one of them, loaded, and the time. */
export type Facts<N extends FactName> = { readonly [K in N]: FactValues[K] } & Now;

/** The facts gathered for one callout: each may be missing when it failed to load. */
export type FactSet = { readonly [K in FactName]?: FactValues[K] } & Now;
