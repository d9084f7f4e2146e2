import { ManagedIdentityCredential, type AccessToken, type GetTokenOptions, type TokenCredential } from '@azure/identity';
import { ManagedIdentityApplication } from '@azure/msal-node';

/**
 * A credential that can fetch a token anew when the one it gave was refused. A plain
 * `TokenCredential` cannot be told so: `@azure/identity` keeps managed identity tokens in MSAL's
 * cache (one per process) until they expire, and `getToken` has no way past it.
 */
export interface RenewableCredential extends TokenCredential {
  /** A token fetched from the identity endpoint, never from a cache; later `getToken` calls return it. */
  renewToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken>;
}

export function isRenewable(credential: TokenCredential): credential is RenewableCredential {
  return typeof (credential as Partial<RenewableCredential>).renewToken === 'function';
}

/** A renewed token is used while it has at least this long to live; then the credential's own cache serves again. */
const RENEWED_MARGIN_MS = 5 * 60 * 1000;

/**
 * The managed identity that talks to Graph. On App Service / Functions `@azure/identity` reads
 * IDENTITY_ENDPOINT + IDENTITY_HEADER; a user-assigned identity is picked by its client id.
 * Tokens come from its credential (cached in memory); a renewal, asked for when Graph refused a
 * token, goes to MSAL's managed identity application with `forceRefresh`, the documented way
 * past that cache (the fresh token replaces the cached one there too).
 */
class ManagedIdentityTokens implements RenewableCredential {
  private readonly credential: ManagedIdentityCredential;
  /** Made at the first renewal: most processes never need one. */
  private msal: ManagedIdentityApplication | undefined;
  private readonly renewed = new Map<string, AccessToken>();

  constructor(private readonly clientId: string) {
    this.credential = new ManagedIdentityCredential({ clientId });
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const renewed = this.renewed.get(resourceOf(scopes));
    if (renewed !== undefined && renewed.expiresOnTimestamp - Date.now() > RENEWED_MARGIN_MS) return renewed;
    return this.credential.getToken(scopes, options);
  }

  async renewToken(scopes: string | string[]): Promise<AccessToken> {
    const resource = resourceOf(scopes);
    this.msal ??= new ManagedIdentityApplication({ managedIdentityIdParams: { userAssignedClientId: this.clientId } });
    const result = await this.msal.acquireToken({ resource, forceRefresh: true });
    const token: AccessToken = { token: result.accessToken, expiresOnTimestamp: result.expiresOn?.getTime() ?? Date.now(), tokenType: 'Bearer' };
    this.renewed.set(resource, token);
    return token;
  }
}

/** The resource of a `{resource}/.default` scope, as the managed identity endpoint takes it. */
function resourceOf(scopes: string | string[]): string {
  const scope = [scopes].flat()[0] ?? '';
  return scope.replace(/\/\.default$/, '');
}

/** The managed identity for Graph (user-assigned, by client id). Build it once: it caches tokens. */
export function createManagedIdentityCredential(clientId: string): RenewableCredential {
  return new ManagedIdentityTokens(clientId);
}
