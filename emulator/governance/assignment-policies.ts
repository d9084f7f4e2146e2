import type { TenantAssignmentPolicy } from './catalog-file.js';
import { GUID, isObject } from '../graph/graph-errors.js';
import { approvalBeta, approvalFromTenant, approvalV1, parseApprovalBeta, parseApprovalV1, type StoredApproval } from './policy-approval.js';
import { APPROVAL_REQUIREMENTS_STAGE, parseStageSettings, type StageSettingContext, type StoredStageSetting } from './policy-stage-settings.js';

/** An assignment policy as the emulator keeps it; v1.0 and beta are two views of it. */
export interface StoredPolicy {
  readonly id: string;
  readonly displayName: string;
  readonly description: string | null;
  readonly accessPackage: string;
  readonly catalog: string;
  readonly createdDateTime: string;
  readonly modifiedDateTime: string;
  /** The other v1.0 properties, kept as last written (who may request, expiration, reviews…). */
  readonly other: Readonly<Record<string, unknown>>;
  readonly approval: StoredApproval;
  readonly stageSettings: readonly StoredStageSetting[];
}

/** What a new policy answers for the v1.0 properties the tenant file does not give. */
const V1_DEFAULTS = {
  allowedTargetScope: 'allMemberUsers',
  specificAllowedTargets: [],
  automaticRequestSettings: null,
  expiration: { endDateTime: null, duration: null, type: 'noExpiration' },
  requestorSettings: {
    enableTargetsToSelfAddAccess: true, enableTargetsToSelfUpdateAccess: false, enableTargetsToSelfRemoveAccess: true, allowCustomAssignmentSchedule: false,
    enableOnBehalfRequestorsToAddAccess: false, enableOnBehalfRequestorsToUpdateAccess: false, enableOnBehalfRequestorsToRemoveAccess: false, onBehalfRequestors: [],
  },
  reviewSettings: null,
} as const;
const V1_OTHER = ['allowedTargetScope', 'automaticRequestSettings', 'specificAllowedTargets', 'expiration', 'requestorSettings', 'reviewSettings', 'questions', 'notificationSettings'];
/** Read-only properties a GET answers: a PUT of the policy as read carries them back, and they are ignored. */
const READ_ONLY = ['createdDateTime', 'modifiedDateTime'];
const V1_KEYS = ['id', 'displayName', 'description', 'requestApprovalSettings', 'accessPackage', 'catalog', 'customExtensionStageSettings', ...V1_OTHER, ...READ_ONLY];
const BETA_KEYS = ['id', 'displayName', 'description', 'accessPackageId', 'requestApprovalSettings', 'customExtensionStageSettings', ...READ_ONLY];

export function policyFromTenant(p: TenantAssignmentPolicy, now: string): StoredPolicy {
  return {
    id: p.id, displayName: p.displayName, description: p.description, accessPackage: p.accessPackage, catalog: p.catalog, createdDateTime: now, modifiedDateTime: now,
    other: V1_DEFAULTS, approval: approvalFromTenant(p.requestApprovalSettings), stageSettings: [],
  };
}

/** v1.0's accessPackageAssignmentPolicy (relationships are added by the route when expanded). */
export function policyV1(p: StoredPolicy): Record<string, unknown> {
  return {
    id: p.id, displayName: p.displayName, description: p.description, ...p.other, requestApprovalSettings: approvalV1(p.approval),
    createdDateTime: p.createdDateTime, modifiedDateTime: p.modifiedDateTime,
  };
}

/** Beta's accessPackageAssignmentPolicy, in the properties the emulator models. */
export function policyBeta(p: StoredPolicy): Record<string, unknown> {
  return {
    id: p.id, displayName: p.displayName, description: p.description, accessPackageId: p.accessPackage, requestApprovalSettings: approvalBeta(p.approval),
    createdDateTime: p.createdDateTime, modifiedDateTime: p.modifiedDateTime,
  };
}

