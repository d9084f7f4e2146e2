import { isAppError } from '../../errors.js';
import { graphErrorCode, type GraphAnswer, type GraphCall, type GraphHttp } from '../../graph/graph-http.js';
import { describeRead, InvalidPage, walkPages, type GraphPage } from '../../graph/paging.js';
import { Deadline, sendWithRetry, type RetryOptions } from '../../graph/retry.js';
import type { Entitlement } from '../sod-model.js';
import { createLimiter } from './limit-concurrency.js';
import { ScanError, type EntitlementHolders, type GroupRef, type MemberReader, type ReadCounters, type Via } from './scan-model.js';
import {
  activeRoleAssignments, appRoleAssignedTo, directUsers, InvalidItem, packageAssignments, roleEligibilities, transitiveUsers,
  type AppRoleAssignmentItem, type CollectionRead, type RoleGrantItem,
} from './scan-reads.js';
import { compileScanValidators, type ScanValidators } from './scan-schemas.js';

export interface MemberReaderOptions {
  /** Origin of Graph: nextLinks must stay on it. */
  readonly graphOrigin: string;
  /** Clock and per-call timeout of the retries (src/graph/retry.ts). */
  readonly retry: RetryOptions;
  /** Time one page may take, retries of 429/5xx included (default 2 minutes). */
  readonly pageBudgetMs?: number;
  /** Pages followed at most per collection (default 5,000: 5 million users at 999 a page). */
  readonly maxPages?: number;
  /** Collections read at once (default 8). */
  readonly concurrency?: number;
  /** Epoch ms at which PIM eligibility windows are judged. */
  readonly now: number;
  readonly validators?: ScanValidators;
}

export const DEFAULT_SCAN_CONCURRENCY = 8;
const DEFAULT_PAGE_BUDGET_MS = 120_000;
const DEFAULT_SCAN_MAX_PAGES = 5000;

/** Every user of a group holds the group the same way: one shared, frozen list. */
const MEMBER: readonly Via[] = Object.freeze([Object.freeze({ kind: 'member' as const })]);

const isCurrent = (start: string | undefined, end: string | undefined, now: number): boolean =>
  (start === undefined || Date.parse(start) <= now) && (end === undefined || Date.parse(end) > now);

function add(map: Map<string, Via[]>, userId: string, via: Via): void {
  const list = map.get(userId);
  if (list === undefined) map.set(userId, [via]);
  else list.push(via);
}

/**
 * Reads who holds each entitlement from tenant-wide collections (members of a group, assignments
 * of a package or a role, assignments of an application's roles), once per scan: results are
 * cached as promises, so rules sharing an entitlement, app roles sharing an application and
 * roles sharing a group share one read. At most `concurrency` collections are read at once; each
 * page retries within its own budget. 401/403, an invalid page or item, or Graph staying
 * unavailable reject with ScanError; 404 means the entitlement no longer exists (nobody holds it).
 */
