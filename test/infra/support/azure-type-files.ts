import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './bicep-tree.js';

/**
 * The vendored type definitions (test/infra/azure-types, see its README): which file defines a
 * type@apiVersion, each file read and parsed once per test file, and the Microsoft Graph extension
 * versions a bicepconfig.json may name.
 */

export const AZURE_TYPES = join(REPO, 'test', 'infra', 'azure-types');

export interface Ref {
  readonly $ref: string;
}
export interface Property {
  readonly type: Ref;
  readonly flags?: number;
}
export interface ResourceTypeNode {
  readonly $type: 'ResourceType';
  readonly name: string;
  readonly body: Ref;
  /** Azure: where the type can be referenced (`existing`) and deployed, as SCOPE bits; 0 writable: only `existing`. */
  readonly readableScopes?: number;
  readonly writableScopes?: number;
  /** Extensions (Graph): SCOPE bits, 0 for any; flags bit 1: read-only (only `existing`). */
  readonly scopeType?: number;
  readonly flags?: number;
}
export type TypeNode =
  | ResourceTypeNode
  | { readonly $type: 'ObjectType'; readonly name: string; readonly properties: Readonly<Record<string, Property>>; readonly additionalProperties?: Ref }
  | { readonly $type: 'DiscriminatedObjectType'; readonly name: string; readonly discriminator: string; readonly baseProperties: Readonly<Record<string, Property>>; readonly elements: Readonly<Record<string, Ref>> }
  | { readonly $type: 'StringType'; readonly minLength?: number; readonly maxLength?: number; readonly pattern?: string }
  | { readonly $type: 'StringLiteralType'; readonly value: string }
  | { readonly $type: 'UnionType'; readonly elements: readonly Ref[] }
  | { readonly $type: 'ArrayType'; readonly itemType: Ref; readonly minLength?: number; readonly maxLength?: number }
  | { readonly $type: 'IntegerType'; readonly minValue?: number; readonly maxValue?: number }
  | { readonly $type: 'BooleanType' }
  | { readonly $type: 'AnyType' }
  | { readonly $type: 'NullType' }
  | { readonly $type: 'ResourceFunctionType' };

/** The scope bits of bicep-types (ScopeType): where a resource type can be deployed or referenced. */
export const SCOPE = { tenant: 1, managementGroup: 2, subscription: 4, resourceGroup: 8, resource: 16 } as const;
export type ScopeName = keyof typeof SCOPE;
const ANY_SCOPE = 31;

export function scopeNames(bits: number): string {
  return (Object.entries(SCOPE) as [ScopeName, number][]).filter(([, bit]) => (bits & bit) !== 0).map(([name]) => name).join(', ') || 'none';
}

type Index = Readonly<Record<string, Readonly<Record<string, string>>>>;

let index: Index | undefined;
/** Resource type → API version → types.json (relative to AZURE_TYPES). */
export function vendoredIndex(): Index {
  index ??= JSON.parse(readFileSync(join(AZURE_TYPES, 'index.json'), 'utf8')) as Index;
  return index;
}

interface TypesFile {
  readonly types: readonly TypeNode[];
  readonly resourceTypes: ReadonlyMap<string, ResourceTypeNode>;
}

const files = new Map<string, TypesFile>();
export function typesFile(path: string): TypesFile {
  let file = files.get(path);
  if (file === undefined) {
    const types = JSON.parse(readFileSync(join(AZURE_TYPES, path), 'utf8')) as TypeNode[];
    const resourceTypes = new Map(types.flatMap((t) => (t.$type === 'ResourceType' ? [[t.name, t] as const] : [])));
    file = { types, resourceTypes };
    files.set(path, file);
  }
  return file;
}

/** Every ResourceType a vendored types.json defines, as type@apiVersion. */
export function definedResourceTypes(path: string): string[] {
  return [...typesFile(path).resourceTypes.keys()];
}

export function isVendored(typeAtVersion: string): boolean {
  const [type = '', version = ''] = typeAtVersion.split('@');
  return vendoredIndex()[type]?.[version] !== undefined;
}

/** Where a type can be deployed (writable) and referenced with `existing` (readable), as SCOPE bits. */
export function scopesOf(t: ResourceTypeNode): { readable: number; writable: number } {
  if (t.writableScopes !== undefined || t.readableScopes !== undefined) {
    // 0 readable: not stated (a type such as sites/config is read through its parent): any.
    return { readable: t.readableScopes === 0 ? ANY_SCOPE : (t.readableScopes ?? ANY_SCOPE), writable: t.writableScopes ?? 0 };
  }
  const any = t.scopeType === undefined || t.scopeType === 0 ? ANY_SCOPE : t.scopeType;
  return { readable: any, writable: ((t.flags ?? 0) & 1) !== 0 ? 0 : any };
}

// The Microsoft Graph Bicep extension, as bicepconfig.json names it: the full registry reference or
// the br/public alias of mcr.microsoft.com/bicep.
const GRAPH_EXTENSION = /^br(?::mcr\.microsoft\.com\/bicep\/|\/public:)extensions\/microsoftgraph\/(v1\.0|beta):([\w.-]+)$|^br\/public:microsoftgraph\/(v1\.0|beta):([\w.-]+)$/;

/** The vendored types.json of an extension reference, or why there is none. */
export function extensionTypes(reference: string): { path: string } | { problem: string } {
  const match = GRAPH_EXTENSION.exec(reference);
  if (match === null) return { problem: `${reference} is not the Microsoft Graph extension (br:mcr.microsoft.com/bicep/extensions/microsoftgraph/<v1.0|beta>:<version>), the only one vendored` };
  const api = match[1] ?? match[3] ?? '';
  const version = match[2] ?? match[4] ?? '';
  const path = `graph/${api}/${version}/types.json`;
  if (!existsSync(join(AZURE_TYPES, path))) {
    return { problem: `microsoftgraph/${api}:${version} is no version of the Microsoft Graph extension vendored in test/infra/azure-types (${graphVersions().join(', ')})` };
  }
  return { path };
}

/** The vendored Graph extension versions, as `<api>:<version>`. */
export function graphVersions(): string[] {
  const indexed = Object.values(vendoredIndex()).flatMap((versions) => Object.values(versions)).filter((p) => p.startsWith('graph/'));
  return [...new Set(indexed)].map((p) => p.split('/').slice(1, 3).join(':')).sort();
}
