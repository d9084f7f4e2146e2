// GET v1.0 …/assignmentRequests/{id} with $expand, as the stuck sweep reads a request whose callout
// was lost: the package, the requestor, the assignment with its target and policy, and the answers,
// from a real callout body, a seed, or what the request type implies; anything else is refused.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { derivedId } from '../../emulator/governance/governance-resources.js';
import { schemaFindings } from '../../emulator/graph/graph-schema-check.js';
import { startTestEmulator } from '../support/emulator.js';
import { graphGet, miToken, PEOPLE, SOD, type Json } from './graph-calls.js';
import { EMPLOYEES } from './graph-writes.js';

let emulator: TenantEmulator;
let token: string;
const REQUESTS = '/identityGovernance/entitlementManagement/assignmentRequests';
/** The sweep's read, word for word. */
const SWEEP_QUERY =
  '$select=id,requestType,state,status,createdDateTime,justification,schedule,answers,customExtensionCalloutInstances' +
  '&$expand=accessPackage($select=id,displayName),requestor,assignment($select=id;$expand=target,assignmentPolicy($select=id,displayName))';
const CREATED = '3c7ee35f-ab17-4893-bb65-7a761c670d1a';
const SEEDED = 'e7a00000-0000-4000-8000-000000000001';
const SELF = 'e7a00000-0000-4000-8000-000000000002';
const ADMIN = 'e7a00000-0000-4000-8000-000000000003';
const ASSIGNMENT = 'e7a0a55e-0000-4000-8000-000000000001';
const QUESTION = 'e7a0fa9e-0000-4000-8000-000000000001';
const G = 'microsoft.graph';

const get = (path: string) => graphGet(emulator, path, token);
const read = async (id: string, query = SWEEP_QUERY, version = 'v1.0') => get(`/${version}${REQUESTS}/${id}?${query}`);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as Json;
const subject = (objectId: string, displayName: string, name: string) => ({
  id: derivedId('subject', objectId), objectId, displayName, principalName: `${name}@contoso.example`, email: `${name}@contoso.example`, subjectType: 'user',
});
const answer = (questionId: string, text: string, value: string, displayValue = value) => ({
  '@odata.type': `#${G}.accessPackageAnswerString`,
  value,
  displayValue,
  answeredQuestion: {
    '@odata.type': `#${G}.accessPackageTextInputQuestion`, id: questionId, text, localizations: [], isRequired: null, isAnswerEditable: null, sequence: null,
    isSingleLineQuestion: null, regexPattern: null,
  },
});
const callout = (n: number) => ({ stage: 'assignmentRequestCreated', stageInstanceId: `e7a01a5e-0000-4000-8000-00000000000${String(n)}`, customExtensionId: 'e7a0e47e-0000-4000-8000-000000000001' });

beforeAll(async () => {
  emulator = await startTestEmulator();
  token = await miToken(emulator);
  emulator.requests.clock = () => Date.parse('2026-11-20T10:00:00Z');
  emulator.awaitCallout(fixture('elm-request-created.wire.json'));
  emulator.requests.seedWaiting({
    id: SEEDED, requestType: 'adminAdd', accessPackage: SOD.paymentsApprover, requestor: PEOPLE.morgan, target: PEOPLE.taylor, assignment: ASSIGNMENT, assignmentPolicy: EMPLOYEES,
    answers: [{ questionId: QUESTION, questionText: 'Change ticket', value: 'CHG0012399', displayValue: 'Change CHG0012399' }], callout: callout(1),
  });
  emulator.requests.seedWaiting({ id: SELF, accessPackage: SOD.paymentsApprover, requestor: PEOPLE.quinn, callout: callout(2) });
  emulator.requests.seedWaiting({ id: ADMIN, requestType: 'adminAdd', requestor: PEOPLE.morgan, callout: callout(3) });
});
afterAll(() => emulator.close());

