import { AuthenticationHandlerOptions, ResponseType, type Client, type GraphRequest } from '@microsoft/microsoft-graph-client';
import { AppError } from '../errors.js';
import type { TokenWaitOptions } from './graph-client.js';
import type { GraphPath } from './graph-path.js';

export interface GraphCall {
  /** The callout path reads and resumes (GET, POST); the register command also updates and deletes. */
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly version: 'v1.0' | 'beta';
  /** Versionless path starting with `/`, made by graphPath (ids encoded, never concatenated). */
  readonly path: GraphPath;
  readonly body?: unknown;
  /** Extra request headers (e.g. ConsistencyLevel for advanced directory queries). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Any HTTP answer Graph gave, successful or not. */
export interface GraphAnswer {
  readonly status: number;
  readonly json: unknown;
  readonly retryAfterSeconds: number | undefined;
  readonly requestId: string | undefined;
  /** The call answered, for messages that name what it needs (absent in test doubles). */
  readonly call?: Pick<GraphCall, 'method' | 'path'>;
}

/** No HTTP answer: the network failed, the call timed out, or no token could be had. */
export class GraphTransportError extends Error {
  constructor(
    readonly kind: 'network' | 'timeout' | 'identity',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GraphTransportError';
  }
}

export interface GraphHttp {
  /** Resolves with every HTTP answer; rejects with GraphTransportError when there is none. */
  send(call: GraphCall, timeoutMs: number): Promise<GraphAnswer>;
}

/** Largest Graph answer read; a request resource is a few KiB. */
const MAX_ANSWER_BYTES = 1024 * 1024;
const IDENTITY_ERRORS = new Set([
  'CredentialUnavailableError',
  'AuthenticationError',
  'AuthenticationRequiredError',
  'AggregateAuthenticationError',
  'Access token is undefined',
]);

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), bounded to an hour. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value.trim()) : (Date.parse(value) - now) / 1000;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(3600, Math.max(0, Math.ceil(seconds)));
}

/**
 * The answer's text, read at most MAX_ANSWER_BYTES: a declared length over it is refused before
 * reading, and a body without one (chunked) is read chunk by chunk and abandoned past it, so no
 * answer is ever held whole in memory beyond the cap.
 */
