import { describe, expect, it } from 'vitest';
import type { GraphCall } from '../../src/graph/graph-http.js';
import { createMemberReader } from '../../src/sod/scan/member-reader.js';
import { ScanError, type ScanProgress, type Violation } from '../../src/sod/scan/scan-model.js';
import { scanTenant } from '../../src/sod/scan/scan-tenant.js';
import { compileRuleSet } from '../../src/sod/rule-set.js';
import { answer, VirtualClock } from '../support/fake-graph.js';
import { emptyTenant, FakeTenantGraph, ORIGIN, type FakeTenant } from './scan-fake-tenant.js';

const NOW = Date.parse('2026-06-15T12:00:00Z');
const id = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;
const user = (n: number) => id('00000000', n);
const group = (n: number) => id('0000000a', n);
const pkg = (n: number) => id('0000000b', n);
const role = (n: number) => id('0000000c', n);
const sp = (n: number) => id('0000000d', n);
const appRole = (n: number) => id('0000000e', n);

type SideDoc = Record<string, unknown> & { name: string };
const rule = (ruleId: string, sides: SideDoc[], extra: Record<string, unknown> = {}) => ({ id: ruleId, title: `Rule ${ruleId}`, severity: 'high', action: 'deny', sides, ...extra });

async function scan(tenant: FakeTenant, rules: unknown[], setup: (graph: FakeTenantGraph) => void = () => undefined, concurrency?: number) {
  const graph = new FakeTenantGraph(tenant);
  setup(graph);
  const clock = new VirtualClock();
  const reader = createMemberReader(graph, { graphOrigin: ORIGIN, retry: { clock, timeoutMs: 1000, random: () => 0.5 }, now: NOW, ...(concurrency === undefined ? {} : { concurrency }) });
  const progress: ScanProgress[] = [];
  const result = await scanTenant(compileRuleSet({ rules }), reader, { now: NOW, onProgress: (p) => progress.push(p) });
  return { result, graph, progress };
}

/** "user 1: side A [item (via)] | side B [...]" — what a violation says, compactly. */
const evidence = (v: Violation) => `${v.user.displayName ?? v.user.id}: ${v.sides.map((s) => `${s.name} [${s.items.map((i) => `${i.displayName} (${i.via})`).join(', ')}]`).join(' | ')}`;

function people(n: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [user(i + 1), `User ${String(i + 1)}`]));
}

