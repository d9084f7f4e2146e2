import { describe, expect, it } from 'vitest';
import { importCircles, importGraph, sourceFiles } from './import-graph.js';

describe('imports', () => {
  it('no file of the repository is part of an import circle, type-only imports included', () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(500);
    const circles = importCircles(importGraph(files)).map((c) => c.join(' → '));
    expect(circles, circles.join('\n')).toEqual([]);
  });

  it('finds a circle of two files, of three, and a file that imports itself, and not a chain', () => {
    const circles = importCircles(new Map([
      ['a.ts', ['b.ts']], ['b.ts', ['a.ts', 'c.ts']],
      ['c.ts', ['d.ts']], ['d.ts', ['e.ts']], ['e.ts', ['c.ts']],
      ['f.ts', ['f.ts']],
      ['g.ts', ['h.ts']], ['h.ts', []],
    ]));
    expect(circles.sort()).toEqual([['a.ts', 'b.ts'], ['c.ts', 'd.ts', 'e.ts'], ['f.ts']]);
  });
});
