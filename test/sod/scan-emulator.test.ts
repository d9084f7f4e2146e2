// The scan against the tenant emulator, through the real Graph client: the emulator must answer
// what the scan really puts on the wire, and the scan must read what Graph's answers really hold.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { emulatorCredential } from '../../scripts/common/emulator-credential.js';
import { createGraphClient } from '../../src/graph/graph-client.js';
import { createGraphHttp } from '../../src/graph/graph-http.js';
import { systemClock } from '../../src/ports.js';
import { compileRuleSet } from '../../src/sod/rule-set.js';
import { createMemberReader } from '../../src/sod/scan/member-reader.js';
import type { ScanResult, Violation } from '../../src/sod/scan/scan-model.js';
import { scanTenant } from '../../src/sod/scan/scan-tenant.js';
import { startTestEmulator } from '../support/emulator.js';
import { AP, G, ROLE, SCAN_AT, scanRules, scanTenantFile, SP, U } from './scan-tenant-fixture.js';

let emulator: TenantEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function scanOf(tenant: object | undefined, rules: unknown, tune: (e: TenantEmulator) => void = () => undefined, at = SCAN_AT): Promise<{ result: ScanResult; e: TenantEmulator }> {
  const e = await startTestEmulator(tenant === undefined ? {} : { tenant });
  emulator = e;
  tune(e);
  const http = createGraphHttp(createGraphClient(emulatorCredential(e), e.origin));
  const reader = createMemberReader(http, { graphOrigin: e.origin, retry: { clock: systemClock, timeoutMs: 5000 }, now: at });
  const result = await scanTenant(compileRuleSet(rules), reader, { now: at });
  return { result, e };
}

const evidence = (v: Violation) =>
  `${v.user.displayName ?? v.user.id}${v.exemption === undefined ? '' : ` (exempt: ${v.exemption.reason})`}: ${v.sides.map((s) => `${s.name} [${s.items.map((i) => `${i.displayName} — ${i.via}`).join('; ')}]`).join(' | ')}${v.expiredExemptions.map((x) => ` (expired: ${x.ticket ?? x.reason})`).join('')}`;

describe('a scan of a small tenant finds each kind of violation', () => {
  it('packages, nested groups, a role through a group, eligibility windows, app roles direct and through a group; exemptions', async () => {
    const { result } = await scanOf(scanTenantFile(), scanRules());
    const [a, b, c] = result.rules;
    const assignment = (n: number, pkg: number) => `assignment 0000f00${String(pkg)}-0000-4000-8000-${String(n).padStart(12, '0')}`;
    expect(a?.violations.map(evidence)).toEqual([
      `Ben: Maintain vendors [Editors — member of group] | Release payments [Payments — ${assignment(2, 2)}] (expired: RISK-2)`,
      `Ada (exempt: Interim cover): Maintain vendors [Vendor Master — ${assignment(1, 1)}; Editors — member of group] | Release payments [Payments — ${assignment(1, 2)}]`,
      `Di (exempt: Controllers): Maintain vendors [SAP Vendor Maintain — app role via group SAP team] | Release payments [Payments — ${assignment(4, 2)}]`,
    ]);
    // Ivy is in a group nested under the SAP team: app roles do not reach her. Kim holds one side only.
    expect(a).toMatchObject({ holders: [4, 10], open: 1, exempt: 2, missing: [] });
    expect(b?.violations.map(evidence)).toEqual([
      `Cy: Release payments [Payments — ${assignment(3, 2)}] | Administer users [User Administrator — active role via group Helpdesk admins]`,
      `Ed: Release payments [Payments — ${assignment(5, 2)}] | Administer users [User Administrator — eligible role (until 2026-09-30T00:00:00Z)]`,
      `Gus: Release payments [Payments — ${assignment(7, 2)}] | Administer users [Global Administrator — active role]`,
    ]);
    expect(b).toMatchObject({ holders: [9, 3], open: 3 });
    expect(c?.violations.map((v) => [v.user.displayName, v.sides.map((s) => s.name)])).toEqual([['Ada', ['Request', 'Approve', 'Audit']], ['Ben', ['Approve', 'Audit']]]);
    expect(result.stats).toMatchObject({ entitlements: 7, usersSeen: 11 });
  });

  it('reads each entitlement once per scan however many rules name it, and one application once for all its roles', async () => {
    const { result, e } = await scanOf(scanTenantFile(), scanRules());
    const graph = e.calls({ service: 'graph' });
    expect(graph.every((c) => c.method === 'GET' && c.status === 200)).toBe(true);
    expect(graph.filter((c) => c.path.endsWith('/assignments') && decodeURIComponent(c.query ?? '').includes(AP(2)))).toHaveLength(1);
    expect(graph.filter((c) => c.path.includes(`/groups/${G(1)}/`))).toHaveLength(1);
    expect(graph.filter((c) => c.path.includes(`/servicePrincipals/${SP}/`))).toHaveLength(1);
    expect(graph.filter((c) => c.path.endsWith('/roleEligibilitySchedules') && decodeURIComponent(c.query ?? '').includes(ROLE.globalAdmin))).toHaveLength(0);
    expect(graph.filter((c) => c.path.includes(`/groups/${G(6)}/transitiveMembers`))).toHaveLength(1);
    expect(result.stats.reads).toBe(graph.length);
  });

  it('follows pages with the emulator\'s nextLinks', async () => {
    const { result, e } = await scanOf(scanTenantFile(), scanRules(), (t) => { t.governance.pageSize = 2; });
    const payments = e.calls({ service: 'graph' }).filter((c) => c.path.endsWith('/assignments') && decodeURIComponent(c.query ?? '').includes(AP(2)));
    expect(payments).toHaveLength(5); // nine assignments, two a page
    expect(result.rules.map((r) => r.open)).toEqual([1, 3, 2]);
    expect(result.stats.pages).toBeGreaterThan(result.stats.reads);
  });

  it('an expired exemption stops applying: the same tenant a year later', async () => {
    const { result } = await scanOf(scanTenantFile(), scanRules(), undefined, Date.parse('2027-06-15T12:00:00Z'));
    const ada = result.rules[0]?.violations.find((v) => v.user.id === U(1));
    expect(ada).toMatchObject({ exemption: undefined, expiredExemptions: [{ ticket: 'RISK-1' }] });
    // Ed's eligibility ended on 2026-09-30; Hal's, open-ended, began on 2026-07-01.
    expect(result.rules[1]?.violations.map((v) => v.user.displayName)).toEqual(['Cy', 'Gus', 'Hal']);
  });

  it('a group or application Graph does not know is reported as missing', async () => {
    const rules = { rules: [{ id: 'R', title: 'R', severity: 'low', action: 'flag', sides: [{ name: 'A', groups: [{ id: G(99), displayName: 'Deleted' }] }, { name: 'B', appRoles: [{ servicePrincipalId: '0000d000-0000-4000-8000-000000000099', appRoleId: U(1) }] }] }] };
    const { result } = await scanOf(scanTenantFile(), rules);
    expect(result.rules[0]?.missing.map((m) => m.displayName)).toEqual(['Deleted', `0000d000-0000-4000-8000-000000000099/${U(1)}`]);
  });
});