describe("the sweep's read of one request", () => {
  test('(a) set up by a real callout body (PascalCase): its package, requestor, assignment, target, policy and answers', async () => {
    const { status, json } = await read(CREATED);
    expect(status).toBe(200);
    expect(json).toEqual({
      '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#identityGovernance/entitlementManagement/assignmentRequests(id,requestType,state,status,createdDateTime,justification,schedule,answers,customExtensionCalloutInstances,accessPackage(id,displayName),requestor,assignment(id,target,assignmentPolicy(id,displayName)))/$entity`,
      id: CREATED,
      requestType: 'userAdd',
      state: 'submitted',
      status: 'WaitingForCallback',
      createdDateTime: '2026-11-20T09:14:02Z',
      justification: 'Approving supplier payments during the Q4 close, change CHG0012345.',
      schedule: { startDateTime: '2026-11-23T00:00:00Z', recurrence: null, expiration: { endDateTime: '2027-02-21T00:00:00Z', duration: null, type: 'afterDateTime' } },
      answers: [answer('3672907b-69ea-4a6e-9cb6-fae079ccb343', 'Change ticket', 'CHG0012345')],
      customExtensionCalloutInstances: [{ id: '64054d8d-4d73-4705-820a-866332af9a64', customExtensionId: '4f1c7a9e-0000-4000-8000-000000000001', status: 'calloutSent', detail: null, externalCorrelationId: null }],
      accessPackage: { id: SOD.paymentsApprover, displayName: 'Payments - Approver' },
      requestor: subject(PEOPLE.avery, 'Avery Lindqvist', 'avery'),
      assignment: { id: '3aae24ea-a85e-4f2e-bf75-37583458b158', target: subject(PEOPLE.avery, 'Avery Lindqvist', 'avery'), assignmentPolicy: { id: EMPLOYEES, displayName: 'Employees' } },
    });
  });

  test('(b) a seeded waiting request: the seed’s target, assignment, policy and answers', async () => {
    const { json } = await read(SEEDED);
    expect(json).toMatchObject({
      requestType: 'adminAdd',
      answers: [answer(QUESTION, 'Change ticket', 'CHG0012399', 'Change CHG0012399')],
      requestor: { objectId: PEOPLE.morgan },
      assignment: { id: ASSIGNMENT, target: subject(PEOPLE.taylor, 'Taylor Brooks', 'taylor'), assignmentPolicy: { id: EMPLOYEES, displayName: 'Employees' } },
    });
  });

  test('(c) a userAdd with no assignment known: the requestor is the target, the assignment id derived from the request, no policy', async () => {
    const { json } = await read(SELF);
    expect(json).toMatchObject({ answers: [], requestor: { objectId: PEOPLE.quinn } });
    expect(json['assignment']).toEqual({ id: derivedId('assignment', SELF), target: subject(PEOPLE.quinn, 'Quinn Park', 'quinn.park'), assignmentPolicy: null });
    expect((await read(SELF)).json['assignment']).toEqual(json['assignment']);
  });

  test('(d) an adminAdd with no assignment known: no assignment (the requestor is not the target)', async () => {
    const { json } = await read(ADMIN);
    expect(json).toMatchObject({ id: ADMIN, requestType: 'adminAdd', accessPackage: null, requestor: { objectId: PEOPLE.morgan }, assignment: null, answers: [] });
  });

  test('camelCase callouts, flat answers; a callout without answers leaves the request’s', async () => {
    expect(emulator.awaitCallout(fixture('elm-request-created.flat-camel.json'))).toBe('request');
    const flat = await read('c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f');
    expect(flat.json).toMatchObject({
      requestType: 'adminAdd',
      answers: [answer('3672907b-69ea-4a6e-9cb6-fae079ccb343', 'Change ticket', 'CHG0012345')],
      assignment: { id: '3aae24ea-a85e-4f2e-bf75-37583458b158', target: { objectId: '2b7e4f19-3c5d-4a8e-b6f1-9d0c2e4a6b8c' }, assignmentPolicy: { id: EMPLOYEES } },
    });
    const body = { CustomExtensionStageInstanceId: 'e7a01a5e-0000-4000-8000-000000000009', CallbackUriPath: `${REQUESTS}/${SELF}/resume`, Stage: 'assignmentRequestCreated', AccessPackageAssignmentRequestId: SELF };
    emulator.awaitCallout({ ...body, Answers: [{ QuestionId: QUESTION, QuestionText: 'Cost centre', Value: 'CC-4410', DisplayValue: 'Finance CC-4410' }] });
    emulator.awaitCallout({ ...body, CustomExtensionStageInstanceId: 'e7a01a5e-0000-4000-8000-000000000010' });
    expect((await read(SELF)).json['answers']).toEqual([answer(QUESTION, 'Cost centre', 'CC-4410', 'Finance CC-4410')]);
  });

  test('the answers match Graph’s published types (v1.0 with $expand, beta’s localized question text with $select)', async () => {
    for (const id of [CREATED, SEEDED, SELF]) expect(schemaFindings('v1.0', (await read(id)).json, `${G}.accessPackageAssignmentRequest`)).toEqual([]);
    const beta = await read(CREATED, '$select=answers', 'beta');
    expect(beta.json['answers']).toEqual([
      expect.objectContaining({ value: 'CHG0012345', answeredQuestion: expect.objectContaining({ text: { defaultText: 'Change ticket', localizedTexts: [] } }) as unknown }),
    ]);
    expect(schemaFindings('beta', beta.json, `${G}.accessPackageAssignmentRequest`)).toEqual([]);
  });

  test('encoded as the product sends it, without $select, and nested options in any order', async () => {
    const encoded = `$select=${encodeURIComponent('id,answers')}&$expand=${encodeURIComponent('assignment($select=id;$expand=target,assignmentPolicy($select=id,displayName))')}`;
    expect((await read(CREATED, encoded)).json).toMatchObject({ answers: [{ value: 'CHG0012345' }], assignment: { target: { objectId: PEOPLE.avery } } });
    const full = await read(SEEDED, '$expand=assignment($expand=accessPackage($select=displayName),assignmentPolicy;$select=state,id)');
    expect(full.json).toMatchObject({ state: 'submitted', '@odata.context': expect.stringMatching(/assignmentRequests\/\$entity$/) as unknown });
    expect(full.json['assignment']).toEqual({ id: ASSIGNMENT, state: null, accessPackage: { id: SOD.paymentsApprover, displayName: 'Payments - Approver' }, assignmentPolicy: { id: EMPLOYEES, displayName: 'Employees', description: expect.anything() as unknown } });
  });
});

