import type { TenantEmulator } from '../../emulator/index.js';
import type { Deps } from '../../src/composition.js';
import { withFreshIds } from '../../scripts/demo/scenarios.js';
import { appFor, callHandler, fixture, type Answer } from '../support/app.js';

/**
 * Short budgets so a fault that outlasts them is over in about two seconds: the suite stays
 * bounded while still going through retries, backoff and the confirm read.
 */
export const FAST = { GRAPH_RETRY_BUDGET_SECONDS: '2', GRAPH_TIMEOUT_SECONDS: '1' } as const;

export function fastApp(emulator: TenantEmulator, env: Record<string, string> = {}): Deps {
  return appFor(emulator, { ...FAST, ...env });
}

export interface Callout {
  readonly body: Record<string, unknown>;
  readonly requestId: string;
}

let n = 0;
/** A callout with its own request and stage instance, which the tenant waits for. */
export function freshCallout(emulator: TenantEmulator, prefix: string): Callout {
  const body = withFreshIds(fixture('elm-request-created.wire.json'), prefix, ++n);
  emulator.awaitCallout(body);
  return { body, requestId: body['AccessPackageAssignmentRequestId'] as string };
}

/** One delivery by the relay, with a fresh token as the relay would present. */
export async function deliver(emulator: TenantEmulator, deps: Deps, callout: Callout, token?: string): Promise<Answer> {
  return callHandler(deps, callout.body, { token: token ?? (await emulator.mintCallerToken()) });
}

/**
 * Resumes the tenant applied to this request: exactly-once is judged in the tenant's state, which
 * also counts a resume whose answer was dropped (the call log records those as 'dropped', not 204).
 */
export function resumesOf(emulator: TenantEmulator, callout: Callout): number {
  const request = emulator.requests.get(callout.requestId);
  if (request === undefined) throw new Error(`request ${callout.requestId} is not in the tenant`);
  return request.resumes.length;
}
