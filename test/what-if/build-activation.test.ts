// The activation a PIM what-if builds: the body PIM would send (as test/fixtures/pim has it), read by the function's parser.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { activationBody, buildWhatIfActivation } from '../../src/what-if/build-activation.js';
import { guid } from '../support/graph-paths.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/pim/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const AVERY = guid('a7529cd7-a86d-4455-8c43-00e7495481b0');
const NOOR = guid('5e6c13ac-1147-4685-a32a-d31c30e75731');

describe('the body PIM would send', () => {
  it('Microsoft Entra roles: unifiedRoleAssignmentScheduleRequest with the request id, as the fixture', () => {
    const body = activationBody({
      principalId: NOOR, requestId: guid('9a0b1c2d-0002-4e5f-8a6b-7c8d9e0f1a2b'), target: { kind: 'directory-role', roleDefinitionId: guid('fe930be7-5e62-47db-91af-98c3a49a38b1'), directoryScopeId: '/' },
      justification: 'Reset passwords for the new joiners, ticket INC0042.', ticket: { system: 'ServiceNow', number: 'INC0042' }, duration: 'PT8H', start: '2026-12-03T09:00:00Z',
    });
    expect(body).toEqual(fixture('entra-role-activation.json'));
  });

  it('PIM for Groups: privilegedAccessGroupAssignmentScheduleRequest, as the fixture', () => {
    const body = activationBody({
      principalId: AVERY, requestId: guid('9a0b1c2d-0001-4e5f-8a6b-7c8d9e0f1a2b'), target: { kind: 'group', groupId: guid('1a2b3c4d-0001-4000-8000-00000000a001'), access: 'member' },
      justification: 'Month-end payment run, change CHG0012401.', ticket: { system: 'ServiceNow', number: 'CHG0012401' }, duration: 'PT4H', start: '2026-12-03T08:00:00Z',
    });
    expect(body).toEqual(fixture('group-activation.json'));
  });

  it('Azure resources: the properties wrapper without a request id, as the fixture', () => {
    const body = activationBody({
      principalId: AVERY, requestId: guid('9a0b1c2d-0003-4e5f-8a6b-7c8d9e0f1a2b'),
      target: {
        kind: 'azure-role',
        roleDefinitionId: '/subscriptions/3f2e1d0c-0001-4b5a-9c8d-7e6f5a4b3c2d/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c',
        roleDefinitionGuid: guid('b24988ac-6180-42a0-ab88-20f7382dd24c'),
        scope: '/subscriptions/3f2e1d0c-0001-4b5a-9c8d-7e6f5a4b3c2d/resourceGroups/rg-payments',
      },
      justification: 'Scale the payments app service plan for the month-end run.', ticket: { system: 'ServiceNow', number: 'CHG0012402' }, duration: 'PT2H', start: '2026-12-03T10:00:00Z',
    });
    expect(body).toEqual(fixture('azure-resource-activation.json'));
  });

  it('no justification or ticket: nulls in the Graph models, no ticketInfo in the Azure one; the parser reads them as none', () => {
    const common = { principalId: AVERY, requestId: guid('9a0b1c2d-0004-4e5f-8a6b-7c8d9e0f1a2b'), justification: undefined, ticket: undefined, duration: 'PT1H', start: '2031-01-07T10:00:00.000Z' };
    const role = buildWhatIfActivation({ ...common, target: { kind: 'directory-role', roleDefinitionId: guid('fe930be7-5e62-47db-91af-98c3a49a38b1'), directoryScopeId: '/' } });
    expect(role.body).toMatchObject({ justification: null, ticketInfo: { ticketNumber: null, ticketSystem: null } });
    expect(role.activation).toMatchObject({ model: 'directory-role-request', requestId: common.requestId, action: 'selfActivate', principalId: AVERY, justification: undefined, ticket: undefined });
    expect(role.activation.schedule).toEqual({ startDateTime: common.start, expirationType: 'afterDuration', duration: 'PT1H', endDateTime: undefined });
    const target = { kind: 'azure-role' as const, roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c', roleDefinitionGuid: guid('b24988ac-6180-42a0-ab88-20f7382dd24c'), scope: '/providers/Microsoft.Management/managementGroups/finance' };
    const azure = buildWhatIfActivation({ ...common, target });
    expect(azure.body['properties']).not.toHaveProperty('ticketInfo');
    expect(azure.activation).toMatchObject({ model: 'azure-resource-request', requestId: undefined, action: 'SelfActivate', principalType: 'User', target, ticket: undefined });
  });
});
