import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { asciiEqualsIgnoreCase, asciiLower } from '../ascii.js';
import { AppError } from '../errors.js';
import type { Config } from '../config.js';
import type { SigningKeys, TokenVersion } from './signing-keys.js';
import { VerifiedTokens, type TokenTimes } from './verified-tokens.js';

/** Who called, once the token has been verified. */
export interface VerifiedCaller {
  readonly appId: string;
  readonly objectId: string | undefined;
  readonly tokenVersion: TokenVersion;
  readonly roles: readonly string[];
}

export interface CallerVerifier {
  verify(authorization: string | null): Promise<VerifiedCaller>;
}

/** Accepted clock skew for exp/nbf, in seconds. */
export const CLOCK_SKEW_SECONDS = 60;
const MAX_TOKEN_LENGTH = 16 * 1024;

function invalidToken(reason: string, claim?: string): AppError {
  return new AppError('CALLOUT.INVALID_TOKEN', `The bearer token is not accepted: ${reason}.`, {
    details: claim === undefined ? { reason } : { reason, claim },
  });
}

function forbidden(code: 'CALLOUT.CALLER_NOT_ALLOWED' | 'CALLOUT.ROLE_MISSING', reason: string, claim: string): AppError {
  return new AppError(code, `The caller is not allowed: ${reason}.`, { details: { reason, claim } });
}

function bearerToken(authorization: string | null): string {
  const match = /^Bearer[ ]+([^ ]+)[ ]*$/i.exec(authorization ?? '');
  if (match?.[1] === undefined) {
    throw new AppError('CALLOUT.MISSING_TOKEN', 'The callout carries no bearer token.');
  }
  if (match[1].length > MAX_TOKEN_LENGTH) throw invalidToken('it is too long');
  return match[1];
}

/** An untrusted header value, safe to quote in a message: short, printable, no quotes. */
function printable(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 20).replace(/[^\x20-\x7e]|["\\]/g, '?')) : typeof value;
}

/** Reads what is needed to pick the issuer, before anything is trusted. */
function peek(token: string): { version: TokenVersion; iss: string } {
  let alg: unknown;
  let iss: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
    iss = decodeJwt(token).iss;
  } catch {
    throw invalidToken('it is not a signed JWT');
  }
  if (alg !== 'RS256') throw invalidToken(`its algorithm ${printable(alg)} is not RS256`, 'alg');
  if (typeof iss !== 'string') throw invalidToken('it has no issuer', 'iss');
  return { version: iss.endsWith('/v2.0') ? 2 : 1, iss };
}

function joseFailure(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof joseErrors.JWTExpired) return invalidToken('it has expired', 'exp');
  if (error instanceof joseErrors.JWTClaimValidationFailed) return invalidToken(`its ${error.claim} claim ${error.reason === 'missing' ? 'is missing' : 'check failed'}`, error.claim);
  if (error instanceof joseErrors.JWKSNoMatchingKey) return invalidToken('no signing key of the tenant has its kid', 'kid');
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) return invalidToken('its kid matches several keys', 'kid');
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return invalidToken('its signature does not verify', 'signature');
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return invalidToken('its algorithm is not RS256', 'alg');
  if (error instanceof joseErrors.JOSEError) return invalidToken(`it is malformed (${error.code})`);
  return new AppError('INTERNAL', 'Token verification failed unexpectedly.', { cause: error });
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Verifies the relay's bearer token: RS256 only, issued by the configured tenant (v1 or v2
 * issuer from its OpenID metadata), for our audience, within its lifetime, by an allowed app,
 * app-only, carrying the required role when one is configured.
 */
/**
 * Who may call an endpoint: the apps of a setting (named in a refusal, with the caller's app id,
 * which is not secret, so an operator can set it), the app role a token must carry, and how the
 * caller is called in messages.
 */
export interface CallerPolicy {
  readonly allowedAppIds: readonly string[];
  readonly setting: string;
  readonly requiredRole: string | undefined;
  readonly caller: string;
}

/** The callout's callers: the relay's identity (ALLOWED_CALLER_APP_IDS, REQUIRED_CALLER_ROLE). */
export function relayCallers(config: Config): CallerPolicy {
  return { allowedAppIds: config.allowedCallerAppIds, setting: 'ALLOWED_CALLER_APP_IDS', requiredRole: config.requiredCallerRole, caller: 'the relay' };
}

