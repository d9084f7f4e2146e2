/**
 * Builds the emulator's Graph type index (emulator/graph/graph-type-index.json) from Microsoft's
 * published types, @microsoft/microsoft-graph-types (v1.0) and -beta: for the types the emulator
 * writes or answers, each type's base and its properties, inherited ones included, with a simple
 * kind (graph-type-declarations.ts reads the d.ts files). Only the types the emulator needs are
 * kept (graph-type-roots.ts), sorted, so the committed file is small and regenerates identically.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ts from 'typescript';
import { Declarations, type Declared } from './graph-type-declarations.js';
import { GRAPH_TYPE_ROOTS, type GraphVersion } from './graph-type-roots.js';

export const TYPE_PACKAGES: Readonly<Record<GraphVersion, string>> = {
  'v1.0': '@microsoft/microsoft-graph-types',
  beta: '@microsoft/microsoft-graph-types-beta',
};

/** One type of a version: its base type and every property (own and inherited) with its kind. */
export interface IndexedType {
  readonly base: string | null;
  readonly properties: Readonly<Record<string, string>>;
}

export interface VersionIndex {
  readonly types: Readonly<Record<string, IndexedType>>;
  readonly enums: Readonly<Record<string, readonly string[]>>;
}

export interface GraphTypeIndex {
  readonly generatedFrom: Readonly<Record<string, string>>;
  readonly versions: Readonly<Record<GraphVersion, VersionIndex>>;
}

/** A type to describe, and whether the types derived from it are wanted too. */
interface Reach {
  readonly name: string;
  readonly derived: boolean;
}

const KEYWORDS: ReadonlyMap<ts.SyntaxKind, string> = new Map([
  [ts.SyntaxKind.StringKeyword, 'string'],
  [ts.SyntaxKind.NumberKeyword, 'number'],
  [ts.SyntaxKind.BooleanKeyword, 'boolean'],
  [ts.SyntaxKind.AnyKeyword, 'any'],
]);

/** Builds one version's index: the roots, their bases, and the complex types their properties reach. */
class VersionBuilder {
  private readonly types = new Map<string, IndexedType>();
  private readonly enums = new Map<string, readonly string[]>();
  private readonly derived = new Map<string, string[]>();
  private readonly roots: ReadonlySet<string>;

  constructor(private readonly d: Declarations, roots: readonly string[], version: string) {
    this.roots = new Set(roots);
    for (const [name, decl] of d.interfaces) {
      const base = this.baseOf(decl);
      if (base !== null) this.derived.set(base, [...(this.derived.get(base) ?? []), name]);
    }
    for (const root of roots) {
      if (!d.interfaces.has(root)) throw new Error(`${root} is not a type of the published ${version} types`);
    }
  }