export function createMemberReader(http: GraphHttp, options: MemberReaderOptions): MemberReader {
  const validators = options.validators ?? compileScanValidators();
  const limiter = createLimiter(options.concurrency ?? DEFAULT_SCAN_CONCURRENCY);
  const counters: ReadCounters = { reads: 0, pages: 0, requests: 0 };
  const counting: GraphHttp = { send: (call, timeoutMs) => { counters.requests++; return http.send(call, timeoutMs); } };
  const users = new Map<string, { readonly id: string; displayName: string | undefined }>();
  const cache = new Map<string, Promise<unknown>>();
  const isPage = (json: unknown): json is GraphPage => validators.page(json);
  let stopped: ScanError | undefined;

  /** The one string kept for a user id (50,000 users appear in many reads), recording its name. */
  function user(id: string, displayName: string | undefined): string {
    const known = users.get(id);
    if (known === undefined) {
      users.set(id, { id, displayName });
      return id;
    }
    known.displayName ??= displayName;
    return known.id;
  }

  function once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let pending = cache.get(key) as Promise<T> | undefined;
    if (pending === undefined) {
      pending = read();
      cache.set(key, pending);
    }
    return pending;
  }

  function refusal(answer: GraphAnswer, read: Pick<CollectionRead<unknown, unknown>, 'call' | 'permission'>, what: string): ScanError {
    const call = describeRead(read.call);
    if (answer.status === 401 || answer.status === 403) {
      return new ScanError('forbidden', `Graph refused ${call} (${answer.status} ${graphErrorCode(answer)}) reading ${what}; the scanning identity needs the Graph permission ${read.permission}.`, read.permission);
    }
    return new ScanError('rejected', `Graph answered ${answer.status} ${graphErrorCode(answer)} to ${call} reading ${what}.`);
  }

  /** Reads a whole collection under the limiter, handing each valid item on; 'missing' on 404. */
  function walk<T, A>(read: CollectionRead<T, A>, what: string, onItem: (item: T) => void): Promise<'read' | 'missing'> {
    return limiter.run(async () => {
      counters.reads++;
      const send = (call: GraphCall) => {
        if (stopped !== undefined) throw stopped;
        return sendWithRetry(counting, call, Deadline.after(options.retry.clock, options.pageBudgetMs ?? DEFAULT_PAGE_BUDGET_MS), options.retry);
      };
      const validate = read.validator(validators);
      const onItems = (items: readonly unknown[]) => {
        for (const [i, item] of items.entries()) {
          if (!validate(item)) {
            const error = validate.errors?.[0];
            throw new InvalidItem(`${read.item} ${String(i)} of a page is not valid at ${error?.instancePath || '/'}: ${error?.message ?? 'invalid'}`);
          }
          const parsed = read.parse(item);
          if (parsed !== undefined) onItem(parsed);
        }
      };
      try {
        const result = await walkPages(send, read.call, { graphOrigin: options.graphOrigin, maxPages: options.maxPages ?? DEFAULT_SCAN_MAX_PAGES, isPage, onAnswer: () => { counters.pages++; } }, onItems);
        if (result.complete) return 'read';
        if (result.answer.status === 404) return 'missing';
        throw refusal(result.answer, read, what);
      } catch (error) {
        if (error instanceof InvalidPage || error instanceof InvalidItem) {
          throw new ScanError('invalid', `Graph's answer to ${describeRead(read.call)} reading ${what} is not valid: ${error.message}.`, undefined, { cause: error });
        }
        if (isAppError(error) && error.retryable) throw new ScanError('unavailable', `${error.message} (${describeRead(read.call)}, reading ${what})`, undefined, { cause: error });
        throw error;
      }
    });
  }

  /** Users of a group: transitive (a group entitlement, an exemption) or direct (roles, app roles). */
  function groupUsers(groupId: string, direct: boolean, what: string): Promise<{ users: Map<string, readonly Via[]>; missing: boolean }> {
    return once(`${direct ? 'members' : 'transitiveMembers'}:${groupId}`, async () => {
      const found = new Map<string, readonly Via[]>();
      const outcome = await walk(direct ? directUsers(groupId) : transitiveUsers(groupId), what, (u) => { found.set(user(u.id, u.displayName), MEMBER); });
      return { users: found, missing: outcome === 'missing' };
    });
  }

  /** Users of role grants: users directly, groups through their direct members. */
  async function grantHolders(grants: readonly RoleGrantItem[], via: (grant: RoleGrantItem, group?: GroupRef) => Via, what: string): Promise<Map<string, Via[]>> {
    const holders = new Map<string, Via[]>();
    for (const grant of grants) if (grant.principal.type === 'user') add(holders, user(grant.principal.id, grant.principal.displayName), via(grant));
    const groups = grants.filter((g) => g.principal.type === 'group');
    const expanded = await Promise.all(groups.map((g) => groupUsers(g.principal.id, true, `members of group ${g.principal.displayName ?? g.principal.id} (${what})`)));
    for (const [i, grant] of groups.entries()) {
      const group = { id: grant.principal.id, displayName: grant.principal.displayName };
      for (const userId of expanded[i]?.users.keys() ?? []) add(holders, userId, via(grant, group));
    }
    return holders;
  }

  function roleHolders(roleTemplateId: string, eligible: boolean, what: string): Promise<Map<string, Via[]>> {
    return once(`${eligible ? 'eligible' : 'active'}:${roleTemplateId}`, async () => {
      const grants: RoleGrantItem[] = [];
      const read = eligible ? roleEligibilities(roleTemplateId) : activeRoleAssignments(roleTemplateId);
      await walk(read, what, (g) => {
        if (!eligible || isCurrent(g.startDateTime, g.endDateTime, options.now)) grants.push(g);
      });
      return grantHolders(
        grants,
        (g, group) => {
          const base = { id: g.id, scope: g.scope, ...(group === undefined ? {} : { group }) };
          return eligible ? { kind: 'eligibleRole', ...base, ...(g.endDateTime === undefined ? {} : { until: g.endDateTime }) } : { kind: 'activeRole', ...base };
        },
        what,
      );
    });
  }

  function appAssignments(servicePrincipalId: string, what: string): Promise<{ items: AppRoleAssignmentItem[]; missing: boolean }> {
    return once(`appRoleAssignedTo:${servicePrincipalId}`, async () => {
      const items: AppRoleAssignmentItem[] = [];
      const outcome = await walk(appRoleAssignedTo(servicePrincipalId), what, (a) => { if (a.principalType !== 'other') items.push(a); });
      return { items, missing: outcome === 'missing' };
    });
  }

  async function appRoleHolders(servicePrincipalId: string, appRoleId: string, what: string): Promise<EntitlementHolders> {
    const { items, missing } = await appAssignments(servicePrincipalId, what);
    const holders = new Map<string, Via[]>();
    const mine = items.filter((a) => a.appRoleId === appRoleId);
    for (const a of mine) if (a.principalType === 'user') add(holders, user(a.principalId, a.principalDisplayName), { kind: 'appRole', id: a.id });
    const groups = mine.filter((a) => a.principalType === 'group');
    const expanded = await Promise.all(groups.map((a) => groupUsers(a.principalId, true, `members of group ${a.principalDisplayName ?? a.principalId} (${what})`)));
    for (const [i, a] of groups.entries()) {
      const group = { id: a.principalId, displayName: a.principalDisplayName };
      for (const userId of expanded[i]?.users.keys() ?? []) add(holders, userId, { kind: 'appRole', id: a.id, group });
    }
    return { holders, missing };
  }

  async function packageHolders(accessPackageId: string, what: string): Promise<EntitlementHolders> {
    const holders = new Map<string, Via[]>();
    const outcome = await walk(packageAssignments(accessPackageId), what, (a) => {
      add(holders, user(a.id, a.displayName), { kind: 'assignment', id: a.assignmentId, state: a.state });
    });
    return { holders, missing: outcome === 'missing' };
  }

  async function merged(a: Promise<Map<string, Via[]>>, b: Promise<Map<string, Via[]>>): Promise<EntitlementHolders> {
    const [active, eligible] = await Promise.all([a, b]);
    const holders = new Map<string, Via[]>(active);
    for (const [userId, vias] of eligible) holders.set(userId, [...(holders.get(userId) ?? []), ...vias]);
    return { holders, missing: false };
  }

  function read(entitlement: Entitlement): Promise<EntitlementHolders> {
    const id = entitlement.key.slice(entitlement.key.indexOf(':') + 1);
    const what = `${entitlement.kind} ${entitlement.displayName ?? id}`;
    switch (entitlement.kind) {
      case 'accessPackage':
        return packageHolders(id, `assignments of access package ${entitlement.displayName ?? id}`);
      case 'group':
        return groupUsers(id, false, `members of group ${entitlement.displayName ?? id}`).then(({ users: holders, missing }) => ({ holders, missing }));
      case 'directoryRole': {
        const active = roleHolders(id, false, `assignments of directory role ${entitlement.displayName ?? id}`);
        if (!entitlement.includeEligible) return active.then((holders) => ({ holders, missing: false }));
        return merged(active, roleHolders(id, true, `eligibilities of directory role ${entitlement.displayName ?? id}`));
      }
      case 'appRole': {
        const [servicePrincipalId = '', appRoleId = ''] = id.split('/');
        return appRoleHolders(servicePrincipalId, appRoleId, `assignments of app role ${what.slice('appRole '.length)}`);
      }
      case 'azureRole':
        // Azure role assignments live in Azure Resource Manager, which the scan does not read: nobody holds one here.
        return Promise.resolve({ holders: new Map<string, Via[]>(), missing: false });
    }
  }

  return {
    holders: (entitlement) => once(`holders:${entitlement.key}:${String(entitlement.includeEligible)}`, () => read(entitlement)),
    groupUsers: async (groupId) => new Set((await groupUsers(groupId.toLowerCase(), false, `members of exemption group ${groupId}`)).users.keys()),
    displayName: (userId) => users.get(userId)?.displayName,
    usersSeen: () => users.size,
    counters,
    cancel: () => {
      stopped ??= new ScanError('unavailable', 'The scan stopped after another read failed.');
      limiter.cancel(stopped);
    },
  };
}
