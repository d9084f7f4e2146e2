import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { Language, Parser, type Node } from 'web-tree-sitter';

/** A parsed Bicep file: its text, syntax tree and every syntax problem found (file:line:col). */
export interface BicepFile {
  readonly path: string;
  readonly text: string;
  readonly root: Node;
  readonly problems: readonly string[];
}

export const REPO = join(import.meta.dirname, '..', '..', '..');
export const INFRA = join(REPO, 'infra');

const require = createRequire(import.meta.url);

// The grammar ships as WebAssembly, so no native build (node-gyp) is needed on any Node version.
let parser: Promise<Parser> | undefined;
function bicepParser(): Promise<Parser> {
  parser ??= (async () => {
    await Parser.init();
    const language = await Language.load(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm'));
    const p = new Parser();
    p.setLanguage(language);
    return p;
  })();
  return parser;
}

// `extension <alias>` (Bicep 0.30+) is newer than tree-sitter-bicep 1.1.0, which knows only
// `import`/`provider`. Such a line is checked against this pattern, then blanked (same length,
// so every position the parser reports stays true) before parsing.
const EXTENSION_STATEMENT = /^extension\s+(?:[A-Za-z_][A-Za-z0-9_]*|'[^'\\\r\n]+')\s*(?:\/\/.*)?$/;

function maskExtensions(name: string, text: string): { text: string; problems: string[] } {
  const problems: string[] = [];
  const lines = text.split('\n').map((line, i) => {
    if (!/^\s*extension\b/.test(line)) return line;
    if (!EXTENSION_STATEMENT.test(line.trim())) problems.push(`${name}:${String(i + 1)}:1 malformed extension statement`);
    return ' '.repeat(line.length);
  });
  return { text: lines.join('\n'), problems };
}

function syntaxProblems(name: string, node: Node, out: string[]): void {
  if (node.isError || node.isMissing) {
    const { row, column } = node.startPosition;
    const what = node.isMissing ? `missing ${node.type}` : `unexpected ${JSON.stringify(node.text.slice(0, 40))}`;
    out.push(`${name}:${String(row + 1)}:${String(column + 1)} ${what}`);
    if (node.isError) return; // its children belong to the same mistake
  }
  for (const child of node.children) syntaxProblems(name, child, out);
}

/** Parses Bicep source; `name` labels the problems (a path relative to the repository). */
export async function parseBicepText(name: string, source: string): Promise<BicepFile> {
  const masked = maskExtensions(name, source);
  const tree = (await bicepParser()).parse(masked.text);
  if (tree === null) throw new Error(`${name}: the parser returned no tree`);
  const problems = [...masked.problems];
  syntaxProblems(name, tree.rootNode, problems);
  return { path: name, text: source, root: tree.rootNode, problems };
}

const cache = new Map<string, Promise<BicepFile>>();

/** Parses a file under infra/ (path relative to infra/), once per test file. */
export function bicepFile(pathInInfra: string): Promise<BicepFile> {
  let file = cache.get(pathInInfra);
  if (file === undefined) {
    const absolute = join(INFRA, pathInInfra);
    file = parseBicepText(relative(REPO, absolute), readFileSync(absolute, 'utf8'));
    cache.set(pathInInfra, file);
  }
  return file;
}

/** Every .bicep file under infra/, relative to infra/, sorted. */
export function bicepPaths(dir = INFRA): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.bicep'))
    .map((entry) => relative(INFRA, join(entry.parentPath, entry.name)))
    .sort();
}

export function readInfraJson(pathInInfra: string): unknown {
  return JSON.parse(readFileSync(join(INFRA, pathInInfra), 'utf8')) as unknown;
}
