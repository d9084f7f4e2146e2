import { ASSIGNMENT_EXTENSION, REQUEST_EXTENSION } from './custom-extension-rules.js';
import { GUID, isObject, unknownProperty } from '../graph/graph-errors.js';

/** The request stages a custom extension can run at (Graph's accessPackageCustomExtensionStage), the approval-requirements one included. */
export const REQUEST_STAGES = [
  'assignmentRequestCreated', 'assignmentRequestApproved', 'assignmentRequestGranted', 'assignmentRequestRemoved', 'assignmentRequestDeterminingApprovalRequirements',
] as const;
/** The pre-expiration stages: they take an accessPackageAssignmentWorkflowExtension. */
export const ASSIGNMENT_STAGES = ['assignmentFourteenDaysBeforeExpiration', 'assignmentOneDayBeforeExpiration'] as const;
export const APPROVAL_REQUIREMENTS_STAGE = 'assignmentRequestDeterminingApprovalRequirements';
/** Custom extensions one policy may use at most (docs/protocol.md §8). */
export const MAX_EXTENSIONS_PER_POLICY = 5;

export interface StoredStageSetting {
  readonly id: string;
  readonly stage: string;
  readonly extensionId: string;
}

/** What the settings check needs: the catalog's extensions by id (their kind), and the new ids. */
export interface StageSettingContext {
  readonly catalogId: string;
  extensionType(id: string): string | undefined;
  newId(): string;
}

/**
 * A policy's customExtensionStageSettings as written in a PUT, checked as Graph would check
 * them: each `{ stage, customExtension: { id } }` names a stage of the right kind for an
 * extension of the policy's catalog, one extension a stage, at most five extensions a policy.
 * Settings the policy already had keep their ids.
 */
export function parseStageSettings(value: unknown, before: readonly StoredStageSetting[], ctx: StageSettingContext): StoredStageSetting[] | string {
  if (!Array.isArray(value)) return 'customExtensionStageSettings must be a list';
  const settings: StoredStageSetting[] = [];
  for (const [i, raw] of value.entries()) {
    const where = `customExtensionStageSettings[${i}]`;
    if (!isObject(raw)) return `${where} must be an object`;
    const unknown = unknownProperty(raw, ['@odata.type', 'id', 'stage', 'customExtension']);
    if (unknown !== undefined) return `${where} has an unknown property ${unknown}`;
    const { stage, customExtension } = raw;
    const isRequest = (REQUEST_STAGES as readonly unknown[]).includes(stage);
    if (!isRequest && !(ASSIGNMENT_STAGES as readonly unknown[]).includes(stage)) {
      return `${where}.stage ${JSON.stringify(stage ?? null)} is not one of ${[...REQUEST_STAGES, ...ASSIGNMENT_STAGES].join(', ')}`;
    }
    const id = isObject(customExtension) ? customExtension['id'] : undefined;
    if (typeof id !== 'string' || !GUID.test(id)) return `${where}.customExtension.id must be the id of a custom extension`;
    const type = ctx.extensionType(id);
    if (type === undefined) return `${where}: custom extension ${id} is not in catalog ${ctx.catalogId}`;
    const wanted = isRequest ? REQUEST_EXTENSION : ASSIGNMENT_EXTENSION;
    if (type !== wanted) return `${where}: stage ${String(stage)} takes an ${wanted.slice(17)}, and ${id} is an ${type.slice(17)}`;
    if (settings.some((s) => s.stage === stage)) return `${where}: stage ${String(stage)} already has a custom extension in this policy`;
    const kept = before.find((s) => s.stage === stage && s.extensionId === id.toLowerCase());
    settings.push({ id: kept?.id ?? ctx.newId(), stage: stage as string, extensionId: id.toLowerCase() });
  }
  const extensions = new Set(settings.map((s) => s.extensionId));
  if (extensions.size > MAX_EXTENSIONS_PER_POLICY) return `a policy may use at most ${MAX_EXTENSIONS_PER_POLICY} custom extensions; these settings use ${extensions.size}`;
  return settings;
}

/** The settings as Graph answers `$expand=customExtensionStageSettings`, with each extension when `($expand=customExtension)` is asked. */
export function stageSettingsResource(settings: readonly StoredStageSetting[], extension: ((id: string) => Record<string, unknown>) | undefined): Record<string, unknown>[] {
  return settings.map((s) => ({ id: s.id, stage: s.stage, ...(extension === undefined ? {} : { customExtension: extension(s.extensionId) }) }));
}