export async function readCapped(response: Response): Promise<string> {
  if (Number(response.headers.get('content-length') ?? '0') > MAX_ANSWER_BYTES) {
    await response.body?.cancel();
    throw new Error('Graph answer too large');
  }
  if (response.body === null) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw new Error('Graph answer too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Where a call was when it ended without an answer: waiting for a token, or for Graph. */
type Wait = 'token' | 'graph';

function transportError(error: unknown, timedOutAfterMs: number | undefined, wait: Wait): GraphTransportError {
  if (error instanceof GraphTransportError) return error;
  if (timedOutAfterMs !== undefined) {
    return wait === 'token'
      ? new GraphTransportError('identity', `No managed identity token within ${timedOutAfterMs} ms`, { cause: error })
      : new GraphTransportError('timeout', `Graph did not answer within ${timedOutAfterMs} ms`, { cause: error });
  }
  const code = (error as { code?: unknown }).code;
  const name = (error as { name?: unknown }).name;
  if (wait === 'token' || IDENTITY_ERRORS.has(String(code)) || IDENTITY_ERRORS.has(String(name))) {
    return new GraphTransportError('identity', 'No managed identity token could be had for Graph', { cause: error });
  }
  return new GraphTransportError('network', 'Graph could not be reached', { cause: error });
}

/** The Graph client's request for the call's method. */
function sendRequest(request: GraphRequest, call: GraphCall): Promise<unknown> {
  switch (call.method) {
    case 'GET':
      return request.get();
    case 'POST':
      return request.post(call.body);
    case 'PUT':
      return request.put(call.body);
    case 'PATCH':
      return request.patch(call.body);
    case 'DELETE':
      return request.delete();
  }
}

/**
 * Sends one Graph call through the Graph client (the token attached by its authentication
 * middleware) and returns the raw answer, so the caller decides what each status means. The
 * timeout covers the token wait too; the token provider reports when that wait starts and ends,
 * so a call cut short while waiting for the managed identity fails as `identity`, not as a Graph
 * timeout.
 */
export function createGraphHttp(client: Client): GraphHttp {
  return {
    async send(call, timeoutMs) {
      const controller = new AbortController();
      let wait: Wait = 'graph';
      const tokenWait: TokenWaitOptions = {
        abortSignal: controller.signal,
        onTokenWait: (phase) => {
          wait = phase === 'waiting' ? 'token' : 'graph';
        },
      };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(transportError(undefined, timeoutMs, wait));
        }, timeoutMs);
      });
      try {
        const request = client
          .api(call.path)
          .version(call.version)
          .responseType(ResponseType.RAW)
          .option('signal', controller.signal)
          .middlewareOptions([new AuthenticationHandlerOptions(undefined, tokenWait)]);
        if (call.headers !== undefined) request.headers({ ...call.headers });
        const pending = sendRequest(request, call) as Promise<Response>;
        const response = await Promise.race([pending, timeout]);
        const text = await Promise.race([readCapped(response), timeout]);
        let json: unknown;
        try {
          json = text === '' ? undefined : (JSON.parse(text) as unknown);
        } catch {
          json = undefined;
        }
        return {
          status: response.status,
          json,
          retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
          requestId: response.headers.get('request-id') ?? undefined,
          call: { method: call.method, path: call.path },
        };
      } catch (error) {
        throw transportError(error, controller.signal.aborted ? timeoutMs : undefined, wait);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Graph's own words for a refusal (`error.message`, first line, bounded), or '' when it gave none. */
export function graphErrorMessage(answer: GraphAnswer): string {
  const error = (answer.json as { error?: { message?: unknown } } | undefined)?.error;
  return typeof error?.message === 'string' ? (error.message.split('\n')[0] ?? '').slice(0, 300) : '';
}

/** The `error.code` of a Graph error body, for logs and records. */
export function graphErrorCode(answer: GraphAnswer): string {
  const error = (answer.json as { error?: { code?: unknown } } | undefined)?.error;
  return typeof error?.code === 'string' ? error.code.slice(0, 100) : 'unknown';
}

/**
 * The Graph application permission the managed identity is granted for a call, where its path
 * tells (README, Permissions): the request and task reads and resumes of the callout path.
 */
export function permissionFor(call: Pick<GraphCall, 'path'>): string | undefined {
  const path = call.path.toLowerCase();
  if (path.startsWith('/identitygovernance/entitlementmanagement/')) return 'EntitlementManagement.ReadWrite.All';
  if (path.startsWith('/identitygovernance/lifecycleworkflows/')) return 'LifecycleWorkflows.ReadWrite.All';
  return undefined;
}

/**
 * Graph refused the managed identity; both are fixable without a redeploy, so the relay retries.
 * - 401 (GRAPH.UNAUTHORIZED): Graph did not accept the token itself. The Graph client has already
 *   renewed it once from the identity endpoint and retried (graph-client.ts), so a token problem
 *   remains: the wrong identity, or a token for another audience (cloud).
 * - 403 (GRAPH.FORBIDDEN): the token is good, the identity lacks a permission: named when the
 *   call's path tells which.
 */
export function forbidden(answer: GraphAnswer, what: string): AppError {
  const graphCode = graphErrorCode(answer);
  if (answer.status === 401) {
    return new AppError(
      'GRAPH.UNAUTHORIZED',
      `Graph refused the managed identity's token (401 ${graphCode}) to ${what}; a renewed token (at most one every 30 s) was refused too: check AZURE_CLIENT_ID names the user-assigned identity attached to the app, and that its token's audience is GRAPH_BASE_URL's cloud.`,
      { retryable: true, retryAfterSeconds: 60, details: { graphStatus: answer.status, graphCode } },
    );
  }
  const permission = answer.call === undefined ? undefined : permissionFor(answer.call);
  return new AppError(
    'GRAPH.FORBIDDEN',
    `Graph refused the managed identity (${answer.status} ${graphCode}) to ${what}: it lacks a Graph permission; grant it ${permission ?? 'the application permissions the README lists'} (no redeploy needed).`,
    { retryable: true, retryAfterSeconds: 60, details: { graphStatus: answer.status, graphCode, ...(permission === undefined ? {} : { permission }) } },
  );
}
