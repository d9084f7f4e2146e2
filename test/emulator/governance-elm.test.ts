// Entitlement management reads on the tenant emulator: assignments, the live request list, access packages.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { graphGet, graphPages, itemsOf, miToken, PEOPLE, SOD, type Json } from './graph-calls.js';

let emulator: TenantEmulator;
let token: string;
const ELM = '/v1.0/identityGovernance/entitlementManagement';
const EXPAND_PACKAGE = '$expand=accessPackage($select=id,displayName)';
const TAYLOR_ASSIGNMENT = 'aa000000-0000-4000-8000-000000000001';
const ROWAN_ASSIGNMENT = 'aa000000-0000-4000-8000-000000000002';
const REQUEST = {
  skyPending: '7e8f9a0b-0001-4000-8000-000000000001',
  taylor: '7e8f9a0b-0002-4000-8000-000000000002',
  quinn: '7e8f9a0b-0003-4000-8000-000000000003',
  sky: '7e8f9a0b-0004-4000-8000-000000000004',
  noor: '7e8f9a0b-0005-4000-8000-000000000005',
  dana: '7e8f9a0b-0006-4000-8000-000000000006',
};

const get = (path: string, bearer = token) => graphGet(emulator, path, bearer);
const filter = (expression: string) => `$filter=${encodeURIComponent(expression)}`;
const ids = (json: Json) => (json['value'] as Json[]).map((v) => v['id']);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as Json;

beforeAll(async () => {
  emulator = await startTestEmulator();
  token = await miToken(emulator);
});
afterEach(() => {
  emulator.governance.pageSize = 100;
});
afterAll(() => emulator.close());

