import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority } from '../../emulator/index.js';
import { writeSigningKeyPool } from './signing-key-pool.js';

/** What the project's code and tests name their temporary files and directories by. */
const OURS = 'eg-';
const TEMP_SETTINGS = ['TMPDIR', 'TMP', 'TEMP'] as const;

/**
 * A temporary directory of this run's own, made the workers' (and their children's) os.tmpdir()
 * so no other process's files are counted; when the run ends, what is left in it under our
 * prefix fails the run (a test or the code under test did not remove what it made), and the
 * directory goes whatever it holds.
 */
function runTempDir(): { readonly dir: string; check(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'eg-test-run-'));
  const saved = TEMP_SETTINGS.map((name) => [name, process.env[name]] as const);
  for (const name of TEMP_SETTINGS) process.env[name] = dir;
  return {
    dir,
    check() {
      for (const [name, value] of saved) {
        if (value === undefined) Reflect.deleteProperty(process.env, name);
        else process.env[name] = value;
      }
      const left = readdirSync(dir).filter((name) => name.startsWith(OURS));
      rmSync(dir, { recursive: true, force: true });
      if (left.length === 0) return;
      // A throw here is only printed ("error during close"): the exit code is what fails the run.
      process.stderr.write(`\nFAIL: tests left temporary files behind (removed now): ${left.join(', ')}; remove what a test (or the code it runs) makes, in afterAll/afterEach\n`);
      process.exitCode = 1;
    },
  };
}

/** Creates the run's CA and its pool of emulator signing keys (signing-key-pool.ts); workers inherit NODE_EXTRA_CA_CERTS (Node reads it only at start-up). */
export default async function setup(): Promise<() => void> {
  // vitest.config.ts has two projects, and each runs the global setup: the run's directory, CA
  // and keys are made once, by the first, which also checks and removes them at the end.
  if (process.env['EG_TEST_RUN_OWNER'] === String(process.pid)) return () => undefined;
  process.env['EG_TEST_RUN_OWNER'] = String(process.pid);
  const temp = runTempDir();
  const dir = join(temp.dir, 'test-ca');
  mkdirSync(dir);
  const ca = await createCertificateAuthority('entitlement-guard test CA');
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  writeFileSync(join(dir, 'ca-key.pem'), ca.keyPem, { mode: 0o600 });
  await writeSigningKeyPool(dir);
  process.env['NODE_EXTRA_CA_CERTS'] = join(dir, 'ca.pem');
  process.env['EG_TEST_CA_DIR'] = dir;
  return () => { temp.check(); };
}
