import { build } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../../scripts/demo/scenarios.js';
import { spawnListening, type LocalHostProcess } from '../../scripts/common/local-host-process.js';

/**
 * `npm start`'s local host (host/main.ts) bundled for this test run with esbuild (well under a
 * second), packages left to node_modules: the tests start it as real, separate processes without
 * a `tsc` build. The bundle lives under node_modules/.cache so that its package imports resolve.
 */
export async function bundleLocalHost(): Promise<{ readonly entry: string; remove(): void }> {
  const root = repositoryRoot();
  const dir = join(root, 'node_modules', '.cache', 'entitlement-guard-test', `host-${String(process.pid)}`);
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'main.mjs');
  await build({
    entryPoints: [join(root, 'host', 'main.ts')], outfile: entry, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'silent',
  });
  return { entry, remove: () => { rmSync(dir, { recursive: true, force: true }); } };
}

/** One local host process from the bundle, configured only from `env` (plus the run's trusted CA). */
export function startHostProcess(entry: string, env: Record<string, string>): Promise<LocalHostProcess> {
  const ca = process.env['NODE_EXTRA_CA_CERTS'];
  if (ca === undefined) throw new Error('NODE_EXTRA_CA_CERTS is not set: run the tests through vitest (global-setup.ts)');
  return spawnListening(entry, { NODE_EXTRA_CA_CERTS: ca, ...env });
}
