import { approvalStageProblem } from './approval-stage-rules.js';
import type { TenantApprovalSettings } from './catalog-file.js';
import { exactDurationMs, REQUEST_EXTENSION } from './custom-extension-rules.js';
import { isObject, unknownProperty } from '../graph/graph-errors.js';

export const DYNAMIC_STAGE = '#microsoft.graph.accessPackageDynamicApprovalStage';
const STATIC_STAGE = '#microsoft.graph.accessPackageApprovalStage';
/** Approval stages a policy may have (beta's approvalSettings: "one or two"; v1.0 allows a third). */
const MAX_STAGES_V1 = 3;
const MAX_STAGES_BETA = 2;

/**
 * One approval stage of a policy: a fixed one, kept as v1.0's accessPackageApprovalStage, or a
 * dynamic one whose approvers a custom extension decides at assignmentRequestDeterminingApprovalRequirements.
 */
export type StoredApprovalStage = { readonly kind: 'static'; readonly stage: Readonly<Record<string, unknown>> } | { readonly kind: 'dynamic'; readonly extensionId: string };

export interface StoredApproval {
  readonly requiredForAdd: boolean;
  readonly requiredForUpdate: boolean;
  readonly justificationRequired: boolean;
  readonly stages: readonly StoredApprovalStage[];
}

export function approvalFromTenant(settings: TenantApprovalSettings): StoredApproval {
  return {
    requiredForAdd: settings.isApprovalRequiredForAdd,
    requiredForUpdate: settings.isApprovalRequiredForUpdate,
    justificationRequired: settings.isRequestorJustificationRequired,
    stages: settings.stages.map((stage) => ({ kind: 'static', stage })),
  };
}

/**
 * v1.0's requestApprovalSettings. v1.0's accessPackageDynamicApprovalStage has no customExtension
 * (Graph's v1.0 reference and SDK models), so a dynamic stage shows as its type alone.
 */
export function approvalV1(a: StoredApproval): Record<string, unknown> {
  return {
    isApprovalRequiredForAdd: a.requiredForAdd,
    isApprovalRequiredForUpdate: a.requiredForUpdate,
    isRequestorJustificationRequired: a.justificationRequired,
    stages: a.stages.map((s) => (s.kind === 'static' ? s.stage : { '@odata.type': DYNAMIC_STAGE })),
  };
}

const minutes = (value: unknown): number => Math.round((exactDurationMs(value) ?? 0) / 60_000);

/**
 * A v1.0 subject set as beta's userSet: beta's singleUser and groupMembers name the user or group
 * as `id` (v1.0: userId, groupId), and every userSet says isBackup (beta's types and policy examples).
 */
function betaUserSet(set: unknown): unknown {
  if (!isObject(set)) return set;
  const { userId, groupId, ...rest } = set;
  return { ...rest, ...(userId === undefined && groupId === undefined ? {} : { id: userId ?? groupId }), isBackup: false };
}

const betaUserSets = (sets: unknown): unknown => (Array.isArray(sets) ? sets.map(betaUserSet) : []);

/** A fixed stage as beta's approvalStage shows it (days and minutes instead of durations; no fallback approvers). */
function betaStatic(stage: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return {
    approvalStageTimeOutInDays: Math.round(minutes(stage['durationBeforeAutomaticDenial']) / 1440),
    isApproverJustificationRequired: stage['isApproverJustificationRequired'] ?? false,
    isEscalationEnabled: stage['isEscalationEnabled'] ?? false,
    escalationTimeInMinutes: minutes(stage['durationBeforeEscalation']),
    primaryApprovers: betaUserSets(stage['primaryApprovers']),
    escalationApprovers: betaUserSets(stage['escalationApprovers']),
  };
}

/** Beta's approvalSettings: the dynamic stage carries its customExtension (beta's accessPackageDynamicApprovalStage). */
export function approvalBeta(a: StoredApproval): Record<string, unknown> {
  const count = a.stages.length;
  return {
    isApprovalRequired: a.requiredForAdd,
    isApprovalRequiredForExtension: a.requiredForUpdate,
    isRequestorJustificationRequired: a.justificationRequired,
    approvalMode: count === 0 ? 'NoApproval' : count === 1 ? 'SingleStage' : 'Serial',
    approvalStages: a.stages.map((s) => (s.kind === 'static' ? betaStatic(s.stage) : { '@odata.type': DYNAMIC_STAGE, customExtension: { '@odata.type': REQUEST_EXTENSION, id: s.extensionId } })),
  };
}

const flag = (value: unknown, name: string): boolean | string => (value === undefined ? false : typeof value === 'boolean' ? value : `${name} must be true or false`);

