import type * as V1 from '@microsoft/microsoft-graph-types';
import { isAppError } from '../errors.js';
import { graphErrorCode, type GraphAnswer, type GraphCall, type GraphHttp } from '../graph/graph-http.js';
import { graphPath } from '../graph/graph-path.js';
import type { Keyed, OrUndefined, Unchecked } from '../graph/graph-types.js';
import { sendWithRetry, type Deadline, type RetryOptions } from '../graph/retry.js';
import { parseGuid, type Guid } from '../guid.js';
import { WhatIfError } from './what-if-error.js';

export interface WhatIfUser extends OrUndefined<Pick<V1.User, 'displayName' | 'userPrincipalName'>> {
  readonly id: Guid;
}

export interface WhatIfCatalog extends OrUndefined<Pick<V1.AccessPackageCatalog, 'displayName'>> {
  readonly id: Guid;
}

export interface WhatIfPackage extends OrUndefined<Pick<V1.AccessPackage, 'displayName'>>, Keyed<V1.AccessPackage, 'catalog', WhatIfCatalog> {
  readonly id: Guid;
  /** Whether the catalog was read from Graph or given with --catalog. */
  readonly catalogFrom: 'graph' | 'argument';
}

/** What the reads below $select, by Graph's names; nothing is checked until read. */
type UserAnswer = Unchecked<V1.User, 'id' | 'displayName' | 'userPrincipalName'>;
type PackageAnswer = Unchecked<V1.AccessPackage, 'id' | 'displayName' | 'catalog'>;
type CatalogAnswer = Unchecked<V1.AccessPackageCatalog, 'id' | 'displayName'>;

const ELM = ['identityGovernance', 'entitlementManagement'] as const;

/** A JSON object (not an array), its fields read by a Graph type's names; anything else is undefined. */
const objectOf = (value: unknown): object | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const what = (call: GraphCall) => `GET ${call.version} ${call.path.split('?')[0] ?? call.path}`;

/** Reads once (retrying as fact reads do); a transport failure or exhausted retries is exit 1. */
async function read(http: GraphHttp, call: GraphCall, deadline: Deadline, retry: RetryOptions): Promise<GraphAnswer> {
  try {
    return await sendWithRetry(http, call, deadline, retry);
  } catch (error) {
    if (isAppError(error)) throw new WhatIfError(1, `${what(call)} failed: ${error.message}`, { cause: error });
    throw error;
  }
}

function refused(answer: GraphAnswer, call: GraphCall, permission: string): WhatIfError {
  const detail = `${answer.status} ${graphErrorCode(answer)}`;
  if (answer.status === 401 || answer.status === 403) return new WhatIfError(1, `Graph refused ${what(call)} (${detail}); the credential needs ${permission}.`);
  return new WhatIfError(1, `Graph answered ${detail} to ${what(call)}.`);
}

function graphId(json: Unchecked<V1.Entity, 'id'>, call: GraphCall): Guid {
  const id = parseGuid(json.id);
  if (id === undefined) throw new WhatIfError(1, `Graph's answer to ${what(call)} has no object id.`);
  return id;
}

/**
 * The user by object id or user principal name (Graph's /users/{id | userPrincipalName}); a
 * guest's UPN carries `#EXT#`, which must be escaped in the path.
 */
export async function resolveUser(http: GraphHttp, user: string, deadline: Deadline, retry: RetryOptions): Promise<WhatIfUser> {
  const call: GraphCall = { method: 'GET', version: 'v1.0', path: graphPath(['users', user], { $select: 'id,displayName,userPrincipalName' }) };
  const answer = await read(http, call, deadline, retry);
  if (answer.status === 404) throw new WhatIfError(2, `No user ${user} in the tenant (Graph answered 404).`);
  const json: UserAnswer | undefined = objectOf(answer.json);
  if (answer.status !== 200 || json === undefined) throw refused(answer, call, 'User.Read.All');
  return { id: graphId(json, call), displayName: text(json.displayName), userPrincipalName: text(json.userPrincipalName) };
}

/**
 * The access package with its catalog (what the callout names and scopes match on). With
 * `catalogId` the catalog is the operator's and only the package itself is read.
 */
export async function resolvePackage(http: GraphHttp, packageId: Guid, catalogId: Guid | undefined, deadline: Deadline, retry: RetryOptions): Promise<WhatIfPackage> {
  const query = catalogId === undefined ? { $select: 'id,displayName', $expand: 'catalog($select=id,displayName)' } : { $select: 'id,displayName' };
  const call: GraphCall = { method: 'GET', version: 'v1.0', path: graphPath([...ELM, 'accessPackages', packageId], query) };
  const answer = await read(http, call, deadline, retry);
  if (answer.status === 404) throw new WhatIfError(2, `No access package ${packageId} in the tenant (Graph answered 404).`);
  if (answer.status === 400 && catalogId === undefined) {
    throw new WhatIfError(1, `Graph answered 400 ${graphErrorCode(answer)} to ${what(call)} with $expand=catalog; give the package's catalog with --catalog <id>.`);
  }
  const json: PackageAnswer | undefined = objectOf(answer.json);
  if (answer.status !== 200 || json === undefined) throw refused(answer, call, 'EntitlementManagement.Read.All');
  const pkg = { id: graphId(json, call), displayName: text(json.displayName) };
  if (catalogId !== undefined) return { ...pkg, catalog: { id: catalogId, displayName: undefined }, catalogFrom: 'argument' };
  const catalog: CatalogAnswer | undefined = objectOf(json.catalog);
  if (catalog === undefined) throw new WhatIfError(1, `Graph's answer to ${what(call)} names no catalog; give the package's catalog with --catalog <id>.`);
  return { ...pkg, catalog: { id: graphId(catalog, call), displayName: text(catalog.displayName) }, catalogFrom: 'graph' };
}
