import { ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { AuthenticationHandler, Client, HTTPMessageHandler } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';

/**
 * The managed identity that talks to Graph. On App Service / Functions `@azure/identity` reads
 * IDENTITY_ENDPOINT + IDENTITY_HEADER; a user-assigned identity is picked by its client id.
 * Build it once: it caches tokens in memory.
 */
export function createManagedIdentityCredential(clientId: string): TokenCredential {
  return new ManagedIdentityCredential({ clientId });
}

/**
 * A Graph client for one cloud. The token scope is `{origin}/.default`, and the origin's host is
 * listed as a custom host so the bearer token is attached to it (the client only attaches tokens
 * to hosts it knows). The client's own retry handler is left out: retries are ours, bounded by
 * the callout's budget (retry.ts), and cover what it does not (500, 502, dropped connections).
 */
export function createGraphClient(credential: TokenCredential, graphBaseUrl: string): Client {
  const origin = new URL(graphBaseUrl);
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [`${origin.origin}/.default`] });
  return Client.initWithMiddleware({
    middleware: [new AuthenticationHandler(authProvider), new HTTPMessageHandler()],
    baseUrl: `${origin.origin}/`,
    defaultVersion: 'v1.0',
    customHosts: new Set([origin.hostname]),
  });
}
