import { STATUS_CODES } from 'node:http';

/** What the local host refuses itself, before any function runs. */
export const HOST_PROBLEMS = {
  'HOST.BAD_REQUEST': 400,
  'HOST.INVALID_HOST': 400,
  'HOST.NOT_FOUND': 404,
  'HOST.METHOD_NOT_ALLOWED': 405,
  'HOST.TIMEOUT': 408,
  'HOST.TOO_LARGE': 413,
  'HOST.HEADERS_TOO_LARGE': 431,
} as const;

export type HostProblemCode = keyof typeof HOST_PROBLEMS;

/** An answer with its body already serialized: what the host writes for its own refusals. */
export interface HostAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * problem+json (RFC 9457) in the shape functions/http-answers.ts gives the relay (type, title,
 * status, detail, code), so that a client reads every refusal the same way, the host's included.
 */
export function hostProblem(code: HostProblemCode, detail: string, headers: Readonly<Record<string, string>> = {}): HostAnswer {
  const status = HOST_PROBLEMS[code];
  const body = JSON.stringify({ type: `urn:entitlement-guard:problem:${code.toLowerCase()}`, title: STATUS_CODES[status] ?? 'Error', status, detail, code });
  return {
    status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(body)), ...headers },
    body,
  };
}

/** The same answer as raw HTTP/1.1, closing the connection: for a socket no ServerResponse owns. */
export function rawHostProblem(code: HostProblemCode, detail: string): string {
  const answer = hostProblem(code, detail, { connection: 'close' });
  const head = Object.entries(answer.headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}\r\n${head.join('')}\r\n${answer.body}`;
}
