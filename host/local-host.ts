import azf from '@azure/functions';
import type { HttpFunctionOptions, HttpResponseInit } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalHost {
  readonly url: string;
  close(): Promise<void>;
}

export type LogSink = (level: string, message: string) => void;

/** What the host itself accepts (Azure's is 100 MB); the handler applies the callout's own cap. */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

async function write(res: ServerResponse, response: HttpResponseInit): Promise<void> {
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

/**
 * Serves the handlers registered in functions/ on the routes `func start` would give them
 * (`/api/{route}`), building the same HttpRequest / InvocationContext objects the Functions
 * host does. For development, demos and end-to-end tests where Core Tools cannot run.
 */
export async function startLocalHost(
  functions: Readonly<Record<string, HttpFunctionOptions>>,
  options: { port?: number; hostname?: string; log?: LogSink } = {},
): Promise<LocalHost> {
  const log = options.log ?? (() => {});
  const routes = Object.entries(functions).map(([name, fn]) => ({
    name,
    path: `/api/${fn.route ?? name}`,
    methods: (fn.methods ?? ['GET', 'POST']).map((m) => m.toUpperCase()),
    handler: fn.handler,
  }));

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const route = routes.find((r) => r.path.toLowerCase() === url.pathname.toLowerCase());
    if (route === undefined) return write(res, { status: 404, body: 'Not found' });
    if (!route.methods.includes(req.method ?? '')) return write(res, { status: 405, headers: { allow: route.methods.join(', ') } });
    const body = await readBody(req);
    if (body === undefined) return write(res, { status: 413, body: 'Request too large' });
    const request = new azf.HttpRequest({
      method: req.method ?? 'GET',
      url: url.toString(),
      headers: headersOf(req),
      query: Object.fromEntries(url.searchParams),
      params: {},
      body: { bytes: body },
    });
    const context = new azf.InvocationContext({
      invocationId: randomUUID(),
      functionName: route.name,
      logHandler: (level, ...args) => {
        log(level, args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      },
    });
    const response = await route.handler(request, context);
    return write(res, response instanceof azf.HttpResponse ? { status: response.status, headers: response.headers, body: await response.text() } : response);
  }

  const server: Server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      log('error', `local host: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
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
