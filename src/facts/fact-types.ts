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

/** A directory object named by id (and display name where Graph gave one). */
export interface DirectoryRef {
  readonly id: string;
  readonly displayName: string | undefined;
}

/** The directory attributes checks and approver strategies read (GET /users/{id}?$select=…). */
export interface DirectoryUser extends DirectoryRef {
  readonly accountEnabled: boolean | undefined;
  readonly userType: string | undefined;
  readonly employeeType: string | undefined;
  readonly department: string | undefined;
  readonly companyName: string | undefined;
  readonly jobTitle: string | undefined;
  readonly country: string | undefined;
  readonly usageLocation: string | undefined;
  readonly officeLocation: string | undefined;
  readonly employeeId: string | undefined;
  readonly employeeHireDate: string | undefined;
  /** extensionAttribute1 … extensionAttribute15, only those with a value. */
  readonly onPremisesExtensionAttributes: Readonly<Record<string, string>>;
}

/** The requested schedule (`entitlementManagementSchedule`). */
export interface RequestedSchedule {
  readonly startDateTime: string | undefined;
  readonly endDateTime: string | undefined;
  /** ISO 8601 duration when the expiration is a duration. */
  readonly duration: string | undefined;
  /** noExpiration | afterDateTime | afterDuration | notSpecified. */
  readonly expirationType: string | undefined;
}

/** What the callout body does not carry: the justification and the schedule (PROTOCOL.md §4). */
export interface RequestFact {
  readonly id: string;
  readonly justification: string | undefined;
  readonly schedule: RequestedSchedule | undefined;
  readonly createdDateTime: string | undefined;
}

/** Identity Protection's view of the target; a user never flagged reads as level none. */
export interface RiskFact {
  /** low | medium | high | hidden | none | unknownFutureValue. */
  readonly riskLevel: string;
  /** none | confirmedSafe | remediated | dismissed | atRisk | confirmedCompromised | unknownFutureValue. */
  readonly riskState: string;
  readonly riskDetail: string | undefined;
  readonly riskLastUpdatedDateTime: string | undefined;
}

/** A manager in the requestor's chain: level 1 is the direct manager. */
export interface ChainedManager extends DirectoryRef {
  readonly level: number;
  readonly accountEnabled: boolean | undefined;
}

export interface FactValues extends HoldingFactValues {
  readonly request: RequestFact;
  readonly targetUser: DirectoryUser;
  readonly targetLeaveDate: { readonly employeeLeaveDateTime: string | undefined };
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
