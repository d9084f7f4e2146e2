import { randomUUID, type webcrypto } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';

/** Where new RS256 key pairs come from (default: generated, which takes a few hundred ms on a busy machine). */
export type KeyPairSource = () => Promise<{ readonly privateKey: webcrypto.CryptoKey; readonly publicKey: webcrypto.CryptoKey }>;

const generateRs256: KeyPairSource = () => generateKeyPair('RS256', { extractable: true });

interface SigningKey {
  readonly kid: string;
  readonly privateKey: webcrypto.CryptoKey;
  readonly publicJwk: JWK;
}

/**
 * The emulated tenant's token signing keys: RS256, published in a JWKS without `alg` (as Entra
 * does), rotatable while running. It signs both the relay's tokens (for tests) and the managed
 * identity's Graph tokens, and verifies the latter on Graph calls.
 */
export class TokenIssuer {
  private keys: SigningKey[] = [];
  /** The published keys, imported once per rotation (not on every Graph call). */
  private published: ReturnType<typeof createLocalJWKSet> = createLocalJWKSet({ keys: [] });

  private constructor(private readonly newKeyPair: KeyPairSource) {}

  static async create(newKeyPair: KeyPairSource = generateRs256): Promise<TokenIssuer> {
    const issuer = new TokenIssuer(newKeyPair);
    await issuer.rotate();
    return issuer;
  }

  get currentKid(): string {
    return this.current().kid;
  }

  /** Adds a new signing key and signs with it from now on; `retirePrevious` drops the old ones from the JWKS. */
  async rotate(options: { retirePrevious?: boolean } = {}): Promise<string> {
    const { privateKey, publicKey } = await this.newKeyPair();
    const kid = randomUUID().replace(/-/g, '').slice(0, 24);
    const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, use: 'sig' };
    this.keys = options.retirePrevious === true ? [{ kid, privateKey, publicJwk }] : [{ kid, privateKey, publicJwk }, ...this.keys];
    this.published = createLocalJWKSet(this.jwks());
    return kid;
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** Signs claims with the current key (or the key `kid` names, or a bare `kid` that matches none). */
  async sign(claims: JWTPayload, options: { kid?: string; typ?: string } = {}): Promise<string> {
    const key = options.kid === undefined ? this.current() : (this.keys.find((k) => k.kid === options.kid) ?? this.current());
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: options.typ ?? 'JWT', kid: options.kid ?? key.kid }).sign(key.privateKey);
  }

  async verify(token: string, options: { issuer: string; audience: string }): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.published, { ...options, algorithms: ['RS256'] });
    return payload;
  }

  private current(): SigningKey {
    const key = this.keys[0];
    if (key === undefined) throw new Error('no signing key');
    return key;
  }
}
