// Assignment requests seeded from the tenant file: readable with $select as the app reads them,
// and still the state machine the read-back (src/graph/callout-state.ts) relies on.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { graphGet, miToken, type Json } from './graph-calls.js';

let emulator: TenantEmulator;
let token: string;
const ELM = '/identityGovernance/entitlementManagement/assignmentRequests';
const CREATED = '3c7ee35f-ab17-4893-bb65-7a761c670d1a';
const APPROVED = '7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d';
const REMOVED = '4b5c6d7e-8f90-4a1b-b2c3-d4e5f6071829';
const SELECT = '$select=id,justification,schedule,createdDateTime';

const get = (path: string) => graphGet(emulator, path, token);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as Json;

beforeAll(async () => {
  emulator = await startTestEmulator();
  token = await miToken(emulator);
});
afterAll(() => emulator.close());

describe('GET …/assignmentRequests/{id}?$select=id,justification,schedule,createdDateTime', () => {
  test('a seeded request before any callout: exactly the selected properties', async () => {
    const { status, json } = await get(`/v1.0${ELM}/${CREATED}?${SELECT}`);
    expect(status).toBe(200);
    expect(json).toEqual({
      '@odata.context': expect.stringContaining('assignmentRequests(id,justification,schedule,createdDateTime)/$entity') as unknown,
      id: CREATED,
      justification: 'Approving supplier payments during the Q4 close, change CHG0012345.',
      schedule: { startDateTime: '2026-11-23T00:00:00Z', recurrence: null, expiration: { endDateTime: '2027-02-21T00:00:00Z', duration: null, type: 'afterDateTime' } },
      createdDateTime: '2026-11-20T09:14:02Z',
    });
  });

  test('beta answers the same; a duration schedule has no end date', async () => {
    const { json } = await get(`/beta${ELM}/f505af59-4a07-489c-93fe-ae9a89a0672f?${SELECT}`);
    expect(json['schedule']).toEqual({ startDateTime: '2026-12-01T00:00:00Z', recurrence: null, expiration: { endDateTime: null, duration: 'P60D', type: 'afterDuration' } });
    expect((await get(`/beta${ELM}/${APPROVED}?$select=justification`)).json).toEqual({
      '@odata.context': expect.any(String) as unknown, id: APPROVED, justification: 'Need access for month-end reporting',
    });
  });

  test('an unknown property or option → 400; a request nobody seeded or awaited → 404', async () => {
    expect((await get(`/v1.0${ELM}/${CREATED}?$select=id,reason`)).json).toMatchObject({ error: { code: 'BadRequest', message: expect.stringContaining("'reason'") as unknown } });
    expect((await get(`/v1.0${ELM}/${CREATED}?$select=requestState`)).status).toBe(400);
    expect((await get(`/v1.0${ELM}/${CREATED}?$filter=id eq '1'`)).status).toBe(400);
    expect((await get(`/v1.0${ELM}/99999999-9999-4999-8999-999999999999?${SELECT}`)).status).toBe(404);
  });
});

describe('seeds and callouts', () => {
  test("a callout for a seeded request keeps the seed's type, justification and schedule", async () => {
    expect(emulator.awaitCallout(fixture('elm-request-removed.wire.json'))).toBe('request');
    const { json } = await get(`/v1.0${ELM}/${REMOVED}`);
    expect(json).toMatchObject({
      id: REMOVED,
      requestType: 'userRemove',
      // Waiting at the removal stage, the request is past approval: the emulator moves a seed's state to one the stage fits.
      state: 'delivered',
      status: 'WaitingForCallback',
      justification: 'No longer needed after moving to the reporting team.',
      schedule: { startDateTime: '2026-11-21T13:30:00Z', expiration: { type: 'notSpecified' } },
      customExtensionCalloutInstances: [{ id: '3a4b5c6d-7e8f-4091-a2b3-c4d5e6f70819', status: 'calloutSent', detail: null }],
    });
  });

  test('the read-back without $select still says state, status and callout instances (beta: requestState…)', async () => {
    emulator.awaitCallout(fixture('elm-request-created.wire.json'));
    const v1 = await get(`/v1.0${ELM}/${CREATED}`);
    expect(v1.json).toMatchObject({ state: 'submitted', status: 'WaitingForCallback', completedDateTime: null, customExtensionCalloutInstances: [{ id: '64054d8d-4d73-4705-820a-866332af9a64', status: 'calloutSent' }] });
    const beta = await get(`/beta${ELM}/${CREATED}`);
    expect(beta.json).toMatchObject({ requestState: 'submitted', requestStatus: 'WaitingForCallback', justification: expect.stringContaining('CHG0012345') as unknown });
    expect(beta.json).not.toHaveProperty('state');
  });

  test('a request that is not seeded gets the callout’s data and an unspecified expiration', async () => {
    const id = '12345678-aaaa-4000-8000-000000000001';
    emulator.requests.awaitCallback({ requestId: id, stage: 'assignmentRequestCreated', stageInstanceId: 'i-9', requestType: 'adminAdd' });
    const { json } = await get(`/v1.0${ELM}/${id}?$select=requestType,justification,schedule`);
    expect(json).toMatchObject({ requestType: 'adminAdd', justification: null, schedule: { expiration: { type: 'notSpecified', endDateTime: null } } });
  });

  test('tests can seed more requests', async () => {
    const id = '12345678-bbbb-4000-8000-000000000002';
    emulator.requests.seed([{ id, requestType: 'userAdd', justification: 'Seeded by a test, CHG7654321', createdDateTime: null, schedule: { startDateTime: null, expiration: { type: 'noExpiration', endDateTime: null, duration: null } } }]);
    expect((await get(`/v1.0${ELM}/${id}?$select=justification,schedule`)).json).toMatchObject({ justification: 'Seeded by a test, CHG7654321', schedule: { expiration: { type: 'noExpiration' } } });
  });
});
