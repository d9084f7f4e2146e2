import type { Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { rawHostProblem } from './host-problems.js';

/**
 * Answers what Node refuses before a request reaches the host (a request that is not HTTP, headers
 * too large or too slow) with problem+json instead of Node's empty answers, unless an answer is
 * already under way on the connection; then closes it, `lingerMs` later at the most.
 */
export function answerClientErrors(server: Server, inFlight: (socket: Duplex) => ServerResponse | undefined, headersTimeoutMs: number, lingerMs: number): void {
  const answered = new WeakSet<Duplex>();
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    if (answered.has(socket)) return;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight(socket)?.headersSent === true) return void socket.destroy();
    answered.add(socket);
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') socket.end(rawHostProblem('HOST.TIMEOUT', `The request did not arrive in time (headers within ${headersTimeoutMs} ms).`));
    else if (error.code === 'HPE_HEADER_OVERFLOW') socket.end(rawHostProblem('HOST.HEADERS_TOO_LARGE', 'The request headers are too large.'));
    else socket.end(rawHostProblem('HOST.BAD_REQUEST', 'The request is not valid HTTP/1.1.'));
    setTimeout(() => socket.destroy(), lingerMs).unref();
  });
}
