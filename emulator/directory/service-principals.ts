import { randomBytes, randomUUID } from 'node:crypto';
import { derivedId } from '../governance/governance-resources.js';
import type { Governance } from '../governance/governance.js';
import { DEFAULT_ACCESS_ROLE, type TenantServicePrincipal } from '../governance/governance-values.js';
import { graphError, GUID, isObject, type GraphReply } from '../graph/graph-errors.js';
import { TenantFileError } from './tenant-values.js';

/** Microsoft Graph's application: the same app id in every tenant. */
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/**
 * Application permissions of Microsoft Graph by name, with their app role ids as Microsoft
 * publishes them (the same in every tenant): those infra/app/graph-permissions.bicep can ask for,
 * and what the deployer's grant needs. A permission not listed here is not an app role of the
 * emulated Microsoft Graph; add it, with its published id, when something grants it.
 */
export const MICROSOFT_GRAPH_APP_ROLES: Readonly<Record<string, string>> = {
  'User.Read.All': 'df021288-bdef-4463-88db-98f22de89214',
  'EntitlementManagement.ReadWrite.All': '9acd699f-1e81-4958-b001-93b1d2506e19',
  'EntitlementManagement.Read.All': 'c74fd47d-ed3c-45c3-9a9e-b8676de685d2',
  'LifecycleWorkflows.ReadWrite.All': '5c505cf4-8424-4b8e-aa14-ee06e3bb23e3',
  'IdentityRiskyUser.Read.All': 'dc5007c0-2d7d-4c42-879c-2dab87571379',
  'User-LifeCycleInfo.Read.All': '8556a004-db57-4d7a-8b82-97a13428e96f',
  'RoleManagement.Read.Directory': '483bed4a-2ad3-4361-a73b-c83ccdbdc53c',
  'RoleEligibilitySchedule.Read.Directory': 'ff278e11-4a33-4d0c-83d2-d01dc58929a5',
  'Directory.Read.All': '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
  'GroupMember.Read.All': '98830695-27a2-44f7-8c18-0c3ebc9698f6',
  'Application.Read.All': '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
  'AppRoleAssignment.ReadWrite.All': '06b708a9-e830-4db3-a914-8e69da51d44f',
};

export type MemberType = 'User' | 'Application';

/** An app role as a service principal publishes it (microsoft.graph.appRole). */
export interface ServicePrincipalAppRole {
  readonly id: string;
  readonly value: string;
  readonly displayName: string;
  readonly description: string;
  readonly allowedMemberTypes: readonly MemberType[];
  readonly isEnabled: boolean;
}

/** A service principal of the emulated directory, with when its replicas know it. */
export interface EmulatedServicePrincipal {
  readonly id: string;
  readonly appId: string;
  readonly displayName: string;
  readonly servicePrincipalType: 'Application' | 'ManagedIdentity';
  readonly appRoles: readonly ServicePrincipalAppRole[];
  /** From when (the store's clock, ms) reads find it: before, Graph answers 404 as for an unknown id. */
  readonly visibleAt: number;
  /** From when a grant to it is accepted: before, Graph refuses it with "Not a valid reference update." */
  readonly assignableAt: number;
}

/** An app role granted to a service principal (an application permission, or a role of an API). */
export interface ServicePrincipalAppRoleAssignment {
  /** Graph's app role assignment ids are 43 base64url characters, not GUIDs. */
  readonly id: string;
  readonly principalId: string;
  readonly resourceId: string;
  readonly appRoleId: string;
  readonly createdDateTime: string;
}

/** What a test may give `add`: a service principal, its id and app id new GUIDs unless given, visible at once unless delayed. */
export interface ServicePrincipalChange {
  readonly id?: string;
  readonly appId?: string;
  readonly displayName: string;
  readonly servicePrincipalType?: 'Application' | 'ManagedIdentity';
  readonly appRoles?: readonly (Pick<ServicePrincipalAppRole, 'id' | 'value'> & Partial<ServicePrincipalAppRole>)[];
  /** Replication lag: reads miss it for this long (ms on the store's clock; Infinity: never found). */
  readonly visibleAfterMs?: number;
  /** Grants to it are refused for this long (default: until it is visible). */
  readonly assignableAfterMs?: number;
}

