import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority } from '../../emulator/index.js';

/** Creates the run's CA; workers inherit NODE_EXTRA_CA_CERTS (Node reads it only at start-up). */
export default async function setup(): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'eg-test-ca-'));
  const ca = await createCertificateAuthority('entitlement-guard test CA');
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  writeFileSync(join(dir, 'ca-key.pem'), ca.keyPem, { mode: 0o600 });
  process.env['NODE_EXTRA_CA_CERTS'] = join(dir, 'ca.pem');
  process.env['EG_TEST_CA_DIR'] = dir;
  return () => { rmSync(dir, { recursive: true, force: true }); };
}