/** PIM's callers: PIM's own app (PIM_CALLER_APP_IDS); PIM's token carries no app role of ours. */
export function pimCallers(config: Config): CallerPolicy {
  return { allowedAppIds: config.pimCallerAppIds, setting: 'PIM_CALLER_APP_IDS', requiredRole: undefined, caller: 'PIM' };
}

export function createCallerVerifier(config: Config, keys: SigningKeys, policy: CallerPolicy = relayCallers(config)): CallerVerifier {
  const allowed = new Set(policy.allowedAppIds.map(asciiLower));
  const seen = new VerifiedTokens<VerifiedCaller>({ skewSeconds: CLOCK_SKEW_SECONDS });
  return {
    async verify(authorization) {
      const token = bearerToken(authorization);
      const key = VerifiedTokens.key(token);
      const generation = keys.generation;
      const known = seen.get(key, generation, Date.now());
      if (known !== undefined) return known;
      const { caller, times } = await verifyToken(token);
      // Remembered only when no metadata or key refresh happened meanwhile (ours or another
      // callout's): then the keys that verified it are, for sure, the ones now held.
      if (generation === keys.generation) seen.set(key, caller, times, generation, Date.now());
      return caller;
    },
  };

  async function verifyToken(token: string): Promise<{ caller: VerifiedCaller; times: TokenTimes }> {
    const { version, iss } = peek(token);
    const metadata = await keys.issuer(version);
    if (iss !== metadata.issuer) throw invalidToken('it was not issued by the configured tenant', 'iss');

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (header) => keys.key(metadata.jwksUri, header), {
        issuer: metadata.issuer,
        audience: [...config.calloutAudiences],
        algorithms: ['RS256'],
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp', 'tid'],
      }));
    } catch (error) {
      throw joseFailure(error);
    }

    // jose checks iat only against a maximum age; a token that says it was issued later than
    // now (beyond the skew exp and nbf get) was not issued by the tenant's clock: refuse it.
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS) {
      throw invalidToken('it was issued in the future', 'iat');
    }
    const tid = stringClaim(payload, 'tid');
    if (tid === undefined || asciiLower(tid) !== config.tenantId) throw invalidToken('it belongs to another tenant', 'tid');
    const appid = stringClaim(payload, 'appid');
    const azp = stringClaim(payload, 'azp');
    if (appid !== undefined && azp !== undefined && !asciiEqualsIgnoreCase(appid, azp)) {
      throw invalidToken('its appid and azp disagree', 'azp');
    }
    const named = version === 2 ? azp ?? appid : appid ?? azp;
    const caller = named === undefined ? undefined : asciiLower(named);
    if (caller === undefined) throw invalidToken(`it names no calling app (${version === 2 ? 'azp' : 'appid'})`, version === 2 ? 'azp' : 'appid');
    if (payload['scp'] !== undefined) {
      throw forbidden('CALLOUT.CALLER_NOT_ALLOWED', `a user token was presented; ${policy.caller} calls with its own identity`, 'scp');
    }
    // App-only is both: no scp, and idtyp (Entra's token type claim, when present) saying app. A
    // token typed user (or device, or anything else) is not the relay's own, scp or not.
    const idtyp = payload['idtyp'];
    if (idtyp !== undefined && idtyp !== 'app') {
      throw forbidden('CALLOUT.CALLER_NOT_ALLOWED', `a token of type ${printable(idtyp)} was presented, not an app-only token`, 'idtyp');
    }
    if (!allowed.has(caller)) {
      throw forbidden('CALLOUT.CALLER_NOT_ALLOWED', `app ${caller} is not in ${policy.setting}`, version === 2 ? 'azp' : 'appid');
    }
    const roles = Array.isArray(payload['roles']) ? payload['roles'].filter((r): r is string => typeof r === 'string') : [];
    if (policy.requiredRole !== undefined && !roles.includes(policy.requiredRole)) {
      throw forbidden('CALLOUT.ROLE_MISSING', `the token lacks the role ${policy.requiredRole}`, 'roles');
    }
    const times = { exp: payload.exp ?? 0, nbf: payload.nbf, iat: payload.iat };
    return { caller: { appId: caller, objectId: stringClaim(payload, 'oid'), tokenVersion: version, roles }, times };
  }
}
