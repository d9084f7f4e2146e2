import { childPath, withQuery, type GraphPath } from '../graph/graph-path.js';
import type { Guid } from '../guid.js';
import type { Clock } from '../ports.js';
import { extensionDifferences } from './extension-differences.js';
import { BETA_POLICY_EXPAND, DYNAMIC_STAGE_TYPE, POLICY_EXPAND, TASK_CALLOUT_TIMEOUT_MS } from './graph-shapes.js';
import { ELM_PERMISSION, LCW_PERMISSION, type Permission, type RegisterGraph } from './register-graph.js';
import { RegisterError } from './register-error.js';
import type { Desired, PlannedCall } from './register-model.js';

type Json = Readonly<Record<string, unknown>>;

const obj = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.map(obj) : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : 'none');
const same = (a: unknown, b: unknown): boolean => typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();

/**
 * Waits (in units of `settleMs`) before reading again a written object that does not yet show
 * the write: a property that differs is read twice more; an object not found after a create, or
 * still there after a delete, longer (directory replication can take seconds), about 30 units in
 * all, so that a run does not fail, and a re-run does not create a duplicate, on a slow replica.
 */
const PROPERTY_SETTLE = [1, 1];
const EXISTENCE_SETTLE = [1, 2, 4, 8, 15];

/** `stage → extension id`, one per stage setting: what a policy's customExtensionStageSettings say. */
function stageSettings(policy: Json): string[] {
  return list(policy['customExtensionStageSettings']).map((s) => `${text(s['stage'])} → ${text(obj(s['customExtension'])['id']).toLowerCase()}`).sort();
}

/**
 * The approval stages as `dynamic (extension id)` or `static`, in order: what beta's
 * requestApprovalSettings say. A dynamic stage that names no extension is read as `ours` (the
 * extension written), as the planner reads it (plan-policy.ts): Graph may leave the reference out.
 */
function approvalStages(policy: Json, ours: string | undefined): string[] {
  return list(obj(policy['requestApprovalSettings'])['approvalStages']).map((s) => {
    const type = text(s['@odata.type']);
    const dynamic = (type.startsWith('#') ? type : `#${type}`) === DYNAMIC_STAGE_TYPE;
    const named = obj(s['customExtension'])['id'];
    return dynamic ? `dynamic (${(typeof named === 'string' ? named : (ours ?? 'none')).toLowerCase()})` : 'static';
  });
}

/** The extension a written body's dynamic stage names. */
function dynamicExtension(body: Json): string | undefined {
  const stage = list(obj(body['requestApprovalSettings'])['approvalStages']).find((s) => obj(s['customExtension'])['id'] !== undefined);
  const id = stage === undefined ? undefined : obj(stage['customExtension'])['id'];
  return typeof id === 'string' ? id : undefined;
}

function sameList(property: string, stored: readonly string[], written: readonly string[]): string[] {
  if (stored.join('\n') === written.join('\n')) return [];
  return [`${property}: Graph holds [${stored.join('; ')}], [${written.join('; ')}] was written`];
}

/** What Graph holds that differs from what a write meant, each naming the property. */
function differences(call: PlannedCall, desired: Desired, stored: Json): string[] {
  const body = obj(call.body);
  switch (call.kind) {
    case 'custom extension':
    case 'custom task extension': {
      const callback = call.kind === 'custom extension' ? desired.callback : (desired.lcw?.callback ?? desired.callback);
      const task = call.kind === 'custom task extension' ? { timeoutMs: TASK_CALLOUT_TIMEOUT_MS, authorizedApp: desired.lcw?.authorizedApp } : undefined;
      const found = desired.relay === undefined ? [] : extensionDifferences(stored, desired.relay, callback, task).map((d) => `${d.property}: Graph holds ${d.stored}, ${d.wanted} was written`);
      return stored['displayName'] === body['displayName'] ? found : [...found, `displayName: Graph holds ${text(stored['displayName'])}, ${text(body['displayName'])} was written`];
    }
    case 'assignment policy': {
      const found = sameList('customExtensionStageSettings', stageSettings(stored), stageSettings(body));
      if (body['requestApprovalSettings'] === undefined) return found;
      const ours = dynamicExtension(body);
      return [...found, ...sameList('requestApprovalSettings.approvalStages', approvalStages(stored, ours), approvalStages(body, ours))];
    }
    case 'role assignment':
      return ['principalId', 'roleDefinitionId', 'appScopeId'].flatMap((key) => (same(stored[key], body[key]) ? [] : [`${key}: Graph holds ${text(stored[key])}, ${text(body[key])} was written`]));
  }
}

/** Where the written object is read back: a create's new id under the collection; a policy with what the compare needs expanded. */
function readBackPath(call: PlannedCall, createdId: Guid | undefined): GraphPath {
  if (call.method === 'POST') {
    if (createdId === undefined) throw new RegisterError(1, `Graph answered the request to ${call.what} without an id that is a GUID, so it cannot be read back; run the command again: it finds what exists first`);
    return childPath(call.path, createdId);
  }
  if (call.kind !== 'assignment policy') return call.path;
  return withQuery(call.path, call.version === 'beta' ? BETA_POLICY_EXPAND : POLICY_EXPAND);
}

/** The read-back; a refusal says the write itself was made, so the operator knows what stands. */
async function readBack(graph: RegisterGraph, call: PlannedCall, path: GraphPath, permission: Permission) {
  try {
    return await graph.read({ method: 'GET', version: call.version, path }, `read back after the request to ${call.what}`, permission);
  } catch (error) {
    if (!(error instanceof RegisterError)) throw error;
    throw new RegisterError(error.exitCode, `${error.message} (the write itself was made; run again once it can be read)`, { cause: error });
  }
}

/**
 * Reads what a write made back from Graph and compares it with what was meant: a create or an
 * update must show every property the command manages as written (the callback window under
 * Graph's own name), a delete must be gone. A difference is a failure naming the property, so
 * a tenant that stores something otherwise than we write it is caught on the first run.
 */
export async function verifyWrite(graph: RegisterGraph, call: PlannedCall, createdId: Guid | undefined, desired: Desired, clock: Clock, settleMs: number): Promise<void> {
  const permission = call.kind === 'custom task extension' ? LCW_PERMISSION : ELM_PERMISSION;
  const path = readBackPath(call, createdId);
  let found: string[] = [];
  let existence = false;
  for (let read = 0; ; read++) {
    const waits = existence ? EXISTENCE_SETTLE : PROPERTY_SETTLE;
    if (read > waits.length) break;
    if (read > 0) await clock.sleep(settleMs * (waits[read - 1] ?? 1));
    const answer = await readBack(graph, call, path, permission);
    existence = call.method === 'DELETE' ? answer.status !== 404 : answer.status === 404;
    if (call.method === 'DELETE') found = existence ? ['it is still there'] : [];
    else found = existence ? ['Graph does not find it'] : differences(call, desired, obj(answer.json));
    if (found.length === 0) return;
  }
  throw new RegisterError(1, `Graph accepted the request to ${call.what}, but reading it back shows ${found.join('; ')}`);
}
