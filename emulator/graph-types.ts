import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TYPE_LAG } from './graph-type-lag.js';

/**
 * Graph's types as Microsoft publishes them (@microsoft/microsoft-graph-types and -beta), for the
 * types the emulator writes and answers: emulator/graph-type-index.json, written by
 * `npm run graph-types` (scripts/write-graph-type-index.ts), with the documented additions of
 * graph-type-lag.ts. Read once, at the first check, from the file beside the sources.
 */
export type GraphVersion = 'v1.0' | 'beta';

/** A type: its base type and every property, inherited ones included, with its kind (`string`, `enum:…`, `object:…`, `[]` for a collection). */
export interface GraphType {
  readonly base: string | null;
  readonly properties: Readonly<Record<string, string>>;
}

interface VersionTypes {
  readonly types: ReadonlyMap<string, GraphType>;
  readonly enums: ReadonlyMap<string, readonly string[]>;
}

interface IndexFile {
  readonly versions: Readonly<Record<GraphVersion, { readonly types: Record<string, GraphType>; readonly enums: Record<string, string[]> }>>;
}

/** The index from the sources or from the build (dist/emulator → emulator): tsc does not copy it. */
function indexPath(): string {
  const beside = fileURLToPath(new URL('./graph-type-index.json', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../../emulator/graph-type-index.json', import.meta.url));
}

function withLag(version: GraphVersion, file: IndexFile): VersionTypes {
  const { types, enums } = file.versions[version];
  const lag = TYPE_LAG[version];
  const merged = new Map<string, GraphType>(Object.entries(types));
  for (const [name, { base, properties }] of Object.entries(lag.types)) {
    merged.set(name, { base, properties: { ...(base === null ? {} : merged.get(base)?.properties), ...properties } });
  }
  for (const [name, { properties }] of Object.entries(lag.properties)) {
    const type = merged.get(name);
    if (type !== undefined) merged.set(name, { ...type, properties: { ...type.properties, ...properties } });
  }
  const members = new Map<string, readonly string[]>(Object.entries(enums));
  for (const [name, extra] of Object.entries(lag.enumMembers)) members.set(name, [...(members.get(name) ?? []), ...extra.members]);
  return { types: merged, enums: members };
}

let loaded: Readonly<Record<GraphVersion, VersionTypes>> | undefined;

function versionTypes(version: GraphVersion): VersionTypes {
  if (loaded === undefined) {
    const file = JSON.parse(readFileSync(indexPath(), 'utf8')) as IndexFile;
    loaded = { 'v1.0': withLag('v1.0', file), beta: withLag('beta', file) };
  }
  return loaded[version];
}

/** The version a call names (the routes take v1.0 and beta only). */
export const graphVersion = (version: string): GraphVersion => (version === 'beta' ? 'beta' : 'v1.0');

/** A type of the index, by its full name (`microsoft.graph.user`); undefined when the index does not describe it. */
export function graphType(version: GraphVersion, name: string): GraphType | undefined {
  return versionTypes(version).types.get(name);
}

export function enumMembers(version: GraphVersion, name: string): readonly string[] | undefined {
  return versionTypes(version).enums.get(name);
}

/** Whether `name` is `base` or derives from it. */
export function derivesFrom(version: GraphVersion, name: string, base: string): boolean {
  for (let at: string | null = name; at !== null; at = graphType(version, at)?.base ?? null) {
    if (at === base) return true;
  }
  return false;
}
