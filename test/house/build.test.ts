// scripts/build.mjs (`npm run build`, run before every command): compiles only when a source
// changed. Run on a small project of its own (a temporary copy of the script, a tsconfig and one
// source file), so the test compiles one file, not the repository.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let root: string;
const build = (...args: string[]) => spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), ...args], { cwd: root, encoding: 'utf8' });
const output = () => join(root, 'dist', 'src', 'a.js');

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'eg-build-'));
  mkdirSync(join(root, 'scripts'));
  mkdirSync(join(root, 'src'));
  copyFileSync('scripts/build.mjs', join(root, 'scripts', 'build.mjs'));
  symlinkSync(resolve('node_modules'), join(root, 'node_modules'), 'dir');
  writeFileSync(join(root, 'tsconfig.build.json'), JSON.stringify({
    // No standard library, a few empty global types instead: each compile takes a fraction of a second.
    compilerOptions: { target: 'es2023', module: 'nodenext', moduleResolution: 'nodenext', strict: true, rootDir: '.', outDir: 'dist', types: [], noLib: true },
    include: ['src'],
  }));
  writeFileSync(join(root, 'src', 'globals.d.ts'), ['Array<T>', 'Boolean', 'CallableFunction', 'Function', 'IArguments', 'NewableFunction', 'Number', 'Object', 'RegExp', 'String'].map((t) => `interface ${t} {}\n`).join(''));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(root, 'src', 'a.ts'), 'export const a: number = 1;\n');
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('npm run build', () => {
  it('compiles the first time, then does nothing while no source changes', () => {
    expect(build().status).toBe(0);
    expect(readFileSync(output(), 'utf8')).toContain('export const a = 1;');
    rmSync(output());
    expect(build().status).toBe(0);
    expect(existsSync(output())).toBe(false);
  });

  it('compiles again when a source changes', () => {
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a: number = 2;\n');
    expect(build().status).toBe(0);
    expect(readFileSync(output(), 'utf8')).toContain('export const a = 2;');
  });

  it('a source that does not compile fails the build and leaves no stamp; --force compiles', () => {
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a: number = "two";\n');
    const failed = build();
    expect(failed.status).not.toBe(0);
    expect(failed.stdout).toContain('TS2322');
    expect(existsSync(join(root, 'dist', '.build-stamp'))).toBe(false);
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a: number = 3;\n');
    rmSync(output());
    expect(build('--force').status).toBe(0);
    expect(readFileSync(output(), 'utf8')).toContain('export const a = 3;');
  });

  it('--help prints the usage, exit 0; an unknown argument is one line and the usage, exit 2', () => {
    const help = build('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run build/);
    const bad = build('--fast');
    expect(bad.status).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe('build: unknown argument "--fast"');
    expect(bad.stderr).toContain(help.stdout);
  });
});
