import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultAction, Service } from './faults.js';
import { graphError, type GraphReply } from './graph-errors.js';

const MAX_BODY = 1024 * 1024;

const FAULT_CODES: Readonly<Record<number, string>> = {
  429: 'TooManyRequests', 500: 'InternalServerError', 502: 'BadGateway', 503: 'ServiceUnavailable', 504: 'GatewayTimeout',
};

/** Which part of Azure a path belongs to (undefined: none the emulator plays). */
export function serviceOf(segments: readonly string[]): Service | undefined {
  const [first, ...rest] = segments;
  if (first === 'msi' && rest[0] === 'token') return 'identity';
  if (first === 'v1.0' || first === 'beta') return 'graph';
  if (rest.includes('.well-known')) return 'openid';
  if (rest.includes('discovery')) return 'jwks';
  return undefined;
}

/** The request body, refused past 1 MiB. */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The body of a request: JSON when it parses, else its text; undefined when empty. Throws past 1 MiB. */
export async function readRequestBody(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req);
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function send(res: ServerResponse, reply: GraphReply): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
  res.writeHead(reply.status, headers);
  res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
}

/** An injected status: Graph's error body for Graph, an identity-style one for the others (unless the fault gives a body). */
export function faultReply(service: Service, action: Extract<FaultAction, { status: number }>): GraphReply {
  const headers = action.retryAfter === undefined ? undefined : { 'retry-after': String(action.retryAfter) };
  const body =
    action.body ??
    (service === 'graph'
      ? graphError(action.status, FAULT_CODES[action.status] ?? 'UnknownError', 'Injected fault.').body
      : { error: 'temporarily_unavailable', error_description: 'Injected fault.' });
  return headers === undefined ? { status: action.status, body } : { status: action.status, body, headers };
}
