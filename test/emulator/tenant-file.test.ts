// The tenant file: the sample tenant covers every fixture, and the loader says clearly what is wrong.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadTenant, parseTenant, readTenantFile, SAMPLE_TENANT_FILE, TenantFileError, type TenantFile } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { PEOPLE } from './graph-calls.js';

const dir = mkdtempSync(join(tmpdir(), 'eg-tenant-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const FIXTURES = new URL('../fixtures/', import.meta.url);
const sample = readTenantFile(SAMPLE_TENANT_FILE);
const user = (id: string) => sample.users.find((u) => u.id === id);
const request = (id: string) => sample.requests.find((r) => r.id === id);
const days = (r: TenantFile['requests'][number]): number =>
  r.schedule.expiration.endDateTime !== null
    ? (Date.parse(r.schedule.expiration.endDateTime) - Date.parse(r.schedule.startDateTime ?? '')) / 86_400_000
    : Number(/^P(\d+)D$/.exec(r.schedule.expiration.duration ?? '')?.[1]);

/** Values of keys (any casing) anywhere in a JSON value, e.g. every objectId. */
function valuesOf(value: unknown, key: string, path: readonly string[] = []): { path: string; value: unknown }[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [
    ...(k.toLowerCase() === key.toLowerCase() ? [{ path: [...path, k].join('.').toLowerCase(), value: v }] : []),
    ...valuesOf(v, key, [...path, k]),
  ]);
}

function write(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const tenant = (users: unknown[], requests: unknown[] = []) => ({ users, requests });
const person = (id: string, extra: Record<string, unknown> = {}) => ({ id, displayName: `User ${id.slice(0, 4)}`, userPrincipalName: `${id.slice(0, 8)}@contoso.example`, ...extra });
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

describe('the sample tenant (emulator/tenants/contoso.json)', () => {
  // ELM: Assignment.Target.ObjectId and Requestor.ObjectId (their `Id` is the accessPackageSubject's); LCW: subject.id.
  test('names every target, subject and requestor of the callout fixtures', () => {
    const named = new Set<string>();
    for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.json'))) {
      const body = JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as unknown;
      for (const { path, value } of [...valuesOf(body, 'objectId'), ...valuesOf(body, 'id')]) {
        if (typeof value === 'string' && /(target\.objectid|requestor\.objectid|subject\.id)$/.test(path)) named.add(value.toLowerCase());
      }
    }
    expect(named.size).toBeGreaterThanOrEqual(8);
    expect([...named].filter((id) => user(id) === undefined)).toEqual([]);
  });

  test('Avery is a clean Finance member with a three-level chain; Jordan Blake is risky; Casey a guest without sponsor', () => {
    expect(user(PEOPLE.avery)).toMatchObject({ userType: 'Member', department: 'Finance', accountEnabled: true, employeeLeaveDateTime: null, risk: null, manager: PEOPLE.morgan });
    expect(Date.parse(user(PEOPLE.avery)?.employeeHireDate ?? '')).toBeLessThan(Date.now());
    expect([PEOPLE.morgan, PEOPLE.riley, PEOPLE.sam].map((id) => [user(id)?.accountEnabled, user(id)?.manager])).toEqual([[true, PEOPLE.riley], [true, PEOPLE.sam], [true, null]]);
    expect(user(PEOPLE.jordanBlake)).toMatchObject({ displayName: 'Jordan Blake', userType: 'Member', department: 'Finance', risk: { riskLevel: 'high', riskState: 'atRisk' } });
    expect(user(PEOPLE.casey)).toMatchObject({ displayName: 'Casey Guest', userType: 'Guest', sponsors: [] });
    expect(sample.users.some((u) => u.userType === 'Guest' && u.sponsors.length > 0)).toBe(true);
  });

  test('requests: a ticket and 90 days for the created fixture, no ticket and 30 days for the approved one', () => {
    const created = request('3c7ee35f-ab17-4893-bb65-7a761c670d1a');
    expect(created?.justification).toContain('CHG0012345');
    expect(created && days(created)).toBe(90);
    const approved = request('7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d');
    expect(approved?.justification).not.toMatch(/CHG\d{7}/);
    expect(approved && days(approved)).toBe(30);
    expect(request('f505af59-4a07-489c-93fe-ae9a89a0672f')).toBeDefined();
    const risky = request('e1d2c3b4-a5f6-4e7d-8c9b-0a1b2c3d4e5f');
    expect(risky?.justification).toMatch(/CHG\d{7}/);
    expect(risky && days(risky)).toBe(30);
  });

  test('every fixture request id is seeded', () => {
    const ids = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).flatMap((file) => {
      const body = JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as unknown;
      return valuesOf(body, 'accessPackageAssignmentRequestId').map((v) => v.value).filter((v): v is string => typeof v === 'string');
    });
    expect(ids.filter((id) => request(id.toLowerCase()) === undefined)).toEqual([]);
  });
});

