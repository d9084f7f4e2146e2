import type { TokenIssuer } from './token-issuer.js';

export interface CallerTokenOptions {
  readonly version?: 1 | 2;
  readonly audience?: string;
  readonly appId?: string;
  readonly tenantId?: string;
  readonly issuer?: string;
  readonly roles?: readonly string[];
  /** Seconds until expiry (negative: already expired). */
  readonly expiresIn?: number;
  /** Seconds until the token becomes valid. */
  readonly notBefore?: number;
  readonly kid?: string;
  /** Claims to add or override (undefined removes one). */
  readonly claims?: Readonly<Record<string, unknown>>;
}

export interface CallerDefaults {
  readonly origin: string;
  readonly tenantId: string;
  readonly callerAppId: string;
  readonly callerObjectId: string;
  readonly apiAudience: string;
}

export function v1Issuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

/**
 * A token as the relay's managed identity would present it: v1 (`appid`, sts.windows.net issuer)
 * by default as Entra issues for APIs that do not ask for v2, or v2 (`azp`, authority issuer).
 */
export async function mintCallerToken(issuer: TokenIssuer, defaults: CallerDefaults, options: CallerTokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const tid = options.tenantId ?? defaults.tenantId;
  const version = options.version ?? 1;
  const appId = options.appId ?? defaults.callerAppId;
  const claims: Record<string, unknown> = {
    aud: options.audience ?? defaults.apiAudience,
    iss: options.issuer ?? (version === 2 ? `${defaults.origin}/${tid}/v2.0` : v1Issuer(tid)),
    iat: now,
    nbf: now + (options.notBefore ?? 0),
    exp: now + (options.expiresIn ?? 3600),
    oid: defaults.callerObjectId,
    sub: defaults.callerObjectId,
    tid,
    ver: version === 2 ? '2.0' : '1.0',
    ...(version === 2 ? { azp: appId, azpacr: '2' } : { appid: appId, appidacr: '2', idp: v1Issuer(tid) }),
    ...(options.roles === undefined ? {} : { roles: [...options.roles] }),
    ...options.claims,
  };
  const present = Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
  return issuer.sign(present, options.kid === undefined ? {} : { kid: options.kid });
}