/** v1.0's requestApprovalSettings of a PUT; a dynamic stage cannot be written there (v1.0 cannot name its extension). */
export function parseApprovalV1(value: unknown, before: StoredApproval): StoredApproval | string {
  if (value === undefined) return before;
  if (value === null) return { requiredForAdd: false, requiredForUpdate: false, justificationRequired: false, stages: [] };
  if (!isObject(value)) return 'requestApprovalSettings must be an object';
  const unknown = unknownProperty(value, ['@odata.type', 'isApprovalRequiredForAdd', 'isApprovalRequiredForUpdate', 'isRequestorJustificationRequired', 'stages']);
  if (unknown !== undefined) return `requestApprovalSettings has an unknown property ${unknown}`;
  if (before.stages.some((s) => s.kind === 'dynamic')) {
    return `this policy's approval stages include an ${DYNAMIC_STAGE.slice(17)}, which v1.0 cannot carry (it has no customExtension there): update the policy in beta`;
  }
  const raw = value['stages'] ?? [];
  if (!Array.isArray(raw) || raw.length > MAX_STAGES_V1) return `requestApprovalSettings.stages must be a list of at most ${MAX_STAGES_V1} stages`;
  const stages: StoredApprovalStage[] = [];
  for (const [i, stage] of (raw as unknown[]).entries()) {
    if (isObject(stage) && stage['@odata.type'] === DYNAMIC_STAGE) return `requestApprovalSettings.stages[${i}]: an ${DYNAMIC_STAGE.slice(17)} cannot be written in v1.0 (no customExtension): use beta`;
    const plain = isObject(stage) && stage['@odata.type'] === STATIC_STAGE ? Object.fromEntries(Object.entries(stage).filter(([k]) => k !== '@odata.type')) : stage;
    const problem = approvalStageProblem(plain);
    if (problem !== undefined) return `requestApprovalSettings.stages[${i}]: ${problem}`;
    stages.push({ kind: 'static', stage: plain as Record<string, unknown> });
  }
  const flags = [flag(value['isApprovalRequiredForAdd'], 'isApprovalRequiredForAdd'), flag(value['isApprovalRequiredForUpdate'], 'isApprovalRequiredForUpdate'), flag(value['isRequestorJustificationRequired'], 'isRequestorJustificationRequired')];
  const bad = flags.find((f) => typeof f === 'string');
  if (bad !== undefined) return bad;
  const [add, update, justification] = flags as [boolean, boolean, boolean];
  if (add !== stages.length > 0) return add ? 'isApprovalRequiredForAdd is true but there is no approval stage' : 'approval stages are given but isApprovalRequiredForAdd is false';
  return { requiredForAdd: add, requiredForUpdate: update, justificationRequired: justification, stages };
}

const MODES: Readonly<Record<number, string>> = { 0: 'NoApproval', 1: 'SingleStage', 2: 'Serial' };

/**
 * Beta's approvalSettings of a PUT. A dynamic stage names a request-workflow extension of the
 * catalog; a fixed stage must come back as beta shows the stored one (the emulator keeps fixed
 * stages as v1.0 wrote them and does not convert changed beta ones).
 */
export function parseApprovalBeta(value: unknown, before: StoredApproval, extensionType: (id: string) => string | undefined): StoredApproval | string {
  if (value === undefined) return before;
  if (!isObject(value)) return 'requestApprovalSettings must be an object';
  const unknown = unknownProperty(value, ['@odata.type', 'isApprovalRequired', 'isApprovalRequiredForExtension', 'isRequestorJustificationRequired', 'approvalMode', 'approvalStages']);
  if (unknown !== undefined) return `requestApprovalSettings has an unknown property ${unknown}`;
  const raw = value['approvalStages'] ?? [];
  if (!Array.isArray(raw) || raw.length > MAX_STAGES_BETA) return `requestApprovalSettings.approvalStages must be a list of at most ${MAX_STAGES_BETA} stages`;
  const stages: StoredApprovalStage[] = [];
  for (const [i, stage] of raw.entries()) {
    const where = `requestApprovalSettings.approvalStages[${i}]`;
    if (isObject(stage) && stage['@odata.type'] === DYNAMIC_STAGE) {
      const ext = stage['customExtension'];
      const id = isObject(ext) ? ext['id'] : undefined;
      if (typeof id !== 'string' || extensionType(id) !== REQUEST_EXTENSION) return `${where}.customExtension must name an accessPackageAssignmentRequestWorkflowExtension of the policy's catalog`;
      if (stages.some((s) => s.kind === 'dynamic')) return `${where}: a policy has at most one dynamic approval stage`;
      stages.push({ kind: 'dynamic', extensionId: id.toLowerCase() });
      continue;
    }
    const kept = before.stages.find((s) => s.kind === 'static' && JSON.stringify(betaStatic(s.stage)) === JSON.stringify(stage));
    if (kept === undefined) return `${where}: the tenant emulator takes fixed approval stages back in beta only unchanged; change them in v1.0`;
    stages.push(kept);
  }
  const required = flag(value['isApprovalRequired'], 'isApprovalRequired');
  if (typeof required === 'string') return required;
  if (value['approvalMode'] !== MODES[stages.length]) return `approvalMode must be ${MODES[stages.length] ?? ''} with ${stages.length} approval stage(s)`;
  if (required !== stages.length > 0) return required ? 'isApprovalRequired is true but there is no approval stage' : 'approval stages are given but isApprovalRequired is false';
  const forExtension = flag(value['isApprovalRequiredForExtension'], 'isApprovalRequiredForExtension');
  const justification = flag(value['isRequestorJustificationRequired'], 'isRequestorJustificationRequired');
  if (typeof forExtension === 'string') return forExtension;
  if (typeof justification === 'string') return justification;
  return { requiredForAdd: required, requiredForUpdate: forExtension, justificationRequired: justification, stages };
}
