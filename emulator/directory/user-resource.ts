import { graphError, type GraphReply } from '../graph/graph-errors.js';
import type { TenantRisk, TenantUser } from './tenant-values.js';

/**
 * Properties of microsoft.graph.user the emulator accepts in $select. Graph answers null for a
 * property a user has no value for, so the ones a tenant file cannot set read as null (or []).
 */
export const USER_PROPERTIES = [
  'id', 'displayName', 'userPrincipalName', 'mail', 'givenName', 'surname', 'businessPhones', 'mobilePhone', 'preferredLanguage', 'jobTitle',
  'officeLocation', 'department', 'companyName', 'country', 'usageLocation', 'userType', 'accountEnabled', 'employeeType', 'employeeId',
  'employeeHireDate', 'employeeLeaveDateTime', 'onPremisesExtensionAttributes', 'createdDateTime', 'deletedDateTime', 'city', 'state',
  'streetAddress', 'postalCode', 'mailNickname', 'otherMails', 'proxyAddresses', 'imAddresses', 'identities', 'ageGroup', 'creationType',
  'externalUserState', 'externalUserStateChangeDateTime', 'faxNumber', 'employeeOrgData', 'onPremisesSyncEnabled', 'onPremisesSamAccountName',
  'onPremisesImmutableId', 'onPremisesSecurityIdentifier', 'onPremisesUserPrincipalName', 'onPremisesDistinguishedName', 'passwordPolicies',
  'preferredDataLocation', 'securityIdentifier', 'showInAddressList', 'legalAgeGroupClassification', 'consentProvidedForMinor',
] as const;

/** What GET /users/{id} answers without $select (v1.0's default set; the emulator answers it on beta too). */
export const DEFAULT_USER_PROPERTIES = [
  'businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id',
] as const;

/** Properties Graph returns only to callers with User-LifeCycleInfo.Read(Write).All. */
export const LIFECYCLE_PROPERTIES: readonly string[] = ['employeeLeaveDateTime'];

export const RISKY_USER_PROPERTIES = [
  'id', 'isDeleted', 'isProcessing', 'riskLastUpdatedDateTime', 'riskLevel', 'riskState', 'riskDetail', 'userDisplayName', 'userPrincipalName',
] as const;

const COLLECTIONS = new Set(['businessPhones', 'otherMails', 'proxyAddresses', 'imAddresses', 'identities']);
const EXTENSION_NAMES = Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`);

/**
 * The properties a $select names, in Graph's spelling, `id` first; undefined → the defaults.
 * An unknown name is refused with Graph's parse error.
 */
export function resolveSelect(select: readonly string[] | undefined, known: readonly string[], defaults: readonly string[], type: string): string[] | GraphReply {
  if (select === undefined) return [...defaults];
  const properties = new Set(['id']);
  for (const name of select) {
    const canonical = known.find((k) => k.toLowerCase() === name.toLowerCase());
    if (canonical === undefined) {
      return graphError(400, 'BadRequest', `Parsing OData Select and Expand failed: Could not find a property named '${name}' on type '${type}'.`);
    }
    properties.add(canonical);
  }
  return [...properties];
}

function userValue(user: TenantUser, property: string): unknown {
  switch (property) {
    case 'id':
    case 'displayName':
    case 'userPrincipalName':
    case 'userType':
    case 'accountEnabled':
      return user[property];
    case 'onPremisesExtensionAttributes':
      return Object.fromEntries(EXTENSION_NAMES.map((name) => [name, user.onPremisesExtensionAttributes[name] ?? null]));
    case 'mailNickname':
      return user.userPrincipalName.split('@')[0] ?? null;
    default: {
      if (COLLECTIONS.has(property)) return [];
      const value = (user as unknown as Record<string, unknown>)[property];
      return typeof value === 'string' ? value : null;
    }
  }
}

/** A user as Graph answers it for these properties (in this order). */
export function projectUser(user: TenantUser, properties: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(properties.map((p) => [p, userValue(user, p)]));
}

/** A user as a directoryObject of a collection or a relation (manager, sponsors, members). */
export function userObject(user: TenantUser, properties: readonly string[]): Record<string, unknown> {
  return { '@odata.type': '#microsoft.graph.user', ...projectUser(user, properties) };
}

/** The riskyUser resource of a user Identity Protection holds a record of. */
export function projectRiskyUser(user: TenantUser, risk: TenantRisk, properties: readonly string[]): Record<string, unknown> {
  const all: Record<string, unknown> = {
    id: user.id,
    isDeleted: false,
    isProcessing: false,
    riskLastUpdatedDateTime: risk.riskLastUpdatedDateTime,
    riskLevel: risk.riskLevel,
    riskState: risk.riskState,
    riskDetail: risk.riskDetail,
    userDisplayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
  };
  return Object.fromEntries(properties.map((p) => [p, all[p] ?? null]));
}

/** Graph's @odata.context for a selection: `…/$metadata#users(id,displayName)/$entity`. */
export function odataContext(version: string, set: string, properties: readonly string[] | undefined, entity: boolean): string {
  const selection = properties === undefined ? '' : `(${properties.join(',')})`;
  return `https://graph.microsoft.com/${version}/$metadata#${set}${selection}${entity ? '/$entity' : ''}`;
}
