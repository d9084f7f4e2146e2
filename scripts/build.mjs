// `npm run build` (and every command, which builds first): compiles to dist/ with tsc, or does
// nothing when no source changed since the last build that succeeded. What counts as a change:
// any file added, removed or rewritten (size or modification time) under the compiled folders,
// or a change of the tsconfig files or the lockfile. Plain JavaScript: it runs before anything is built.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['functions', 'src', 'emulator', 'host', 'scripts'];
const CONFIG = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
const STAMP = join(ROOT, 'dist', '.build-stamp');
const USAGE = `Usage: npm run build [-- --force]

Compiles functions/, src/, emulator/, host/ and scripts/ to dist/ (tsc -p tsconfig.build.json),
unless nothing changed since the last successful build.

  --force     compile even when nothing changed
  -h, --help  this text
`;

/** Every file under the compiled folders and the config files, with its size and modification time. */
function fingerprint() {
  const lines = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const { size, mtimeMs } = statSync(path);
        lines.push(`${relative(ROOT, path)}\t${size}\t${mtimeMs}`);
      }
    }
  };
  for (const dir of SOURCES) if (existsSync(join(ROOT, dir))) walk(join(ROOT, dir));
  for (const file of CONFIG) {
    const path = join(ROOT, file);
    if (existsSync(path)) {
      const { size, mtimeMs } = statSync(path);
      lines.push(`${file}\t${size}\t${mtimeMs}`);
    }
  }
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}

function main(argv) {
  const flags = new Set(argv);
  if (flags.has('--help') || flags.has('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const unknown = argv.find((a) => a !== '--force');
  if (unknown !== undefined) {
    process.stderr.write(`build: unknown argument ${JSON.stringify(unknown)}\n\n${USAGE}`);
    return 2;
  }
  const before = fingerprint();
  if (!flags.has('--force') && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === before) return 0;
  rmSync(STAMP, { force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo'], { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) return run.status ?? 1;
  mkdirSync(dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, before);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
