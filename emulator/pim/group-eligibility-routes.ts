import { readGovernanceQuery } from '../graph/collection-query.js';
import type { RouteCall } from '../graph/graph-call.js';
import { graphError, type GraphReply } from '../graph/graph-errors.js';
import { collectionReply } from '../graph/graph-paging.js';
import { authorize } from '../identity/graph-auth.js';
import type { TenantFacts } from '../directory/tenant-facts.js';
import { odataContext } from '../directory/user-resource.js';
import { GROUP_ELIGIBILITY_READ, type TenantGroupEligibility } from './group-eligibilities.js';

/** An eligibility as Graph answers it (privilegedAccessGroupEligibilitySchedule). */
function resource(e: TenantGroupEligibility): Record<string, unknown> {
  return {
    id: e.id, accessId: e.accessId, groupId: e.groupId, principalId: e.principal, memberType: 'direct', status: 'Provisioned',
    createdDateTime: e.startDateTime, createdUsing: e.id, modifiedDateTime: null,
    scheduleInfo: { startDateTime: e.startDateTime, recurrence: null, expiration: e.endDateTime === null ? { type: 'noExpiration', endDateTime: null, duration: null } : { type: 'afterDateTime', endDateTime: e.endDateTime, duration: null } },
  };
}

/** Whether a path (after the version) is identityGovernance/privilegedAccess/group/eligibilitySchedules. */
export function isGroupEligibilityPath(path: readonly string[]): boolean {
  return path.length === 4 && path.map((s) => s.toLowerCase()).join('/') === 'identitygovernance/privilegedaccess/group/eligibilityschedules';
}

/**
 * GET …/privilegedAccess/group/eligibilitySchedules?$filter=principalId eq '…' (or groupId, and
 * accessId): the eligibilities in effect now. Graph's list needs a filter on principalId or groupId.
 */
export async function groupEligibilityGraph(t: TenantFacts, call: RouteCall): Promise<GraphReply> {
  const denied = await authorize(t, call.headers.authorization, GROUP_ELIGIBILITY_READ);
  if (denied !== undefined) return denied;
  if (call.method !== 'GET') return graphError(405, 'Request_BadRequest', 'The HTTP method is not allowed on this resource.');
  const q = readGovernanceQuery(call.query, ['principalId', 'groupId', 'accessId'], [], { accessId: ['member', 'owner'] });
  if ('status' in q) return q;
  const principal = q.filters.get('principalId');
  const group = q.filters.get('groupId');
  const access = q.filters.get('accessId');
  if (principal === undefined && group === undefined) return graphError(400, 'BadRequest', 'The $filter must name principalId or groupId.');
  const now = Date.now();
  const items = t.groupEligibilities.filter((e) => (principal === undefined || e.principal === principal) && (group === undefined || e.groupId === group) && (access === undefined || e.accessId === access)
    && Date.parse(e.startDateTime) <= now && (e.endDateTime === null || Date.parse(e.endDateTime) > now));
  return collectionReply({ origin: t.origin, ...call }, q, items, 100, odataContext(call.version, 'identityGovernance/privilegedAccess/group/eligibilitySchedules', undefined, false), resource);
}
