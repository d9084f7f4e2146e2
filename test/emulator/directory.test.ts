// Graph's directory reads on the tenant emulator: what real Graph answers, and what it refuses.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { DEFAULT_USER_PROPERTIES } from '../../emulator/directory/user-resource.js';
import { startTestEmulator } from '../support/emulator.js';
import { EVENTUAL, graphGet, miToken, PEOPLE, type Json } from './graph-calls.js';

let emulator: TenantEmulator;
let token: string;
const CHAIN = `$select=id,displayName&$expand=manager($levels=max;$select=id,displayName,accountEnabled)&$count=true`;

const get = (path: string, headers: Record<string, string> = {}, bearer = token) => graphGet(emulator, path, bearer, headers);

beforeAll(async () => {
  emulator = await startTestEmulator();
  token = await miToken(emulator);
});
afterEach(() => {
  emulator.directory.pageSize = 100;
  emulator.faults.clear();
});
afterAll(() => emulator.close());

describe('GET /users/{id}', () => {
  test("without $select: Graph's default set, on v1.0 and beta", async () => {
    for (const version of ['v1.0', 'beta']) {
      const { status, json } = await get(`/${version}/users/${PEOPLE.avery}`);
      expect(status).toBe(200);
      expect(Object.keys(json).filter((k) => !k.startsWith('@')).sort()).toEqual([...DEFAULT_USER_PROPERTIES].sort());
      expect(json).toMatchObject({ id: PEOPLE.avery, displayName: 'Avery Lindqvist', userPrincipalName: 'avery@contoso.example', jobTitle: 'Senior Financial Analyst', businessPhones: [], mobilePhone: null });
    }
  });

  test('$select: id plus the selected properties, in any case; unset ones are null', async () => {
    const { json } = await get(`/v1.0/users/${PEOPLE.avery}?$select=Department,accountEnabled,employeeHireDate,onPremisesExtensionAttributes,city`);
    expect(Object.keys(json)).toEqual(['@odata.context', 'id', 'department', 'accountEnabled', 'employeeHireDate', 'onPremisesExtensionAttributes', 'city']);
    expect(json).toMatchObject({ department: 'Finance', accountEnabled: true, employeeHireDate: '2019-03-01T00:00:00Z', city: null });
    const ext = json['onPremisesExtensionAttributes'] as Json;
    expect(Object.keys(ext)).toHaveLength(15);
    expect(ext).toMatchObject({ extensionAttribute1: 'FIN-2100', extensionAttribute15: null });
  });

  test('percent-encoded options read the same', async () => {
    const { json } = await get(`/v1.0/users/${PEOPLE.avery}?%24select=id%2Cdepartment`);
    expect(json).toEqual({ '@odata.context': expect.stringContaining('users(id,department)') as unknown, id: PEOPLE.avery, department: 'Finance' });
  });

  test('an unknown property, a repeated or unknown option → 400 like Graph', async () => {
    const unknown = await get(`/v1.0/users/${PEOPLE.avery}?$select=id,departmnet`);
    expect(unknown.status).toBe(400);
    expect(unknown.json).toMatchObject({ error: { code: 'BadRequest', message: expect.stringContaining("'departmnet'") as unknown } });
    expect((await get(`/v1.0/users/${PEOPLE.avery}?$select=id&$select=department`)).status).toBe(400);
    expect((await get(`/v1.0/users/${PEOPLE.avery}?$frobnicate=1`)).status).toBe(400);
    expect((await get(`/v1.0/users/${PEOPLE.avery}?$select=id,`)).status).toBe(400);
  });

  test('by userPrincipalName too; an unknown user → 404 Request_ResourceNotFound in Graph’s error shape', async () => {
    expect((await get('/v1.0/users/AVERY@contoso.example?$select=id')).json).toMatchObject({ id: PEOPLE.avery });
    const { status, json, headers } = await get('/v1.0/users/00000000-0000-4000-8000-000000000000');
    expect(status).toBe(404);
    expect(json).toEqual({
      error: {
        code: 'Request_ResourceNotFound',
        message: expect.stringContaining('does not exist') as unknown,
        innerError: { date: expect.any(String) as unknown, 'request-id': headers.get('request-id'), 'client-request-id': expect.any(String) as unknown },
      },
    });
  });

  test('other user paths and methods are not served', async () => {
    expect((await get('/v1.0/users')).status).toBe(400);
    expect((await get(`/v1.0/users/${PEOPLE.avery}/ownedObjects`)).status).toBe(400);
    const post = await fetch(`${emulator.origin}/v1.0/users/${PEOPLE.avery}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(post.status).toBe(405);
  });
});

describe('management chain: $expand=manager', () => {
  const chainOf = (json: Json): Json[] => {
    const chain: Json[] = [];
    for (let m = json['manager'] as Json | undefined; m !== undefined; m = m['manager'] as Json | undefined) chain.push(m);
    return chain;
  };

  test('$levels=max: nested managers up to the root, each with the nested $select', async () => {
    const { status, json } = await get(`/v1.0/users/${PEOPLE.avery}?${CHAIN}`, EVENTUAL);
    expect(status).toBe(200);
    expect(json).toMatchObject({ id: PEOPLE.avery, displayName: 'Avery Lindqvist' });
    const chain = chainOf(json);
    expect(chain.map((m) => m['displayName'])).toEqual(['Morgan Ek', 'Riley Novak', 'Sam Rivera']);
    expect(chain[0]).toEqual({ '@odata.type': '#microsoft.graph.user', id: PEOPLE.morgan, displayName: 'Morgan Ek', accountEnabled: true, manager: expect.any(Object) as unknown });
    expect(chain[2]).not.toHaveProperty('manager');
  });

  test('$levels=n stops after n levels; the root has no manager property', async () => {
    const two = await get(`/v1.0/users/${PEOPLE.avery}?$select=id&$expand=manager($levels=2;$select=id)`, EVENTUAL);
    expect(chainOf(two.json).map((m) => m['id'])).toEqual([PEOPLE.morgan, PEOPLE.riley]);
    const root = await get(`/beta/users/${PEOPLE.sam}?${CHAIN}`, EVENTUAL);
    expect(root.status).toBe(200);
    expect(root.json).not.toHaveProperty('manager');
  });

  test('$levels needs ConsistencyLevel: eventual, and a level of max or 1…1000', async () => {
    const without = await get(`/v1.0/users/${PEOPLE.avery}?${CHAIN}`);
    expect(without.status).toBe(400);
    expect(without.json).toMatchObject({ error: { message: expect.stringContaining('ConsistencyLevel') as unknown } });
    expect((await get(`/v1.0/users/${PEOPLE.avery}?$expand=manager($levels=0)`, EVENTUAL)).status).toBe(400);
    expect((await get(`/v1.0/users/${PEOPLE.avery}?$expand=manager($levels=all)`, EVENTUAL)).status).toBe(400);
    expect((await get(`/v1.0/users/${PEOPLE.avery}?$expand=manager($levels=max`, EVENTUAL)).status).toBe(400);
  });

  test('without $levels: only the direct manager, no header needed', async () => {
    const { status, json } = await get(`/v1.0/users/${PEOPLE.avery}?$select=id&$expand=manager($select=id,displayName)`);
    expect(status).toBe(200);
    expect(chainOf(json)).toEqual([{ '@odata.type': '#microsoft.graph.user', id: PEOPLE.morgan, displayName: 'Morgan Ek' }]);
    const plain = await get(`/v1.0/users/${PEOPLE.avery}?$expand=manager`);
    expect(chainOf(plain.json)).toHaveLength(1);
    expect((await get(`/v1.0/users/${PEOPLE.avery}?$expand=memberOf`)).status).toBe(400);
  });

  test('follows the directory as tests change it, and stops where a chain loops', async () => {
    emulator.directory.setManager(PEOPLE.sam, PEOPLE.avery);
    try {
      const { json } = await get(`/v1.0/users/${PEOPLE.avery}?${CHAIN}`, EVENTUAL);
      expect(chainOf(json).map((m) => m['id'])).toEqual([PEOPLE.morgan, PEOPLE.riley, PEOPLE.sam]);
    } finally {
      emulator.directory.setManager(PEOPLE.sam, null);
    }
  });
});

describe('GET /users/{id}/manager', () => {
  test('the manager as a directoryObject, with $select', async () => {
    const { status, json } = await get(`/v1.0/users/${PEOPLE.avery}/manager?$select=id,displayName`);
    expect(status).toBe(200);
    expect(json).toEqual({ '@odata.context': expect.stringContaining('directoryObjects') as unknown, '@odata.type': '#microsoft.graph.user', id: PEOPLE.morgan, displayName: 'Morgan Ek' });
  });

  test('404 Request_ResourceNotFound when the user has none, or does not exist', async () => {
    expect((await get(`/v1.0/users/${PEOPLE.sam}/manager`)).json).toMatchObject({ error: { code: 'Request_ResourceNotFound' } });
    expect((await get(`/v1.0/users/${PEOPLE.casey}/manager?$select=id`)).status).toBe(404);
    expect((await get('/v1.0/users/00000000-0000-4000-8000-000000000000/manager')).status).toBe(404);
  });
});

describe('GET /users/{id}/sponsors', () => {
  test('a guest without a sponsor: an empty collection and no nextLink', async () => {
    const { status, json } = await get(`/v1.0/users/${PEOPLE.casey}/sponsors?$select=id,displayName`);
    expect(status).toBe(200);
    expect(json).toEqual({ '@odata.context': expect.stringContaining('directoryObjects(id,displayName)') as unknown, value: [] });
  });

  test('pages of pageSize with an absolute nextLink on the emulator whose skiptoken works', async () => {
    emulator.directory.pageSize = 1;
    const pages: Json[] = [];
    let next: string | undefined = `/v1.0/users/${PEOPLE.alex}/sponsors?$select=id,displayName`;
    while (next !== undefined) {
      const page = await get(next);
      expect(page.status).toBe(200);
      pages.push(page.json);
      next = page.json['@odata.nextLink'] as string | undefined;
      if (next !== undefined) expect(next).toMatch(new RegExp(`^${emulator.origin.replaceAll('.', '\\.')}/v1\\.0/users/${PEOPLE.alex}/sponsors\\?\\$select=id,displayName&\\$skiptoken=[\\w-]+$`));
    }
    expect(pages).toHaveLength(3);
    expect(pages.flatMap((p) => (p['value'] as Json[]).map((s) => s['displayName']))).toEqual(['Morgan Ek', 'Riley Novak', 'Sam Rivera']);
    expect((pages[0]?.['value'] as Json[])[0]).toEqual({ '@odata.type': '#microsoft.graph.user', id: PEOPLE.morgan, displayName: 'Morgan Ek' });
  });

  test('$top sets the page size and is kept in the nextLink', async () => {
    const first = await get(`/beta/users/${PEOPLE.alex}/sponsors?$top=2`);
    expect(first.json['value']).toHaveLength(2);
    const link = String(first.json['@odata.nextLink']);
    expect(link).toContain('/beta/users/');
    expect(link).toContain('$top=2');
    const second = await get(link);
    expect((second.json['value'] as Json[]).map((s) => s['id'])).toEqual([PEOPLE.sam]);
    expect(second.json).not.toHaveProperty('@odata.nextLink');
  });

  test("a skiptoken that is not this collection's → 400", async () => {
    emulator.directory.pageSize = 1;
    const link = String((await get(`/v1.0/users/${PEOPLE.alex}/sponsors`)).json['@odata.nextLink']);
    const skiptoken = new URL(link).searchParams.get('$skiptoken') ?? '';
    expect((await get(`/v1.0/users/${PEOPLE.casey}/sponsors?$skiptoken=${skiptoken}`)).status).toBe(400);
    expect((await get(`/v1.0/users/${PEOPLE.alex}/sponsors?$skiptoken=garbage`)).status).toBe(400);
  });
});

describe('GET /identityProtection/riskyUsers/{id}', () => {
  test('the riskyUser of a risky user', async () => {
    const { status, json } = await get(`/v1.0/identityProtection/riskyUsers/${PEOPLE.jordanBlake}`);
    expect(status).toBe(200);
    expect(json).toEqual({
      '@odata.context': expect.stringContaining('identityProtection/riskyUsers') as unknown,
      id: PEOPLE.jordanBlake,
      isDeleted: false,
      isProcessing: false,
      riskLastUpdatedDateTime: '2026-11-19T22:41:07Z',
      riskLevel: 'high',
      riskState: 'atRisk',
      riskDetail: 'none',
      userDisplayName: 'Jordan Blake',
      userPrincipalName: 'jordan.blake@contoso.example',
    });
    expect((await get(`/beta/identityProtection/riskyUsers/${PEOPLE.kai}?$select=riskState`)).json).toEqual({
      '@odata.context': expect.any(String) as unknown, id: PEOPLE.kai, riskState: 'remediated',
    });
  });

  test('404 for a user Identity Protection has no record of; setRisk adds and removes one', async () => {
    expect((await get(`/v1.0/identityProtection/riskyUsers/${PEOPLE.avery}`)).status).toBe(404);
    emulator.directory.setRisk(PEOPLE.avery, { riskLevel: 'medium', riskState: 'atRisk' });
    expect((await get(`/v1.0/identityProtection/riskyUsers/${PEOPLE.avery}`)).json).toMatchObject({ riskLevel: 'medium', riskState: 'atRisk', riskDetail: 'none' });
    emulator.directory.setRisk(PEOPLE.avery, null);
    expect((await get(`/v1.0/identityProtection/riskyUsers/${PEOPLE.avery}`)).status).toBe(404);
  });
});