describe('each kind of entitlement, intersected across sides', () => {
  const tenant: FakeTenant = {
    ...emptyTenant(),
    users: people(9),
    groups: {
      [group(1)]: { displayName: 'Editors', members: [user(1), group(2)] },
      [group(2)]: { displayName: 'Nested editors', members: [user(2)] },
      [group(3)]: { displayName: 'Role group', members: [user(3)] },
      [group(4)]: { displayName: 'App group', members: [user(4), group(5)] },
      [group(5)]: { displayName: 'Nested app group', members: [user(9)] },
    },
    assignments: [
      { id: 'as-1', accessPackage: pkg(1), target: user(1), state: 'Delivered' },
      { id: 'as-2', accessPackage: pkg(1), target: user(2), state: 'partiallyDelivered' },
      { id: 'as-3', accessPackage: pkg(1), target: user(3), state: 'Delivering' },
      { id: 'as-4', accessPackage: pkg(1), target: user(4), state: 'Delivered' },
      { id: 'as-5', accessPackage: pkg(1), target: user(5), state: 'Delivered' },
      { id: 'as-6', accessPackage: pkg(1), target: user(6), state: 'Delivered' },
      { id: 'as-7', accessPackage: pkg(1), target: user(7), state: 'Expired' },
      { id: 'as-8', accessPackage: pkg(1), target: user(8), state: 'Delivered' },
      { id: 'as-9', accessPackage: pkg(1), target: user(9), state: 'Delivered' },
    ],
    roleAssignments: [{ id: 'ra-1', principal: group(3), roleTemplateId: role(1) }, { id: 'ra-2', principal: user(7), roleTemplateId: role(1) }],
    roleEligibilities: [
      { id: 'el-1', principal: user(5), roleTemplateId: role(1), end: '2026-09-30T00:00:00Z' },
      { id: 'el-2', principal: user(6), roleTemplateId: role(1), end: '2026-01-01T00:00:00Z' },
      { id: 'el-3', principal: user(8), roleTemplateId: role(1), start: '2026-07-01T00:00:00Z' },
    ],
    servicePrincipals: [sp(1)],
    appRoleAssignments: [
      { id: 'ar-1', principal: group(4), servicePrincipal: sp(1), appRole: appRole(1) },
      { id: 'ar-2', principal: user(6), servicePrincipal: sp(1), appRole: appRole(2) },
    ],
  };
  const rules = [
    rule('R1', [
      { name: 'Package', accessPackages: [{ id: pkg(1), displayName: 'Pkg' }] },
      {
        name: 'Other',
        groups: [{ id: group(1), displayName: 'Editors' }],
        directoryRoles: [{ roleTemplateId: role(1), displayName: 'Admin' }],
        appRoles: [{ servicePrincipalId: sp(1), appRoleId: appRole(1), displayName: 'App Role' }],
      },
    ]),
  ];

  it('finds who holds both sides, with where each item comes from', async () => {
    const { result } = await scan(tenant, rules);
    const [r1] = result.rules;
    expect(r1?.violations.map(evidence)).toEqual([
      'User 1: Package [Pkg (assignment as-1)] | Other [Editors (member of group)]',
      'User 2: Package [Pkg (assignment as-2 (partiallyDelivered))] | Other [Editors (member of group)]',
      'User 3: Package [Pkg (assignment as-3 (Delivering))] | Other [Admin (active role via group Role group)]',
      'User 4: Package [Pkg (assignment as-4)] | Other [App Role (app role via group App group)]',
      'User 5: Package [Pkg (assignment as-5)] | Other [Admin (eligible role (until 2026-09-30T00:00:00Z))]',
    ]);
    // User 6: eligibility ended, other app role; 7: assignment expired; 8: eligibility not started; 9: app roles do not reach nested groups.
    expect(r1).toMatchObject({ holders: [8, 6], open: 5, exempt: 0, missing: [] });
  });

  it('an eligible role counts only where the rule includes eligible assignments', async () => {
    const notEligible = [rule('R1', [{ name: 'Package', accessPackages: [{ id: pkg(1) }] }, { name: 'Admin', directoryRoles: [{ roleTemplateId: role(1), includeEligible: false }] }])];
    const { result, graph } = await scan(tenant, notEligible);
    expect(result.rules[0]?.violations.map((v) => v.user.id)).toEqual([user(3)]);
    expect(graph.paths().some((p) => p.includes('roleEligibilitySchedules'))).toBe(false);
  });

  it('sends the reads Graph documents: filters URL-encoded, ConsistencyLevel on directory casts', async () => {
    const { graph } = await scan(tenant, rules);
    const calls = new Map(graph.calls.map((c) => [c.path.split('?')[0], c]));
    expect(calls.get('/identityGovernance/entitlementManagement/assignments')?.path).toBe(
      `/identityGovernance/entitlementManagement/assignments?$filter=accessPackage%2Fid%20eq%20'${pkg(1)}'&$expand=target&$select=id,state`,
    );
    expect(calls.get(`/groups/${group(1)}/transitiveMembers/microsoft.graph.user`)).toMatchObject({ path: expect.stringContaining('?$select=id,displayName&$top=999&$count=true') as string, headers: { ConsistencyLevel: 'eventual' } });
    expect(calls.get(`/groups/${group(3)}/members/microsoft.graph.user`)?.headers).toEqual({ ConsistencyLevel: 'eventual' });
    expect(calls.get('/roleManagement/directory/roleAssignments')?.path).toBe(`/roleManagement/directory/roleAssignments?$filter=roleDefinitionId%20eq%20'${role(1)}'&$expand=principal`);
    expect(calls.get('/roleManagement/directory/roleEligibilitySchedules')?.path).toContain('&$expand=principal');
    expect(calls.get(`/servicePrincipals/${sp(1)}/appRoleAssignedTo`)?.path).toBe(`/servicePrincipals/${sp(1)}/appRoleAssignedTo?$top=999`);
    expect(graph.calls.every((c) => c.method === 'GET' && c.version === 'v1.0')).toBe(true);
  });
});

