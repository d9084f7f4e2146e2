import azf from '@azure/functions';
import type { HttpResponseInit } from '@azure/functions';
import { readFileSync } from 'node:fs';
import { createCalloutHandler } from '../../functions/callout.js';
import { createPimHandler } from '../../functions/pim.js';
import { createDeps, type Deps } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import type { TenantEmulator } from '../../emulator/index.js';

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

/**
 * The app wired to an emulator: real config parsing, real @azure/identity (the emulator's
 * managed identity endpoint), real Graph client, real JWT verification. `@azure/identity` reads
 * IDENTITY_ENDPOINT / IDENTITY_HEADER from the process environment, so they are set here.
 */
export function appFor(emulator: TenantEmulator, env: Record<string, string> = {}): Deps {
  const all: Record<string, string> = { ...emulator.appEnv(), GRAPH_RETRY_BUDGET_SECONDS: '8', GRAPH_TIMEOUT_SECONDS: '3', SIGNING_KEY_REFRESH_COOLDOWN_SECONDS: '1', ...env };
  process.env['IDENTITY_ENDPOINT'] = all['IDENTITY_ENDPOINT'];
  process.env['IDENTITY_HEADER'] = all['IDENTITY_HEADER'];
  return createDeps(loadConfig(all));
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly json: Record<string, unknown>;
  /** Everything the handler logged through the invocation context, as the host would receive it. */
  readonly logs: readonly unknown[][];
}

export interface CallOptions {
  readonly token?: string | null;
  readonly contentType?: string | null;
  readonly headers?: Record<string, string>;
}

/** Drives functions/callout.ts with real HttpRequest / InvocationContext objects. */
export function callHandler(deps: Deps, body: string | Uint8Array | object, options: CallOptions = {}): Promise<Answer> {
  return callRoute(createCalloutHandler(() => deps), 'callout', body, options);
}

/** Drives functions/pim.ts (POST /api/pim) the same way. */
export function callPimHandler(deps: Deps, body: string | Uint8Array | object, options: CallOptions = {}): Promise<Answer> {
  return callRoute(createPimHandler(() => deps), 'pim', body, options);
}

type Handler = (request: azf.HttpRequest, context: azf.InvocationContext) => Promise<HttpResponseInit>;

async function callRoute(handler: Handler, route: string, body: string | Uint8Array | object, options: CallOptions): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== null && options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  if (options.contentType !== null) headers['content-type'] = options.contentType ?? 'application/json';
  const raw = typeof body === 'string' ? { string: body } : body instanceof Uint8Array ? { bytes: body } : { string: JSON.stringify(body) };
  const request = new azf.HttpRequest({ method: 'POST', url: `http://127.0.0.1:7071/api/${route}`, body: raw, headers });
  const logs: unknown[][] = [];
  const context = new azf.InvocationContext({ invocationId: crypto.randomUUID(), functionName: route, logHandler: (_level, ...args) => logs.push(args) });
  const response: HttpResponseInit = await handler(request, context);
  const text = response.jsonBody !== undefined ? JSON.stringify(response.jsonBody) : typeof response.body === 'string' ? response.body : '';
  const outHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries((response.headers ?? {}) as Record<string, string>)) outHeaders[k.toLowerCase()] = v;
  return { status: response.status ?? 200, headers: outHeaders, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), logs };
}