/** A managed identity as Azure creates it: its service principal (`principalId`, the object id) and its client id (`appId`). */
export interface ManagedIdentityChange {
  readonly principalId: string;
  readonly appId?: string;
  readonly displayName?: string;
  readonly visibleAfterMs?: number;
  readonly assignableAfterMs?: number;
}

const badRequest = (message: string): GraphReply => graphError(400, 'BadRequest', message);
/** Graph's refusal of a reference (principal, resource) the directory does not know yet: what a just-created identity gets (msgraph-bicep-types#193). */
export const notAValidReference = (): GraphReply => graphError(400, 'Request_BadRequest', 'Not a valid reference update.');

function graphAppRoles(): ServicePrincipalAppRole[] {
  return Object.entries(MICROSOFT_GRAPH_APP_ROLES).map(([value, id]) => ({
    id,
    value,
    // The emulator's wording: Microsoft's display names and descriptions are not reproduced.
    displayName: value,
    description: `Microsoft Graph application permission ${value}.`,
    allowedMemberTypes: ['Application'],
    isEnabled: true,
  }));
}

/** A tenant file's service principal (an application whose roles users and groups hold), visible and assignable from the start. */
function fromTenantFile(sp: TenantServicePrincipal): EmulatedServicePrincipal {
  return {
    id: sp.id,
    appId: sp.appId ?? derivedId('appId', sp.id),
    displayName: sp.displayName,
    servicePrincipalType: 'Application',
    appRoles: sp.appRoles.map((r) => ({ id: r.id, value: r.value, displayName: r.displayName, description: r.displayName, allowedMemberTypes: ['User', 'Application'], isEnabled: true })),
    visibleAt: -Infinity,
    assignableAt: -Infinity,
  };
}

function checkedGuid(what: string, name: string, value: string | undefined): string {
  if (value === undefined) return randomUUID();
  if (!GUID.test(value)) throw new TenantFileError(`${what}: ${name} "${value}" is not a GUID`);
  return value.toLowerCase();
}

function lag(what: string, name: string, ms: number | undefined): number {
  if (ms === undefined) return 0;
  if (Number.isNaN(ms) || ms < 0) throw new TenantFileError(`${what}: ${name} must be 0 or more ms, not ${String(ms)}`);
  return ms;
}

/**
 * The tenant's service principals as the routes of /servicePrincipals see them: Microsoft Graph's
 * own (with its application permissions as app roles), the tenant file's applications (from
 * governance), and those tests add, managed identities among them, each visible only once its
 * replication lag has passed on `clock`; and the app roles granted to service principals
 * (POST /servicePrincipals/{id}/appRoleAssignments). Grants to users and groups stay governance's.
 */
export class ServicePrincipals {
  /** Items per page of /servicePrincipals/{id}/appRoleAssignments, unless the call asks fewer with $top. */
  pageSize = 100;
  /** The clock replication lags run on (ms); tests on a virtual clock put theirs here before adding. */
  clock: () => number = () => Date.now();
  private readonly added = new Map<string, EmulatedServicePrincipal>();
  private readonly grants = new Map<string, ServicePrincipalAppRoleAssignment>();
  private readonly removed = new Set<string>();

  constructor(
    private readonly governance: Governance,
    tenantId: string,
  ) {
    const id = derivedId('microsoft-graph', tenantId);
    this.added.set(id, { id, appId: MICROSOFT_GRAPH_APP_ID, displayName: 'Microsoft Graph', servicePrincipalType: 'Application', appRoles: graphAppRoles(), visibleAt: -Infinity, assignableAt: -Infinity });
  }

