import { randomUUID } from 'node:crypto';
import { policyFromTenant, putBeta, putV1, type StoredPolicy } from './assignment-policies.js';
import type { TenantCatalog, TenantCatalogs } from './catalog-file.js';
import { REQUEST_EXTENSION, taskExtensionProblem, workflowExtensionProblem } from './custom-extension-rules.js';
import { GUID, graphError, isObject, type GraphReply } from '../graph/graph-errors.js';
import type { GraphVersion } from '../graph/graph-types.js';
import type { StageSettingContext } from './policy-stage-settings.js';

/** A catalog's custom extension (customWorkflowExtensions): the properties as last written. */
export interface StoredExtension {
  readonly id: string;
  readonly catalog: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly createdDateTime: string;
  readonly lastModifiedDateTime: string;
}

/** A role assignment of entitlement management (roleManagement/entitlementManagement). */
export interface EmRoleAssignment {
  readonly id: string;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly appScopeId: string | null;
  readonly directoryScopeId: string | null;
}

/** A Lifecycle Workflows custom task extension: the properties as last written. */
export interface StoredTaskExtension {
  readonly id: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly createdDateTime: string;
  readonly lastModifiedDateTime: string;
}

/** Entitlement management's built-in catalog roles (Entra's "Delegation and roles in entitlement management"). */
export const CATALOG_ROLES: Readonly<Record<string, string>> = {
  'ae79f266-94d4-4dab-b730-feca7e132178': 'Catalog owner',
  '44272f93-9762-48e8-af59-1b5351b1d6b3': 'Catalog reader',
  '7f480852-ebdc-47d4-87de-0d8498384a83': 'Access package manager',
  'e2182095-804a-4656-ae11-64734e9b7ae5': 'Access package assignment manager',
};
/** The catalog role whose holder may resume the catalog's requests without a tenant-wide permission (docs/protocol.md §11). */
export const ASSIGNMENT_MANAGER = 'e2182095-804a-4656-ae11-64734e9b7ae5';
/** Custom extensions a catalog and a tenant may have (docs/protocol.md §8). */
export const MAX_EXTENSIONS_PER_CATALOG = 20;
export const MAX_EXTENSIONS_PER_TENANT = 500;

const badRequest = (message: string): GraphReply => graphError(400, 'BadRequest', message);
const notFound = (what: string): GraphReply => graphError(404, 'ResourceNotFound', `${what} does not exist.`);
const now = (): string => new Date().toISOString();

/**
 * What registering an extension writes, and what it reads first: the catalogs, their custom
 * extensions, the assignment policies with their stage settings and approval stages, entitlement
 * management role assignments, and Lifecycle Workflows custom task extensions. Seeded from the
 * tenant file's catalogs and assignmentPolicies; each write is checked as Graph checks it and
 * answered as Graph answers it. Tests read the state through the getters.
 */
export class ExtensionRegistry {
  /** Items per page of its collections. */
  pageSize = 100;
  private readonly catalogMap = new Map<string, TenantCatalog>();
  private readonly extensionMap = new Map<string, StoredExtension>();
  private readonly policyMap = new Map<string, StoredPolicy>();
  private readonly roleMap = new Map<string, EmRoleAssignment>();
  private readonly taskMap = new Map<string, StoredTaskExtension>();

  constructor(tenant: TenantCatalogs) {
    for (const c of tenant.catalogs) this.catalogMap.set(c.id, c);
    const created = now();
    for (const p of tenant.assignmentPolicies) this.policyMap.set(p.id, policyFromTenant(p, created));
  }

  catalog(id: string): TenantCatalog | undefined {
    return this.catalogMap.get(id.toLowerCase());
  }

  extension(id: string): StoredExtension | undefined {
    return this.extensionMap.get(id.toLowerCase());
  }

  extensionsOf(catalogId: string): StoredExtension[] {
    return [...this.extensionMap.values()].filter((e) => e.catalog === catalogId.toLowerCase());
  }

  policy(id: string): StoredPolicy | undefined {
    return this.policyMap.get(id.toLowerCase());
  }

  roleAssignments(): EmRoleAssignment[] {
    return [...this.roleMap.values()];
  }

  taskExtensions(): StoredTaskExtension[] {
    return [...this.taskMap.values()];
  }

  /**
   * Whether a custom task extension lists `appId` in its callbackConfiguration.authorizedApps:
   * such an app resumes task processing results without LifecycleWorkflows.ReadWrite.All
   * (docs/protocol.md §11). Graph checks the extension of the task that waits; an LCW callout
   * does not name its extension, so the emulator takes any of the tenant's.
   */
  authorizesResume(appId: string): boolean {
    const wanted = appId.toLowerCase();
    return this.taskExtensions().some((task) => {
      const apps = (task.body['callbackConfiguration'] as { authorizedApps?: unknown } | null | undefined)?.authorizedApps;
      return Array.isArray(apps) && apps.some((a) => isObject(a) && typeof a['id'] === 'string' && a['id'].toLowerCase() === wanted);
    });
  }