describe('GET …/assignments', () => {
  test.each([
    ['target/objectId', `target/objectId eq '${PEOPLE.taylor}'`, [TAYLOR_ASSIGNMENT]],
    ['accessPackage/id', `accessPackage/id eq '${SOD.paymentsApprover}'`, [ROWAN_ASSIGNMENT]],
    ['both, joined by and', `target/objectId eq '${PEOPLE.rowan}' and accessPackage/id eq '${SOD.paymentsApprover}'`, [ROWAN_ASSIGNMENT]],
    ['both, not held together', `target/objectId eq '${PEOPLE.taylor}' and accessPackage/id eq '${SOD.paymentsApprover}'`, []],
    ['paths, eq and and in any case; the GUID too', `Target/ObjectID EQ '${PEOPLE.taylor.toUpperCase()}' AND ACCESSPACKAGE/ID eq '${SOD.vendorMasterMaintain}'`, [TAYLOR_ASSIGNMENT]],
    ['a user holding nothing', `target/objectId eq '${PEOPLE.avery}'`, []],
  ])('$filter on %s', async (_, expression, expected) => {
    const { status, json } = await get(`${ELM}/assignments?${filter(expression)}`);
    expect(status).toBe(200);
    expect(ids(json)).toEqual(expected);
  });

  test('without $filter: every assignment; without $select: id, state and status', async () => {
    const { json } = await get(`${ELM}/assignments`);
    expect(json['value']).toEqual([
      { id: TAYLOR_ASSIGNMENT, state: 'delivered', status: 'Delivered' },
      { id: ROWAN_ASSIGNMENT, state: 'delivered', status: 'Delivered' },
      { id: 'aa000000-0000-4000-8000-000000000003', state: 'delivered', status: 'Delivered' },
    ]);
  });

  test('beta has no assignments set (its accessPackageAssignments is another model): 400 as Graph answers an unknown segment', async () => {
    const { status, json } = await get('/beta/identityGovernance/entitlementManagement/assignments');
    expect([status, (json['error'] as Json)['message']]).toEqual([400, "Resource not found for the segment 'assignments'."]);
  });

  test('$expand=accessPackage($select=id,displayName) with $select=id,state: what the holding read asks', async () => {
    const { json } = await get(`${ELM}/assignments?${filter(`target/objectId eq '${PEOPLE.taylor}'`)}&${EXPAND_PACKAGE}&$select=id,state`);
    expect(json).toEqual({
      '@odata.context': expect.stringContaining('assignments(id,state,accessPackage)') as unknown,
      value: [{ id: TAYLOR_ASSIGNMENT, state: 'delivered', accessPackage: { id: SOD.vendorMasterMaintain, displayName: 'Vendor Master - Maintain' } }],
    });
  });

  test('$expand=target: the accessPackageSubject of the user; both expansions at once', async () => {
    const { json } = await get(`${ELM}/assignments?${filter(`accessPackage/id eq '${SOD.paymentsApprover}'`)}&$expand=target,accessPackage`);
    const [item] = json['value'] as Json[];
    expect(item?.['target']).toEqual({ id: expect.any(String) as unknown, objectId: PEOPLE.rowan, displayName: 'Rowan Oduya', principalName: 'rowan@contoso.example', email: 'rowan@contoso.example', subjectType: 'user' });
    expect(item?.['accessPackage']).toEqual({ id: SOD.paymentsApprover, displayName: 'Payments - Approver', description: 'Approve outgoing payments: the package every ELM fixture requests.' });
  });

  test.each([
    ['an operator other than eq', `target/objectId ne '${PEOPLE.taylor}'`, 'target/objectId ne'],
    ['a property not served', `state eq 'delivered'`, "state eq 'delivered'"],
    ['a literal that is not a GUID', `target/objectId eq 'taylor'`, "'taylor'"],
    ['or instead of and', `target/objectId eq '${PEOPLE.taylor}' or accessPackage/id eq '${SOD.paymentsApprover}'`, ' or '],
    ['a function', `startswith(accessPackage/displayName,'Pay')`, 'startswith'],
    ['the same property twice', `target/objectId eq '${PEOPLE.taylor}' and target/objectId eq '${PEOPLE.rowan}'`, `target/objectId eq '${PEOPLE.rowan}'`],
  ])('400 Request_UnsupportedQuery naming it: %s', async (_, expression, named) => {
    const { status, json } = await get(`${ELM}/assignments?${filter(expression)}`);
    expect(status).toBe(400);
    expect(json).toMatchObject({ error: { code: 'Request_UnsupportedQuery', message: expect.stringContaining(named) as unknown } });
  });

  test('other options and expansions → 400 naming them; an unknown property in $select → 400', async () => {
    expect((await get(`${ELM}/assignments?$orderby=id`)).json).toMatchObject({ error: { code: 'Request_UnsupportedQuery', message: expect.stringContaining('$orderby') as unknown } });
    expect((await get(`${ELM}/assignments?$frobnicate=1`)).json).toMatchObject({ error: { code: 'Request_UnsupportedQuery', message: expect.stringContaining('$frobnicate') as unknown } });
    expect((await get(`${ELM}/assignments?$expand=assignmentPolicy`)).json).toMatchObject({ error: { code: 'Request_UnsupportedQuery', message: expect.stringContaining('assignmentPolicy') as unknown } });
    expect((await get(`${ELM}/assignments?$expand=accessPackage($top=1)`)).json).toMatchObject({ error: { code: 'Request_UnsupportedQuery', message: expect.stringContaining('$top') as unknown } });
    expect((await get(`${ELM}/assignments?$select=id,schedule`)).json).toMatchObject({ error: { code: 'BadRequest', message: expect.stringContaining("'schedule'") as unknown } });
    expect((await get(`${ELM}/assignments/${TAYLOR_ASSIGNMENT}`)).status).toBe(400);
  });

  test('pages through nextLink, which keeps $filter, $expand and $select; a skiptoken of another filter → 400', async () => {
    const added = ['bb000000-0000-4000-8000-000000000001', 'bb000000-0000-4000-8000-000000000002'].map((id, i) =>
      emulator.governance.addAssignment({ id, accessPackage: SOD.paymentsApprover, target: [PEOPLE.avery, PEOPLE.kai][i], state: 'delivering' }),
    );
    try {
      emulator.governance.pageSize = 2;
      const path = `${ELM}/assignments?${filter(`accessPackage/id eq '${SOD.paymentsApprover}'`)}&${EXPAND_PACKAGE}&$select=id,status&$count=true`;
      const pages = await graphPages(emulator, path, token);
      expect(pages.map((p) => (p.json['value'] as Json[]).length)).toEqual([2, 1]);
      const link = new URL(String(pages[0]?.json['@odata.nextLink']));
      expect(link.origin + link.pathname).toBe(`${emulator.origin}${ELM}/assignments`);
      expect([...link.searchParams.keys()]).toEqual(['$filter', '$expand', '$select', '$count', '$skiptoken']);
      expect(link.searchParams.get('$filter')).toBe(`accessPackage/id eq '${SOD.paymentsApprover}'`);
      expect(pages[0]?.json['@odata.count']).toBe(3);
      expect(itemsOf(pages).map((a) => [a['id'], a['status']])).toEqual([[ROWAN_ASSIGNMENT, 'Delivered'], [added[0]?.id, 'Delivering'], [added[1]?.id, 'Delivering']]);
      const other = await get(`${ELM}/assignments?${filter(`target/objectId eq '${PEOPLE.avery}'`)}&$skiptoken=${link.searchParams.get('$skiptoken') ?? ''}`);
      expect(other.json).toMatchObject({ error: { code: 'Directory_InvalidPageToken' } });
    } finally {
      for (const a of added) emulator.governance.removeAssignment(a.id);
    }
  });
});

