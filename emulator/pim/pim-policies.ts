import { createHash } from 'node:crypto';
import { graphError, GUID, type GraphReply } from '../graph/graph-errors.js';
import { CUSTOM_EXTENSION_RULE, defaultRules, ruleProblem } from './pim-policy-rules.js';

/** What a role management policy governs: a directory role in the whole directory, or the member or owner role of a group (PIM for Groups). */
export type PolicyScope =
  | { readonly scopeType: 'DirectoryRole'; readonly scopeId: '/'; readonly roleDefinitionId: string }
  | { readonly scopeType: 'Group'; readonly scopeId: string; readonly roleDefinitionId: 'member' | 'owner' };

export interface StoredRolePolicy {
  readonly id: string;
  readonly scope: PolicyScope;
  /** The rules by id, in the order Graph lists them. */
  readonly rules: Map<string, Record<string, unknown>>;
  lastModifiedDateTime: string;
}

/** The PIM provider whose custom extensions a policy's custom extension rule may name. */
export const resourceTypeOf = (scope: PolicyScope): string => (scope.scopeType === 'DirectoryRole' ? 'entraRoles' : 'entraGroups');

/** A GUID made from text, so a scope's policy keeps its id across runs. */
function guidOf(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The tenant's role management policies (Graph's /policies/roleManagementPolicies) and their
 * assignments, for Entra roles and PIM for Groups. Every directory role has one, and every group
 * of the tenant one per member and owner role, as in Entra: the emulator makes each when it is
 * first asked for. Ids are formed as Graph's examples show them (`DirectoryRole_{tenant}_{guid}`,
 * `Group_{group}_{guid}`). Azure resource roles have theirs in Azure Resource Manager, not Graph.
 */
export class PimPolicies {
  private readonly byId = new Map<string, StoredRolePolicy>();

  constructor(
    private readonly tenantId: string,
    private readonly isGroup: (id: string) => boolean,
  ) {}

  /** The policy of a scope (made on first use); undefined for a group the tenant does not have or a role id that is not a GUID. */
  policyFor(scope: PolicyScope): StoredRolePolicy | undefined {
    if (scope.scopeType === 'Group' ? !this.isGroup(scope.scopeId.toLowerCase()) : !GUID.test(scope.roleDefinitionId)) return undefined;
    const key = scope.scopeType === 'Group' ? `Group_${scope.scopeId.toLowerCase()}` : `DirectoryRole_${this.tenantId}`;
    const id = `${key}_${guidOf(`${key}/${scope.roleDefinitionId.toLowerCase()}`)}`;
    let policy = this.byId.get(id.toLowerCase());
    if (policy === undefined) {
      const normal: PolicyScope = scope.scopeType === 'Group' ? { ...scope, scopeId: scope.scopeId.toLowerCase() } : { ...scope, roleDefinitionId: scope.roleDefinitionId.toLowerCase() };
      policy = { id, scope: normal, rules: new Map(defaultRules().map((r) => [String(r['id']), r])), lastModifiedDateTime: new Date().toISOString() };
      this.byId.set(id.toLowerCase(), policy);
    }
    return policy;
  }

  get(id: string): StoredRolePolicy | undefined {
    return this.byId.get(id.toLowerCase());
  }

  /** The id of a policy whose enabled custom extension rule names the extension, or undefined. */
  usedBy(extensionId: string): string | undefined {
    const id = extensionId.toLowerCase();
    return [...this.byId.values()].find((p) => [...p.rules.values()].some((r) => r['@odata.type'] === CUSTOM_EXTENSION_RULE && r['isEnabled'] === true && String(r['customExtensionId']).toLowerCase() === id))?.id;
  }

  /** The custom extension the scope's policy calls on activation (an enabled custom extension rule), or undefined. */
  linkedExtension(scope: PolicyScope): string | undefined {
    const rule = [...(this.policyFor(scope)?.rules.values() ?? [])].find((r) => r['@odata.type'] === CUSTOM_EXTENSION_RULE && r['isEnabled'] === true);
    return typeof rule?.['customExtensionId'] === 'string' ? rule['customExtensionId'] : undefined;
  }

  /** PATCH of one rule: checked (pim-policy-rules.ts), merged; 204 as Graph's update page answers. */
  patchRule(policyId: string, ruleId: string, body: unknown, extensionType: (id: string) => string | undefined): GraphReply {
    const policy = this.get(policyId);
    if (policy === undefined) return graphError(404, 'ResourceNotFound', `The role management policy '${policyId}' does not exist.`);
    const stored = policy.rules.get(ruleId);
    if (stored === undefined) return graphError(404, 'ResourceNotFound', `The rule '${ruleId}' does not exist in policy '${policy.id}'.`);
    const problem = ruleProblem(body, stored, { resourceType: resourceTypeOf(policy.scope), extensionType });
    if (problem !== undefined) return graphError(400, 'BadRequest', problem);
    const changes = body as Record<string, unknown>;
    const merged: Record<string, unknown> = { ...stored, ...changes, '@odata.type': stored['@odata.type'], id: stored['id'] };
    const named = merged['customExtensionId'];
    if (typeof named === 'string') merged['customExtensionId'] = named.toLowerCase();
    policy.rules.set(ruleId, merged);
    policy.lastModifiedDateTime = new Date().toISOString();
    return { status: 204 };
  }
}

/** A policy as Graph answers it (unifiedRoleManagementPolicy), without its rules. */
export function policyResource(policy: StoredRolePolicy): Record<string, unknown> {
  return {
    id: policy.id, displayName: policy.scope.scopeType, description: policy.scope.scopeType, isOrganizationDefault: false,
    scopeId: policy.scope.scopeId, scopeType: policy.scope.scopeType, lastModifiedDateTime: policy.lastModifiedDateTime, lastModifiedBy: null,
  };
}

/** The policy's assignment to its scope (unifiedRoleManagementPolicyAssignment). */
export function assignmentResource(policy: StoredRolePolicy): Record<string, unknown> {
  const { scope } = policy;
  return { id: `${policy.id}_${scope.roleDefinitionId}`, policyId: policy.id, scopeId: scope.scopeId, scopeType: scope.scopeType, roleDefinitionId: scope.roleDefinitionId };
}