describe('exemptions', () => {
  const tenant: FakeTenant = {
    ...emptyTenant(),
    users: people(4),
    groups: {
      [group(1)]: { displayName: 'A', members: [user(1), user(2), user(3), user(4)] },
      [group(2)]: { displayName: 'B', members: [user(1), user(2), user(3), user(4)] },
      [group(8)]: { displayName: 'Controllers', members: [group(9)] },
      [group(9)]: { displayName: 'Nested controllers', members: [user(3)] },
    },
  };
  const sides = [{ name: 'A', groups: [{ id: group(1) }] }, { name: 'B', groups: [{ id: group(2) }] }];
  const exemptions = [
    { user: user(1), reason: 'Interim cover', ticket: 'RISK-1', expires: '2026-12-31' },
    { user: user(2), reason: 'Old cover', ticket: 'RISK-2', expires: '2026-01-31' },
    { group: group(8), reason: 'Controllers' },
  ];

  it('a user exemption and a group exemption (nested member) apply; an expired one is named, not applied', async () => {
    const { result } = await scan(tenant, [rule('R1', sides, { exemptions })]);
    const r1 = result.rules[0];
    expect(r1).toMatchObject({ open: 2, exempt: 2 });
    const byUser = new Map(r1?.violations.map((v) => [v.user.id, v]));
    expect(byUser.get(user(1))?.exemption?.ticket).toBe('RISK-1');
    expect(byUser.get(user(3))?.exemption?.reason).toBe('Controllers');
    expect(byUser.get(user(2))).toMatchObject({ exemption: undefined, expiredExemptions: [{ ticket: 'RISK-2' }] });
    expect(byUser.get(user(4))).toMatchObject({ exemption: undefined, expiredExemptions: [] });
    // Open violations first.
    expect(r1?.violations.map((v) => v.user.displayName)).toEqual(['User 2', 'User 4', 'User 1', 'User 3']);
  });

  it('an exemption group is read once, transitively, and only when the rule has violators', async () => {
    const { graph } = await scan(tenant, [rule('R1', sides, { exemptions }), rule('R2', [{ name: 'A', groups: [{ id: group(1) }] }, { name: 'C', groups: [{ id: group(9) }] }], { exemptions })]);
    expect(graph.paths().filter((p) => p.startsWith(`/groups/${group(8)}/`))).toEqual([`/groups/${group(8)}/transitiveMembers/microsoft.graph.user?$select=id,displayName&$top=999&$count=true`]);
    const quiet = emptyTenant();
    quiet.groups = { [group(1)]: { displayName: 'A', members: [] }, [group(2)]: { displayName: 'B', members: [] } };
    const none = await scan(quiet, [rule('R1', sides, { exemptions })]);
    expect(none.graph.paths().some((p) => p.includes(group(8)))).toBe(false);
  });
});