describe('GET …/assignmentRequests (the list)', () => {
  const byRequestor = (user: string, more = '') => `${ELM}/assignmentRequests?${filter(`requestor/objectId eq '${user}'${more}`)}&${EXPAND_PACKAGE}&$select=id,state,requestType`;

  test("a requestor's requests with the package, as the holding read asks: Sky's pending one and her callout's", async () => {
    const { status, json } = await get(byRequestor(PEOPLE.sky));
    expect(status).toBe(200);
    expect(json['value']).toEqual([
      { id: REQUEST.skyPending, state: 'pendingApproval', requestType: 'userAdd', accessPackage: { id: SOD.vendorMasterMaintain, displayName: 'Vendor Master - Maintain' } },
      { id: REQUEST.sky, state: 'submitted', requestType: 'userAdd', accessPackage: { id: SOD.paymentsApprover, displayName: 'Payments - Approver' } },
    ]);
  });

  test('and accessPackage/id narrows it; accessPackage/id alone lists a package’s requests', async () => {
    expect(ids((await get(byRequestor(PEOPLE.sky, ` and accessPackage/id eq '${SOD.vendorMasterMaintain}'`))).json)).toEqual([REQUEST.skyPending]);
    const forPackage = await get(`${ELM}/assignmentRequests?${filter(`accessPackage/id eq '${SOD.paymentsApprover}'`)}`);
    expect(ids(forPackage.json)).toEqual(expect.arrayContaining([REQUEST.taylor, REQUEST.quinn, REQUEST.sky, REQUEST.noor, REQUEST.dana]));
    expect(ids((await get(byRequestor(PEOPLE.casey))).json)).toEqual([]);
  });

  test('without $select: the request as GET by id answers it (beta: requestState), with $expand=requestor', async () => {
    const { json } = await get(`/beta/identityGovernance/entitlementManagement/assignmentRequests?${filter(`requestor/objectId eq '${PEOPLE.taylor}'`)}&$expand=requestor`);
    const [item] = json['value'] as Json[];
    expect(item).toMatchObject({ id: REQUEST.taylor, requestState: 'submitted', requestStatus: 'Accepted', justification: expect.stringContaining('CHG0012399') as unknown });
    expect(item?.['requestor']).toMatchObject({ objectId: PEOPLE.taylor, displayName: 'Taylor Brooks', principalName: 'taylor@contoso.example', type: 'User' });
    expect(item?.['requestor']).not.toHaveProperty('subjectType'); // beta's accessPackageSubject says `type`
    expect(item).not.toHaveProperty('@odata.context');
  });

  test('a target/objectId filter is not served on requests; unknown options → 400', async () => {
    expect((await get(`${ELM}/assignmentRequests?${filter(`target/objectId eq '${PEOPLE.sky}'`)}`)).json).toMatchObject({ error: { code: 'Request_UnsupportedQuery' } });
    expect((await get(`${ELM}/assignmentRequests?$search="sky"`)).status).toBe(400);
    expect((await get(`${ELM}/assignmentRequests?$select=requestState`)).status).toBe(400);
  });

  test('the live state: a resumed callout shows in the list; callouts record package and requestor whatever their casing', async () => {
    const wire = fixture('elm-request-created.wire.json');
    const body = { ...wire, AccessPackageAssignmentRequestId: REQUEST.dana, CallbackUriPath: `/identityGovernance/entitlementManagement/assignmentRequests/${REQUEST.dana}/resume` };
    expect(emulator.awaitCallout({ ...body, Requestor: { ObjectId: PEOPLE.dana.toUpperCase() } })).toBe('request');
    const waiting = await get(byRequestor(PEOPLE.dana));
    expect(waiting.json['value']).toEqual([expect.objectContaining({ id: REQUEST.dana, state: 'submitted' })]);
    const resume = await fetch(`${emulator.origin}${ELM}/assignmentRequests/${REQUEST.dana}/resume`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        source: 'test',
        type: 'microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated',
        data: { '@odata.type': 'microsoft.graph.accessPackageAssignmentRequestCallbackData', stage: 'assignmentRequestCreated', customExtensionStageInstanceId: wire['CustomExtensionStageInstanceId'], state: 'denied' },
      }),
    });
    expect(resume.status).toBe(204);
    expect((await get(`${ELM}/assignmentRequests?${filter(`requestor/objectId eq '${PEOPLE.dana}'`)}&$select=id,state,status`)).json['value']).toEqual([
      { id: REQUEST.dana, state: 'denied', status: 'Denied' },
    ]);

    const camel = fixture('elm-request-created.flat-camel.json');
    const fresh = '12345678-cccc-4000-8000-000000000003';
    emulator.awaitCallout({ ...camel, accessPackageAssignmentRequestId: fresh, accessPackage: { id: SOD.vendorMasterMaintain }, requestor: { objectId: PEOPLE.kai } });
    expect((await get(byRequestor(PEOPLE.kai))).json['value']).toEqual([
      { id: fresh, state: 'submitted', requestType: 'AdminAdd', accessPackage: { id: SOD.vendorMasterMaintain, displayName: 'Vendor Master - Maintain' } },
    ]);
  });
});

