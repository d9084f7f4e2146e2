import { createLocalJWKSet, errors as joseErrors, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';
import { asciiLower } from '../ascii.js';
import { AppError } from '../errors.js';
import type { Clock } from '../ports.js';

/** One issuer of the tenant as its OpenID metadata describes it. */
export interface IssuerMetadata {
  readonly issuer: string;
  readonly jwksUri: string;
}

export type TokenVersion = 1 | 2;

export interface SigningKeysOptions {
  readonly authorityHost: string;
  readonly tenantId: string;
  /** Least time between two refreshes of a key set triggered by an unknown `kid`. */
  readonly refreshCooldownMs: number;
  readonly clock: Clock;
  readonly fetchTimeoutMs?: number;
  /** After this long, metadata and keys are refreshed (old ones kept if the refresh fails). */
  readonly maxAgeMs?: number;
}

type KeyResolver = ReturnType<typeof createLocalJWKSet>;
type VerificationKey = Awaited<ReturnType<KeyResolver>>;

interface Cached<T> {
  readonly value: T;
  readonly fetchedAt: number;
}

const MAX_DOCUMENT_BYTES = 512 * 1024;

/**
 * The least cooldown between two key-set refreshes caused by an unknown `kid`. Without one, every
 * token with a forged `kid` would make us re-read the tenant's keys: a request amplifier aimed at
 * Entra, and a way to get us throttled there.
 */
export const MIN_REFRESH_COOLDOWN_MS = 1000;

function unavailable(what: string, cause?: unknown): AppError {
  return new AppError('AUTH.METADATA_UNAVAILABLE', `The tenant's ${what} could not be read, so the caller cannot be verified.`, {
    retryable: true,
    retryAfterSeconds: 10,
    details: { what },
    cause,
  });
}

/**
 * The tenant's OpenID metadata (v1 and v2 issuers) and signing keys, read under the authority
 * host and cached. An unknown `kid` refreshes the key set (at most once per cooldown, waiting out
 * the rest of the cooldown rather than refusing), so key rotation needs no restart. When nothing
 * usable can be read the error is retryable: an outage is never a 401 and never a pass.
 */
export class SigningKeys {
  private readonly metadata = new Map<TokenVersion, Cached<IssuerMetadata>>();
  private readonly keySets = new Map<string, Cached<KeyResolver>>();
  private readonly inflight = new Map<string, Promise<unknown>>();
  private changes = 0;
  private readonly fetchTimeoutMs: number;
  private readonly maxAgeMs: number;

  constructor(private readonly options: SigningKeysOptions) {
    // Defence in depth: loadConfig refuses a smaller SIGNING_KEY_REFRESH_COOLDOWN_SECONDS already.
    if (!(options.refreshCooldownMs >= MIN_REFRESH_COOLDOWN_MS)) {
      throw new AppError('CONFIG.INVALID', `The signing-key refresh cooldown must be at least ${MIN_REFRESH_COOLDOWN_MS} ms (SIGNING_KEY_REFRESH_COOLDOWN_SECONDS at least ${MIN_REFRESH_COOLDOWN_MS / 1000}).`, {
        details: { setting: 'SIGNING_KEY_REFRESH_COOLDOWN_SECONDS' },
      });
    }
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? 5000;
    this.maxAgeMs = options.maxAgeMs ?? 12 * 60 * 60 * 1000;
  }

  /**
   * Counts every change of the cached metadata and key sets: a verification made under one
   * generation holds only while it lasts (verified-tokens.ts), so a refreshed key set, a key
   * removed by the tenant among others, is applied to tokens already seen.
   */
  get generation(): number {
    return this.changes;
  }

  metadataUrl(version: TokenVersion): string {
    const { authorityHost, tenantId } = this.options;
    return version === 2
      ? `${authorityHost}/${tenantId}/v2.0/.well-known/openid-configuration`
      : `${authorityHost}/${tenantId}/.well-known/openid-configuration`;
  }

  /** The issuer of this token version, from (cached) metadata. */
  async issuer(version: TokenVersion): Promise<IssuerMetadata> {
    const cached = this.metadata.get(version);
    if (cached !== undefined && !this.stale(cached)) return cached.value;
    try {
      return await this.once(`metadata:${version}`, async () => {
        const value = await this.fetchMetadata(version);
        this.metadata.set(version, { value, fetchedAt: this.options.clock.now() });
        this.changes++;
        return value;
      });
    } catch (error) {
      if (cached !== undefined) return cached.value; // stale beats unavailable
      throw error;
    }
  }

  /**
   * Reads the v1 and v2 metadata and the key sets they name, in parallel, before any token needs
   * them (start-up). Never rejects: what fails here is read again, and reported, by the first
   * verification that needs it.
   */
  async prefetch(): Promise<void> {
    const versions: readonly TokenVersion[] = [1, 2];
    await Promise.allSettled(
      versions.map(async (version) => {
        const { jwksUri } = await this.issuer(version);
        if (!this.keySets.has(jwksUri)) await this.refreshKeys(jwksUri, undefined, 'periodic');
      }),
    );
  }

  /** The key that signed a token, refreshing the key set once if its `kid` is unknown. */
  async key(jwksUri: string, header: JWSHeaderParameters): Promise<VerificationKey> {
    let cached = this.keySets.get(jwksUri);
    if (cached === undefined || this.stale(cached)) {
      cached = await this.refreshKeys(jwksUri, cached, 'periodic');
    }
    try {
      return await cached.value(header);
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
    }
    const refreshed = await this.refreshKeys(jwksUri, cached, 'unknown-kid');
    return refreshed.value(header);
  }

  private stale(cached: Cached<unknown>): boolean {
    return this.options.clock.now() - cached.fetchedAt > this.maxAgeMs;
  }

  /**
   * periodic: the set is missing or old; a failure keeps the old set if there is one.
   * unknown-kid: a token names a key we lack; waits out the cooldown, and a failure is an outage.
   */
  private async refreshKeys(jwksUri: string, previous: Cached<KeyResolver> | undefined, reason: 'periodic' | 'unknown-kid'): Promise<Cached<KeyResolver>> {
    return this.once(`keys:${jwksUri}`, async () => {
      const current = this.keySets.get(jwksUri);
      if (current !== undefined && current !== previous) return current; // someone refreshed meanwhile
      if (previous !== undefined && reason === 'unknown-kid') {
        const wait = previous.fetchedAt + this.options.refreshCooldownMs - this.options.clock.now();
        if (wait > 0) await this.options.clock.sleep(wait);
      }
      try {
        const jwks = await this.fetchJson(jwksUri, 'signing keys');
        const keys = (jwks as { keys?: unknown }).keys;
        if (!Array.isArray(keys) || keys.length === 0) throw new Error('no keys array');
        const entry = { value: createLocalJWKSet(jwks as JSONWebKeySet), fetchedAt: this.options.clock.now() };
        this.keySets.set(jwksUri, entry);
        this.changes++;
        return entry;
      } catch (error) {
        if (previous !== undefined && reason === 'periodic') return previous; // keep the keys we have
        throw error instanceof AppError ? error : unavailable('signing keys', error);
      }
    });
  }

  private async fetchMetadata(version: TokenVersion): Promise<IssuerMetadata> {
    const doc = (await this.fetchJson(this.metadataUrl(version), 'OpenID metadata')) as Record<string, unknown>;
    const issuer = doc['issuer'];
    const jwksUri = doc['jwks_uri'];
    if (typeof issuer !== 'string' || !asciiLower(issuer).includes(this.options.tenantId)) {
      throw unavailable('OpenID metadata (its issuer does not name the tenant)');
    }
    if (typeof jwksUri !== 'string' || !sameOrigin(jwksUri, this.options.authorityHost)) {
      throw unavailable('OpenID metadata (its jwks_uri is not under the authority host)');
    }
    return { issuer, jwksUri };
  }

  private async fetchJson(url: string, what: string): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(this.fetchTimeoutMs), headers: { accept: 'application/json' } });
    } catch (cause) {
      throw unavailable(what, cause);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw unavailable(`${what} (HTTP ${response.status})`);
    }
    const length = Number(response.headers.get('content-length') ?? '0');
    if (length > MAX_DOCUMENT_BYTES) throw unavailable(`${what} (too large)`);
    try {
      const text = await response.text();
      if (text.length > MAX_DOCUMENT_BYTES) throw new Error('too large');
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw unavailable(`${what} (not JSON)`, cause);
    }
  }

  /** Single flight: concurrent callers share one fetch. */
  private async once<T>(key: string, run: () => Promise<T>): Promise<T> {
    const running = this.inflight.get(key) as Promise<T> | undefined;
    if (running !== undefined) return running;
    const promise = run().finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }
}

function sameOrigin(url: string, origin: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.origin === new URL(origin).origin;
  } catch {
    return false;
  }
}
