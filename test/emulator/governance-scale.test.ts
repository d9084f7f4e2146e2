// A generated tenant of 50,000 users: it loads through the tenant file's validation, a group of everyone pages
// through, and the conflicts the generator placed are exactly what the reads find. Generous time, no timing asserted.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateScaleTenant, parseTenant, type TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { EVENTUAL, graphGet, graphPages, itemsOf, miToken, type Json } from './graph-calls.js';

const USERS = 50_000;
const scale = generateScaleTenant({ users: USERS, groups: 2_000, packages: 200 });
let emulator: TenantEmulator;
let token: string;
const filter = (expression: string) => `$filter=${encodeURIComponent(expression)}`;

beforeAll(async () => {
  emulator = await startTestEmulator({ tenant: scale });
  token = await miToken(emulator);
}, 120_000);
afterAll(() => emulator.close());

describe('generateScaleTenant', () => {
  test('deterministic from its options; the answer key rides along outside the tenant file', () => {
    const small = (seed: number) => generateScaleTenant({ users: 1_200, groups: 60, packages: 14, seed });
    expect(JSON.stringify(small(7))).toBe(JSON.stringify(small(7)));
    expect(JSON.stringify(small(7))).not.toBe(JSON.stringify(small(8)));
    expect(parseTenant(JSON.parse(JSON.stringify(small(7))) as unknown).users).toHaveLength(1_200);
    expect(Object.keys(scale)).not.toContain('conflicts');
    expect(scale.conflicts).toHaveLength(USERS / 500);
    expect(scale.conflictPairs).toHaveLength(5);
    expect(() => generateScaleTenant({ users: 0, groups: 1, packages: 0 })).toThrow(RangeError);
  });

  test('the emulator holds all of it', () => {
    expect(emulator.directory.all()).toHaveLength(USERS);
    expect(emulator.governance.groups.all()).toHaveLength(2_000);
    expect(emulator.governance.assignments.all().length).toBeGreaterThanOrEqual(USERS);
  });
});

describe('All Staff: every user, through departments', () => {
  test('the users cast, 999 a page with $count, through every nextLink', async () => {
    const pages = await graphPages(emulator, `/v1.0/groups/${scale.allStaffGroup}/transitiveMembers/microsoft.graph.user?$select=id&$top=999&$count=true`, token, EVENTUAL);
    expect(pages.map((p) => p.status).filter((s) => s !== 200)).toEqual([]);
    expect(pages).toHaveLength(Math.ceil(USERS / 999));
    expect(pages[0]?.json['@odata.count']).toBe(USERS);
    const ids = itemsOf(pages).map((u) => u['id']);
    expect(ids).toHaveLength(USERS);
    expect(new Set(ids).size).toBe(USERS);
  }, 120_000);

  test('uncast: users and nested groups, as many as a breadth-first walk of the generated file finds', async () => {
    const members = new Map(scale.groups.map((g) => [g['id'] as string, g['members'] as string[]]));
    const seen = new Set<string>();
    for (const queue = [scale.allStaffGroup]; queue.length > 0; ) {
      for (const member of members.get(queue.pop() ?? '') ?? []) {
        if (seen.has(member)) continue;
        seen.add(member);
        if (members.has(member)) queue.push(member);
      }
    }
    const pages = await graphPages(emulator, `/v1.0/groups/${scale.allStaffGroup}/transitiveMembers?$select=id,displayName&$top=999`, token);
    const items = itemsOf(pages);
    expect(items).toHaveLength(seen.size);
    expect(items.filter((m) => m['@odata.type'] === '#microsoft.graph.group')).toHaveLength([...seen].filter((id) => members.has(id)).length);
    expect((await graphGet(emulator, `/v1.0/users/${scale.conflicts[0]?.userId ?? ''}/transitiveMemberOf`, token)).json['value']).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: scale.allStaffGroup, displayName: 'All Staff' })]),
    );
  }, 120_000);
});

describe('the deliberate conflicts', () => {
  /** Users holding a package: by its assignments, and by the group it grants. */
  async function holders(packageId: string): Promise<{ assigned: Set<string>; members: Set<string> }> {
    const assignments = await graphPages(emulator, `/v1.0/identityGovernance/entitlementManagement/assignments?${filter(`accessPackage/id eq '${packageId}'`)}&$expand=target($select=objectId)&$top=999`, token);
    const pkg = await graphGet(emulator, `/v1.0/identityGovernance/entitlementManagement/accessPackages/${packageId}?$expand=resourceRoleScopes($expand=scope)`, token);
    const group = ((pkg.json['resourceRoleScopes'] as Json[])[0]?.['scope'] as Json)['originId'] as string;
    const members = await graphPages(emulator, `/v1.0/groups/${group}/transitiveMembers/microsoft.graph.user?$select=id&$count=true&$top=999`, token, EVENTUAL);
    return {
      assigned: new Set(itemsOf(assignments).map((a) => (a['target'] as Json)['objectId'] as string)),
      members: new Set(itemsOf(members).map((m) => m['id'] as string)),
    };
  }

  test('for each pair, the users on both sides are exactly the ones the generator placed there, by assignments and by groups alike', async () => {
    for (const [a, b] of scale.conflictPairs) {
      const [sideA, sideB] = await Promise.all([holders(a), holders(b)]);
      const expected = scale.conflicts.filter((c) => c.accessPackages[0] === a && c.accessPackages[1] === b).map((c) => c.userId).sort();
      expect(expected.length).toBeGreaterThan(0);
      expect([...sideA.assigned].filter((u) => sideB.assigned.has(u)).sort()).toEqual(expected);
      expect([...sideA.members].filter((u) => sideB.members.has(u)).sort()).toEqual(expected);
      expect(sideA.assigned.size + sideB.assigned.size).toBeGreaterThan(2 * expected.length);
    }
  }, 120_000);
});