  build(): VersionIndex {
    // A type reached as a property's type (or listed) stands for its derived types too, as a body
    // names one with @odata.type; a type reached as a base type does not.
    const queue: Reach[] = [...this.roots].map((name) => ({ name, derived: true }));
    const withDerived = new Set<string>();
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const { name, derived } = next;
      if (derived && !this.isEntity(name) && !withDerived.has(name)) {
        withDerived.add(name);
        queue.push(...(this.derived.get(name) ?? []).map((d) => ({ name: d, derived: true })));
      }
      const decl = this.d.interfaces.get(name);
      if (this.types.has(name) || decl === undefined) continue;
      const properties: Record<string, string> = {};
      for (let at: Declared | undefined = decl; at !== undefined; at = this.declaredBase(at)) {
        for (const [prop, node] of at.own) properties[prop] ??= this.kind(node, at.scope, queue);
      }
      const base = this.baseOf(decl);
      if (base !== null) queue.push({ name: base, derived: false });
      this.types.set(name, { base, properties: sorted(properties) });
    }
    return { types: sorted(Object.fromEntries(this.types)), enums: sorted(Object.fromEntries(this.enums)) };
  }

  private baseOf(decl: Declared): string | null {
    return decl.base === null ? null : (this.d.resolve(decl.base, decl.scope) ?? null);
  }

  private declaredBase(decl: Declared): Declared | undefined {
    const base = this.baseOf(decl);
    return base === null ? undefined : this.d.interfaces.get(base);
  }

  private isEntity(name: string): boolean {
    for (let at = this.d.interfaces.get(name); at !== undefined; at = this.declaredBase(at)) {
      if (at.scope === '' && at.name === 'Entity') return true;
    }
    return false;
  }

  /** `string`, `enum:…`, `object:…`, `any`, with `[]` for a collection; reached complex types are queued. */
  private kind(node: ts.TypeNode, scope: string, queue: Reach[]): string {
    if (ts.isTypeReferenceNode(node) && node.typeName.getText() === 'NullableOption' && node.typeArguments?.[0] !== undefined) return this.kind(node.typeArguments[0], scope, queue);
    if (ts.isArrayTypeNode(node)) return `${this.kind(node.elementType, scope, queue)}[]`;
    if (ts.isParenthesizedTypeNode(node)) return this.kind(node.type, scope, queue);
    const keyword = KEYWORDS.get(node.kind);
    if (keyword !== undefined) return keyword;
    if (ts.isUnionTypeNode(node)) {
      const kinds = [...new Set(node.types.filter((t) => !(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword)).map((t) => this.kind(t, scope, queue)))];
      return kinds.length === 1 && kinds[0] !== undefined ? kinds[0] : 'any';
    }
    if (!ts.isTypeReferenceNode(node)) return 'any';
    const name = this.d.resolve(node.typeName.getText(), scope);
    if (name === undefined) return 'any';
    const members = this.d.enums.get(name);
    if (members !== undefined) {
      this.enums.set(name, members);
      return `enum:${name}`;
    }
    // Entity types (navigation properties) are described only when listed; complex types always.
    if (!this.isEntity(name) || this.roots.has(name)) queue.push({ name, derived: true });
    return `object:${name}`;
  }
}

function sorted<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const require = createRequire(import.meta.url);

/** The installed package's d.ts and version. */
function published(version: GraphVersion): { readonly file: string; readonly packageVersion: string } {
  const name = TYPE_PACKAGES[version];
  const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string; types?: string };
  return { file: require.resolve(`${name}/${manifest.types ?? 'microsoft-graph.d.ts'}`), packageVersion: manifest.version };
}

/** The index of both versions, from the installed packages. */
export function buildGraphTypeIndex(): GraphTypeIndex {
  const generatedFrom: Record<string, string> = {};
  const build = (version: GraphVersion): VersionIndex => {
    const { file, packageVersion } = published(version);
    generatedFrom[TYPE_PACKAGES[version]] = packageVersion;
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    return new VersionBuilder(new Declarations(sf), GRAPH_TYPE_ROOTS[version], version).build();
  };
  const versions = { 'v1.0': build('v1.0'), beta: build('beta') };
  return { generatedFrom, versions };
}

/** The committed file's text: one type or enum a line, so a regeneration's diff reads type by type. */
export function graphTypeIndexText(index: GraphTypeIndex): string {
  const lines = (record: Readonly<Record<string, unknown>>): string =>
    Object.entries(record).map(([name, value]) => `        ${JSON.stringify(name)}: ${JSON.stringify(value)}`).join(',\n');
  const versions = Object.entries(index.versions).map(
    ([version, v]) => `    ${JSON.stringify(version)}: {\n      "types": {\n${lines(v.types)}\n      },\n      "enums": {\n${lines(v.enums)}\n      }\n    }`,
  );
  return `{\n  "generatedFrom": ${JSON.stringify(index.generatedFrom)},\n  "versions": {\n${versions.join(',\n')}\n  }\n}\n`;
}
