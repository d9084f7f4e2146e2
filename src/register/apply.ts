import { fillSegment } from '../graph/graph-path.js';
import { parseGuid, type Guid } from '../guid.js';
import { LCW_EXTENSIONS } from './graph-shapes.js';
import { ELM_PERMISSION, LCW_PERMISSION, type RegisterGraph } from './register-graph.js';
import { RegisterError } from './register-error.js';
import { NEW_EXTENSION_ID, type Plan, type PlannedCall } from './register-model.js';

/** A write made, as sent (the new extension's id filled in), with Graph's status. */
export interface AppliedCall {
  readonly call: PlannedCall;
  readonly status: number;
}

/** Graph's reference shows a create's id both flat and inside `value`. */
/** The id in a create's answer, when it is a GUID: it goes into the paths and bodies of the calls after it. */
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
 * Makes the plan's writes in order. The custom extension's create comes first and its id fills in
 * the calls after it. A write Graph refuses stops the run, saying how many were made: each run
 * reads the tenant first, so running again finishes the job without repeating what was done.
 */
export async function applyPlan(graph: RegisterGraph, plan: Plan): Promise<AppliedCall[]> {
  const done: AppliedCall[] = [];
  let newId: Guid | undefined;
  for (const planned of plan.calls) {
    const call = withId(planned, newId);
    const permission = call.path.startsWith(LCW_EXTENSIONS) ? LCW_PERMISSION : ELM_PERMISSION;
    try {
      const answer = await graph.write(call, call.what, permission);
      done.push({ call, status: answer.status });
      if (call.method === 'POST' && call.path.endsWith('/customWorkflowExtensions')) {
        newId = createdId(answer.json);
        if (newId === undefined) throw new RegisterError(1, `Graph created the custom extension but its answer has no id that is a GUID; run the command again to attach it`);
      }
    } catch (error) {
      if (!(error instanceof RegisterError)) throw error;
      const hint = call.hint === undefined ? '' : `; ${call.hint}`;
      const made = done.length === 0 ? '' : ` (${done.length} of ${plan.calls.length} writes were made before it; running again finishes the rest)`;
      if (hint === '' && made === '') throw error;
      throw new RegisterError(error.exitCode, `${error.message}${hint}${made}`, { cause: error });
    }
  }
  return done;
}
