import { APPROVAL_REQUIREMENTS_STAGE, dynamicStage, DYNAMIC_STAGE_TYPE, paths, REQUEST_EXTENSION_TYPE, stageSetting } from './graph-shapes.js';
import { RegisterError } from './register-error.js';
import type { Desired, PlanItem, PlannedCall, PolicyState } from './register-model.js';

type Json = Readonly<Record<string, unknown>>;

/** Custom extensions one policy may use at most (docs/protocol.md §8). */
const MAX_EXTENSIONS_PER_POLICY = 5;
/** Beta's approvalSettings holds one or two stages. */
const MAX_BETA_STAGES = 2;
/** What a GET answers that a PUT must not carry back: read-only properties and expanded relationships. */
const READ_ONLY_V1 = ['@odata.context', '@odata.etag', 'createdDateTime', 'modifiedDateTime', 'catalog'];
const READ_ONLY_BETA = ['@odata.context', '@odata.etag', 'createdDateTime', 'modifiedDateTime', 'createdBy', 'modifiedBy', 'accessPackage', 'accessPackageCatalog'];

interface Setting {
  readonly stage: string;
  readonly extensionId: string;
  readonly type: string | undefined;
}

const obj = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined);
const same = (a: string | undefined, b: string | undefined): boolean => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/** The policy's stage settings; without them (or their extensions' ids) a PUT would drop other people's, so none is written. */
function settingsOf(policy: PolicyState): Setting[] {
  const raw = policy.raw['customExtensionStageSettings'];
  const missing = (): never => {
    throw new RegisterError(1, `Graph did not return the customExtensionStageSettings of policy "${policy.displayName}" (${policy.id}) with their extensions; nothing is written without them`);
  };
  if (!Array.isArray(raw)) return missing();
  return raw.map((s) => {
    const setting = obj(s);
    const ext = obj(setting?.['customExtension']);
    const stage = setting?.['stage'];
    const id = ext?.['id'];
    if (typeof stage !== 'string' || typeof id !== 'string') return missing();
    return { stage, extensionId: id, type: typeof ext?.['@odata.type'] === 'string' ? ext['@odata.type'] : undefined };
  });
}

interface ApprovalChange {
  readonly settings: Json | undefined;
  readonly note: string | undefined;
}

/**
 * Beta's approval stages with our dynamic stage added (first) or taken out. A dynamic stage is
 * ours when it names our extension, or names none and our extension runs at the approval-requirements stage.
 */
function approvalChange(policy: PolicyState, extensionId: string | undefined, want: boolean, oursAtRequirements: boolean): ApprovalChange {
  if (policy.version !== 'beta') return { settings: undefined, note: undefined };
  const approval = obj(policy.raw['requestApprovalSettings']) ?? {};
  const stages = Array.isArray(approval['approvalStages']) ? (approval['approvalStages'] as unknown[]) : [];
  const dynamic = (s: unknown) => obj(s)?.['@odata.type'] === DYNAMIC_STAGE_TYPE;
  const named = (s: unknown) => obj(obj(s)?.['customExtension'])?.['id'] as string | undefined;
  const ours = stages.findIndex((s) => dynamic(s) && (same(named(s), extensionId) || (named(s) === undefined && oursAtRequirements)));
  const label = `"${policy.displayName}" (${policy.id})`;
  if (want && ours >= 0) return { settings: undefined, note: undefined };
  if (!want && ours < 0) return { settings: undefined, note: undefined };
  let next: unknown[];
  if (want) {
    const other = stages.find(dynamic);
    if (other !== undefined) throw new RegisterError(2, `policy ${label} already lets custom extension ${named(other) ?? '(unnamed)'} decide its approvers: take that dynamic approval stage off first`);
    next = [dynamicStage(extensionId ?? ''), ...stages];
    if (next.length > MAX_BETA_STAGES) throw new RegisterError(2, `policy ${label} already has ${stages.length} approval stages; with the dynamic one it would have ${next.length}, and at most ${MAX_BETA_STAGES} are allowed`);
  } else {
    next = stages.filter((_, i) => i !== ours);
    if (next.length === 0) {
      throw new RegisterError(2, `taking the dynamic approval stage off policy ${label} would leave it without any approver: give it another approval stage (Entra admin center) first, then run again`);
    }
  }
  const mode = next.length === 1 ? 'SingleStage' : 'Serial';
  return { settings: { ...approval, isApprovalRequired: true, approvalMode: mode, approvalStages: next }, note: want ? 'adds the dynamic approval stage' : 'removes the dynamic approval stage' };
}

