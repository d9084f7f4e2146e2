import type { GetTokenOptions, TokenCredential } from '@azure/identity';
import {
  AuthenticationHandlerOptions,
  Client,
  HTTPMessageHandler,
  type AuthenticationProvider,
  type AuthenticationProviderOptions,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { isRenewable } from './managed-identity.js';

/**
 * What one Graph call passes to the token provider: the call's abort signal, and a hook told when
 * the token wait starts and ends, so a timeout can say which of the two waits it cut short.
 */
export interface TokenWaitOptions extends AuthenticationProviderOptions {
  readonly abortSignal?: AbortSignal;
  readonly onTokenWait?: (phase: 'waiting' | 'ready') => void;
}

/** Names the error the same way the Graph client's own provider did, so it is classed as identity. */
function missingToken(): Error {
  const error = new Error('The credential returned no access token');
  error.name = 'Access token is undefined';
  return error;
}

/**
 * Least time between two renewals of a refused token. A token renewed that recently and refused
 * again is not a stale token but a wrong one (identity, audience): another renewal would not fix
 * it, and every Graph call would cost the identity endpoint a request.
 */
export const TOKEN_RENEWAL_COOLDOWN_MS = 30_000;

interface Renewal {
  /** The token Graph refused. */
  readonly refused: string;
  readonly startedAt: number;
  /** The token it was renewed to; undefined when the credential had no other. */
  readonly token: Promise<string | undefined>;
}

/**
 * Bearer tokens for Graph from a credential, reporting the token wait to the call that asked, and
 * renewing a token Graph refused (401): once per refused token, shared by the calls it failed,
 * and at most once per TOKEN_RENEWAL_COOLDOWN_MS.
 */
export class CredentialTokenProvider implements AuthenticationProvider {
  private renewal: Renewal | undefined;

  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async getAccessToken(options?: TokenWaitOptions): Promise<string> {
    options?.onTokenWait?.('waiting');
    const token = await this.credential.getToken(this.scope, getTokenOptions(options));
    if (token === null || token.token === '') throw missingToken();
    options?.onTokenWait?.('ready');
    return token.token;
  }

  /**
   * Graph answered 401 to `refused`. The token to try the call once more with: one fetched anew
   * (past the credential's cache, when it has one to skip), or the one a concurrent call already
   * renewed it to. undefined when no retry is worth it: the credential gave the same token again,
   * or a token renewed within the cooldown was refused too.
   */
  async renewRefused(refused: string, options?: TokenWaitOptions): Promise<string | undefined> {
    const last = this.renewal;
    let renewal: Renewal;
    if (last !== undefined && this.now() - last.startedAt < TOKEN_RENEWAL_COOLDOWN_MS) {
      if (last.refused !== refused) return undefined;
      renewal = last;
    } else {
      renewal = { refused, startedAt: this.now(), token: this.fetchAnew(refused, options) };
      this.renewal = renewal;
      // A renewal that failed (the endpoint down) is no reason to wait out the cooldown.
      renewal.token.catch(() => {
        if (this.renewal === renewal) this.renewal = undefined;
      });
    }
    options?.onTokenWait?.('waiting');
    const token = await renewal.token;
    options?.onTokenWait?.('ready');
    return token;
  }

  private async fetchAnew(refused: string, options: TokenWaitOptions | undefined): Promise<string | undefined> {
    const fresh = isRenewable(this.credential)
      ? await this.credential.renewToken(this.scope, getTokenOptions(options))
      : await this.credential.getToken(this.scope, getTokenOptions(options));
    if (fresh === null || fresh.token === '') throw missingToken();
    return fresh.token === refused ? undefined : fresh.token;
  }
}

function getTokenOptions(options: TokenWaitOptions | undefined): GetTokenOptions {
  const signal = options?.abortSignal;
  return signal === undefined ? {} : { abortSignal: signal };
}

/** The token scope for a Graph origin: `{origin}/.default`. */
export function graphScope(graphBaseUrl: string): string {
  return `${new URL(graphBaseUrl).origin}/.default`;
}

const AUTHORIZATION = 'Authorization';

function setAuthorization(context: Context, token: string | undefined): void {
  const options = (context.options ??= {});
  const headers = new Headers(options.headers);
  if (token === undefined) headers.delete(AUTHORIZATION);
  else headers.set(AUTHORIZATION, `Bearer ${token}`);
  options.headers = headers;
}

/** The URL a Graph client request goes to (`RequestInfo`: a string, or a Request). */
function urlOf(context: Context): string {
  const request = context.request as unknown;
  return typeof request === 'string' ? request : (request as { readonly url: string }).url;
}

/**
 * Attaches the bearer token to calls to the Graph origin, and to nothing else. When Graph answers
 * 401 (it did not accept the token: expired, another audience, not a token at all) the token is
 * renewed and the call sent once more; what Graph answers then stands. 403 is a permission, not a
 * token: no renewal.
 */
class BearerAuthentication implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly tokens: CredentialTokenProvider,
    private readonly origin: string,
  ) {}

  async execute(context: Context): Promise<void> {
    const next = this.next;
    if (next === undefined) throw new Error('BearerAuthentication has no next middleware');
    if (new URL(urlOf(context)).origin !== this.origin) {
      setAuthorization(context, undefined);
      await next.execute(context);
      return;
    }
    const handlerOptions = context.middlewareControl?.getMiddlewareOptions(AuthenticationHandlerOptions) as AuthenticationHandlerOptions | undefined;
    const options = handlerOptions?.authenticationProviderOptions as TokenWaitOptions | undefined;
    const token = await this.tokens.getAccessToken(options);
    setAuthorization(context, token);
    await next.execute(context);
    if (context.response?.status !== 401) return;
    const renewed = await this.tokens.renewRefused(token, options);
    if (renewed === undefined) return;
    await context.response.body?.cancel();
    setAuthorization(context, renewed);
    await next.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/**
 * A Graph client for one cloud. The token scope is `{origin}/.default`, and the token goes to that
 * origin only. The client's own retry handler is left out: retries are ours, bounded by the
 * callout's budget (retry.ts), and cover what it does not (500, 502, dropped connections); the one
 * retry here is of a 401, with a renewed token.
 */
export function createGraphClient(credential: TokenCredential, graphBaseUrl: string): Client {
  const origin = new URL(graphBaseUrl);
  const tokens = new CredentialTokenProvider(credential, graphScope(graphBaseUrl));
  return Client.initWithMiddleware({
    middleware: [new BearerAuthentication(tokens, origin.origin), new HTTPMessageHandler()],
    baseUrl: `${origin.origin}/`,
    defaultVersion: 'v1.0',
  });
}
