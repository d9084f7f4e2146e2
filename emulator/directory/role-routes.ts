import { expandedProperties, readGovernanceQuery, selection } from '../graph/collection-query.js';
import type { DirectoryCall } from './directory-routes.js';
import type { GraphReply } from '../graph/graph-errors.js';
import { collectionReply } from '../graph/graph-paging.js';
import type { RecordReads } from '../governance/governance.js';
import {
  PRINCIPAL_PROPERTIES, principalObject, ROLE_ASSIGNMENT_PROPERTIES, ROLE_ELIGIBILITY_PROPERTIES, roleAssignmentResource, roleEligibilityResource,
} from '../governance/governance-resources.js';
import type { TenantRoleAssignment } from '../governance/governance-values.js';
import type { TenantFacts } from './tenant-facts.js';
import { odataContext, resolveSelect } from './user-resource.js';

/**
 * A roleManagement/directory collection: `$filter=principalId eq '…'` and/or `roleDefinitionId
 * eq '…'` (the role's template id), `$expand=principal` (a user or group as a directoryObject),
 * `$select`, paged.
 */
function roleCollection<T extends TenantRoleAssignment>(
  t: TenantFacts,
  call: DirectoryCall,
  records: RecordReads<T, 'principal' | 'roleTemplateId'>,
  known: readonly string[],
  type: string,
  set: string,
  resource: (role: T, properties: readonly string[]) => Record<string, unknown>,
): GraphReply {
  const q = readGovernanceQuery(call.query, ['principalId', 'roleDefinitionId'], ['principal']);
  if ('status' in q) return q;
  const properties = resolveSelect(q.select, known, known, type);
  if ('status' in properties) return properties;
  const principal = expandedProperties(q.expansions.get('principal'), PRINCIPAL_PROPERTIES, PRINCIPAL_PROPERTIES, 'microsoft.graph.directoryObject');
  if (principal !== undefined && 'status' in principal) return principal;
  const roles = records.where({ principal: q.filters.get('principalId'), roleTemplateId: q.filters.get('roleDefinitionId') });
  const context = odataContext(call.version, `roleManagement/directory/${set}`, selection(q, properties), false);
  return collectionReply({ origin: t.origin, ...call }, q, roles, t.governance.pageSize, context, (role) => ({
    ...resource(role, properties),
    ...(principal === undefined ? {} : { principal: principalObject(t.governance.principal(role.principal), role.principal, principal) }),
  }));
}

/** GET /roleManagement/directory/roleAssignments: active directory roles. */
export function roleAssignments(t: TenantFacts, call: DirectoryCall): GraphReply {
  return roleCollection(t, call, t.governance.roleAssignments, ROLE_ASSIGNMENT_PROPERTIES, 'microsoft.graph.unifiedRoleAssignment', 'roleAssignments', roleAssignmentResource);
}

/** GET /roleManagement/directory/roleEligibilitySchedules: PIM eligibilities with their schedules. */
export function roleEligibilitySchedules(t: TenantFacts, call: DirectoryCall): GraphReply {
  return roleCollection(
    t,
    call,
    t.governance.roleEligibilities,
    ROLE_ELIGIBILITY_PROPERTIES,
    'microsoft.graph.unifiedRoleEligibilitySchedule',
    'roleEligibilitySchedules',
    roleEligibilityResource,
  );
}
