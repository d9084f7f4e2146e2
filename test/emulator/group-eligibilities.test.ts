// PIM for Groups eligibilities on the tenant emulator: the tenant file's groupEligibilities, served at Graph's eligibilitySchedules by principal or group.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseTenant, TenantFileError, type TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { graphGet, miToken, PEOPLE, SOD, type Json } from './graph-calls.js';

let emulator: TenantEmulator;
let roles: string[];
beforeAll(async () => {
  emulator = await startTestEmulator();
  roles = [...emulator.managedIdentityRoles];
});
afterAll(() => emulator.close());

const LIST = '/v1.0/identityGovernance/privilegedAccess/group/eligibilitySchedules';
const filtered = (filter: string) => `${LIST}?$filter=${encodeURIComponent(filter)}`;

describe('the eligibilitySchedules of PIM for Groups', () => {
  test("the sample tenant's: Avery may activate membership of Payment Approvers (by principal, by group, by access)", async () => {
    const token = await miToken(emulator);
    const byPrincipal = await graphGet(emulator, filtered(`principalId eq '${PEOPLE.avery}'`), token);
    expect(byPrincipal.json['value']).toEqual([{
      id: 'ae000000-0000-4000-8000-000000000001', accessId: 'member', groupId: SOD.paymentApprovers, principalId: PEOPLE.avery, memberType: 'direct', status: 'Provisioned',
      createdDateTime: '2026-06-01T00:00:00Z', createdUsing: 'ae000000-0000-4000-8000-000000000001', modifiedDateTime: null,
      scheduleInfo: { startDateTime: '2026-06-01T00:00:00Z', recurrence: null, expiration: { type: 'noExpiration', endDateTime: null, duration: null } },
    }]);
    expect(((await graphGet(emulator, filtered(`groupId eq '${SOD.paymentApprovers}' and accessId eq 'member'`), token)).json['value'] as Json[]).length).toBe(1);
    expect((await graphGet(emulator, filtered(`groupId eq '${SOD.paymentApprovers}' and accessId eq 'owner'`), token)).json['value']).toEqual([]);
    expect((await graphGet(emulator, filtered(`principalId eq '${PEOPLE.noor}'`), token)).json['value']).toEqual([]);
  });

  test('refusals: no filter on principalId or groupId (400), no permission (403), no token (401)', async () => {
    const token = await miToken(emulator);
    expect((await graphGet(emulator, LIST, token)).status).toBe(400);
    expect((await graphGet(emulator, filtered("accessId eq 'member'"), token)).status).toBe(400);
    emulator.managedIdentityRoles = roles.filter((r) => !r.startsWith('PrivilegedEligibilitySchedule'));
    try {
      expect((await graphGet(emulator, filtered(`principalId eq '${PEOPLE.avery}'`), await miToken(emulator))).status).toBe(403);
    } finally {
      emulator.managedIdentityRoles = [...roles];
    }
    expect((await fetch(`${emulator.origin}${filtered(`principalId eq '${PEOPLE.avery}'`)}`)).status).toBe(401);
  });
});

describe('the tenant file section', () => {
  const user = { id: PEOPLE.avery, displayName: 'Avery', userPrincipalName: 'avery@contoso.example' };
  const group = { id: SOD.paymentApprovers, displayName: 'Payment Approvers', members: [] };
  const tenant = (eligibility: Record<string, unknown>) => ({ users: [user], groups: [group], groupEligibilities: [{ id: 'ae000000-0000-4000-8000-000000000009', principal: PEOPLE.avery, groupId: SOD.paymentApprovers, ...eligibility }] });

  test('is optional, and read with accessId member by default', () => {
    expect(parseTenant({ users: [user] }).groupEligibilities).toEqual([]);
    expect(parseTenant(tenant({})).groupEligibilities[0]).toMatchObject({ accessId: 'member', endDateTime: null });
  });

  test.each([
    ['a principal that is not a user', { principal: SOD.paymentApprovers }, 'groupEligibilities[0].principal "1a2b3c4d-0001-4000-8000-00000000a001" is not the id of a user in the tenant'],
    ['a group the file does not have', { groupId: PEOPLE.avery }, 'groupEligibilities[0].groupId "a7529cd7-a86d-4455-8c43-00e7495481b0" is not the id of a group in the tenant'],
    ['an end before the start', { startDateTime: '2026-06-02T00:00:00Z', endDateTime: '2026-06-01T00:00:00Z' }, 'groupEligibilities[0].endDateTime is not after startDateTime'],
    ['an unknown property', { roleTemplateId: 'x' }, 'groupEligibilities[0] has an unknown property "roleTemplateId"'],
  ])('refuses %s, naming the place', (_, change, text) => {
    expect(() => parseTenant(tenant(change))).toThrow(TenantFileError);
    expect(() => parseTenant(tenant(change))).toThrow(text);
  });
});
