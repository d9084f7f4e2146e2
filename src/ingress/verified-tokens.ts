import { createHash } from 'node:crypto';

/** The time claims a verification depends on, re-checked on every use (epoch seconds). */
export interface TokenTimes {
  readonly exp: number;
  readonly nbf: number | undefined;
  readonly iat: number | undefined;
}

interface Entry<T> extends TokenTimes {
  readonly value: T;
  readonly generation: number;
  readonly verifiedAtMs: number;
}

export interface VerifiedTokensOptions {
  /** Tokens remembered at once (the relay presents one, renewed about daily). */
  readonly capacity?: number;
  /** How long a verification is trusted before the signature is checked again. */
  readonly ttlMs?: number;
  readonly skewSeconds: number;
}

/**
 * Verifications already made, so the relay's token, which it presents on every callout for
 * hours, is not checked again with RSA each time. Keyed by the SHA-256 of the token (the tokens
 * themselves are not kept); only successful verifications enter, so a forged token can never be
 * a hit. A hit holds only while the signing keys are those it was verified under (any refresh
 * of the metadata or the keys ends it), within a short TTL (so periodic key refreshes still
 * happen on a miss), and while the token's own exp, nbf and iat still pass at this moment.
 */
export class VerifiedTokens<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly capacity: number;
  private readonly ttlMs: number;

  constructor(private readonly options: VerifiedTokensOptions) {
    this.capacity = options.capacity ?? 64;
    this.ttlMs = options.ttlMs ?? 5 * 60 * 1000;
  }

  static key(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
  }

  /** The remembered verification of this token, if it still holds now under this key generation. */
  get(key: string, generation: number, nowMs: number): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    const now = Math.floor(nowMs / 1000); // whole seconds, as jose compares them
    const skew = this.options.skewSeconds;
    const holds =
      entry.generation === generation &&
      nowMs - entry.verifiedAtMs < this.ttlMs &&
      nowMs >= entry.verifiedAtMs &&
      now < entry.exp + skew &&
      (entry.nbf === undefined || now >= entry.nbf - skew) &&
      (entry.iat === undefined || entry.iat <= now + skew);
    if (holds) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Remembers a verification that just succeeded. */
  set(key: string, value: T, times: TokenTimes, generation: number, nowMs: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { ...times, value, generation, verifiedAtMs: nowMs });
  }

  get size(): number {
    return this.entries.size;
  }
}
