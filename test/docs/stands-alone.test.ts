import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The repository stands alone: a clone has everything its code, comments and docs point at. The
 * protocol notes live in docs/protocol.md (cited `docs/protocol.md §N`), not in a folder beside the
 * repository; every relative link in the docs reaches a file of the repository, and every anchor a
 * heading of it.
 */

const REPO = join(import.meta.dirname, '..', '..');
const PROTOCOL = 'docs/protocol.md';

/** Files a clone has: tracked ones, and new ones not ignored (written, not yet committed). */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const names = new Set(out.split('\0').filter((name) => name !== ''));
  return [...names]
    .filter((name) => !/^(node_modules|dist|dist-deploy)\//.test(name))
    // A file deleted in the working tree (moved, not yet staged) is no longer there to read.
    .filter((name) => existsSync(join(REPO, name)) && statSync(join(REPO, name)).isFile())
    .sort();
}

const FILES = repositoryFiles();
const FILE_SET = new Set(FILES);
const DIRECTORIES = new Set(FILES.flatMap((name) => name.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));

/** Text files with their contents; binary files (a NUL byte) are left out. */
const TEXTS: ReadonlyMap<string, string> = new Map(
  FILES.flatMap((name): [string, string][] => {
    const bytes = readFileSync(join(REPO, name));
    return bytes.includes(0) ? [] : [[name, bytes.toString('utf8')]];
  }),
);

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Every match of `pattern` (global) in every text file, as `file:line: match`. */
function occurrences(pattern: RegExp, keep: (file: string, match: RegExpExecArray) => boolean = () => true): string[] {
  const found: string[] = [];
  for (const [file, text] of TEXTS) {
    for (const match of text.matchAll(pattern)) {
      if (keep(file, match)) found.push(`${file}:${String(lineOf(text, match.index))}: ${match[0]}`);
    }
  }
  return found;
}

/** Inside the repository, as a repository path ('' for its root), or undefined when outside it. */
function inRepository(absolute: string): string | undefined {
  const rel = relative(REPO, absolute);
  if (rel === '..' || rel.startsWith(`..${sep}`) || resolve(REPO, rel) !== absolute) return undefined;
  return rel.split(sep).join('/');
}

function existsInRepository(path: string): boolean {
  return path === '' || FILE_SET.has(path) || DIRECTORIES.has(path);
}

// ---- Markdown: headings, anchors and links -------------------------------------------------------

/** The lines of a Markdown text outside fenced code blocks, with their line numbers. */
function proseLines(text: string): { line: number; text: string }[] {
  const lines: { line: number; text: string }[] = [];
  let fence: string | undefined;
  text.split('\n').forEach((line, i) => {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker !== undefined && (fence === undefined || (marker[0] === fence[0] && marker.length >= fence.length))) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence === undefined) lines.push({ line: i + 1, text: line });
  });
  return lines;
}

/** GitHub's anchor for a heading: rendered text, lowercased, punctuation dropped, spaces as hyphens. */
function headingSlug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '');
  return rendered.trim().toLowerCase().replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '').replace(/\s/g, '-');
}

const anchorCache = new Map<string, ReadonlySet<string>>();

/** The anchors a Markdown file offers: its headings' slugs (repeats numbered as GitHub does) and explicit ids. */
function anchorsOf(file: string): ReadonlySet<string> {
  const cached = anchorCache.get(file);
  if (cached !== undefined) return cached;
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(TEXTS.get(file) ?? '')) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)?.[1];
    if (heading !== undefined) {
      const slug = headingSlug(heading);
      const count = seen.get(slug) ?? 0;
      seen.set(slug, count + 1);
      anchors.add(count === 0 ? slug : `${slug}-${String(count)}`);
    }
    for (const id of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(id[1] ?? '');
  }
  anchorCache.set(file, anchors);
  return anchors;
}

interface Link {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

/** Inline links and images `[text](target "title")` and reference definitions `[ref]: target`, outside code. */
function linksOf(file: string): Link[] {
  const links: Link[] = [];
  for (const { line, text } of proseLines(TEXTS.get(file) ?? '')) {
    const prose = text.replace(/(`+)[^`]*?\1/g, '');
    for (const match of prose.matchAll(/\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ file, line, target: (match[1] ?? '').replace(/^<(.*)>$/, '$1') });
    }
    const definition = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(prose);
    if (definition !== null) links.push({ file, line, target: (definition[1] ?? '').replace(/^<(.*)>$/, '$1') });
  }
  return links;
}

/** Why a relative link does not resolve, or undefined when it does (absolute URLs are not ours to check). */
function brokenLink(link: Link): string | undefined {
  const { target } = link;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return undefined;
  const hash = target.indexOf('#');
  const pathPart = decodeURI(hash < 0 ? target : target.slice(0, hash));
  const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
  let file = link.file;
  if (pathPart !== '') {
    const absolute = pathPart.startsWith('/') ? resolve(REPO, `.${pathPart}`) : resolve(REPO, dirname(link.file), pathPart);
    const path = inRepository(absolute.replace(/[/\\]+$/, ''));
    if (path === undefined) return 'leaves the repository';
    if (!existsInRepository(path)) return 'no such file in the repository';
    file = path;
  }
  if (anchor === undefined || anchor === '' || !file.endsWith('.md') || !FILE_SET.has(file)) return undefined;
  return anchorsOf(file).has(anchor.toLowerCase()) ? undefined : `no heading #${anchor} in ${file}`;
}

