import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { v1Issuer } from './identity/caller-tokens.js';
import { directoryGraph, isDirectoryPath } from './directory/directory-routes.js';
import { settleCallouts } from './governance/elm-read-routes.js';
import { ASSIGNMENT_MANAGER } from './governance/extension-registry.js';
import type { BadToken } from './graph/faults.js';
import { governanceGraph, governanceRoute } from './governance/governance-routes.js';
import { authorize, caller, hasAnyRole, insufficientPrivileges } from './identity/graph-auth.js';
import { graphError, type GraphReply } from './graph/graph-errors.js';
import { groupEligibilityGraph, isGroupEligibilityPath } from './pim/group-eligibility-routes.js';
import { pimGraph, pimRoute } from './pim/pim-routes.js';
import { registrationGraph, registrationRoute } from './governance/registration-routes.js';
import { requestEntity } from './governance/request-read.js';
import { isServicePrincipalPath, servicePrincipalGraph } from './directory/service-principal-routes.js';
import type { TenantFacts } from './directory/tenant-facts.js';

export type { TenantFacts } from './directory/tenant-facts.js';

/** One Graph call as the routes see it: the path segments (decoded) with the version first. */
export interface GraphCall {
  readonly method: string;
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
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

/**
 * The App Service managed identity endpoint (protocol 2019-08-01) that `@azure/identity` calls.
 * `badToken` (a fault) answers the request with a token Graph refuses, in an answer that looks right.
 */
export async function managedIdentityToken(t: TenantFacts, query: URLSearchParams, headers: IncomingHttpHeaders, badToken?: BadToken): Promise<GraphReply> {
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
  // An expired token still says exp (an hour) in expires_on: a skewed issuer, cached by clients.
  const lifetime = badToken === 'expired' ? { iat: now - 7200, nbf: now - 7200, exp: now - 3600 } : { iat: now, nbf: now, exp };
  const signed = await t.issuer.sign({
    aud: badToken === 'wrong-audience' ? 'https://management.azure.com' : resource,
    iss: v1Issuer(t.tenantId),
    ...lifetime,
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
  const token = badToken === 'not-a-jwt' ? randomBytes(48).toString('base64url') : signed;
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

/**
 * A task processing result's resume: LifecycleWorkflows.ReadWrite.All, or an app a custom task
 * extension lists in callbackConfiguration.authorizedApps, which needs no Graph permission
 * (docs/protocol.md §11).
 */
async function authorizeTaskResume(t: TenantFacts, authorization: string | undefined): Promise<GraphReply | undefined> {
  const found = await caller(t, authorization);
  if ('status' in found) return found;
  if (hasAnyRole(found.roles, requiredRoles(true, 'POST'))) return undefined;
  return found.appId !== undefined && t.registry.authorizesResume(found.appId) ? undefined : insufficientPrivileges();
}

/**
 * An assignment request's resume: EntitlementManagement.ReadWrite.All, or the catalog-scoped
 * "Access package assignment manager" role on the catalog of the request's access package, which
 * needs no tenant-wide write permission (docs/protocol.md §11; what `npm run register` assigns by default).
 */
async function authorizeRequestResume(t: TenantFacts, authorization: string | undefined, requestId: string): Promise<GraphReply | undefined> {
  const found = await caller(t, authorization);
  if ('status' in found) return found;
  if (hasAnyRole(found.roles, requiredRoles(false, 'POST'))) return undefined;
  const packageId = t.requests.get(requestId)?.accessPackageId;
  const catalog = packageId === undefined ? undefined : t.governance.accessPackage(packageId)?.catalog?.id;
  const scope = catalog === undefined ? undefined : `/accesspackagecatalog/${catalog.toLowerCase()}`;
  const held = t.registry.roleAssignments().some(
    (r) => r.principalId.toLowerCase() === found.objectId && r.roleDefinitionId.toLowerCase() === ASSIGNMENT_MANAGER && r.appScopeId?.toLowerCase() === scope,
  );
  return found.objectId !== undefined && scope !== undefined && held ? undefined : insufficientPrivileges();
}

/**
 * Graph: assignment requests (GET, resume), LCW task processing results (GET, resume), the
 * directory reads (users, manager, management chain, sponsors, riskyUsers), and the governance
 * reads (see governance-routes.ts: assignments, the request list, access packages, group
 * memberships, directory roles, app role assignments), what registering an extension reads
 * and writes (see registration-routes.ts), and PIM's custom extensions and role management
 * policies (see pim-routes.ts), and service principals with the app roles granted to them (see
 * service-principal-routes.ts).
 */
export async function graph(t: TenantFacts, call: GraphCall): Promise<GraphReply> {
  const { method, segments, body } = call;
  const [version, ...path] = segments;
  if (version !== 'v1.0' && version !== 'beta') return graphError(400, 'BadRequest', 'Invalid version.');
  const registration = registrationRoute(path);
  if (registration !== undefined) return registrationGraph(t, registration, { version, method, path, query: call.query, headers: call.headers, body });
  const pim = pimRoute(path);
  if (pim !== undefined) return pimGraph(t, pim, { version, method, path, query: call.query, headers: call.headers, body });
  if (isGroupEligibilityPath(path)) return groupEligibilityGraph(t, { version, method, path, query: call.query, headers: call.headers, body });
  if (isServicePrincipalPath(path)) return servicePrincipalGraph(t, { version, method, path, query: call.query, headers: call.headers, body });
  const governance = governanceRoute(path);
  if (governance !== undefined) return governanceGraph(t, governance, { version, method, path, query: call.query, headers: call.headers });
  if (isDirectoryPath(path)) return directoryGraph(t, { version, method, path, query: call.query, headers: call.headers });
  const lower = path.map((s) => s.toLowerCase());
  const isLcw = LCW.every((s, i) => lower[i] === s);
  const isElm = ELM.every((s, i) => lower[i] === s);
  if (!isLcw && !isElm) return graphError(400, 'BadRequest', `Resource not found for the segment '${path[0] ?? ''}'.`);
  const resumeOf = isElm && method === 'POST' && lower[4] === 'resume' ? path[3] : undefined;
  const denied = isLcw && method === 'POST'
    ? await authorizeTaskResume(t, call.headers.authorization)
    : resumeOf !== undefined
      ? await authorizeRequestResume(t, call.headers.authorization, resumeOf)
      : await authorize(t, call.headers.authorization, requiredRoles(isLcw, method));
  if (denied !== undefined) return denied;
  if (isElm) {
    const id = path[3];
    const action = lower[4];
    if (id === undefined || path.length > 5) return graphError(400, 'BadRequest', 'Resource not found for the segment.');
    // A callout whose callback window has passed has timed out before anyone reads or resumes it.
    settleCallouts(t);
    if (method === 'GET' && action === undefined) return requestEntity(t, version, id, call.query);
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