describe('the loader', () => {
  const rejects = (value: unknown, message: RegExp) => {
    expect(() => parseTenant(value, 'test tenant')).toThrow(TenantFileError);
    expect(() => parseTenant(value, 'test tenant')).toThrow(message);
  };

  test('bad JSON and a missing file name the file', () => {
    const path = write('broken.json', '{ "users": [ { "id": ');
    expect(() => readTenantFile(path)).toThrow(new RegExp(`tenant file ${path.replaceAll('.', '\\.')} is not valid JSON`));
    expect(() => readTenantFile(join(dir, 'missing.json'))).toThrow(/cannot be read/);
  });

  test('an unknown manager or sponsor id', () => {
    rejects(tenant([person(A, { manager: B })]), /users\[0\] 1111.*: manager "22222222-2222-4222-8222-222222222222" is not the id of a user in the tenant/);
    rejects(tenant([person(A, { sponsors: [B] })]), /sponsors: "2222.*" is not the id of a user/);
  });

  test('a duplicate id (any case) or userPrincipalName', () => {
    rejects(tenant([person(A), person(A.toUpperCase(), { userPrincipalName: 'other@contoso.example' })]), /users\[1\]\.id "1111.*" is already the id of users\[0\]/);
    rejects(tenant([person(A), person(B, { userPrincipalName: person(A).userPrincipalName })]), /users\[1\]\.userPrincipalName .* is already that of users\[0\]/);
    rejects(tenant([], [{ id: A }, { id: A }]), /requests\[1\]\.id .* is already the id of requests\[0\]/);
  });

  test('a bad GUID, wherever it is', () => {
    rejects(tenant([person('not-a-guid')]), /test tenant: users\[0\]\.id "not-a-guid" is not a GUID/);
    rejects(tenant([person(A, { manager: '1234' })]), /users\[0\]\.manager "1234" is not a GUID/);
    rejects(tenant([person(A, { sponsors: [42] })]), /users\[0\]\.sponsors\[0\] 42 is not a GUID/);
    rejects(tenant([], [{ id: 'CHG0012345' }]), /requests\[0\]\.id "CHG0012345" is not a GUID/);
  });

  test('typos, wrong types and impossible values', () => {
    rejects(tenant([person(A, { departmnet: 'Finance' })]), /users\[0\] has an unknown property "departmnet"/);
    rejects(tenant([person(A, { userType: 'Contractor' })]), /userType "Contractor" is not one of Member, Guest/);
    rejects(tenant([person(A, { accountEnabled: 'yes' })]), /accountEnabled must be true or false/);
    rejects(tenant([person(A, { employeeHireDate: '1 March 2019' })]), /employeeHireDate "1 March 2019" is not an ISO 8601 date/);
    rejects(tenant([person(A, { usageLocation: 'Sweden' })]), /usageLocation "Sweden" is not a two-letter country code/);
    rejects(tenant([person(A, { manager: A })]), /manager is the user itself/);
    rejects(tenant([person(A, { risk: { riskLevel: 'extreme', riskState: 'atRisk' } })]), /risk\.riskLevel "extreme" is not one of/);
    rejects(tenant([person(A, { displayName: undefined })]), /users\[0\]\.displayName is required/);
    rejects(tenant([], [{ id: A, schedule: { startDateTime: '2026-01-01T00:00:00Z', expiration: { type: 'afterDuration' } } }]), /expiration\.duration is required when type is afterDuration/);
    rejects(tenant([], [{ id: A, schedule: { expiration: { type: 'afterDuration', duration: '90 days' } } }]), /"90 days" is not an ISO 8601 duration/);
    rejects([], /the tenant must be a JSON object/);
  });

  test('description fields are for people and ignored', () => {
    const loaded = parseTenant({ description: 'x', users: [person(A, { description: 'y' })], requests: [{ id: B, description: 'z' }] });
    expect(loaded.users[0]).not.toHaveProperty('description');
    expect(loaded.requests[0]).toMatchObject({ id: B, requestType: 'userAdd', justification: null, schedule: { expiration: { type: 'notSpecified' } } });
  });

  test('TenantEmulator.start takes a path or an object, and refuses a bad tenant before listening', async () => {
    const path = write('small.json', JSON.stringify(tenant([person(A), person(B, { manager: A, userType: 'Guest', sponsors: [A] })])));
    const fromFile = await startTestEmulator({ tenant: path });
    const fromObject = await startTestEmulator({ tenant: loadTenant(path) });
    try {
      for (const emulator of [fromFile, fromObject]) {
        expect(emulator.directory.all().map((u) => u.id)).toEqual([A, B]);
        expect(emulator.directory.managerOf(B)?.id).toBe(A);
        expect(emulator.directory.get(PEOPLE.avery)).toBeUndefined();
      }
    } finally {
      await Promise.all([fromFile.close(), fromObject.close()]);
    }
    await expect(startTestEmulator({ tenant: tenant([person(A, { manager: B })]) })).rejects.toThrow(TenantFileError);
  });
});