describe('the sample tenant under the sample policy', () => {
  it('holds one standing violation (Robin, SOD-001): each side\'s holders are counted', async () => {
    const policy = JSON.parse(readFileSync(new URL('../../policy/sample.policy.json', import.meta.url), 'utf8')) as { separationOfDuties: unknown };
    const { result } = await scanOf(undefined, policy.separationOfDuties);
    expect(result.rules.map((r) => [r.rule.id, r.holders, r.open, r.exempt])).toEqual([['SOD-001', [4, 2], 1, 0], ['SOD-002', [1, 2], 0, 0]]);
    expect(result.rules.flatMap((r) => r.violations.map((v) => [v.rule, v.user.displayName]))).toEqual([['SOD-001', 'Robin Hale']]);
  });
});

describe('a missing permission stops the scan naming it', () => {
  it.each([
    ['group members', ['GroupMember.Read.All', 'Directory.Read.All'], 'GroupMember.Read.All'],
    ['package assignments', ['EntitlementManagement.ReadWrite.All'], 'EntitlementManagement.Read.All'],
    ['role assignments', ['RoleManagement.Read.Directory', 'Directory.Read.All'], 'RoleManagement.Read.Directory'],
    // Directory.Read.All kept: it reads role assignments, not eligibility schedules.
    ['role eligibilities', ['RoleEligibilitySchedule.Read.Directory', 'RoleManagement.Read.Directory'], 'RoleEligibilitySchedule.Read.Directory'],
    ['app role assignments', ['Application.Read.All', 'Directory.Read.All'], 'Application.Read.All'],
  ])('%s (403)', async (_name, removed, permission) => {
    const error = await scanOf(scanTenantFile(), scanRules(), (t) => { t.managedIdentityRoles = t.managedIdentityRoles.filter((r) => !removed.includes(r)); }).catch((x: unknown) => x);
    expect(error).toMatchObject({ name: 'ScanError', kind: 'forbidden', permission });
    expect((error as Error).message).toMatch(new RegExp(`\\(403 Authorization_RequestDenied\\) reading .+; the scanning identity needs the Graph permission ${permission.replace(/\./g, '\\.')}\\.`));
  });
});
