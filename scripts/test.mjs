// `npm test`: ESLint, the type check and vitest, started together. The tests spend much of their
// time waiting on loopback HTTPS and timers, which leaves room for the two static checks on the
// same cores; run one after the other, the three took a minute longer. Vitest's output streams as
// it comes; the lint's and the type check's are printed when they end, each under its name. The
// exit code is 0 only when all three pass. Arguments go to vitest (`npm test -- test/cli`).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Runs a Node entry point; resolves with its exit code and, when buffered, its output. */
function run(name, entry, args, buffered) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry, ...args], { cwd: ROOT, stdio: buffered ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    if (buffered) {
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
    }
    child.on('error', (error) => resolve({ name, code: 1, output: `${output}${error.message}\n`, seconds: 0 }));
    child.on('close', (code, signal) => resolve({ name, code: code ?? (signal === null ? 1 : 128), output, seconds: (Date.now() - started) / 1000 }));
  });
}

const checks = [
  run('lint', join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), ['.'], true),
  // As `npm run typecheck`: incremental, so a run after a small change checks little.
  run('typecheck', require.resolve('typescript/bin/tsc'), ['--noEmit', '-p', '.', '--incremental', '--tsBuildInfoFile', 'node_modules/.cache/entitlement-guard/typecheck.tsbuildinfo'], true),
];
const tests = await run('vitest', join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), ['run', ...process.argv.slice(2)], false);
const results = [...(await Promise.all(checks)), tests];
for (const { name, code, output, seconds } of results) {
  if (output !== undefined && output.trim() !== '') process.stdout.write(`\n── ${name} ──\n${output.trimEnd()}\n`);
  process.stdout.write(`${name}: ${code === 0 ? 'passed' : `failed (exit ${code})`} in ${seconds.toFixed(0)} s\n`);
}
process.exitCode = results.every((r) => r.code === 0) ? 0 : 1;