  /** POST in a call of `version`: the callback window types it takes are that version's. */
  createExtension(catalogId: string, body: unknown, version: GraphVersion): GraphReply {
    const catalog = this.catalog(catalogId);
    if (catalog === undefined) return notFound(`The catalog '${catalogId}'`);
    const problem = workflowExtensionProblem(body, version);
    if (problem !== undefined) return badRequest(problem);
    if (this.extensionsOf(catalog.id).length >= MAX_EXTENSIONS_PER_CATALOG) return badRequest(`A catalog may have at most ${MAX_EXTENSIONS_PER_CATALOG} custom extensions.`);
    if (this.extensionMap.size >= MAX_EXTENSIONS_PER_TENANT) return badRequest(`A tenant may have at most ${MAX_EXTENSIONS_PER_TENANT} custom extensions.`);
    const at = now();
    const ext: StoredExtension = { id: randomUUID(), catalog: catalog.id, body: body as Record<string, unknown>, createdDateTime: at, lastModifiedDateTime: at };
    this.extensionMap.set(ext.id, ext);
    return { status: 201, body: extensionResource(ext) };
  }

  /** PUT in a call of `version`: the properties given replace the stored ones; the kind cannot change. */
  updateExtension(catalogId: string, id: string, body: unknown, version: GraphVersion): GraphReply {
    const ext = this.extensionIn(catalogId, id);
    if ('status' in ext) return ext;
    const problem = workflowExtensionProblem(body, version, String(ext.body['@odata.type']));
    if (problem !== undefined) return badRequest(problem);
    const updated = { ...ext, body: { ...ext.body, ...(body as Record<string, unknown>) }, lastModifiedDateTime: now() };
    this.extensionMap.set(ext.id, updated);
    return { status: 200, body: extensionResource(updated) };
  }

  /** An extension a policy still uses cannot go (it would leave the policy calling nothing); Graph's reference does not say how it refuses, the emulator answers 400. */
  deleteExtension(catalogId: string, id: string): GraphReply {
    const ext = this.extensionIn(catalogId, id);
    if ('status' in ext) return ext;
    const user = [...this.policyMap.values()].find((p) => p.stageSettings.some((s) => s.extensionId === ext.id) || p.approval.stages.some((s) => s.kind === 'dynamic' && s.extensionId === ext.id));
    if (user !== undefined) return badRequest(`The custom extension '${ext.id}' is in use by the assignment policy '${user.id}'.`);
    this.extensionMap.delete(ext.id);
    return { status: 204 };
  }

  getExtension(catalogId: string, id: string): GraphReply {
    const ext = this.extensionIn(catalogId, id);
    return 'status' in ext ? ext : { status: 200, body: extensionResource(ext) };
  }

  putPolicy(version: 'v1.0' | 'beta', id: string, body: unknown): GraphReply {
    const policy = this.policy(id);
    if (policy === undefined) return notFound(`The assignment policy '${id}'`);
    const ctx: StageSettingContext = {
      catalogId: policy.catalog,
      extensionType: (extId) => {
        const ext = this.extension(extId);
        return ext?.catalog === policy.catalog ? String(ext.body['@odata.type']) : undefined;
      },
      newId: () => randomUUID(),
    };
    const updated = version === 'v1.0' ? putV1(policy, body, ctx, now()) : putBeta(policy, body, ctx, now());
    if (typeof updated === 'string') return badRequest(updated);
    this.policyMap.set(updated.id, updated);
    return { status: 200, body: { id: updated.id, displayName: updated.displayName, description: updated.description } };
  }