/** The PUT body: the policy as read, read-only parts left out, stage settings (and approval settings) replaced. */
function putBody(policy: PolicyState, settings: readonly Setting[], approval: Json | undefined): Record<string, unknown> {
  const readOnly = policy.version === 'v1.0' ? READ_ONLY_V1 : READ_ONLY_BETA;
  const body: Record<string, unknown> = Object.fromEntries(Object.entries(policy.raw).filter(([key]) => !readOnly.includes(key)));
  const pkg = obj(policy.raw['accessPackage']);
  if (policy.version === 'v1.0' && pkg !== undefined) body['accessPackage'] = { id: pkg['id'] };
  if (approval !== undefined) body['requestApprovalSettings'] = approval;
  body['customExtensionStageSettings'] = settings.map((s) => stageSetting(s.stage, s.extensionId, s.type));
  return body;
}

/**
 * One policy: our stage settings become exactly the stages asked (registering) or none
 * (unregistering), other extensions' settings are kept, and with a dynamic approval stage the
 * policy is written in beta. Refuses, before anything is written, a stage another extension
 * already has, a sixth extension, or a change that would leave the policy without an approver.
 */
export function planPolicy(desired: Desired, policy: PolicyState, extensionId: string | undefined, extensionName: string): { item: PlanItem; call?: PlannedCall } {
  const current = settingsOf(policy);
  const ours = current.filter((s) => same(s.extensionId, extensionId));
  const others = current.filter((s) => !same(s.extensionId, extensionId));
  const register = desired.mode === 'register';
  const wanted = register ? [...desired.stages, ...(desired.dynamicApproval ? [APPROVAL_REQUIREMENTS_STAGE] : [])] : [];
  const label = `"${policy.displayName}" (${policy.id})`;
  for (const stage of wanted) {
    const taken = others.find((s) => s.stage === stage);
    if (taken !== undefined) throw new RegisterError(2, `stage ${stage} of policy ${label} already calls custom extension ${taken.extensionId}: take it off first`);
  }
  const extensions = new Set([...others.map((s) => s.extensionId.toLowerCase()), ...(wanted.length > 0 ? ['ours'] : [])]);
  if (extensions.size > MAX_EXTENSIONS_PER_POLICY) throw new RegisterError(2, `policy ${label} already uses ${extensions.size - 1} custom extensions; at most ${MAX_EXTENSIONS_PER_POLICY} are allowed`);
  const approval = approvalChange(policy, extensionId, register && desired.dynamicApproval, ours.some((s) => s.stage === APPROVAL_REQUIREMENTS_STAGE));
  const added = wanted.filter((stage) => !ours.some((s) => s.stage === stage));
  const removed = ours.filter((s) => !wanted.includes(s.stage)).map((s) => s.stage);
  const notes = [...(added.length > 0 ? [`adds ${added.join(', ')}`] : []), ...(removed.length > 0 ? [`removes ${removed.join(', ')}`] : []), ...(approval.note === undefined ? [] : [approval.note])];
  if (notes.length === 0) {
    const detail = wanted.length === 0 ? `no stage calls ${extensionName}` : `${wanted.join(', ')} call ${extensionName}`;
    return { item: { kind: 'assignment policy', label, status: 'unchanged', detail } };
  }
  const settings: Setting[] = [...others, ...wanted.map((stage) => ({ stage, extensionId: extensionId ?? '', type: REQUEST_EXTENSION_TYPE }))];
  const path = policy.version === 'v1.0' ? paths.policy(policy.id) : paths.betaPolicy(policy.id);
  const detail = notes.join('; ');
  return {
    item: { kind: 'assignment policy', label, status: 'update', detail },
    call: { kind: 'assignment policy', method: 'PUT', version: policy.version, path, body: putBody(policy, settings, approval.settings), what: `update assignment policy ${label}: ${detail}` },
  };
}
