// register --pim's pure parts: which custom extension rule an activation meets, and the plan from a state.
import { describe, expect, test } from 'vitest';
import { planPim } from '../../src/register/pim/pim-plan.js';
import { activationRule } from '../../src/register/pim/pim-read.js';
import type { PimCurrent, PimDesired } from '../../src/register/pim/pim-model.js';
import { CUSTOM_EXTENSION_RULE, pimExtensionBody } from '../../src/register/pim/pim-shapes.js';

const END_USER = { caller: 'EndUser', level: 'Assignment', operations: ['All'] };
const rule = (id: string, target: Record<string, unknown> = END_USER, type = CUSTOM_EXTENSION_RULE) => ({ '@odata.type': type, id, target, isEnabled: false, customExtensionId: null });

describe('activationRule', () => {
  test.each([
    ['the one custom extension rule for an end user\'s assignment', [rule('A'), rule('Expiration_EndUser_Assignment', END_USER, '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule'), rule('B', { caller: 'Admin', level: 'Assignment' })], 'A'],
    ['the pre-approval one of two', [rule('CustomExtension_PostApproval_EndUser_Assignment'), rule('CustomExtension_PreApproval_EndUser_Assignment')], 'CustomExtension_PreApproval_EndUser_Assignment'],
    ['a type written without #', [{ ...rule('C'), '@odata.type': 'microsoft.graph.unifiedRoleManagementPolicyCustomExtensionRule' }], 'C'],
  ])('finds %s', (_, rules, id) => {
    expect(activationRule(rules)).toEqual({ rule: expect.objectContaining({ id }) as unknown });
  });

  test('none, or two with no single pre-approval one: the portal links it', () => {
    expect(activationRule([rule('X', { caller: 'Admin', level: 'Eligibility' })])).toEqual({ problem: 'its policy has no custom extension rule Graph can set' });
    expect(activationRule([rule('X'), rule('Y')])).toEqual({ problem: 'its policy has 2 custom extension rules for activation (X, Y) and none alone reads as pre-approval' });
  });
});

describe('planPim', () => {
  const endpoint = { host: 'eg.example.net', targetUrl: 'https://eg.example.net/api/pim', resourceId: 'api://eg.example.net/7b3c2d1e-4f5a-4b6c-8d7e-9f0a1b2c3d4e' };
  const desired: PimDesired = { mode: 'register', resourceType: 'entraRoles', name: 'eg', endpoint, timeoutMs: 10000, maximumRetries: 3, links: [] };
  const stored = { id: 'e1', ...pimExtensionBody('eg', 'entraRoles', endpoint, 10000, 3) };
  const none: PimCurrent = { extension: undefined, links: [] };

  test('the same state and request give the same plan; a met request gives no call', () => {
    expect(planPim(desired, { extension: stored, links: [] })).toEqual({ items: [{ kind: 'PIM custom extension', label: '"eg" (entraRoles)', status: 'unchanged', detail: 'e1, as asked' }], calls: [] });
    expect(planPim(desired, none)).toEqual(planPim(desired, none));
  });

  test('a host written in capitals is the same target; another path is not', () => {
    const upper = { ...stored, endpointConfiguration: { targetUrl: 'https://EG.example.net/api/pim' } };
    expect(planPim(desired, { extension: upper, links: [] }).calls).toEqual([]);
    const moved = { ...stored, endpointConfiguration: { targetUrl: 'https://eg.example.net/api/callout' } };
    expect(planPim(desired, { extension: moved, links: [] }).items[0]?.detail).toBe('target https://eg.example.net/api/callout → https://eg.example.net/api/pim');
  });

  test('unregister with nothing there: absent, no call', () => {
    expect(planPim({ ...desired, mode: 'unregister', endpoint: undefined }, none)).toEqual({ items: [{ kind: 'PIM custom extension', label: '"eg" (entraRoles)', status: 'absent', detail: 'not there' }], calls: [] });
  });

  test('a role whose policy has no rule Graph can set is left to the portal', () => {
    const link = { target: { kind: 'role', roleDefinitionId: 'r' } as const, policyId: 'p', rule: undefined, manual: 'its policy has no custom extension rule Graph can set' };
    expect(planPim({ ...desired, links: [link.target] }, { extension: stored, links: [link] }).items[1]).toMatchObject({ status: 'manual', detail: 'its policy has no custom extension rule Graph can set: link it in the portal (steps below)' });
  });
});