  /** Microsoft Graph's service principal in this tenant (undefined once removed). */
  get microsoftGraph(): EmulatedServicePrincipal | undefined {
    return this.all().find((sp) => sp.appId === MICROSOFT_GRAPH_APP_ID);
  }

  /** Every service principal, visible or not yet. */
  all(): EmulatedServicePrincipal[] {
    const file = this.governance.servicePrincipalList().flatMap((sp) => (this.added.has(sp.id) || this.removed.has(sp.id) ? [] : [fromTenantFile(sp)]));
    return [...this.added.values(), ...file];
  }

  /** A service principal by object id, visible or not yet. */
  find(id: string): EmulatedServicePrincipal | undefined {
    const key = id.toLowerCase();
    const own = this.added.get(key);
    if (own !== undefined) return own;
    const file = this.removed.has(key) ? undefined : this.governance.servicePrincipal(key);
    return file === undefined ? undefined : fromTenantFile(file);
  }

  /** A service principal a read finds now: known, and past its replication lag. */
  visible(id: string): EmulatedServicePrincipal | undefined {
    const sp = this.find(id);
    return sp !== undefined && sp.visibleAt <= this.clock() ? sp : undefined;
  }

  /** The service principals a read finds now. */
  visibleAll(): EmulatedServicePrincipal[] {
    const now = this.clock();
    return this.all().filter((sp) => sp.visibleAt <= now);
  }

  /** Adds a service principal (an application's, or a managed identity's), visible after `visibleAfterMs`. */
  add(change: ServicePrincipalChange): EmulatedServicePrincipal {
    const what = 'addServicePrincipal';
    const id = checkedGuid(what, 'id', change.id);
    if (this.find(id) !== undefined || this.governance.isUser(id) || this.governance.isGroup(id)) throw new TenantFileError(`${what}: ${id} is already the id of a directory object`);
    const appId = checkedGuid(what, 'appId', change.appId);
    if (this.all().some((sp) => sp.appId === appId)) throw new TenantFileError(`${what}: app id ${appId} already has a service principal in the tenant`);
    const appRoles = (change.appRoles ?? []).map((r) => ({
      id: checkedGuid(what, 'appRoles.id', r.id),
      value: r.value,
      displayName: r.displayName ?? r.value,
      description: r.description ?? r.value,
      allowedMemberTypes: r.allowedMemberTypes ?? ['Application'],
      isEnabled: r.isEnabled ?? true,
    }));
    if (appRoles.some((r) => r.id === DEFAULT_ACCESS_ROLE) || new Set(appRoles.map((r) => r.id)).size !== appRoles.length) {
      throw new TenantFileError(`${what}: app role ids must be distinct, and not ${DEFAULT_ACCESS_ROLE} (default access)`);
    }
    const now = this.clock();
    const visibleAt = now + lag(what, 'visibleAfterMs', change.visibleAfterMs);
    const assignableAt = change.assignableAfterMs === undefined ? visibleAt : now + lag(what, 'assignableAfterMs', change.assignableAfterMs);
    const sp: EmulatedServicePrincipal = { id, appId, displayName: change.displayName, servicePrincipalType: change.servicePrincipalType ?? 'Application', appRoles, visibleAt, assignableAt };
    this.added.set(id, sp);
    this.removed.delete(id);
    return sp;
  }

  /**
   * A managed identity Azure has just created: its service principal exists at once, but Graph
   * finds it only after `visibleAfterMs` and accepts a grant to it only after `assignableAfterMs`
   * (default: once visible), as the directory's replicas catch up (msgraph-bicep-types#193).
   */
  addManagedIdentity(change: ManagedIdentityChange): EmulatedServicePrincipal {
    return this.add({
      id: change.principalId,
      ...(change.appId === undefined ? {} : { appId: change.appId }),
      displayName: change.displayName ?? `managed-identity-${change.principalId.slice(0, 8)}`,
      servicePrincipalType: 'ManagedIdentity',
      ...(change.visibleAfterMs === undefined ? {} : { visibleAfterMs: change.visibleAfterMs }),
      ...(change.assignableAfterMs === undefined ? {} : { assignableAfterMs: change.assignableAfterMs }),
    });
  }

