// Graph's directory reads on the tenant emulator: permissions, faults, and changing the directory from a test.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { EVENTUAL, graphGet, miToken, PEOPLE } from './graph-calls.js';

let emulator: TenantEmulator;
let token: string;
let defaultRoles: string[];
const CHAIN = `$select=id,displayName&$expand=manager($levels=max;$select=id,displayName,accountEnabled)&$count=true`;

const get = (path: string, headers: Record<string, string> = {}, bearer = token) => graphGet(emulator, path, bearer, headers);

/** A token without these roles, as when the managed identity lacks those Graph permissions. */
async function tokenWithout(...roles: string[]): Promise<string> {
  emulator.managedIdentityRoles = defaultRoles.filter((r) => !roles.includes(r));
  return miToken(emulator);
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  defaultRoles = [...emulator.managedIdentityRoles];
  token = await miToken(emulator);
});
afterEach(() => {
  emulator.managedIdentityRoles = [...defaultRoles];
  emulator.directory.pageSize = 100;
  emulator.faults.clear();
});
afterAll(() => emulator.close());

describe('permissions', () => {
  test('users need User.Read.All (or Directory.Read.All)', async () => {
    const without = await tokenWithout('User.Read.All', 'Directory.Read.All');
    for (const path of [`/v1.0/users/${PEOPLE.avery}`, `/v1.0/users/${PEOPLE.avery}/manager`, `/v1.0/users/${PEOPLE.alex}/sponsors`, `/v1.0/users/${PEOPLE.avery}?${CHAIN}`]) {
      const answer = await get(path, EVENTUAL, without);
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({ error: { code: 'Authorization_RequestDenied' } });
    }
    expect((await get(`/v1.0/users/${PEOPLE.avery}`, {}, await tokenWithout('User.Read.All'))).status).toBe(200);
    expect((await get(`/v1.0/users/${PEOPLE.avery}`, {}, await tokenWithout('Directory.Read.All'))).status).toBe(200);
  });

  test('employeeLeaveDateTime also needs User-LifeCycleInfo.Read.All', async () => {
    expect((await get(`/v1.0/users/${PEOPLE.robin}?$select=id,employeeLeaveDateTime`)).json).toMatchObject({ employeeLeaveDateTime: '2026-10-31T17:00:00Z' });
    const without = await tokenWithout('User-LifeCycleInfo.Read.All');
    expect((await get(`/v1.0/users/${PEOPLE.robin}?$select=id,employeeLeaveDateTime`, {}, without)).json).toMatchObject({ error: { code: 'Authorization_RequestDenied' } });
    expect((await get(`/v1.0/users/${PEOPLE.avery}?$select=id&$expand=manager($select=employeeLeaveDateTime)`, {}, without)).status).toBe(403);
    expect((await get(`/v1.0/users/${PEOPLE.robin}?$select=id,displayName`, {}, without)).status).toBe(200);
  });

  test('riskyUsers need IdentityRiskyUser.Read.All; no token or a bad one → 401', async () => {
    const without = await tokenWithout('IdentityRiskyUser.Read.All');
    expect((await get(`/v1.0/identityProtection/riskyUsers/${PEOPLE.jordanBlake}`, {}, without)).status).toBe(403);
    expect((await get(`/v1.0/users/${PEOPLE.avery}`, {}, without)).status).toBe(200);
    expect((await get(`/v1.0/users/${PEOPLE.avery}`, {}, 'garbage')).json).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
  });
});

describe('faults and call records', () => {
  test('apply to the directory routes as to any Graph call', async () => {
    emulator.clearCalls();
    emulator.faults.add({ service: 'graph', path: '/sponsors', action: { status: 503, retryAfter: 2 } });
    emulator.faults.add({ service: 'graph', path: /\/riskyUsers\//, action: { status: 429 } });
    const failed = await get(`/v1.0/users/${PEOPLE.alex}/sponsors`);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('2');
    expect(failed.json).toMatchObject({ error: { code: 'ServiceUnavailable' } });
    expect((await get(`/v1.0/users/${PEOPLE.alex}/sponsors`)).status).toBe(200);
    expect((await get(`/v1.0/identityProtection/riskyUsers/${PEOPLE.jordanBlake}`)).status).toBe(429);
    expect(emulator.calls({ service: 'graph' }).map((c) => [c.status, c.fault ?? null])).toEqual([[503, 'status 503'], [200, null], [429, 'status 429']]);
    expect(emulator.calls({ pathIncludes: '/sponsors' })[0]).not.toHaveProperty('body');
  });

  test('a dropped connection is recorded too', async () => {
    emulator.clearCalls();
    emulator.faults.add({ path: `/users/${PEOPLE.avery}/manager`, action: { drop: 'before-handling' } });
    await expect(get(`/v1.0/users/${PEOPLE.avery}/manager`)).rejects.toThrow();
    expect(emulator.calls({ pathIncludes: '/manager' })).toEqual([expect.objectContaining({ status: 'dropped', fault: 'drop before handling' })]);
  });
});

describe('mutators', () => {
  test('upsertUser adds a user or changes some attributes; references must exist', async () => {
    const id = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
    emulator.directory.upsertUser({ id, displayName: 'Quinn New', userPrincipalName: 'quinn@contoso.example', manager: PEOPLE.morgan });
    expect((await get(`/v1.0/users/${id}/manager?$select=id`)).json).toMatchObject({ id: PEOPLE.morgan });
    emulator.directory.upsertUser({ id, department: 'Legal' });
    expect((await get(`/v1.0/users/${id}?$select=department,displayName`)).json).toMatchObject({ department: 'Legal', displayName: 'Quinn New' });
    expect(() => emulator.directory.upsertUser({ id, manager: '99999999-9999-4999-8999-999999999999' })).toThrow(/manager "99999999-.*" is not the id of a user/);
    emulator.directory.removeUser(id);
    expect((await get(`/v1.0/users/${id}`)).status).toBe(404);
  });
});
