import { asciiLower } from './ascii.js';

/**
 * What each entitlement-management stage allows, in one table (docs/protocol.md §5). Every decision
 * about waiting, resuming, denying and which API version to call is read from here.
 */
export const ELM_STAGES = [
  'assignmentRequestCreated',
  'assignmentRequestDeterminingApprovalRequirements',
  'assignmentRequestApproved',
  'assignmentRequestGranted',
  'assignmentRequestRemoved',
  'assignmentFourteenDaysBeforeExpiration',
  'assignmentOneDayBeforeExpiration',
  'customExtensionConnectionTest',
] as const;

export type ElmStage = (typeof ELM_STAGES)[number];

export interface StageCapabilities {
  readonly stage: ElmStage;
  /** The callout body this stage sends. */
  readonly calloutKind: 'elm-request' | 'elm-assignment' | 'connection-test';
  /** Whether Entra can wait for a resume at this stage. */
  readonly canResume: boolean;
  /** Whether a resume may deny: always, never, or as ALLOW_DENY_AT_APPROVED_STAGE says. */
  readonly deny: 'always' | 'never' | 'setting';
  /** What the resume carries: plain callback data, or an approval stage. */
  readonly answer: 'callback-data' | 'approval-stage' | 'none';
  /** Graph version for the resume: approval stages exist only in beta. */
  readonly apiVersion: 'v1.0' | 'beta' | undefined;
  /** The resume body's `type` suffix (the approval stage resumes as assignmentRequestCreated). */
  readonly resumeTypeStage: string | undefined;
}

const TABLE: Readonly<Record<ElmStage, Omit<StageCapabilities, 'stage'>>> = {
  assignmentRequestCreated: {
    calloutKind: 'elm-request', canResume: true, deny: 'always',
    answer: 'callback-data', apiVersion: 'v1.0', resumeTypeStage: 'assignmentRequestCreated',
  },
  assignmentRequestDeterminingApprovalRequirements: {
    calloutKind: 'elm-request', canResume: true, deny: 'never',
    answer: 'approval-stage', apiVersion: 'beta', resumeTypeStage: 'assignmentRequestCreated',
  },
  assignmentRequestApproved: {
    calloutKind: 'elm-request', canResume: true, deny: 'setting',
    answer: 'callback-data', apiVersion: 'v1.0', resumeTypeStage: 'assignmentRequestApproved',
  },
  assignmentRequestGranted: {
    calloutKind: 'elm-request', canResume: true, deny: 'never',
    answer: 'callback-data', apiVersion: 'v1.0', resumeTypeStage: 'assignmentRequestGranted',
  },
  assignmentRequestRemoved: {
    calloutKind: 'elm-request', canResume: true, deny: 'never',
    answer: 'callback-data', apiVersion: 'v1.0', resumeTypeStage: 'assignmentRequestRemoved',
  },
  assignmentFourteenDaysBeforeExpiration: {
    calloutKind: 'elm-assignment', canResume: false, deny: 'never',
    answer: 'none', apiVersion: undefined, resumeTypeStage: undefined,
  },
  assignmentOneDayBeforeExpiration: {
    calloutKind: 'elm-assignment', canResume: false, deny: 'never',
    answer: 'none', apiVersion: undefined, resumeTypeStage: undefined,
  },
  customExtensionConnectionTest: {
    calloutKind: 'connection-test', canResume: false, deny: 'never',
    answer: 'none', apiVersion: undefined, resumeTypeStage: undefined,
  },
};

const BY_LOWER = new Map<string, StageCapabilities>(
  ELM_STAGES.map((stage) => [asciiLower(stage), { stage, ...TABLE[stage] }]),
);

/** Looks a stage up whatever its casing (`CustomExtensionConnectionTest` on the wire). */
export function stageCapabilities(name: string): StageCapabilities | undefined {
  return BY_LOWER.get(asciiLower(name));
}

export function stageMayDeny(caps: StageCapabilities, allowDenyAtApprovedStage: boolean): boolean {
  return caps.deny === 'always' || (caps.deny === 'setting' && allowDenyAtApprovedStage);
}
