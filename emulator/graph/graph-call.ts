import type { IncomingHttpHeaders } from 'node:http';

/** One call to a Graph route of the emulator: the path after the version, as sent, and the body. */
export interface RouteCall {
  readonly version: string;
  readonly method: string;
  readonly path: readonly string[];
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}