  createRoleAssignment(body: unknown): GraphReply {
    if (!isObject(body)) return badRequest('The body must be a unifiedRoleAssignment.');
    const extra = Object.keys(body).find((k) => !['@odata.type', 'principalId', 'roleDefinitionId', 'appScopeId', 'directoryScopeId'].includes(k));
    // Graph's schema is checked first (registration-routes.ts); these are the properties a catalog role takes.
    if (extra !== undefined) return badRequest(`A catalog role assignment takes principalId, roleDefinitionId and appScopeId, not ${extra}.`);
    const { principalId, roleDefinitionId, appScopeId, directoryScopeId } = body;
    if (typeof principalId !== 'string' || !GUID.test(principalId)) return badRequest('principalId must be the object id of a user, group or service principal.');
    if (typeof roleDefinitionId !== 'string' || CATALOG_ROLES[roleDefinitionId.toLowerCase()] === undefined) return badRequest(`roleDefinitionId '${String(roleDefinitionId)}' is not a role of entitlement management.`);
    const scope = typeof appScopeId === 'string' ? /^\/AccessPackageCatalog\/([0-9a-f-]{36})$/i.exec(appScopeId) : null;
    if (scope?.[1] === undefined || directoryScopeId !== undefined) return badRequest("A catalog role needs appScopeId '/AccessPackageCatalog/{catalog id}' and no directoryScopeId.");
    if (this.catalog(scope[1]) === undefined) return notFound(`The catalog '${scope[1]}'`);
    const assignment: EmRoleAssignment = { id: randomUUID(), principalId: principalId.toLowerCase(), roleDefinitionId: roleDefinitionId.toLowerCase(), appScopeId: `/AccessPackageCatalog/${scope[1].toLowerCase()}`, directoryScopeId: null };
    const same = this.roleAssignments().find((r) => r.principalId === assignment.principalId && r.roleDefinitionId === assignment.roleDefinitionId && r.appScopeId === assignment.appScopeId);
    // The same role at the same scope twice: answered as the directory provider answers a duplicate (the reference does not say for this provider).
    if (same !== undefined) return graphError(409, 'Conflict', 'A conflicting object with one or more of the specified property values is present in the directory.');
    this.roleMap.set(assignment.id, assignment);
    return { status: 201, body: assignment };
  }

  deleteRoleAssignment(id: string): GraphReply {
    return this.roleMap.delete(id.toLowerCase()) ? { status: 204 } : notFound(`The role assignment '${id}'`);
  }

  createTaskExtension(body: unknown): GraphReply {
    const problem = taskExtensionProblem(body, false);
    if (problem !== undefined) return badRequest(problem);
    const name = (body as Record<string, unknown>)['displayName'];
    // The reference calls the display name "a unique string that identifies" the extension; how a duplicate is refused is not documented.
    if (this.taskExtensions().some((t) => t.body['displayName'] === name)) return graphError(409, 'Conflict', `A custom task extension named '${String(name)}' already exists.`);
    const at = now();
    const task: StoredTaskExtension = { id: randomUUID(), body: body as Record<string, unknown>, createdDateTime: at, lastModifiedDateTime: at };
    this.taskMap.set(task.id, task);
    return { status: 201, body: taskExtensionResource(task) };
  }

  /** PATCH: the properties given replace the stored ones; 204 as Graph documents. */
  updateTaskExtension(id: string, body: unknown): GraphReply {
    const task = this.taskMap.get(id.toLowerCase());
    if (task === undefined) return notFound(`The custom task extension '${id}'`);
    const problem = taskExtensionProblem(body, true);
    if (problem !== undefined) return badRequest(problem);
    this.taskMap.set(task.id, { ...task, body: { ...task.body, ...(body as Record<string, unknown>) }, lastModifiedDateTime: now() });
    return { status: 204 };
  }

  deleteTaskExtension(id: string): GraphReply {
    return this.taskMap.delete(id.toLowerCase()) ? { status: 204 } : notFound(`The custom task extension '${id}'`);
  }

  getTaskExtension(id: string): GraphReply {
    const task = this.taskMap.get(id.toLowerCase());
    return task === undefined ? notFound(`The custom task extension '${id}'`) : { status: 200, body: taskExtensionResource(task) };
  }

  private extensionIn(catalogId: string, id: string): StoredExtension | GraphReply {
    if (this.catalog(catalogId) === undefined) return notFound(`The catalog '${catalogId}'`);
    const ext = this.extension(id);
    return ext?.catalog === catalogId.toLowerCase() ? ext : notFound(`The custom extension '${id}'`);
  }
}

/** A custom extension as Graph answers it. */
export function extensionResource(ext: StoredExtension): Record<string, unknown> {
  const b = ext.body;
  return {
    '@odata.type': b['@odata.type'], id: ext.id, displayName: b['displayName'], description: b['description'] ?? null,
    createdDateTime: ext.createdDateTime, lastModifiedDateTime: ext.lastModifiedDateTime, clientConfiguration: b['clientConfiguration'] ?? null,
    endpointConfiguration: b['endpointConfiguration'], authenticationConfiguration: b['authenticationConfiguration'],
    ...(b['@odata.type'] === REQUEST_EXTENSION ? { callbackConfiguration: b['callbackConfiguration'] ?? null } : {}),
  };
}

export function taskExtensionResource(task: StoredTaskExtension): Record<string, unknown> {
  const b = task.body;
  return {
    id: task.id, displayName: b['displayName'], description: b['description'] ?? null, createdDateTime: task.createdDateTime, lastModifiedDateTime: task.lastModifiedDateTime,
    endpointConfiguration: b['endpointConfiguration'], authenticationConfiguration: b['authenticationConfiguration'],
    clientConfiguration: b['clientConfiguration'] ?? null, callbackConfiguration: b['callbackConfiguration'] ?? null,
  };
}
