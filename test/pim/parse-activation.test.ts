// PIM's three activation request models, normalized into one (src/pim/parse-activation.ts): the
// fixtures are written from the shapes Microsoft's PIM custom-extension page documents, with ids of
// the sample tenant; every rejection names its field.
import { describe, expect, test } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { parseActivation } from '../../src/pim/parse-activation.js';
import { fixture } from '../support/app.js';

const GROUP = fixture('pim/group-activation.json');
const ROLE = fixture('pim/entra-role-activation.json');
const AZURE = fixture('pim/azure-resource-activation.json') as { properties: Record<string, unknown> };

/** The field a rejected body names, or the parse's result when it was not rejected. */
function refusal(body: unknown): { code: string; field: unknown; message: string } | 'accepted' {
  try {
    parseActivation(body);
    return 'accepted';
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { code: error.code, field: error.details['field'], message: error.message };
  }
}

describe('the three request models', () => {
  test('PIM for Groups: member access to a group, with its schedule and ticket', () => {
    expect(parseActivation(GROUP)).toEqual({
      kind: 'pim-activation',
      model: 'group-request',
      requestId: '9a0b1c2d-0001-4e5f-8a6b-7c8d9e0f1a2b',
      action: 'selfActivate',
      status: undefined,
      principalId: 'a7529cd7-a86d-4455-8c43-00e7495481b0',
      principalType: undefined,
      target: { kind: 'group', groupId: '1a2b3c4d-0001-4000-8000-00000000a001', access: 'member' },
      justification: 'Month-end payment run, change CHG0012401.',
      ticket: { number: 'CHG0012401', system: 'ServiceNow' },
      schedule: { startDateTime: '2026-12-03T08:00:00Z', expirationType: 'afterDuration', duration: 'PT4H', endDateTime: undefined },
    });
  });

  test('PIM for Microsoft Entra roles: a directory role at the tenant scope', () => {
    const activation = parseActivation(ROLE);
    expect(activation).toMatchObject({ model: 'directory-role-request', principalId: '5e6c13ac-1147-4685-a32a-d31c30e75731', ticket: { number: 'INC0042' } });
    expect(activation.target).toEqual({ kind: 'directory-role', roleDefinitionId: 'fe930be7-5e62-47db-91af-98c3a49a38b1', directoryScopeId: '/' });
  });

  test('PIM for Azure resources: the properties wrapper, an ARM role definition and scope, PascalCase expiration kept as sent', () => {
    const activation = parseActivation(AZURE);
    expect(activation).toMatchObject({ model: 'azure-resource-request', requestId: undefined, action: 'SelfActivate', principalType: 'User', schedule: { expirationType: 'AfterDuration', duration: 'PT2H' } });
    expect(activation.target).toEqual({
      kind: 'azure-role',
      roleDefinitionId: AZURE.properties['roleDefinitionId'],
      roleDefinitionGuid: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
      scope: '/subscriptions/3f2e1d0c-0001-4b5a-9c8d-7e6f5a4b3c2d/resourceGroups/rg-payments',
    });
  });

  test('keys in any casing, ids lower-cased, unknown fields ignored, owner access, an administrative-unit scope', () => {
    const pascal = { '@odata.type': GROUP['@odata.type'], PrincipalId: 'A7529CD7-A86D-4455-8C43-00E7495481B0', AccessId: 'Owner', GroupId: '1A2B3C4D-0001-4000-8000-00000000A001', Extra: { anything: 1 } };
    expect(parseActivation(pascal)).toMatchObject({ principalId: 'a7529cd7-a86d-4455-8c43-00e7495481b0', target: { access: 'owner', groupId: '1a2b3c4d-0001-4000-8000-00000000a001' }, schedule: undefined, ticket: undefined });
    expect(parseActivation({ ...ROLE, directoryScopeId: '/administrativeUnits/0f0e0d0c-0000-4000-8000-000000000001' }).target).toMatchObject({ directoryScopeId: '/administrativeUnits/0f0e0d0c-0000-4000-8000-000000000001' });
  });
});

describe('rejections: CALLOUT.INVALID_BODY naming the field', () => {
  test.each([
    ['not an object', [], '$'],
    ['no model', { principalId: GROUP['principalId'] }, '@odata.type'],
    ['another Graph type', { ...GROUP, '@odata.type': '#microsoft.graph.user' }, '@odata.type'],
    ['no principal', Object.fromEntries(Object.entries(GROUP).filter(([key]) => key !== 'principalId')), 'principalId'],
    ['a principal that is not a GUID', { ...GROUP, principalId: '../users' }, 'principalId'],
    ['a group id that is not a GUID', { ...GROUP, groupId: 'all' }, 'groupId'],
    ['an access that is neither member nor owner', { ...GROUP, accessId: 'admin' }, 'accessId'],
    ['a role definition that is not a GUID', { ...ROLE, roleDefinitionId: 'Global Administrator' }, 'roleDefinitionId'],
    ['a directory scope that is not one', { ...ROLE, directoryScopeId: '/users/x' }, 'directoryScopeId'],
    ['a request id that is not a GUID', { ...ROLE, id: '1 or 1=1' }, 'id'],
    ['a justification too long', { ...GROUP, justification: 'x'.repeat(4097) }, 'justification'],
    ['a ticket number that is not text', { ...GROUP, ticketInfo: { ticketNumber: 42 } }, 'ticketInfo.ticketNumber'],
    ['a schedule that is not an object', { ...GROUP, scheduleInfo: 'PT4H' }, 'scheduleInfo'],
    ['an Azure role definition that is not one', { properties: { ...AZURE.properties, roleDefinitionId: '/subscriptions/x/providers/Microsoft.Authorization/roleAssignments/b24988ac-6180-42a0-ab88-20f7382dd24c' } }, 'properties.roleDefinitionId'],
    ['an Azure scope that climbs', { properties: { ...AZURE.properties, scope: '/subscriptions/../x' } }, 'properties.scope'],
    ['an Azure scope with a query', { properties: { ...AZURE.properties, scope: '/subscriptions/x?api-version=1' } }, 'properties.scope'],
    ['an Azure scope with a control character', { properties: { ...AZURE.properties, scope: '/subscriptions/x\nInjected: yes' } }, 'properties.scope'],
    ['an Azure request without a principal', { properties: { ...AZURE.properties, principalId: null } }, 'properties.principalId'],
  ])('%s', (_name, body, field) => {
    const result = refusal(body);
    expect(result).not.toBe('accepted');
    if (result === 'accepted') return;
    expect(result.code).toBe('CALLOUT.INVALID_BODY');
    expect(result.field).toBe(field);
    expect(result.message).toMatch(/^The PIM activation request /);
  });

  test('a key given twice in two casings is refused', () => {
    expect(() => parseActivation({ ...GROUP, principalid: GROUP['principalId'] })).toThrow(/twice|given/);
  });
});