describe('what the read refuses', () => {
  const refused = async (query: string, code = 'Request_UnsupportedQuery', version = 'v1.0') => {
    const { status, json } = await read(CREATED, query, version);
    expect(status, query).toBe(400);
    expect((json['error'] as Json)['code'], query).toBe(code);
    return String((json['error'] as Json)['message']);
  };

  test('an expansion not served, or named twice', async () => {
    expect(await refused('$expand=catalog')).toMatch(/\$expand=catalog: it serves \$expand of accessPackage, requestor, assignment here/);
    await refused('$expand=requestor,requestor');
    expect(await refused('$expand=assignment($expand=accessPackageAssignmentPolicy)')).toMatch(/accessPackageAssignmentPolicy: it serves \$expand of target, assignmentPolicy, accessPackage/);
    // Beta's request names its assignment accessPackageAssignment: the emulator serves $expand on v1.0 only.
    expect(await refused('$expand=accessPackage', 'Request_UnsupportedQuery', 'beta')).toMatch(/it serves no \$expand here/);
  });

  test('a nested option not served', async () => {
    expect(await refused('$expand=assignment($filter=state eq \'delivered\')')).toMatch(/serves \$select, \$expand in \$expand=assignment\(…\), not \$filter/);
    expect(await refused('$expand=requestor($top=1)')).toMatch(/not \$top/);
    expect(await refused('$expand=assignment($expand=target($expand=connectedOrganization))')).toMatch(/serves \$select in \$expand=target\(…\), not \$expand/);
    await refused('$expand=accessPackage($expand=catalog)');
  });

  test('an option not served on the request, or a property the type does not have (Graph’s wording)', async () => {
    expect(await refused("$filter=state eq 'submitted'")).toMatch(/does not serve \$filter/);
    expect(await refused('$expand=assignment($select=id,targetId)', 'BadRequest')).toMatch(/Could not find a property named 'targetId' on type 'microsoft\.graph\.accessPackageAssignment'/);
    expect(await refused('$select=id,assignmentId', 'BadRequest')).toMatch(/'assignmentId' on type 'microsoft\.graph\.accessPackageAssignmentRequest'/);
    await refused('$expand=assignment($expand=target', 'BadRequest');
  });
});