describe('rules and reads', () => {
  const tenant: FakeTenant = {
    ...emptyTenant(),
    users: people(30),
    groups: {
      [group(1)]: { displayName: 'One', members: Array.from({ length: 30 }, (_, i) => user(i + 1)) },
      [group(2)]: { displayName: 'Two', members: [user(1), user(2)] },
      [group(3)]: { displayName: 'Three', members: [user(1), user(3)] },
    },
  };

  it('a three-sided rule: two sides are enough, all three are listed when held', async () => {
    const { result } = await scan(tenant, [rule('R3', [{ name: 'A', groups: [{ id: group(1) }] }, { name: 'B', groups: [{ id: group(2) }] }, { name: 'C', groups: [{ id: group(3) }] }])]);
    expect(result.rules[0]?.violations.map((v) => [v.user.displayName, v.sides.map((s) => s.name).join('')])).toEqual([['User 1', 'ABC'], ['User 2', 'AB'], ['User 3', 'AC']]);
    expect(result.rules[0]?.holders).toEqual([30, 2, 2]);
  });

  it('an entitlement several rules name is read once per scan; pages are followed', async () => {
    const rules = [
      rule('R1', [{ name: 'A', groups: [{ id: group(1) }] }, { name: 'B', groups: [{ id: group(2) }] }]),
      rule('R2', [{ name: 'A', groups: [{ id: group(1) }] }, { name: 'C', groups: [{ id: group(3) }] }]),
    ];
    const { result, graph, progress } = await scan(tenant, rules, (g) => { g.pageSize = 7; });
    const one = graph.paths().filter((p) => p.startsWith(`/groups/${group(1)}/`));
    expect(one).toHaveLength(5); // 30 users, 7 a page
    expect(one[1]).toContain('%24skiptoken=7');
    expect(result.stats).toMatchObject({ reads: 3, pages: 7, requests: 7, entitlements: 3, usersSeen: 30 });
    expect(result.rules.map((r) => r.open)).toEqual([2, 2]);
    expect(progress.at(-1)).toMatchObject({ rule: 2, rules: 2, ruleId: 'R2', readsDone: 3, readsTotal: 3 });
    expect(progress.some((p) => p.rule === 1 && p.readsDone < 3)).toBe(true);
  });

  it('app roles of one application share one read', async () => {
    const t: FakeTenant = { ...emptyTenant(), users: people(2), servicePrincipals: [sp(1)], appRoleAssignments: [{ id: 'x', principal: user(1), servicePrincipal: sp(1), appRole: appRole(1) }, { id: 'y', principal: user(1), servicePrincipal: sp(1), appRole: appRole(2) }] };
    const { result, graph } = await scan(t, [rule('R1', [{ name: 'A', appRoles: [{ servicePrincipalId: sp(1), appRoleId: appRole(1) }] }, { name: 'B', appRoles: [{ servicePrincipalId: sp(1), appRoleId: appRole(2) }] }])]);
    expect(graph.calls).toHaveLength(1);
    expect(result.rules[0]?.violations.map(evidence)).toEqual([`User 1: A [${sp(1)}/${appRole(1)} (app role)] | B [${sp(1)}/${appRole(2)} (app role)]`]);
  });

  it('reads at most `concurrency` collections at once', async () => {
    const groups = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [group(i + 1), { displayName: `G${String(i)}`, members: [user(1)] }]));
    const t: FakeTenant = { ...emptyTenant(), users: people(1), groups };
    const graph = new FakeTenantGraph(t);
    let inFlight = 0;
    let most = 0;
    const send = graph.send.bind(graph);
    graph.send = async (call: GraphCall) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return send(call);
    };
    const reader = createMemberReader(graph, { graphOrigin: ORIGIN, retry: { clock: new VirtualClock(), timeoutMs: 1000 }, now: NOW, concurrency: 3 });
    const sides = [{ name: 'A', groups: Object.keys(groups).slice(0, 6).map((g) => ({ id: g })) }, { name: 'B', groups: Object.keys(groups).slice(6).map((g) => ({ id: g })) }];
    const result = await scanTenant(compileRuleSet({ rules: [rule('R1', sides)] }), reader, { now: NOW });
    expect(most).toBe(3);
    expect(result.rules[0]?.violations[0]?.sides.map((s) => s.items.length)).toEqual([6, 6]);
  });

  it('an entitlement Graph does not know (404) is reported, and nobody holds it', async () => {
    const { result } = await scan(tenant, [rule('R1', [{ name: 'A', groups: [{ id: group(1) }] }, { name: 'B', groups: [{ id: group(7), displayName: 'Deleted group' }], appRoles: [{ servicePrincipalId: sp(5), appRoleId: appRole(1) }] }])]);
    expect(result.rules[0]).toMatchObject({ open: 0, holders: [30, 0], missing: [{ key: `group:${group(7)}`, displayName: 'Deleted group' }, { key: `appRole:${sp(5)}/${appRole(1)}` }] });
  });
});