/** The approval-requirements stage and a dynamic approval stage go together, naming the same extension (Graph's dynamic approval example). */
function dynamicProblem(approval: StoredApproval, settings: readonly StoredStageSetting[]): string | undefined {
  const dynamic = approval.stages.find((s) => s.kind === 'dynamic');
  const setting = settings.find((s) => s.stage === APPROVAL_REQUIREMENTS_STAGE);
  if (dynamic === undefined && setting === undefined) return undefined;
  if (dynamic === undefined) return `stage ${APPROVAL_REQUIREMENTS_STAGE} needs an accessPackageDynamicApprovalStage in requestApprovalSettings naming the same extension`;
  if (setting === undefined) return `an accessPackageDynamicApprovalStage needs its extension at stage ${APPROVAL_REQUIREMENTS_STAGE} in customExtensionStageSettings`;
  return setting.extensionId === dynamic.extensionId ? undefined : `the dynamic approval stage and stage ${APPROVAL_REQUIREMENTS_STAGE} name different extensions`;
}

/** What both versions check; properties Graph's type has but the emulator does not model are refused (annotations are not properties). */
function common(p: StoredPolicy, body: Record<string, unknown>, keys: readonly string[]): string | undefined {
  const unknown = Object.keys(body).find((key) => !key.includes('@') && !keys.includes(key));
  if (unknown !== undefined) return `the tenant emulator does not model ${unknown} of accessPackageAssignmentPolicy in this version`;
  const id = body['id'];
  if (id !== undefined && (typeof id !== 'string' || id.toLowerCase() !== p.id)) return `id ${JSON.stringify(id)} is not the id of the policy updated`;
  if (typeof body['displayName'] !== 'string' || body['displayName'].trim() === '') return 'displayName is required';
  const description = body['description'];
  return description !== undefined && description !== null && typeof description !== 'string' ? 'description must be a string' : undefined;
}

function settingsOf(p: StoredPolicy, body: Record<string, unknown>, ctx: StageSettingContext): readonly StoredStageSetting[] | string {
  return body['customExtensionStageSettings'] === undefined ? p.stageSettings : parseStageSettings(body['customExtensionStageSettings'], p.stageSettings, ctx);
}

/** A v1.0 PUT (the whole policy): the policy after it, or what Graph would refuse. */
export function putV1(p: StoredPolicy, body: unknown, ctx: StageSettingContext, now: string): StoredPolicy | string {
  if (!isObject(body)) return 'the body must be a JSON object';
  const problem = common(p, body, V1_KEYS);
  if (problem !== undefined) return problem;
  const pkg = body['accessPackage'];
  const pkgId = isObject(pkg) ? pkg['id'] : undefined;
  if (typeof pkgId !== 'string' || !GUID.test(pkgId)) return 'accessPackage.id is required';
  if (pkgId.toLowerCase() !== p.accessPackage) return `accessPackage.id ${pkgId} is not the access package of this policy`;
  const approval = parseApprovalV1(body['requestApprovalSettings'], p.approval);
  if (typeof approval === 'string') return approval;
  const settings = settingsOf(p, body, ctx);
  if (typeof settings === 'string') return settings;
  const dynamic = dynamicProblem(approval, settings);
  if (dynamic !== undefined) return dynamic;
  const other = Object.fromEntries(V1_OTHER.flatMap((key) => (body[key] === undefined ? (p.other[key] === undefined ? [] : [[key, p.other[key]]]) : [[key, body[key]]])));
  return { ...p, displayName: body['displayName'] as string, description: (body['description'] as string | null | undefined) ?? null, other, approval, stageSettings: settings, modifiedDateTime: now };
}

/** A beta PUT of `accessPackageAssignmentPolicies/{id}`: the policy after it, or what Graph would refuse. */
export function putBeta(p: StoredPolicy, body: unknown, ctx: StageSettingContext, now: string): StoredPolicy | string {
  if (!isObject(body)) return 'the body must be a JSON object';
  const problem = common(p, body, BETA_KEYS);
  if (problem !== undefined) return problem;
  const pkgId = body['accessPackageId'];
  if (typeof pkgId !== 'string' || pkgId.toLowerCase() !== p.accessPackage) return 'accessPackageId must be the access package of this policy';
  const approval = parseApprovalBeta(body['requestApprovalSettings'], p.approval, (id) => ctx.extensionType(id));
  if (typeof approval === 'string') return approval;
  const settings = settingsOf(p, body, ctx);
  if (typeof settings === 'string') return settings;
  const dynamic = dynamicProblem(approval, settings);
  if (dynamic !== undefined) return dynamic;
  return { ...p, displayName: body['displayName'] as string, description: (body['description'] as string | null | undefined) ?? null, approval, stageSettings: settings, modifiedDateTime: now };
}
