import { Fields, TenantFileError } from '../directory/tenant-values.js';

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
