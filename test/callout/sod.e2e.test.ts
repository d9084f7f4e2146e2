// Separation of duties through the function, the fact reads and the tenant emulator's SoD seeds (emulator/tenants/contoso.json).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { roundsOf } from '../../scripts/bench/policy-bench.js';
import { SAMPLE_POLICY, withFreshIds } from '../../scripts/demo/scenarios.js';
import { appFor, callHandler, fixture } from '../support/app.js';
import { startTestEmulator } from '../support/emulator.js';
import { samplePolicyWith } from '../support/policies.js';

let emulator: TenantEmulator;
const dir = mkdtempSync(join(tmpdir(), 'eg-sod-'));
const TAYLOR = 'c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b';
const JORDAN = '2b7e4f19-3c5d-4a8e-b6f1-9d0c2e4a6b8c';
const VENDOR_PACKAGE = 'b1c2d3e4-0002-4000-8000-00000000b002';

const policyWith = (name: string, changes: Record<string, unknown>) => samplePolicyWith(dir, name, changes);

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await emulator.close();
});
beforeEach(() => {
  emulator.faults.clear();
  emulator.clearCalls();
});

async function send(body: Record<string, unknown>, env: Record<string, string> = { POLICY_PATH: SAMPLE_POLICY }) {
  emulator.awaitCallout(body);
  return callHandler(appFor(emulator, env), body, { token: await emulator.mintCallerToken() });
}

const detailSent = () => (emulator.acceptedResumes().at(-1)?.body as { data: Record<string, unknown> }).data;
interface FindingJson { checkId: string; messageId: string; kind: string; enforced: boolean; action: string; evidence?: { status: string; sides: { name: string; items: { from: string; displayName: string }[] }[]; expiredExemptions?: { ticket: string }[] } }
const sodFindings = (record: Record<string, unknown>) =>
  (record['checks'] as { id: string; findings: FindingJson[] }[]).filter((c) => c.id === 'separation-of-duties').flatMap((c) => c.findings);

/** A callout for `user` requesting `accessPackage`, made from the created fixture with fresh ids. */
function requestBy(user: { id: string; name: string }, accessPackage: { Id: string; DisplayName: string }, seq: number): Record<string, unknown> {
  const base = fixture('elm-request-created.wire.json');
  const assignment = base['Assignment'] as Record<string, unknown>;
  return {
    ...withFreshIds(base, '5eeeeeee', seq),
    AccessPackage: accessPackage,
    Assignment: { ...assignment, Target: { ...(assignment['Target'] as object), ObjectId: user.id, DisplayName: user.name, PrincipalName: null, Email: null } },
    Requestor: { Id: '351c0332-885d-457e-a3d6-fc88a7014167', ObjectId: user.id, DisplayName: user.name },
  };
}

