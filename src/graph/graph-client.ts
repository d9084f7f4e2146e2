import { ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { AuthenticationHandler, Client, HTTPMessageHandler, type AuthenticationProvider, type AuthenticationProviderOptions } from '@microsoft/microsoft-graph-client';

/**
 * The managed identity that talks to Graph. On App Service / Functions `@azure/identity` reads
 * IDENTITY_ENDPOINT + IDENTITY_HEADER; a user-assigned identity is picked by its client id.
 * Build it once: it caches tokens in memory.
 */
export function createManagedIdentityCredential(clientId: string): TokenCredential {
  return new ManagedIdentityCredential({ clientId });
}

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

/** Bearer tokens for Graph from a credential, reporting the token wait to the call that asked. */
export class CredentialTokenProvider implements AuthenticationProvider {
  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
  ) {}

  async getAccessToken(options?: TokenWaitOptions): Promise<string> {
    options?.onTokenWait?.('waiting');
    const signal = options?.abortSignal;
    const token = await this.credential.getToken(this.scope, signal === undefined ? {} : { abortSignal: signal });
    if (token === null || token.token === '') throw missingToken();
    options?.onTokenWait?.('ready');
    return token.token;
  }
}

/** The token scope for a Graph origin: `{origin}/.default`. */
export function graphScope(graphBaseUrl: string): string {
  return `${new URL(graphBaseUrl).origin}/.default`;
}

/**
 * A Graph client for one cloud. The token scope is `{origin}/.default`, and the origin's host is
 * listed as a custom host so the bearer token is attached to it (the client only attaches tokens
 * to hosts it knows). The client's own retry handler is left out: retries are ours, bounded by
 * the callout's budget (retry.ts), and cover what it does not (500, 502, dropped connections).
 */
export function createGraphClient(credential: TokenCredential, graphBaseUrl: string): Client {
  const origin = new URL(graphBaseUrl);
  const authProvider = new CredentialTokenProvider(credential, graphScope(graphBaseUrl));
  return Client.initWithMiddleware({
    middleware: [new AuthenticationHandler(authProvider), new HTTPMessageHandler()],
    baseUrl: `${origin.origin}/`,
    defaultVersion: 'v1.0',
    customHosts: new Set([origin.hostname]),
  });
}
