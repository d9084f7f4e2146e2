import azf from '@azure/functions';
import type { HttpFunctionOptions, HttpResponseInit } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { errorAnswer } from '../functions/http-answers.js';
import { asciiEqualsIgnoreCase } from '../src/ascii.js';
import { answerClientErrors } from './client-errors.js';
import { hostProblem, type HostAnswer } from './host-problems.js';
import { declaresTooMuch, readBody } from './read-body.js';
import { requestUrl } from './request-url.js';
import { refuse, writeResponse } from './write-answer.js';

export interface LocalHost {
  readonly url: string;
  close(): Promise<void>;
}

export type LogSink = (level: string, message: string) => void;

export interface LocalHostOptions {
  readonly port?: number;
  readonly hostname?: string;
  readonly log?: LogSink;
  /** Time a client has from connecting (or its previous answer) to the end of its headers. */
  readonly headersTimeoutMs?: number;
  /** Time a client has, once its headers are in, to send the whole body. */
  readonly bodyTimeoutMs?: number;
  /** Largest body the host accepts (Azure's is 100 MB); the handler applies the callout's own cap. */
  readonly maxBodyBytes?: number;
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * Serves the handlers registered in functions/ on the routes `func start` would give them
 * (`/api/{route}`), building the same HttpRequest / InvocationContext objects the Functions
 * host does. For development, demos and end-to-end tests where Core Tools cannot run. Every
 * answer has a body: what the host refuses itself (a bad Host, a slow or oversized request) and a
 * handler that throws are problem+json, like the function's own refusals.
 */
export async function startLocalHost(functions: Readonly<Record<string, HttpFunctionOptions>>, options: LocalHostOptions = {}): Promise<LocalHost> {
  const log = options.log ?? (() => {});
  const headersTimeoutMs = options.headersTimeoutMs ?? 10_000;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 30_000;
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
  /** How long a refused request's remaining body is read and dropped, at least, before closing. */
  const lingerMs = Math.min(2000, bodyTimeoutMs);
  const routes = Object.entries(functions).map(([name, fn]) => ({
    name,
    path: `/api/${fn.route ?? name}`,
    methods: (fn.methods ?? ['GET', 'POST']).map((m) => m.toUpperCase()),
    handler: fn.handler,
  }));

  async function serve(req: IncomingMessage, res: ServerResponse, invocationId: string, expectsContinue: boolean): Promise<void> {
    const deadline = Date.now() + bodyTimeoutMs;
    const refuseWith = (answer: HostAnswer) => refuse(req, res, answer, Math.max(deadline, Date.now() + lingerMs));
    const url = requestUrl(req);
    if (!(url instanceof URL)) return refuseWith(hostProblem(url.code, url.problem));
    const route = routes.find((r) => asciiEqualsIgnoreCase(r.path, url.pathname));
    if (route === undefined) return refuseWith(hostProblem('HOST.NOT_FOUND', `No function is served at ${url.pathname}.`));
    if (!route.methods.includes(req.method ?? '')) {
      return refuseWith(hostProblem('HOST.METHOD_NOT_ALLOWED', `${route.path} accepts ${route.methods.join(', ')}.`, { allow: route.methods.join(', ') }));
    }
    const tooLarge = hostProblem('HOST.TOO_LARGE', `The request body is larger than ${maxBodyBytes} bytes.`);
    if (declaresTooMuch(req, maxBodyBytes)) return refuseWith(tooLarge);
    if (expectsContinue) res.writeContinue();
    const body = await readBody(req, maxBodyBytes, deadline);
    if (body.kind === 'aborted') return void res.destroy();
    if (body.kind === 'too-large') return refuseWith(tooLarge);
    if (body.kind === 'timeout') return refuseWith(hostProblem('HOST.TIMEOUT', `The request body did not arrive within ${bodyTimeoutMs} ms.`));
    const request = new azf.HttpRequest({
      method: req.method ?? 'GET',
      url: url.toString(),
      headers: headersOf(req),
      query: Object.fromEntries(url.searchParams),
      params: {},
      body: { bytes: body.bytes },
    });
    const context = new azf.InvocationContext({
      invocationId,
      functionName: route.name,
      logHandler: (level, ...args) => {
        log(level, args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      },
    });
    let response: HttpResponseInit;
    try {
      const answer = await route.handler(request, context);
      response = answer instanceof azf.HttpResponse ? { status: answer.status, headers: answer.headers, body: await answer.text() } : answer;
    } catch (error) {
      log('error', `local host: invocation ${invocationId}: ${route.name} threw: ${error instanceof Error ? error.message : String(error)}`);
      response = errorAnswer(error, invocationId);
    }
    return writeResponse(res, response);
  }

  /** The answer in flight on each connection, for clientError (which gets only the socket). */
  const answering = new WeakMap<Duplex, ServerResponse>();
  const handle = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) => {
    const invocationId = randomUUID();
    answering.set(req.socket, res);
    res.once('close', () => {
      if (answering.get(req.socket) === res) answering.delete(req.socket);
    });
    serve(req, res, invocationId, expectsContinue).catch((error: unknown) => {
      log('error', `local host: invocation ${invocationId}: ${error instanceof Error ? error.message : String(error)}`);
      // A half-sent answer cannot be mended; an unsent one is a problem+json 500.
      if (res.headersSent) return void res.destroy();
      writeResponse(res, errorAnswer(error, invocationId)).catch(() => res.destroy());
    });
  };

  const server: Server = createServer(
    {
      requireHostHeader: false, // requestUrl answers a missing Host itself, with a body
      headersTimeout: headersTimeoutMs,
      // A backstop only: the body deadline and the linger after a refusal come first.
      requestTimeout: headersTimeoutMs + bodyTimeoutMs + lingerMs + 1000,
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(headersTimeoutMs / 4))),
    },
    (req, res) => {
      handle(req, res, false);
    },
  );
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res, true);
  });
  answerClientErrors(server, (socket) => answering.get(socket), headersTimeoutMs, lingerMs);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7071, options.hostname ?? '127.0.0.1', resolve);
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
