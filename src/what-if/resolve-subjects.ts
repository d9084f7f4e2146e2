import { isAppError } from '../errors.js';
import { graphErrorCode, type GraphAnswer, type GraphCall, type GraphHttp } from '../graph/graph-http.js';
import { graphPath } from '../graph/graph-path.js';
import { sendWithRetry, type Deadline, type RetryOptions } from '../graph/retry.js';
import { parseGuid, type Guid } from '../guid.js';
import { WhatIfError } from './what-if-error.js';

export interface WhatIfUser {
  readonly id: Guid;
  readonly displayName: string | undefined;
  readonly userPrincipalName: string | undefined;
}

export interface WhatIfPackage {
  readonly id: Guid;
  readonly displayName: string | undefined;
  readonly catalog: { readonly id: Guid; readonly displayName: string | undefined };
  /** Whether the catalog was read from Graph or given with --catalog. */
  readonly catalogFrom: 'graph' | 'argument';
}

const ELM = ['identityGovernance', 'entitlementManagement'] as const;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
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

function graphId(json: Json, call: GraphCall): Guid {
  const id = parseGuid(json['id']);
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
  if (answer.status !== 200 || !isObject(answer.json)) throw refused(answer, call, 'User.Read.All');
  return { id: graphId(answer.json, call), displayName: text(answer.json['displayName']), userPrincipalName: text(answer.json['userPrincipalName']) };
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
  if (answer.status !== 200 || !isObject(answer.json)) throw refused(answer, call, 'EntitlementManagement.Read.All');
  const pkg = { id: graphId(answer.json, call), displayName: text(answer.json['displayName']) };
  if (catalogId !== undefined) return { ...pkg, catalog: { id: catalogId, displayName: undefined }, catalogFrom: 'argument' };
  const catalog = answer.json['catalog'];
  if (!isObject(catalog)) throw new WhatIfError(1, `Graph's answer to ${what(call)} names no catalog; give the package's catalog with --catalog <id>.`);
  return { ...pkg, catalog: { id: graphId(catalog, call), displayName: text(catalog['displayName']) }, catalogFrom: 'graph' };
}
