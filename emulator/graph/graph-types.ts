import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TYPE_LAG, type TypeLag } from './graph-type-lag.js';

/**
 * Graph's types as Microsoft publishes them (@microsoft/microsoft-graph-types and -beta), for the
 * types the emulator writes and answers: emulator/graph/graph-type-index.json, written by
 * `npm run graph-types` (scripts/write-graph-type-index.ts), with the documented additions of
 * graph-type-lag.ts (emulatorTypes), or without them (graphTypeModel with NO_TYPE_LAG: what the
 * tests hold our own schemas and the lag list to). Read once, at the first check, from the file
 * beside the sources.
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
  /** Bases a type has besides its published one (graph-type-lag.ts). */
  readonly bases: ReadonlyMap<string, string>;
}

interface IndexFile {
  readonly versions: Readonly<Record<GraphVersion, { readonly types: Record<string, GraphType>; readonly enums: Record<string, string[]> }>>;
}

/** The index from the sources or from the build (dist/emulator/graph → emulator/graph): tsc does not copy it. */
function indexPath(): string {
  const beside = fileURLToPath(new URL('./graph-type-index.json', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../../../emulator/graph/graph-type-index.json', import.meta.url));
}

function withLag(version: GraphVersion, file: IndexFile, lag: TypeLag): VersionTypes {
  const { types, enums } = file.versions[version];
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
  return { types: merged, enums: members, bases: new Map(Object.entries(lag.bases).map(([name, { base }]) => [name, base])) };
}

let indexFile: IndexFile | undefined;
const readIndex = (): IndexFile => (indexFile ??= JSON.parse(readFileSync(indexPath(), 'utf8')) as IndexFile);

/** One version's types, as the schema check reads them. */
export interface GraphTypeModel {
  readonly version: GraphVersion;
  /** A type by its full name (`microsoft.graph.user`); undefined when the model does not describe it. */
  type(name: string): GraphType | undefined;
  enumMembers(name: string): readonly string[] | undefined;
  /** Whether `name` is `base` or derives from it. */
  derivesFrom(name: string, base: string): boolean;
}

/** No lag: the published types alone. */
export const NO_TYPE_LAG: TypeLag = { types: {}, properties: {}, enumMembers: {}, bases: {} };

/**
 * The index of one version with a lag list: graph-type-lag.ts's unless said (the emulator's);
 * NO_TYPE_LAG gives the published types alone, a list without one entry shows what it changes.
 */
export function graphTypeModel(version: GraphVersion, lag: TypeLag = TYPE_LAG[version]): GraphTypeModel {
  const { types, enums, bases } = withLag(version, readIndex(), lag);
  const derivesFrom = (name: string, base: string): boolean => {
    for (let at: string | null = name; at !== null; at = types.get(at)?.base ?? null) {
      const other = bases.get(at);
      if (at === base || (other !== undefined && derivesFrom(other, base))) return true;
    }
    return false;
  };
  return { version, type: (name) => types.get(name), enumMembers: (name) => enums.get(name), derivesFrom };
}

const models = new Map<GraphVersion, GraphTypeModel>();

/** The emulator's model of a version (the index with graph-type-lag.ts), read once, at the first check. */
export function emulatorTypes(version: GraphVersion): GraphTypeModel {
  let model = models.get(version);
  if (model === undefined) {
    model = graphTypeModel(version);
    models.set(version, model);
  }
  return model;
}

/** The version a call names (the routes take v1.0 and beta only). */
export const graphVersion = (version: string): GraphVersion => (version === 'beta' ? 'beta' : 'v1.0');