describe('GET …/accessPackages/{id}', () => {
  const SCOPES = '$expand=resourceRoleScopes($expand=role,scope)';

  test('$select=id,displayName and $expand=resourceRoleScopes($expand=role,scope): a group role and an app role', async () => {
    const { status, json } = await get(`${ELM}/accessPackages/${SOD.paymentsApprover}?$select=id,displayName&${SCOPES}`);
    expect(status).toBe(200);
    expect(json).toEqual({
      '@odata.context': expect.stringContaining('accessPackages(id,displayName,resourceRoleScopes)/$entity') as unknown,
      id: SOD.paymentsApprover,
      displayName: 'Payments - Approver',
      resourceRoleScopes: [
        {
          id: expect.any(String) as unknown,
          role: { id: expect.any(String) as unknown, displayName: 'Member', description: null, originId: `Member_${SOD.paymentApprovers}`, originSystem: 'AadGroup' },
          scope: { id: expect.any(String) as unknown, displayName: 'Payment Approvers', description: null, originId: SOD.paymentApprovers, originSystem: 'AadGroup', isRootScope: true },
        },
        {
          id: expect.any(String) as unknown,
          role: { id: expect.any(String) as unknown, displayName: 'Payment Release', description: null, originId: SOD.paymentRelease, originSystem: 'AadApplication' },
          scope: { id: expect.any(String) as unknown, displayName: 'SAP S/4HANA Finance', description: null, originId: SOD.sap, originSystem: 'AadApplication', isRootScope: true },
        },
      ],
    });
  });

  test('the options in either order and any case, on beta too; role or scope alone; without $expand no scopes', async () => {
    const beta = await get(`/beta/identityGovernance/entitlementManagement/accessPackages/${SOD.vendorMasterMaintain.toUpperCase()}?$EXPAND=resourceRoleScopes($expand=scope,role)&$select=displayName`);
    expect(beta.json).toMatchObject({ id: SOD.vendorMasterMaintain, resourceRoleScopes: [{ role: { originId: `Member_${SOD.vendorMasterEditors}` } }, { role: { displayName: 'Vendor Maintain' } }] });
    const roleOnly = await get(`${ELM}/accessPackages/${SOD.vendorMasterMaintain}?$expand=resourceRoleScopes($expand=role)`);
    expect((roleOnly.json['resourceRoleScopes'] as Json[])[0]).not.toHaveProperty('scope');
    const plain = await get(`${ELM}/accessPackages/${SOD.vendorMasterMaintain}`);
    expect(plain.json).toEqual({ '@odata.context': expect.any(String) as unknown, id: SOD.vendorMasterMaintain, displayName: 'Vendor Master - Maintain', description: expect.any(String) as unknown });
  });

  test('$expand=catalog($select=id,displayName): the package\'s catalog, as what-if reads it', async () => {
    const answer = await get(`${ELM}/accessPackages/${SOD.paymentsApprover}?$select=id,displayName&$expand=catalog($select=id,displayName)`);
    expect(answer.json).toMatchObject({ id: SOD.paymentsApprover, displayName: 'Payments - Approver', catalog: { id: '26803898-8c26-4ca8-ba50-15552ecd4c9d', displayName: 'Finance' } });
    expect(Object.keys(answer.json['catalog'] as Json).sort()).toEqual(['displayName', 'id']);
    expect((await get(`${ELM}/accessPackages/${SOD.paymentsApprover}?$expand=catalog($top=1)`)).status).toBe(400);
  });

  test('404 for an unknown package; 400 for what is not served', async () => {
    const missing = await get(`${ELM}/accessPackages/99999999-9999-4999-8999-999999999999?${SCOPES}`);
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error: { code: 'ResourceNotFound', message: expect.stringContaining('99999999') as unknown } });
    expect((await get(`${ELM}/accessPackages/${SOD.paymentsApprover}?$expand=resourceRoleScopes($expand=owner)`)).json).toMatchObject({ error: { code: 'Request_UnsupportedQuery' } });
    expect((await get(`${ELM}/accessPackages/${SOD.paymentsApprover}?$expand=assignmentPolicies`)).status).toBe(400);
    expect((await get(`${ELM}/accessPackages`)).status).toBe(400);
  });
});