  /** Removes a service principal (Microsoft Graph's too: a new tenant may not have it yet) and the grants to and from it. */
  remove(id: string): void {
    const sp = this.find(id);
    if (sp === undefined) throw new TenantFileError(`removeServicePrincipal: no service principal ${id} in the emulated tenant`);
    this.added.delete(sp.id);
    this.removed.add(sp.id);
    for (const grant of [...this.grants.values()]) if (grant.principalId === sp.id || grant.resourceId === sp.id) this.grants.delete(grant.id);
  }

  /** The app roles granted to service principals: to `principalId` only when given, oldest first. */
  appRoleAssignments(principalId?: string): ServicePrincipalAppRoleAssignment[] {
    const principal = principalId?.toLowerCase();
    return [...this.grants.values()].filter((g) => principal === undefined || g.principalId === principal);
  }

  /** The app roles granted to service principals on the resource `resourceId`. */
  assignedTo(resourceId: string): ServicePrincipalAppRoleAssignment[] {
    const resource = resourceId.toLowerCase();
    return [...this.grants.values()].filter((g) => g.resourceId === resource);
  }

  /**
   * POST /servicePrincipals/{principal}/appRoleAssignments, once Graph's schema and permissions
   * have passed: the grant (201), or Graph's refusal. A principal or resource the directory does
   * not know yet is "Not a valid reference update." (a principal the path names that no read
   * finds is 404 before that); a role the resource does not define, or a grant it already holds,
   * are refused as Graph refuses them.
   */
  assign(pathPrincipal: string, body: unknown): { reply: GraphReply } | { assignment: ServicePrincipalAppRoleAssignment } {
    if (!isObject(body)) return { reply: badRequest('The body must be an appRoleAssignment.') };
    const principal = this.visible(pathPrincipal);
    if (principal === undefined) return { reply: graphError(404, 'Request_ResourceNotFound', `Resource '${pathPrincipal}' does not exist or one of its queried reference-property objects are not present.`) };
    const ids: Record<'principalId' | 'resourceId' | 'appRoleId', string | undefined> = { principalId: undefined, resourceId: undefined, appRoleId: undefined };
    for (const key of ['principalId', 'resourceId', 'appRoleId'] as const) {
      const value = body[key];
      if (value === undefined && key === 'appRoleId') continue;
      if (typeof value !== 'string' || !GUID.test(value)) return { reply: badRequest(`Invalid value for property '${key}': a GUID is expected.`) };
      ids[key] = value.toLowerCase();
    }
    const now = this.clock();
    const resource = ids.resourceId === undefined ? undefined : this.find(ids.resourceId);
    // A grant names its principal twice; a body naming another one than the path is a reference Graph does not take.
    if (ids.principalId !== principal.id || principal.assignableAt > now || resource === undefined || resource.assignableAt > now) return { reply: notAValidReference() };
    const appRoleId = ids.appRoleId ?? DEFAULT_ACCESS_ROLE;
    const role = resource.appRoles.find((r) => r.id === appRoleId);
    if (appRoleId !== DEFAULT_ACCESS_ROLE && (role === undefined || !role.allowedMemberTypes.includes('Application') || !role.isEnabled)) {
      return { reply: graphError(400, 'Request_BadRequest', 'Permission being assigned was not found on application') };
    }
    if ([...this.grants.values()].some((g) => g.principalId === principal.id && g.resourceId === resource.id && g.appRoleId === appRoleId)) {
      return { reply: graphError(400, 'Request_BadRequest', 'Permission being assigned already exists on the object') };
    }
    const assignment = { id: randomBytes(32).toString('base64url').slice(0, 43), principalId: principal.id, resourceId: resource.id, appRoleId, createdDateTime: new Date().toISOString() };
    this.grants.set(assignment.id, assignment);
    return { assignment };
  }
}
