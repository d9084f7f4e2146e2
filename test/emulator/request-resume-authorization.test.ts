// An entitlement-management resume on the tenant emulator is allowed with EntitlementManagement.ReadWrite.All, or
// for a caller holding the catalog-scoped "Access package assignment manager" role on the catalog of the request's
// access package (docs/protocol.md §11): what least privilege, the default, relies on (`npm run register` assigns it).
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ASSIGNMENT_MANAGER } from '../../emulator/governance/extension-registry.js';
import { SAMPLE_TENANT_FILE, type TenantEmulator } from '../../emulator/index.js';
import { fixture } from '../support/app.js';
import { startTestEmulator } from '../support/emulator.js';
import { miToken, type Json } from './graph-calls.js';
import { graphSend } from './graph-writes.js';

const FINANCE = '26803898-8c26-4ca8-ba50-15552ecd4c9d';
const OTHER_CATALOG = '5b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
const CATALOG_READER = '44272f93-9762-48e8-af59-1b5351b1d6b3';
const RESUME = { data: { '@odata.type': 'microsoft.graph.accessPackageAssignmentRequestCallbackData', stage: 'assignmentRequestCreated', customExtensionStageInstanceId: '64054d8d-4d73-4705-820a-866332af9a64', customExtensionStageInstanceDetail: 'test' }, source: 'entitlement-guard', type: 'microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated' };

let emulator: TenantEmulator;
let defaultRoles: string[];
beforeAll(async () => {
  // The sample tenant with a second catalog, whose role must not reach Finance's requests.
  const tenant = JSON.parse(readFileSync(SAMPLE_TENANT_FILE, 'utf8')) as { catalogs: unknown[] };
  tenant.catalogs.push({ id: OTHER_CATALOG, displayName: 'Human Resources' });
  emulator = await startTestEmulator({ tenant });
  defaultRoles = [...emulator.managedIdentityRoles];
});
afterEach(() => {
  emulator.managedIdentityRoles = [...defaultRoles];
  for (const r of emulator.registry.roleAssignments()) emulator.registry.deleteRoleAssignment(r.id);
});
afterAll(() => emulator.close());

const message = (answer: { json: Json }) => (answer.json['error'] as { message?: string } | undefined)?.message;

/** The request of elm-request-created.wire.json (Finance catalog), waiting for its resume; the resume's path. */
function waitingRequest(): string {
  const body = fixture('elm-request-created.wire.json');
  expect(emulator.awaitCallout(body)).toBe('request');
  return `/v1.0${body['CallbackUriPath'] as string}`;
}

/** The function's token under least privilege: EntitlementManagement.Read.All, no ReadWrite.All. */
async function leastPrivilegeToken(): Promise<string> {
  emulator.managedIdentityRoles = [...defaultRoles.filter((r) => r !== 'EntitlementManagement.ReadWrite.All'), 'EntitlementManagement.Read.All'];
  return miToken(emulator);
}

function assign(roleDefinitionId: string, catalog: string, principalId = emulator.managedIdentityObjectId): void {
  const created = emulator.registry.createRoleAssignment({ principalId, roleDefinitionId, appScopeId: `/AccessPackageCatalog/${catalog}` });
  expect(created.status).toBe(201);
}

describe('the resume of an assignment request', () => {
  test('the assignment manager of the request\'s catalog resumes it without EntitlementManagement.ReadWrite.All', async () => {
    assign(ASSIGNMENT_MANAGER, FINANCE.toUpperCase());
    const resumed = await graphSend(emulator, 'POST', waitingRequest(), await leastPrivilegeToken(), RESUME);
    expect(resumed.status, JSON.stringify(resumed.json)).toBe(204);
  });

  test.each([
    ['no catalog role', () => undefined],
    ['the role on another catalog', () => { assign(ASSIGNMENT_MANAGER, OTHER_CATALOG); }],
    ['a read-only catalog role', () => { assign(CATALOG_READER, FINANCE); }],
    ['the role held by another principal', () => { assign(ASSIGNMENT_MANAGER, FINANCE, '0f0e0d0c-0b0a-4908-8706-050403020100'); }],
  ])('%s: 403, and the request still waits', async (_, setUp) => {
    setUp();
    const path = waitingRequest();
    const refused = await graphSend(emulator, 'POST', path, await leastPrivilegeToken(), RESUME);
    expect([refused.status, message(refused)]).toEqual([403, 'Insufficient privileges to complete the operation.']);
    emulator.managedIdentityRoles = [...defaultRoles];
    const resumed = await graphSend(emulator, 'POST', path, await miToken(emulator), RESUME);
    expect(resumed.status).toBe(204);
  });
});
