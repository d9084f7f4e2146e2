import { readGovernanceQuery } from './collection-query.js';
import { authorize } from './graph-auth.js';
import { graphError, type GraphReply } from './graph-errors.js';
import { collectionReply } from './graph-paging.js';
import type { RegistrationCall } from './catalog-routes.js';
import type { TenantFacts } from './tenant-facts.js';
import { Fields, TenantFileError } from './tenant-values.js';
import { odataContext } from './user-resource.js';

/** The tenant file's section of PIM for Groups eligibilities. */
export const GROUP_ELIGIBILITY_SECTION = 'groupEligibilities';

/** Who may activate which role of a group through PIM for Groups (Graph's privilegedAccessGroupEligibilitySchedule). */
export interface TenantGroupEligibility {
  readonly id: string;
  readonly principal: string;
  readonly groupId: string;
  readonly accessId: 'member' | 'owner';
  readonly startDateTime: string;
  readonly endDateTime: string | null;
}

/** Application permissions of the list (Graph's privilegedaccessgroup-list-eligibilityschedules): the Read one is the least. */
export const GROUP_ELIGIBILITY_READ = ['PrivilegedEligibilitySchedule.Read.AzureADGroup', 'PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup'];

/**
 * The section, validated: ids GUIDs and unique, each principal a user of the file, each group one
 * of its groups, accessId member or owner, an end after the start (no start: now).
 */
export function parseGroupEligibilities(f: Fields, isUser: (id: string) => boolean, isGroup: (id: string) => boolean, now = new Date()): TenantGroupEligibility[] {
  const seen = new Map<string, number>();
  return f.list(GROUP_ELIGIBILITY_SECTION).map((raw, i) => {
    const where = `${GROUP_ELIGIBILITY_SECTION}[${i}]`;
    const e = Fields.of(f.source, where, raw, ['description', 'id', 'principal', 'groupId', 'accessId', 'startDateTime', 'endDateTime']);
    const id = e.guid('id', true);
    const principal = e.guid('principal', true);
    const groupId = e.guid('groupId', true);
    const accessId = e.oneOf('accessId', ['member', 'owner'] as const, 'member');
    const startDateTime = e.instant('startDateTime') ?? now.toISOString();
    const endDateTime = e.instant('endDateTime');
    if (endDateTime !== null && Date.parse(endDateTime) <= Date.parse(startDateTime)) e.fail('endDateTime', 'is not after startDateTime');
    if (!isUser(principal)) e.fail('principal', `"${principal}" is not the id of a user in the tenant`);
    if (!isGroup(groupId)) e.fail('groupId', `"${groupId}" is not the id of a group in the tenant`);
    const same = seen.get(id);
    if (same !== undefined) throw new TenantFileError(`${f.source}: ${where}.id "${id}" is already the id of ${GROUP_ELIGIBILITY_SECTION}[${same}]`);
    seen.set(id, i);
    return { id, principal, groupId, accessId, startDateTime, endDateTime };
  });
}

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
export async function groupEligibilityGraph(t: TenantFacts, call: RegistrationCall): Promise<GraphReply> {
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
