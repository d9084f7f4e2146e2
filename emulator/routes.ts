import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { AssignmentRequests } from './assignment-requests.js';
import { v1Issuer } from './caller-tokens.js';
import { graphError, type GraphReply } from './graph-errors.js';
import type { TaskProcessingResults } from './task-processing-results.js';
import type { TokenIssuer } from './token-issuer.js';

/** What the routes need to know about the emulated tenant. */
export interface TenantFacts {
  readonly origin: string;
  readonly tenantId: string;
  readonly managedIdentityClientId: string;
  readonly managedIdentityObjectId: string;
  readonly identityHeader: string;
  readonly managedIdentityRoles: readonly string[];
  readonly issuer: TokenIssuer;
  readonly requests: AssignmentRequests;
  readonly tasks: TaskProcessingResults;
}


/** OpenID metadata, v1 and v2, of the emulated tenant (GET only). */
export function openIdMetadata(t: TenantFacts, segments: readonly string[]): GraphReply {
  const [tenant, ...rest] = segments;
  if (tenant?.toLowerCase() !== t.tenantId) {
    return { status: 400, body: { error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${tenant ?? ''}' not found.` } };
  }
  const v2 = rest[0] === 'v2.0';
  return {
    status: 200,
    body: {
      issuer: v2 ? `${t.origin}/${t.tenantId}/v2.0` : v1Issuer(t.tenantId),
      jwks_uri: v2 ? `${t.origin}/${t.tenantId}/discovery/v2.0/keys` : `${t.origin}/common/discovery/keys`,
      token_endpoint: `${t.origin}/${t.tenantId}/oauth2${v2 ? '/v2.0' : ''}/token`,
      authorization_endpoint: `${t.origin}/${t.tenantId}/oauth2${v2 ? '/v2.0' : ''}/authorize`,
      response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      tenant_region_scope: 'EU',
    },
  };
}

/** The App Service managed identity endpoint (protocol 2019-08-01) that `@azure/identity` calls. */
export async function managedIdentityToken(t: TenantFacts, query: URLSearchParams, headers: IncomingHttpHeaders): Promise<GraphReply> {
  if (headers['x-identity-header'] !== t.identityHeader) {
    return { status: 401, body: { statusCode: 401, message: 'X-IDENTITY-HEADER is missing or wrong.' } };
  }
  if (query.get('api-version') !== '2019-08-01') return { status: 400, body: { statusCode: 400, message: 'Unsupported api-version.' } };
  const resource = query.get('resource');
  if (resource === null || resource === '') return { status: 400, body: { statusCode: 400, message: 'resource is required.' } };
  const clientId = query.get('client_id');
  if (clientId?.toLowerCase() !== t.managedIdentityClientId) {
    return {
      status: 400,
      body: { statusCode: 400, message: 'Unable to load the proper Managed Identity.', correlationId: randomUUID() },
    };
  }
  const now = Math.floor(Date.now() / 1000);
  const exp = now + 3600;
  const token = await t.issuer.sign({
    aud: resource,
    iss: v1Issuer(t.tenantId),
    iat: now,
    nbf: now,
    exp,
    appid: t.managedIdentityClientId,
    appidacr: '2',
    idp: v1Issuer(t.tenantId),
    idtyp: 'app',
    oid: t.managedIdentityObjectId,
    sub: t.managedIdentityObjectId,
    tid: t.tenantId,
    roles: [...t.managedIdentityRoles],
    ver: '1.0',
  });
  return {
    status: 200,
    body: { access_token: token, expires_on: String(exp), not_before: String(now), resource, token_type: 'Bearer', client_id: t.managedIdentityClientId },
  };
}

const ELM = ['identitygovernance', 'entitlementmanagement', 'assignmentrequests'];
const LCW = ['identitygovernance', 'lifecycleworkflows'];

/** Roles that allow a call: ELM reads accept Read.All, writes need ReadWrite.All. */
function requiredRoles(isLcw: boolean, method: string): readonly string[] {
  if (isLcw) return method === 'GET' ? ['LifecycleWorkflows.Read.All', 'LifecycleWorkflows.ReadWrite.All'] : ['LifecycleWorkflows.ReadWrite.All'];
  return method === 'GET' ? ['EntitlementManagement.Read.All', 'EntitlementManagement.ReadWrite.All'] : ['EntitlementManagement.ReadWrite.All'];
}

async function authorize(t: TenantFacts, authorization: string | undefined, roles: readonly string[]): Promise<GraphReply | undefined> {
  const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
  if (token === undefined) return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
  let granted: unknown;
  try {
    ({ roles: granted } = await t.issuer.verify(token, { issuer: v1Issuer(t.tenantId), audience: t.origin }));
  } catch {
    return graphError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience, issuer, signature or lifetime.');
  }
  if (!Array.isArray(granted) || !roles.some((r) => granted.includes(r))) {
    return graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  }
  return undefined;
}

/** Graph: assignment requests (GET, resume) and LCW task processing results (GET, resume). */
export async function graph(t: TenantFacts, method: string, segments: readonly string[], authorization: string | undefined, body: unknown): Promise<GraphReply> {
  const [version, ...path] = segments;
  if (version !== 'v1.0' && version !== 'beta') return graphError(400, 'BadRequest', 'Invalid version.');
  const lower = path.map((s) => s.toLowerCase());
  const isLcw = LCW.every((s, i) => lower[i] === s);
  const isElm = ELM.every((s, i) => lower[i] === s);
  if (!isLcw && !isElm) return graphError(400, 'BadRequest', `Resource not found for the segment '${path[0] ?? ''}'.`);
  const denied = await authorize(t, authorization, requiredRoles(isLcw, method));
  if (denied !== undefined) return denied;
  if (isElm) {
    const id = path[3];
    const action = lower[4];
    if (id === undefined || path.length > 5) return graphError(400, 'BadRequest', 'Resource not found for the segment.');
    if (method === 'GET' && action === undefined) return t.requests.read(version, id);
    if (method === 'POST' && action === 'resume') return t.requests.resume(version, id, body);
    return graphError(405, 'Request_BadRequest', 'The HTTP method is not allowed on this resource.');
  }
  const located = t.tasks.locate(path.slice(2));
  if ('status' in located) return located;
  if (method === 'GET' && located.action === undefined) return t.tasks.read(located.result);
  if (method === 'POST' && (located.action === 'resume' || located.action === 'microsoft.graph.identitygovernance.resume')) {
    return t.tasks.resume(version, located.result, body);
  }
  return graphError(405, 'Request_BadRequest', 'The HTTP method is not allowed on this resource.');
}
