import type { GraphAnswer, GraphCall, GraphHttp } from '../../src/graph/graph-http.js';
import { answer } from '../support/fake-graph.js';

/**
 * A Graph that answers the scan's tenant-wide reads from a small in-memory tenant, for unit tests
 * of the scan core: pages of `pageSize` items with absolute nextLinks, 404 for unknown groups and
 * service principals, and hooks to refuse or break a read. Every call is recorded.
 */
export const ORIGIN = 'https://graph.example';

export interface FakeTenant {
  users: Record<string, string>;
  groups: Record<string, { displayName: string; members: string[] }>;
  assignments: { id: string; accessPackage: string; target: string; state: string }[];
  roleAssignments: { id: string; principal: string; roleTemplateId: string; scope?: string }[];
  roleEligibilities: { id: string; principal: string; roleTemplateId: string; start?: string; end?: string }[];
  appRoleAssignments: { id: string; principal: string; servicePrincipal: string; appRole: string }[];
  servicePrincipals: string[];
}

export const emptyTenant = (): FakeTenant => ({ users: {}, groups: {}, assignments: [], roleAssignments: [], roleEligibilities: [], appRoleAssignments: [], servicePrincipals: [] });

type Reply = GraphAnswer | undefined;

export class FakeTenantGraph implements GraphHttp {
  readonly calls: GraphCall[] = [];
  pageSize = 1000;
  /** Answers a call before the tenant does (a refusal, a broken page); undefined lets the tenant answer. */
  intercept: (call: GraphCall) => Reply = () => undefined;

  constructor(readonly tenant: FakeTenant) {}

  send(call: GraphCall): Promise<GraphAnswer> {
    this.calls.push(call);
    return Promise.resolve(this.intercept(call) ?? this.answer(call));
  }

  paths(): string[] {
    return this.calls.map((c) => c.path);
  }

  private principal(id: string): Record<string, unknown> {
    const user = this.tenant.users[id];
    if (user !== undefined) return { '@odata.type': '#microsoft.graph.user', id, displayName: user };
    const group = this.tenant.groups[id];
    if (group !== undefined) return { '@odata.type': '#microsoft.graph.group', id, displayName: group.displayName };
    return { '@odata.type': '#microsoft.graph.servicePrincipal', id, displayName: 'An app' };
  }

  private users(groupId: string, transitive: boolean, seen = new Set<string>()): string[] {
    const out: string[] = [];
    for (const member of this.tenant.groups[groupId]?.members ?? []) {
      if (this.tenant.users[member] !== undefined && !seen.has(member)) {
        seen.add(member);
        out.push(member);
      } else if (transitive && this.tenant.groups[member] !== undefined) out.push(...this.users(member, true, seen));
    }
    return out;
  }

  private page(call: GraphCall, items: unknown[]): GraphAnswer {
    const url = new URL(`${ORIGIN}/v1.0${call.path}`);
    const skip = Number(url.searchParams.get('$skiptoken') ?? '0');
    url.searchParams.set('$skiptoken', String(skip + this.pageSize));
    const more = skip + this.pageSize < items.length;
    return answer(200, { value: items.slice(skip, skip + this.pageSize), ...(more ? { '@odata.nextLink': url.toString() } : {}) });
  }

  private answer(call: GraphCall): GraphAnswer {
    const url = new URL(`${ORIGIN}/v1.0${call.path}`);
    const parts = url.pathname.split('/').slice(2);
    const filter = url.searchParams.get('$filter') ?? '';
    const quoted = /'([^']+)'/.exec(filter)?.[1] ?? '';
    const t = this.tenant;
    if (parts[0] === 'groups') {
      const id = parts[1] ?? '';
      if (t.groups[id] === undefined) return answer(404, { error: { code: 'Request_ResourceNotFound' } });
      const users = this.users(id, parts[2] === 'transitiveMembers');
      return this.page(call, users.map((u) => ({ '@odata.type': '#microsoft.graph.user', id: u, displayName: t.users[u] })));
    }
    if (parts.join('/') === 'identityGovernance/entitlementManagement/assignments') {
      const items = t.assignments.filter((a) => a.accessPackage === quoted).map((a) => ({ id: a.id, state: a.state, target: { objectId: a.target, displayName: t.users[a.target], subjectType: 'user' } }));
      return this.page(call, items);
    }
    if (parts[0] === 'roleManagement') {
      if (parts[2] === 'roleAssignments') {
        return this.page(call, t.roleAssignments.filter((r) => r.roleTemplateId === quoted).map((r) => ({ id: r.id, roleDefinitionId: r.roleTemplateId, directoryScopeId: r.scope ?? '/', principal: this.principal(r.principal) })));
      }
      const items = t.roleEligibilities.filter((r) => r.roleTemplateId === quoted).map((r) => ({
        id: r.id,
        roleDefinitionId: r.roleTemplateId,
        directoryScopeId: '/',
        principal: this.principal(r.principal),
        scheduleInfo: { startDateTime: r.start ?? '2020-01-01T00:00:00Z', expiration: r.end === undefined ? { type: 'noExpiration' } : { type: 'afterDateTime', endDateTime: r.end } },
      }));
      return this.page(call, items);
    }
    if (parts[0] === 'servicePrincipals') {
      const sp = parts[1] ?? '';
      if (!t.servicePrincipals.includes(sp)) return answer(404, { error: { code: 'Request_ResourceNotFound' } });
      const items = t.appRoleAssignments.filter((a) => a.servicePrincipal === sp).map((a) => {
        const principal = this.principal(a.principal);
        return { id: a.id, appRoleId: a.appRole, resourceId: sp, principalId: a.principal, principalType: principal['@odata.type'] === '#microsoft.graph.group' ? 'Group' : 'User', principalDisplayName: principal['displayName'] };
      });
      return this.page(call, items);
    }
    return answer(400, { error: { code: 'BadRequest', message: `unexpected ${call.path}` } });
  }
}
