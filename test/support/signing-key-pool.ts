import { generateKeyPair } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { importPKCS8, importSPKI } from 'jose';
import type { KeyPairSource } from '../../emulator/index.js';

/**
 * RS256 key pairs made once per test run (global-setup.ts) instead of once per emulator: a test
 * file starts an emulator per test, and generating its RSA key was most of that start. Each worker
 * hands them out in turn, so emulators that run side by side (and a rotation) still sign with
 * different keys. The pool lives in the run's temporary CA directory, removed when the run ends.
 */
const POOL_SIZE = 16;
const FILE = 'signing-keys.json';

interface PemKeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

const generate = promisify(generateKeyPair);

export async function writeSigningKeyPool(dir: string): Promise<void> {
  const pairs: PemKeyPair[] = await Promise.all(
    Array.from({ length: POOL_SIZE }, () =>
      generate('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }),
    ),
  );
  writeFileSync(join(dir, FILE), JSON.stringify(pairs), { mode: 0o600 });
}

let pool: Promise<Awaited<ReturnType<KeyPairSource>>[]> | undefined;
let next = 0;

/** The run's key pairs in turn (one after the other, round the pool). */
export function pooledSigningKeys(dir: string): KeyPairSource {
  return async () => {
    pool ??= Promise.all(
      (JSON.parse(readFileSync(join(dir, FILE), 'utf8')) as PemKeyPair[]).map(async (p) => ({
        privateKey: await importPKCS8(p.privateKey, 'RS256', { extractable: true }),
        publicKey: await importSPKI(p.publicKey, 'RS256', { extractable: true }),
      })),
    );
    const keys = await pool;
    const pair = keys[next % keys.length];
    next += 1;
    if (pair === undefined) throw new Error(`${FILE} holds no keys`);
    return pair;
  };
}
