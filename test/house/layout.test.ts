import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The README's Layout table, as the paths its first column names (`a/`, and `b/`, `c/` after it). */
function layoutPaths(): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('\n## Layout'), readme.indexOf('\n## ', readme.indexOf('\n## Layout') + 1));
  const rows = section.split('\n').filter((l) => l.startsWith('| `'));
  return rows.flatMap((row) => {
    const cell = row.split('|')[1] ?? '';
    const names = [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
    const parent = (names[0] ?? '').replace(/[^/]+\/$/, '');
    return names.map((n, i) => (i === 0 ? n : parent + n));
  });
}

const folders = (root: string): string[] =>
  readdirSync(root).filter((n) => statSync(join(root, n)).isDirectory()).map((n) => `${root}/${n}/`);

describe('README Layout', () => {
  it('names every folder of emulator/ and scripts/, and each named folder exists', () => {
    const named = layoutPaths();
    const rooms = [...folders('emulator'), ...folders('scripts')].filter((f) => f !== 'emulator/tenants/');
    expect(rooms.filter((f) => !named.includes(f))).toEqual([]);
    const missing = named.filter((p) => p.endsWith('/') && !(() => { try { return statSync(p).isDirectory(); } catch { return false; } })());
    expect(missing).toEqual([]);
  });

  it('keeps scripts/ to entries: every command in package.json runs a file directly under dist/scripts/ or dist/host/', () => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    const entries = Object.values(scripts).flatMap((s) => [...s.matchAll(/node (dist\/[\w/-]+\.js)/g)].map((m) => m[1] ?? ''));
    expect(entries.length).toBeGreaterThan(10);
    for (const entry of entries) expect(entry, entry).toMatch(/^dist\/(scripts|host)\/[\w-]+\.js$/);
  });
});
