import { childPath } from '../../graph/graph-path.js';
import { parseGuid, type Guid } from '../../guid.js';
import type { Clock } from '../../ports.js';
import type { RegisterGraph } from '../register-graph.js';
import { RegisterError, withContext } from '../register-error.js';
import { NEW_EXTENSION_ID } from '../register-model.js';
import type { PimDesired, PimPlan, PimPlannedCall } from './pim-model.js';
import { pimDifferences } from './pim-plan.js';

type Json = Readonly<Record<string, unknown>>;

/** A write made, as sent (the new extension's id filled in), with Graph's status; it was read back and found as written. */
export interface AppliedPimCall {
  readonly call: PimPlannedCall;
  readonly status: number;
}

export interface PimApplyOptions {
  readonly desired: PimDesired;
  readonly clock: Clock;
  readonly settleMs: number;
}

const obj = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const shown = (value: unknown): string => (typeof value === 'string' || typeof value === 'boolean' ? String(value) : 'none');

/** Waits, in units of settleMs, before reading again a write Graph does not show yet: a property twice, an existence longer (as verify-write.ts). */
const PROPERTY_SETTLE = [1, 1];
const EXISTENCE_SETTLE = [1, 2, 4, 8, 15];

function withId(call: PimPlannedCall, id: Guid | undefined): PimPlannedCall {
  if (id === undefined || call.body === undefined) return call;
  const fill = (text: string) => text.split(NEW_EXTENSION_ID).join(id);
  return { ...call, what: fill(call.what), body: JSON.parse(fill(JSON.stringify(call.body))) as unknown };
}

/** What Graph holds that differs from what a write meant, each naming the property. */
function differences(call: PimPlannedCall, desired: PimDesired, stored: Json): string[] {
  const body = obj(call.body);
  if (call.kind === 'role setting') {
    return ['customExtensionId', 'isEnabled'].filter((key) => key in body && String(stored[key]).toLowerCase() !== String(body[key]).toLowerCase()).map((key) => `${key}: Graph holds ${shown(stored[key])}, ${shown(body[key])} was written`);
  }
  const found = desired.endpoint === undefined ? [] : pimDifferences(stored, desired.endpoint, desired.timeoutMs, desired.maximumRetries).map((d) => `${d.property}: Graph holds ${d.stored}, ${d.wanted} was written`);
  for (const key of ['displayName', 'resourceType']) if (stored[key] !== body[key]) found.push(`${key}: Graph holds ${shown(stored[key])}, ${shown(body[key])} was written`);
  return found;
}

/** Reads a write back and compares it with what was meant; a delete must be gone. */
async function verify(graph: RegisterGraph, call: PimPlannedCall, createdId: Guid | undefined, options: PimApplyOptions): Promise<void> {
  if (call.method === 'POST' && createdId === undefined) throw new RegisterError(1, `Graph answered the request to ${call.what} without an id that is a GUID, so it cannot be read back; run the command again: it finds what exists first`);
  const path = createdId === undefined ? call.path : childPath(call.path, createdId);
  let found: string[] = [];
  let existence = false;
  for (let read = 0; read <= (existence ? EXISTENCE_SETTLE : PROPERTY_SETTLE).length; read++) {
    if (read > 0) await options.clock.sleep(options.settleMs * ((existence ? EXISTENCE_SETTLE : PROPERTY_SETTLE)[read - 1] ?? 1));
    let answer;
    try {
      answer = await graph.read({ method: 'GET', version: call.version, path }, `read back after the request to ${call.what}`, call.permission);
    } catch (error) {
      if (!(error instanceof RegisterError)) throw error;
      throw new RegisterError(error.exitCode, `${error.message} (the write itself was made; run again once it can be read)`, { cause: error });
    }
    existence = call.method === 'DELETE' ? answer.status !== 404 : answer.status === 404;
    if (call.method === 'DELETE') found = existence ? ['it is still there'] : [];
    else found = existence ? ['Graph does not find it'] : differences(call, options.desired, obj(answer.json));
    if (found.length === 0) return;
  }
  throw new RegisterError(1, `Graph accepted the request to ${call.what}, but reading it back shows ${found.join('; ')}`);
}

/**
 * Makes the plan's writes in order, reading each back. The extension's create comes first and
 * its id fills the links after it. A refusal, or a write Graph does not hold as written, stops the
 * run saying how many were made: each run reads the tenant first, so running again finishes the job.
 */
export async function applyPimPlan(graph: RegisterGraph, plan: PimPlan, options: PimApplyOptions): Promise<AppliedPimCall[]> {
  const done: AppliedPimCall[] = [];
  let newId: Guid | undefined;
  for (const planned of plan.calls) {
    const call = withId(planned, newId);
    const made = done.length === 0 ? '' : ` (${done.length} of ${plan.calls.length} writes were made before it; running again finishes the rest)`;
    let createdId: Guid | undefined;
    try {
      const answer = await graph.write(call, call.what, call.permission);
      done.push({ call, status: answer.status });
      if (call.method === 'POST') {
        createdId = parseGuid(obj(answer.json)['id']);
        if (createdId === undefined) throw new RegisterError(1, 'Graph created the PIM custom extension but its answer has no id that is a GUID; run the command again to link it');
        newId = createdId;
      }
    } catch (error) {
      if (!(error instanceof RegisterError)) throw error;
      throw withContext(error, call.hint, made);
    }
    try {
      await verify(graph, call, createdId, options);
    } catch (error) {
      if (!(error instanceof RegisterError)) throw error;
      const rest = plan.calls.length - done.length;
      throw new RegisterError(error.exitCode, `${error.message}${rest === 0 ? '' : `; the ${rest} write(s) after it were not made`}`, { cause: error });
    }
  }
  return done;
}
