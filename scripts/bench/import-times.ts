import { execFileSync } from 'node:child_process';
import { repositoryRoot } from '../demo/scenarios.js';

/**
 * Cold import: each run a fresh `node` process that times `await import(specifier)` alone, with
 * only PATH and `env` set (the app settings the entry validates at start-up). Milliseconds.
 */
export function importTimes(specifier: string, env: Record<string, string>, runs: number, cwd = repositoryRoot()): number[] {
  const script = `const t=performance.now();await import(${JSON.stringify(specifier)});process.stdout.write(String(performance.now()-t));process.exit(0)`;
  return Array.from({ length: runs }, () =>
    Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { PATH: process.env['PATH'] ?? '', ...env },
        cwd,
        stdio: ['ignore', 'pipe', 'ignore'], // the runtime's "test mode" warnings
      }).toString()),
  );
}