describe('a conflicting request', () => {
  it('is denied at creation, the rule and both sides named in the text approvers see', async () => {
    const answer = await send(fixture('elm-request-created.sod-conflict.wire.json'));
    expect(answer.json['decision']).toBe('deny');
    const data = detailSent();
    expect(data['state']).toBe('denied');
    expect(data['customExtensionStageInstanceDetail']).toMatch(/^Denied by policy: \[separation-of-duties\] SOD-001 Vendor maintenance vs payment release: would hold Maintain vendors: Vendor Master - Maintain(, [^;]+)?; Release payments: Payments - Approver \(requested\)/);
    const [finding] = sodFindings(answer.json);
    expect(finding).toMatchObject({ messageId: 'newConflict', kind: 'violation', action: 'deny', enforced: true });
    const sides = finding?.evidence?.sides ?? [];
    expect(sides.map((s) => s.name)).toEqual(['Maintain vendors', 'Release payments']);
    expect(sides[0]?.items.map((i) => i.from)).toContain('assignment aa000000-0000-4000-8000-000000000001 (delivered)');
    expect(sides[1]?.items.map((i) => i.from)).toContain('this request');
  });

  it('reads what the user holds in the same single round as the other facts, then resumes', async () => {
    emulator.faults.setLatency('graph', 40); // so that overlapping calls are told from consecutive ones
    await send(withFreshIds(fixture('elm-request-created.sod-conflict.wire.json'), '5eeeeee1', 1));
    const graph = emulator.calls({ service: 'graph' });
    const reads = graph.filter((c) => c.method === 'GET');
    expect(new Set(reads.map((c) => `${c.path}?${c.query ?? ''}`)).size).toBe(reads.length);
    expect(reads.map((c) => c.path)).toEqual(
      expect.arrayContaining([
        '/v1.0/identityGovernance/entitlementManagement/assignments',
        '/v1.0/identityGovernance/entitlementManagement/assignmentRequests',
        '/v1.0/identityGovernance/entitlementManagement/accessPackages/97979783-38c5-40ae-b74e-404935a04ffd',
        `/v1.0/users/${TAYLOR}/transitiveMemberOf/microsoft.graph.group`,
        `/v1.0/users/${TAYLOR}/memberOf/microsoft.graph.group`,
        '/v1.0/roleManagement/directory/roleAssignments',
        '/v1.0/roleManagement/directory/roleEligibilitySchedules',
        `/v1.0/users/${TAYLOR}/appRoleAssignments`,
      ]),
    );
    expect(reads).toHaveLength(13);
    expect(roundsOf(reads)).toBe(1);
    expect(graph.at(-1)?.method).toBe('POST');
  });

  it('at the approved stage it is flagged, not denied, with an expired exemption shown (nested group)', async () => {
    const answer = await send(fixture('elm-request-approved.sod-nested-group.wire.json'));
    expect(answer.json['decision']).toBe('continue');
    const data = detailSent();
    expect(data['state']).toBeUndefined();
    expect(data['customExtensionStageInstanceDetail']).toMatch(/^Flagged, not denied \(assignmentRequestApproved cannot deny\): \[separation-of-duties\] SOD-001/);
    const [finding] = sodFindings(answer.json);
    expect(finding?.evidence?.sides[0]?.items.map((i) => i.from)).toContain('nested member');
    expect(finding?.evidence?.expiredExemptions?.map((e) => e.ticket)).toEqual(['RISK-2291']);
  });

  it('a pending request for the other side counts', async () => {
    const answer = await send(fixture('elm-request-created.sod-pending-request.wire.json'));
    expect(answer.json['decision']).toBe('deny');
    expect(sodFindings(answer.json)[0]?.evidence?.sides[0]?.items.map((i) => i.from)).toContain('pending request 7e8f9a0b-0001-4000-8000-000000000001 (pendingApproval)');
  });

  it('an eligible directory role counts', async () => {
    const answer = await send(fixture('elm-request-created.sod-eligible-role.wire.json'));
    expect(answer.json['decision']).toBe('deny');
    expect(detailSent()['customExtensionStageInstanceDetail']).toMatch(/SOD-002 Payment approvers do not administer users: would hold Release payments: Payments - Approver \(requested\); Administer users: User Administrator \(eligible\)/);
  });

  it('in audit mode the same request continues, the finding recorded as what would have denied', async () => {
    const answer = await send(withFreshIds(fixture('elm-request-created.sod-conflict.wire.json'), '5eeeeee2', 1), { POLICY_PATH: policyWith('audit', { mode: 'audit' }) });
    expect(answer.json['decision']).toBe('continue');
    expect(detailSent()['state']).toBeUndefined();
    expect(detailSent()['customExtensionStageInstanceDetail']).toMatch(/^Audit only, would deny: \[separation-of-duties\] SOD-001/);
    expect(sodFindings(answer.json)[0]).toMatchObject({ messageId: 'newConflict', enforced: false });
  });

  it('a read the identity may not make fails closed under fail mode deny, naming the permission', async () => {
    // The token cache outlives a change of roles; Graph's answer to a token without the role is what matters.
    emulator.faults.add({ service: 'graph', method: 'GET', path: '/appRoleAssignments', action: { status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } } });
    const answer = await send(withFreshIds(fixture('elm-request-created.wire.json'), '5eeeeee3', 1));
    expect(answer.json['decision']).toBe('deny');
    expect(sodFindings(answer.json)[0]).toMatchObject({ kind: 'error', messageId: 'factUnavailable', action: 'deny' });
    expect(detailSent()['customExtensionStageInstanceDetail']).toMatch(/Could not run: targetAppRoles could not be read \(permission Directory.Read.All missing\)/);
  });
});

describe('two concurrent requests for the two sides of a rule', () => {
  it('the second is caught through the pending first', async () => {
    const sample = JSON.parse(readFileSync(SAMPLE_POLICY, 'utf8')) as { scopes: { name: string }[] };
    const env = { POLICY_PATH: policyWith('sod-only', { scopes: sample.scopes.filter((s) => s.name === 'finance-separation-of-duties') }) };
    const jordan = { id: JORDAN, name: 'Jordan Reyes' };
    const first = await send(requestBy(jordan, { Id: VENDOR_PACKAGE, DisplayName: 'Vendor Master - Maintain' }, 1), env);
    expect(first.json['decision']).toBe('continue');
    const second = await send(requestBy(jordan, { Id: '97979783-38c5-40ae-b74e-404935a04ffd', DisplayName: 'Payments - Approver' }, 2), env);
    expect(second.json['decision']).toBe('deny');
    const items = sodFindings(second.json)[0]?.evidence?.sides[0]?.items ?? [];
    expect(items.map((i) => i.from)).toEqual([expect.stringMatching(/^pending request 5eeeeeee-0000-4000-8000-000000000001 \(submitted\)$/)]);
  });
});
