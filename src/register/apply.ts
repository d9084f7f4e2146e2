import { fillSegment } from '../graph/graph-path.js';
import { parseGuid, type Guid } from '../guid.js';
import type { Clock } from '../ports.js';
import { ELM_PERMISSION, LCW_PERMISSION, type RegisterGraph } from './register-graph.js';
import { RegisterError, withContext } from './register-error.js';
import { NEW_EXTENSION_ID, type Desired, type Plan, type PlannedCall } from './register-model.js';
import { verifyWrite } from './verify-write.js';

/** A write made, as sent (the new extension's id filled in), with Graph's status; it was read back and found as written. */
export interface AppliedCall {
  readonly call: PlannedCall;
  readonly status: number;
}

/** How writes are checked: the request they carry out, and how long to wait before reading a disagreeing object again. */
export interface ApplyOptions {
  readonly desired: Desired;
  readonly clock: Clock;
  readonly settleMs: number;
}

/** The id in a create's answer, when it is a GUID (Graph's reference shows it both flat and inside `value`): it goes into the read-back, and for the extension into the calls after it. */
function createdId(json: unknown): Guid | undefined {
  const body = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  const inner = typeof body['value'] === 'object' && body['value'] !== null ? (body['value'] as Record<string, unknown>) : {};
  return parseGuid(body['id'] ?? inner['id']);
}

function withId(call: PlannedCall, id: Guid | undefined): PlannedCall {
  if (id === undefined) return call;
  const fill = (text: string) => text.split(NEW_EXTENSION_ID).join(id);
  return {
    ...call,
    path: fillSegment(call.path, NEW_EXTENSION_ID, id),
    what: fill(call.what),
    ...(call.body === undefined ? {} : { body: JSON.parse(fill(JSON.stringify(call.body))) as unknown }),
  };
}

/**
 * Makes the plan's writes in order, reading each object back after its write (verify-write.ts).
 * The custom extension's create comes first and its id fills in the calls after it. A write
 * Graph refuses, or one it does not hold as written, stops the run, saying how many were made:
 * each run reads the tenant first, so running again finishes the job without repeating what was done.
 */
export async function applyPlan(graph: RegisterGraph, plan: Plan, options: ApplyOptions): Promise<AppliedCall[]> {
  const done: AppliedCall[] = [];
  let newId: Guid | undefined;
  for (const planned of plan.calls) {
    const call = withId(planned, newId);
    const permission = call.kind === 'custom task extension' ? LCW_PERMISSION : ELM_PERMISSION;
    const made = done.length === 0 ? '' : ` (${done.length} of ${plan.calls.length} writes were made before it; running again finishes the rest)`;
    let id: Guid | undefined;
    try {
      const answer = await graph.write(call, call.what, permission);
      done.push({ call, status: answer.status });
      id = call.method === 'POST' ? createdId(answer.json) : undefined;
      if (call.method === 'POST' && call.kind === 'custom extension') {
        if (id === undefined) throw new RegisterError(1, `Graph created the custom extension but its answer has no id that is a GUID; run the command again to attach it`);
        newId = id;
      }
    } catch (error) {
      if (!(error instanceof RegisterError)) throw error;
      throw withContext(error, call.hint, made);
    }
    try {
      await verifyWrite(graph, call, id, options.desired, options.clock, options.settleMs);
    } catch (error) {
      if (!(error instanceof RegisterError)) throw error;
      const rest = plan.calls.length - done.length;
      const stopped = rest === 0 ? '' : `; the ${rest} write(s) after it were not made`;
      throw new RegisterError(error.exitCode, `${error.message}${stopped}`, { cause: error });
    }
  }
  return done;
}
