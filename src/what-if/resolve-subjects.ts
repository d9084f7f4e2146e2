import { isAppError } from '../errors.js';
import { graphErrorCode, type GraphAnswer, type GraphCall, type GraphHttp } from '../graph/graph-http.js';
import { sendWithRetry, type Deadline, type RetryOptions } from '../graph/retry.js';
import { GUID } from '../ingress/callback-path.js';
import { WhatIfError } from './what-if-error.js';

export interface WhatIfUser {
  readonly id: string;
  readonly displayName: string | undefined;
  readonly userPrincipalName: string | undefined;
}

export interface WhatIfPackage {
  readonly id: string;
  readonly displayName: string | undefined;
  readonly catalog: { readonly id: string; readonly displayName: string | undefined };
  /** Whether the catalog was read from Graph or given with --catalog. */
  readonly catalogFrom: 'graph' | 'argument';
}

const ELM = '/identityGovernance/entitlementManagement';

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

function graphId(json: Json, call: GraphCall): string {
  const id = json['id'];
  if (typeof id !== 'string' || !GUID.test(id)) throw new WhatIfError(1, `Graph's answer to ${what(call)} has no object id.`);
  return id.toLowerCase();
}

/**
 * The user by object id or user principal name (Graph's /users/{id | userPrincipalName}); a
 * guest's UPN carries `#EXT#`, which must be escaped in the path.
 */
export async function resolveUser(http: GraphHttp, user: string, deadline: Deadline, retry: RetryOptions): Promise<WhatIfUser> {
  const key = encodeURIComponent(user).replace(/%40/g, '@');
  const call: GraphCall = { method: 'GET', version: 'v1.0', path: `/users/${key}?$select=id,displayName,userPrincipalName` };
  const answer = await read(http, call, deadline, retry);
  if (answer.status === 404) throw new WhatIfError(2, `No user ${user} in the tenant (Graph answered 404).`);
  if (answer.status !== 200 || !isObject(answer.json)) throw refused(answer, call, 'User.Read.All');
  return { id: graphId(answer.json, call), displayName: text(answer.json['displayName']), userPrincipalName: text(answer.json['userPrincipalName']) };
}

/**
 * The access package with its catalog (what the callout names and scopes match on). With
 * `catalogId` the catalog is the operator's and only the package itself is read.
 */
export async function resolvePackage(http: GraphHttp, packageId: string, catalogId: string | undefined, deadline: Deadline, retry: RetryOptions): Promise<WhatIfPackage> {
  const expand = catalogId === undefined ? '&$expand=catalog($select=id,displayName)' : '';
  const call: GraphCall = { method: 'GET', version: 'v1.0', path: `${ELM}/accessPackages/${packageId}?$select=id,displayName${expand}` };
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