const LINKED_DOCS = FILES.filter((name) => ['README.md', 'SECURITY.md', 'infra/README.md'].includes(name) || /^docs\/.*\.md$/.test(name));

// ---- docs/protocol.md and its citations ---------------------------------------------------------

/** The numbered sections of docs/protocol.md: `## N. Title`. */
function protocolSections(): number[] {
  return proseLines(TEXTS.get(PROTOCOL) ?? '').flatMap(({ text }) => {
    const number = /^## (\d+)\. \S/.exec(text)?.[1];
    return number === undefined ? [] : [Number(number)];
  });
}

/** `docs/protocol.md §4, §14`, `§1–2 and §8`, across a comment's line break: the section numbers cited. */
const CITATION = /docs\/protocol\.md((?:[\s*/]*(?:,|and|or)?[\s*/]*§\d+(?:\s*[–-]\s*\d+)?)+)/g;

function citedSections(list: string): number[] {
  return [...list.matchAll(/§(\d+)(?:\s*[–-]\s*(\d+))?/g)].flatMap((m) => {
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    return Array.from({ length: Math.max(to - from + 1, 1) }, (_, i) => from + i);
  });
}

describe('the repository stands alone', () => {
  it('finds the files a clone has', () => {
    expect(FILE_SET.has('README.md')).toBe(true);
    expect(FILE_SET.has(PROTOCOL)).toBe(true);
    expect(FILES.some((name) => name.startsWith('node_modules/'))).toBe(false);
  });

  it('has its protocol notes, sections §1 to §15 numbered in order', () => {
    expect(protocolSections()).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });

  it('points at no folder beside the repository (a shared folder one level up)', () => {
    const outside = occurrences(/(?:\.\.\/)+shared\b/g);
    const absolute = occurrences(/\/work\/shared\b/g);
    expect([...outside, ...absolute]).toEqual([]);
  });

  it('cites the protocol notes as docs/protocol.md, never the notes file outside the repository', () => {
    expect(occurrences(/\bPROTOCOL(?:\.md\b|\s*§)/g)).toEqual([]);
  });

  it('cites only sections docs/protocol.md has', () => {
    const sections = new Set(protocolSections());
    const found: string[] = [];
    for (const [file, text] of TEXTS) {
      for (const match of text.matchAll(CITATION)) {
        const missing = citedSections(match[1] ?? '').filter((n) => !sections.has(n));
        if (missing.length > 0) found.push(`${file}:${String(lineOf(text, match.index))}: ${match[0]} (no §${missing.join(', §')})`);
      }
    }
    expect(found).toEqual([]);
    expect(occurrences(CITATION).length).toBeGreaterThan(0);
  });

  it('resolves every relative link of README.md, SECURITY.md, infra/README.md and docs/', () => {
    expect(LINKED_DOCS).toEqual(expect.arrayContaining(['README.md', 'SECURITY.md', 'infra/README.md', PROTOCOL]));
    const broken = LINKED_DOCS.flatMap(linksOf).flatMap((link) => {
      const why = brokenLink(link);
      return why === undefined ? [] : [`${link.file}:${String(link.line)}: ${link.target} (${why})`];
    });
    expect(broken).toEqual([]);
  });
});

describe('the link checker', () => {
  it('makes the anchors GitHub makes', () => {
    expect(headingSlug('PIM: `--pim`')).toBe('pim---pim');
    expect(headingSlug('13. PIM custom extensions (preview, 2026)')).toBe('13-pim-custom-extensions-preview-2026');
    expect(headingSlug('What waits on us: `npm run requests`')).toBe('what-waits-on-us-npm-run-requests');
    expect(headingSlug('See [the notes](x.md) here')).toBe('see-the-notes-here');
  });

  it('reads the section numbers of a citation, ranges and lists included', () => {
    expect(citedSections(' §4, §14')).toEqual([4, 14]);
    expect(citedSections(' §1–2 and §8')).toEqual([1, 2, 8]);
    expect([...'(docs/protocol.md\n * §5): with'.matchAll(CITATION)].map((m) => citedSections(m[1] ?? ''))).toEqual([[5]]);
  });

  it('tells a broken link, a missing anchor and a path out of the repository from a good link', () => {
    const link = (target: string): string | undefined => brokenLink({ file: 'README.md', line: 1, target });
    expect(link('docs/protocol.md#8-registering-an-extension-graph')).toBeUndefined();
    expect(link('docs/checks/')).toBeUndefined();
    expect(link('https://learn.microsoft.com/')).toBeUndefined();
    expect(link('docs/protocol.md#99-no-such-section')).toBe('no heading #99-no-such-section in docs/protocol.md');
    expect(link('docs/no-such-page.md')).toBe('no such file in the repository');
    expect(link('../outside/notes.md')).toBe('leaves the repository');
    expect(LINKED_DOCS.flatMap(linksOf).length).toBeGreaterThan(20);
  });

  it('treats a path outside the repository as outside', () => {
    expect(inRepository(resolve(REPO, '..', 'shared'))).toBeUndefined();
    expect(inRepository(resolve(REPO, 'docs'))).toBe('docs');
  });
});
