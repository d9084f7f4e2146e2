import type { HttpResponseInit } from '@azure/functions';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostAnswer } from './host-problems.js';

/** Writes what a function answered. Throws (before anything is sent) on headers Node refuses. */
export async function writeResponse(res: ServerResponse, response: HttpResponseInit): Promise<void> {
  const headers = new Headers(response.headers);
  let body: string | Uint8Array | undefined;
  if (response.jsonBody !== undefined) {
    body = JSON.stringify(response.jsonBody);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  } else if (typeof response.body === 'string' || response.body instanceof Uint8Array) {
    body = response.body;
  } else if (response.body !== undefined && response.body !== null) {
    body = new Uint8Array(await new Response(response.body as ConstructorParameters<typeof Response>[0]).arrayBuffer());
  }
  res.writeHead(response.status ?? 200, Object.fromEntries(headers));
  res.end(body);
}

/** Resolves once the request body has been read to its end, the client has gone, or at `until`. */
function drained(req: IncomingMessage, until: number): Promise<void> {
  if (req.complete || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      req.off('end', done).off('close', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, until - Date.now()));
    req.once('end', done).once('close', done);
    req.resume();
  });
}

/**
 * Writes a refusal of the host's own and closes the connection (`Connection: close`). The whole
 * answer is sent at once, but the response (and with it the socket) ends only when the client
 * has sent the rest of its body, which is read and dropped, or at `lingerUntil`: closing a socket
 * with unread bytes resets it, and a reset can reach the client before the answer does.
 */
export async function refuse(req: IncomingMessage, res: ServerResponse, answer: HostAnswer, lingerUntil: number): Promise<void> {
  res.writeHead(answer.status, { ...answer.headers, connection: 'close' });
  res.write(answer.body);
  await drained(req, lingerUntil);
  res.end();
}
