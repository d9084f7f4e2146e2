import { v1Issuer } from './caller-tokens.js';
import { graphError, type GraphReply } from '../graph/graph-errors.js';
import type { TenantFacts } from '../directory/tenant-facts.js';

/** The caller of a valid Graph token: its application roles, its app (client) id (`appid`, v2 `azp`) and its object id (`oid`). */
export async function caller(t: TenantFacts, authorization: string | undefined): Promise<{ roles: readonly string[]; appId: string | undefined; objectId: string | undefined } | GraphReply> {
  const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
  if (token === undefined) return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
  let claims: Record<string, unknown>;
  try {
    claims = await t.issuer.verify(token, { issuer: v1Issuer(t.tenantId), audience: t.origin });
  } catch {
    return graphError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience, issuer, signature or lifetime.');
  }
  const roles = Array.isArray(claims['roles']) ? claims['roles'].filter((r): r is string => typeof r === 'string') : [];
  const appId = typeof claims['appid'] === 'string' ? claims['appid'] : typeof claims['azp'] === 'string' ? claims['azp'] : undefined;
  const objectId = typeof claims['oid'] === 'string' ? claims['oid'].toLowerCase() : undefined;
  return { roles, appId, objectId };
}

/** The application roles of a valid Graph token, or Graph's 401 for a missing or invalid one. */
export async function grantedRoles(t: TenantFacts, authorization: string | undefined): Promise<readonly string[] | GraphReply> {
  const found = await caller(t, authorization);
  return 'status' in found ? found : found.roles;
}

export function insufficientPrivileges(): GraphReply {
  return graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

export function hasAnyRole(granted: readonly string[], roles: readonly string[]): boolean {
  return roles.some((r) => granted.includes(r));
}

/** undefined when the token is valid and carries one of `roles`; else Graph's 401 or 403. */
export async function authorize(t: TenantFacts, authorization: string | undefined, roles: readonly string[]): Promise<GraphReply | undefined> {
  const granted = await grantedRoles(t, authorization);
  if ('status' in granted) return granted;
  return hasAnyRole(granted, roles) ? undefined : insufficientPrivileges();
}