describe('a read that fails stops the scan with a clear error', () => {
  const tenant: FakeTenant = { ...emptyTenant(), users: people(2), groups: { [group(1)]: { displayName: 'One', members: [user(1)] }, [group(2)]: { displayName: 'Two', members: [user(1)] } } };
  const rules = [rule('R1', [{ name: 'A', groups: [{ id: group(1), displayName: 'One' }] }, { name: 'B', groups: [{ id: group(2) }], directoryRoles: [{ roleTemplateId: role(1), displayName: 'Admin' }] }])];
  const onPath = (part: string, reply: ReturnType<typeof answer>) => (g: FakeTenantGraph) => { g.intercept = (call) => (call.path.includes(part) ? reply : undefined); };

  it.each([
    ['403 on group members → names GroupMember.Read.All', 'transitiveMembers', answer(403, { error: { code: 'Authorization_RequestDenied' } }), { kind: 'forbidden', permission: 'GroupMember.Read.All' }, /Graph refused GET v1\.0 \/groups\/.+\/transitiveMembers\/microsoft\.graph\.user \(403 Authorization_RequestDenied\) reading members of group One; the scanning identity needs the Graph permission GroupMember\.Read\.All\./],
    ['403 on role assignments → names RoleManagement.Read.Directory', 'roleAssignments', answer(403), { kind: 'forbidden', permission: 'RoleManagement.Read.Directory' }, /needs the Graph permission RoleManagement\.Read\.Directory/],
    ['403 on eligibilities → names RoleEligibilitySchedule.Read.Directory', 'roleEligibilitySchedules', answer(403), { kind: 'forbidden', permission: 'RoleEligibilitySchedule.Read.Directory' }, /eligibilities of directory role Admin/],
    ['a 400', 'roleAssignments', answer(400, { error: { code: 'BadRequest' } }), { kind: 'rejected' }, /Graph answered 400 BadRequest to GET v1\.0 \/roleManagement\/directory\/roleAssignments/],
    ['a page that is not a collection', 'transitiveMembers', answer(200, { id: 'x' }), { kind: 'invalid' }, /is not valid: Graph's page of .+ is not a collection/],
    ['an item of the wrong shape', 'transitiveMembers', answer(200, { value: [{ id: 'not-a-guid' }] }), { kind: 'invalid' }, /user 0 of a page is not valid at \/id: must match pattern/],
    ['a principal without a type', 'roleAssignments', answer(200, { value: [{ id: 'ra', principal: { id: user(1) } }] }), { kind: 'invalid' }, /directory role assignment 0 of a page is not valid at \/principal: must have required property '@odata\.type'/],
    ['a nextLink off Graph', 'transitiveMembers', answer(200, { value: [], '@odata.nextLink': 'https://evil.example/v1.0/groups?$skiptoken=1' }), { kind: 'invalid' }, /nextLink leaves https:\/\/graph\.example\/v1\.0/],
    ['Graph unavailable past the page budget', 'roleAssignments', answer(503, undefined, 600), { kind: 'unavailable' }, /Graph answered 503; gave up after 1 attempt\(s\)/],
  ] as const)('%s', async (_name, part, reply, shape, message) => {
    const error = await scan(tenant, rules, onPath(part, reply)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScanError);
    expect(error).toMatchObject(shape);
    expect((error as Error).message).toMatch(message);
  });

  it('a held assignment without a target object id is invalid, not skipped', async () => {
    const setup = onPath('assignments', answer(200, { value: [{ id: 'as-1', state: 'Delivered', target: { objectId: null, displayName: 'Pending guest' } }] }));
    const error = await scan(tenant, [rule('R1', [{ name: 'A', accessPackages: [{ id: pkg(1) }] }, { name: 'B', groups: [{ id: group(1) }] }])], setup).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/assignment as-1 is Delivered but names no target objectId/) as string });
  });

  it('429 and 503 are retried, then the scan goes on', async () => {
    const replies = [answer(429, undefined, 1), answer(503)];
    const { result, graph } = await scan(tenant, rules, (g) => { g.intercept = (call) => (call.path.includes(group(1)) ? replies.shift() : undefined); });
    expect(result.rules[0]?.open).toBe(1);
    expect(graph.paths().filter((p) => p.includes(group(1)))).toHaveLength(3);
    expect(result.stats.requests).toBe(result.stats.pages + 2);
  });

  it('the first failure is the one thrown, and queued reads are not sent', async () => {
    const groups = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [group(i + 1), { displayName: `G${String(i)}`, members: [user(1)] }]));
    const many = [rule('R1', [{ name: 'A', groups: Object.keys(groups).slice(0, 10).map((g) => ({ id: g })) }, { name: 'B', groups: Object.keys(groups).slice(10).map((g) => ({ id: g })) }])];
    const setup = onPath(group(3), answer(403));
    const graph = new FakeTenantGraph({ ...emptyTenant(), users: people(1), groups });
    setup(graph);
    const reader = createMemberReader(graph, { graphOrigin: ORIGIN, retry: { clock: new VirtualClock(), timeoutMs: 1000 }, now: NOW, concurrency: 2 });
    const error = await scanTenant(compileRuleSet({ rules: many }), reader, { now: NOW }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'forbidden' });
    expect(graph.calls.length).toBeLessThanOrEqual(6); // of 20: two in flight when it failed, the queue dropped
  });
});
