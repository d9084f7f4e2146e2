import type { GraphHttp } from '../graph/graph-http.js';

/** A what-if tried to write: a bug, never something to retry. */
export class ReadOnlyViolation extends Error {
  override readonly name = 'ReadOnlyViolation';
}

/**
 * The Graph a what-if talks to: GET only. A what-if must never resume a request or a task, and
 * with `--live` it runs under an operator's own credential, which may well be allowed to write;
 * so anything but a GET is refused here, before it reaches the Graph client (and is not retried:
 * the error is not a transport failure).
 */
export function readOnlyGraph(http: GraphHttp): GraphHttp {
  return {
    send(call, timeoutMs) {
      if (call.method !== 'GET') throw new ReadOnlyViolation(`A what-if only reads Graph; refused ${call.method} ${call.version} ${call.path.split('?')[0] ?? ''}.`);
      return http.send(call, timeoutMs);
    },
  };
}
