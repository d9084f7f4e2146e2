// The scan on a generated tenant (emulator/directory/scale-tenant.ts): the pairs of conflicting packages
// give back exactly the conflicts the generator placed; everyone in All Staff is read through its
// pages once. The 50,000-user figure is `benchScan` (scripts/bench/scan-bench.ts), not a test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScaleTenant, type TenantEmulator } from '../../emulator/index.js';
import { emulatorCredential } from '../../scripts/common/emulator-credential.js';
import { scaleRules } from '../../scripts/bench/scan-bench.js';
import { createGraphClient } from '../../src/graph/graph-client.js';
import { createGraphHttp } from '../../src/graph/graph-http.js';
import { systemClock } from '../../src/ports.js';
import { compileRuleSet } from '../../src/sod/rule-set.js';
import { runScan } from '../../src/sod/scan/run-scan.js';
import { startTestEmulator } from '../support/emulator.js';

const USERS = 5_000;
const tenant = generateScaleTenant({ users: USERS, groups: 200, packages: 20 });
let emulator: TenantEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator({ tenant });
}, 60_000);
afterAll(() => emulator.close());

describe('a scan of a generated tenant', () => {
  it('finds exactly the placed conflicts, and every administrator among the staff', async () => {
    const result = await runScan(compileRuleSet(scaleRules(tenant)), {
      graph: createGraphHttp(createGraphClient(emulatorCredential(emulator), emulator.origin)),
      graphOrigin: emulator.origin,
      clock: systemClock,
      timeoutMs: 10_000,
    });
    const pairs = result.rules.filter((r) => r.rule.id.startsWith('SCALE-PAIR-'));
    const found = pairs.flatMap((r) => r.violations.map((v) => v.user.id)).sort();
    expect(found).toEqual(tenant.conflicts.map((c) => c.userId).sort());
    // Each side names the package and the group it grants: a conflict shows both on both sides.
    expect(pairs[0]?.violations[0]?.sides.map((s) => s.items.map((i) => i.kind))).toEqual([['accessPackage', 'group'], ['accessPackage', 'group']]);
    const admin = result.rules.find((r) => r.rule.id === 'SCALE-ADMIN');
    const admins = new Set([...tenant.roleAssignments, ...tenant.roleEligibilities].map((r) => r['principal'] as string));
    expect(admin?.holders).toEqual([USERS, admins.size]);
    expect(admin?.violations.map((v) => v.user.id).sort()).toEqual([...admins].sort());
    expect(result.stats.usersSeen).toBe(USERS);
    const allStaff = emulator.calls({ service: 'graph', pathIncludes: `/groups/${tenant.allStaffGroup}/` });
    expect(allStaff).toHaveLength(Math.ceil(USERS / 999));
  }, 60_000);
});
