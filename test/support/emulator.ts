import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TenantEmulator, type TenantEmulatorOptions } from '../../emulator/index.js';
import { pooledSigningKeys } from './signing-key-pool.js';

/** A tenant emulator whose certificate the test workers trust (see global-setup.ts). */
export async function startTestEmulator(options: Omit<TenantEmulatorOptions, 'ca'> = {}): Promise<TenantEmulator> {
  const dir = process.env['EG_TEST_CA_DIR'];
  if (dir === undefined) throw new Error('EG_TEST_CA_DIR is not set: run the tests through vitest (global-setup.ts)');
  return TenantEmulator.start({
    signingKeys: pooledSigningKeys(dir),
    ...options,
    ca: { certPem: readFileSync(join(dir, 'ca.pem'), 'utf8'), keyPem: readFileSync(join(dir, 'ca-key.pem'), 'utf8') },
  });
}
