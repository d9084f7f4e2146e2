// Request types end to end (function → facts → checks → resume, through the tenant emulator):
// an extension is judged like an add, and a request type the policy does not know never skips checks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import type { RequestSeed } from '../../emulator/governance/assignment-requests.js';
import { findingIds, SAMPLE_POLICY } from '../../scripts/demo/scenarios.js';
import { appFor, callHandler, fixture } from '../support/app.js';
import { startTestEmulator } from '../support/emulator.js';

let emulator: TenantEmulator;
const dir = mkdtempSync(join(tmpdir(), 'eg-request-types-'));

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

/** A policy whose only scope filters on request types: adds get max-duration (at most 90 days). */
function addsOnlyPolicy(): string {
  const path = join(dir, 'adds-only.policy.json');
  writeFileSync(path, JSON.stringify({ scopes: [{ name: 'adds', match: { requestTypes: ['userAdd'] }, checks: [{ id: 'max-duration', action: 'deny', options: { maxDays: 90 } }] }] }));
  return path;
}

let n = 0;
/**
 * Avery's request for Payments - Approver at creation, as a fresh request the tenant knows with
 * the given schedule (Graph answers `graphType` for its requestType), and the callout Entra sends
 * for it with `RequestType` as given (left out when undefined).
 */
function request(requestType: string | undefined, graphType: RequestSeed['requestType'], duration: string): Record<string, unknown> {
  n += 1;
  const id = `7e570000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  emulator.requests.seed([{
    id,
    requestType: graphType,
    justification: 'Quarter-end close, per CHG0012345',
    createdDateTime: new Date().toISOString(),
    schedule: { startDateTime: new Date().toISOString(), expiration: { type: 'afterDuration', duration, endDateTime: null } },
  }]);
  const body = Object.fromEntries(Object.entries(fixture('elm-request-created.wire.json')).filter(([key]) => key !== 'RequestType'));
  return {
    ...body,
    ...(requestType === undefined ? {} : { RequestType: requestType }),
    CustomExtensionStageInstanceId: `7e571111-0000-4000-8000-${String(n).padStart(12, '0')}`,
    AccessPackageAssignmentRequestId: id,
    CallbackUriPath: `/identityGovernance/entitlementManagement/assignmentRequests/${id}/resume`,
  };
}

async function send(policyPath: string, body: Record<string, unknown>) {
  emulator.awaitCallout(body);
  return callHandler(appFor(emulator, { POLICY_PATH: policyPath }), body, { token: await emulator.mintCallerToken() });
}

interface Run { id: string; status: string; findings: { messageId: string; data: Record<string, unknown> }[] }
interface Notice { checkId: string; kind: string; messageId: string; data: Record<string, unknown> }
const runs = (json: Record<string, unknown>) => (json['checks'] as Run[]).map((c) => `${c.id}:${c.status}`);
const notices = (json: Record<string, unknown>) => (json['policy'] as { notices: Notice[] }).notices.map(({ checkId, kind, messageId, data }) => ({ checkId, kind, messageId, data }));
const resumeDetail = () => ((emulator.acceptedResumes()[0]?.body as { data: Record<string, unknown> }).data)['customExtensionStageInstanceDetail'];

describe('an extension (UserExtend) is judged like an add', () => {
  it('under the sample policy, which names userExtend: max-duration denies an extension asking for 400 days where 180 are allowed', async () => {
    const answer = await send(SAMPLE_POLICY, request('UserExtend', 'userExtend', 'P400D'));
    expect(answer.status).toBe(200);
    expect(answer.json['decision']).toBe('deny');
    expect(answer.json['callout']).toMatchObject({ requestType: 'userExtend' });
    expect(answer.json['policy']).toMatchObject({ scopes: ['baseline-at-creation', 'finance-change-control', 'finance-separation-of-duties'], notices: [] });
    expect(findingIds(answer.json)).toEqual(['max-duration/tooLong']);
    const maxDuration = (answer.json['checks'] as Run[]).find((c) => c.id === 'max-duration');
    expect(maxDuration?.findings[0]?.data).toMatchObject({ days: 400, maxDays: 180 });
    expect(runs(answer.json)).toEqual(['risky-user:passed', 'user-attributes:passed', 'manager-or-sponsor:passed', 'justification:passed', 'max-duration:failed', 'separation-of-duties:passed']);
    expect(emulator.acceptedResumes()[0]?.body).toMatchObject({ data: { state: 'denied' } });
  });

  it('an extension within the limit continues', async () => {
    const answer = await send(SAMPLE_POLICY, request('userExtend', 'userExtend', 'P90D'));
    expect(answer.json['decision']).toBe('continue');
    expect(findingIds(answer.json)).toEqual([]);
  });
});

describe('a request type the policy does not know never skips checks', () => {
  it('"someNewType" under a policy whose only scope filters on [userAdd]: the scope\'s checks run and deny, and the record and the text say why', async () => {
    const answer = await send(addsOnlyPolicy(), request('someNewType', 'unknownFutureValue', 'P400D'));
    expect(answer.status).toBe(200);
    expect(answer.json['decision']).toBe('deny');
    expect(answer.json['policy']).toMatchObject({ scopes: ['adds'] });
    expect(runs(answer.json)).toEqual(['max-duration:failed']);
    expect(findingIds(answer.json)).toEqual(['max-duration/tooLong']);
    expect(notices(answer.json)).toEqual([{ checkId: 'policy', kind: 'notice', messageId: 'unknownRequestType', data: { requestType: 'someNewType', scopes: 'adds' } }]);
    expect(resumeDetail()).toMatch(/^Denied by policy: \[max-duration\] The requested access lasts 400 days \(.+\); at most 90 are allowed\. /);
    expect(resumeDetail()).toMatch(/ Noted: \[policy\] The request type "someNewType" is not one entitlement-guard knows; the checks of every scope whose other match keys fit ran \(adds\)\.$/);
    expect(answer.json['detail']).toBe(resumeDetail());
  });

  it('no RequestType in the body: the same, noted as missing', async () => {
    const answer = await send(addsOnlyPolicy(), request(undefined, 'notSpecified', 'P400D'));
    expect(answer.json['decision']).toBe('deny');
    expect(runs(answer.json)).toEqual(['max-duration:failed']);
    expect(notices(answer.json)).toEqual([{ checkId: 'policy', kind: 'notice', messageId: 'missingRequestType', data: { scopes: 'adds' } }]);
  });

  it('a request type it knows and the scope does not name (adminAdd) still does not match: the rule is only for types it cannot place', async () => {
    const answer = await send(addsOnlyPolicy(), request('AdminAdd', 'adminAdd', 'P400D'));
    expect(answer.json['decision']).toBe('continue');
    expect(answer.json['policy']).toMatchObject({ scopes: [], notices: [] });
    expect(resumeDetail()).toBe('No check applies to this stage.');
  });
});
