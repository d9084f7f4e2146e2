import { childPath, withQuery, type GraphPath } from '../graph/graph-path.js';
import type { Guid } from '../guid.js';
import type { Clock } from '../ports.js';
import { extensionDifferences } from './extension-differences.js';
import { BETA_POLICY_EXPAND, DYNAMIC_STAGE_TYPE, POLICY_EXPAND } from './graph-shapes.js';
import { ELM_PERMISSION, LCW_PERMISSION, type RegisterGraph } from './register-graph.js';
import { RegisterError } from './register-error.js';
import type { Desired, PlannedCall } from './register-model.js';

type Json = Readonly<Record<string, unknown>>;

const obj = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.map(obj) : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : 'none');
const same = (a: unknown, b: unknown): boolean => typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();

/** Reads after a write that disagree are read again this many times, `settleMs` apart: Graph may take a moment to show a write. */
const SETTLE_READS = 2;

/** `stage → extension id`, one per stage setting: what a policy's customExtensionStageSettings say. */
function stageSettings(policy: Json): string[] {
  return list(policy['customExtensionStageSettings']).map((s) => `${text(s['stage'])} → ${text(obj(s['customExtension'])['id']).toLowerCase()}`).sort();
}

/** The approval stages as `dynamic(extension id)` or `static`, in order: what beta's requestApprovalSettings say. */
function approvalStages(policy: Json): string[] {
  return list(obj(policy['requestApprovalSettings'])['approvalStages']).map((s) => {
    const type = text(s['@odata.type']);
    const dynamic = (type.startsWith('#') ? type : `#${type}`) === DYNAMIC_STAGE_TYPE;
    return dynamic ? `dynamic (${text(obj(s['customExtension'])['id']).toLowerCase()})` : 'static';
  });
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
      const found = desired.relay === undefined ? [] : extensionDifferences(stored, desired.relay, callback).map((d) => `${d.property}: Graph holds ${d.stored}, ${d.wanted} was written`);
      return stored['displayName'] === body['displayName'] ? found : [...found, `displayName: Graph holds ${text(stored['displayName'])}, ${text(body['displayName'])} was written`];
    }
    case 'assignment policy': {
      const found = sameList('customExtensionStageSettings', stageSettings(stored), stageSettings(body));
      return body['requestApprovalSettings'] === undefined ? found : [...found, ...sameList('requestApprovalSettings.approvalStages', approvalStages(stored), approvalStages(body))];
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
  for (let read = 0; read <= SETTLE_READS; read++) {
    if (read > 0) await clock.sleep(settleMs);
    const answer = await graph.read({ method: 'GET', version: call.version, path }, `read back after the request to ${call.what}`, permission);
    if (call.method === 'DELETE') found = answer.status === 404 ? [] : ['it is still there'];
    else found = answer.status === 404 ? ['Graph does not find it'] : differences(call, desired, obj(answer.json));
    if (found.length === 0) return;
  }
  throw new RegisterError(1, `Graph accepted the request to ${call.what}, but reading it back shows ${found.join('; ')}`);
}
