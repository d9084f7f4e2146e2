// How policy scopes select PIM activations (src/policy/select-scopes.ts): resource types, role
// definitions, groups and their access, resource scopes (a directory scope exactly, an ARM scope or
// anything beneath it); PIM keys never select access package or Lifecycle Workflows callouts, nor
// their keys activations; and which matched scopes answer AutoApproved. Policies are loaded as
// start-up loads them, so ids in any case are folded as they are in production.
import { describe, expect, it } from 'vitest';
import type { CheckedCallout } from '../../src/checks/define-check.js';
import { CHECK_LIST } from '../../src/checks/index.js';
import type { PimActivation } from '../../src/pim/activation.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import type { Match } from '../../src/policy/policy-types.js';
import { fit, selectScopes } from '../../src/policy/select-scopes.js';
import { elmAssignment, elmRequest, lcwTask } from '../checks/support.js';
import { activationFixture, AZURE_ACTIVATION, GROUP_ACTIVATION, ROLE_ACTIVATION } from '../pim/activations.js';

const load = (doc: object) => loadPolicy(JSON.stringify(doc), 'p.json', { checks: CHECK_LIST, allowDenyAtApprovedStage: false });

/** Matches as loadPolicy compiles them (ids lower-cased), each table's loaded as one policy: compiling the schema takes a while. */
const compiledMatches = new Map<string, Match>();
function precompile(matches: readonly Record<string, unknown>[]): void {
  const policy = load({ scopes: matches.map((match, i) => ({ name: `s${String(i)}`, match })) });
  policy.scopes.forEach((scope, i) => compiledMatches.set(JSON.stringify(matches[i]), scope.match));
}
function compiled(match: Record<string, unknown>): Match {
  const known = compiledMatches.get(JSON.stringify(match));
  if (known !== undefined) return known;
  precompile([match]);
  return compiled(match);
}

const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const SUBSCRIPTION = '/subscriptions/3f2e1d0c-0001-4b5a-9c8d-7e6f5a4b3c2d';
const CONTRIBUTOR_ARM_ID = `${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`;
const PAYMENTS_GROUP = '1a2b3c4d-0001-4000-8000-00000000a001';
const OTHER_GROUP = '1a2b3c4d-0002-4000-8000-00000000a002';
const AU_SCOPE = '/administrativeUnits/0f0e0d0c-0000-4000-8000-000000000001';

const OWNER = activationFixture('group-activation', { accessId: 'owner' });
const ROLE_AT_AU = activationFixture('entra-role-activation', { directoryScopeId: AU_SCOPE });
const AZURE_AT = (scope: string) => activationFixture('azure-resource-activation', { scope });

const FITS: readonly [string, Record<string, unknown>, PimActivation, 'full' | 'none'][] = [
  ['resourceTypes entraRoles: a directory role', { resourceTypes: ['entraRoles'] }, ROLE_ACTIVATION, 'full'],
  ['resourceTypes entraRoles: not a group', { resourceTypes: ['entraRoles'] }, GROUP_ACTIVATION, 'none'],
  ['resourceTypes entraRoles: not an Azure role', { resourceTypes: ['entraRoles'] }, AZURE_ACTIVATION, 'none'],
  ['resourceTypes entraGroups: a group', { resourceTypes: ['entraGroups'] }, GROUP_ACTIVATION, 'full'],
  ['resourceTypes azureResources and entraGroups: an Azure role', { resourceTypes: ['azureResources', 'entraGroups'] }, AZURE_ACTIVATION, 'full'],
  ['resourceTypes azureResources and entraGroups: a group', { resourceTypes: ['azureResources', 'entraGroups'] }, GROUP_ACTIVATION, 'full'],
  ['resourceTypes azureResources and entraGroups: not a directory role', { resourceTypes: ['azureResources', 'entraGroups'] }, ROLE_ACTIVATION, 'none'],

  ['an Entra role by its GUID', { roleDefinitions: [USER_ADMIN] }, ROLE_ACTIVATION, 'full'],
  ['an Entra role by its GUID in upper case', { roleDefinitions: [USER_ADMIN.toUpperCase()] }, ROLE_ACTIVATION, 'full'],
  ['another Entra role', { roleDefinitions: [CONTRIBUTOR] }, ROLE_ACTIVATION, 'none'],
  ['an Azure role by its GUID', { roleDefinitions: [CONTRIBUTOR] }, AZURE_ACTIVATION, 'full'],
  ['an Azure role by its GUID in upper case', { roleDefinitions: [CONTRIBUTOR.toUpperCase()] }, AZURE_ACTIVATION, 'full'],
  ['an Azure role by its ARM id', { roleDefinitions: [CONTRIBUTOR_ARM_ID] }, AZURE_ACTIVATION, 'full'],
  ['an Azure role by its ARM id, its ids in upper case', { roleDefinitions: [`${SUBSCRIPTION.toUpperCase()}/providers/microsoft.authorization/roleDefinitions/${CONTRIBUTOR.toUpperCase()}`] }, AZURE_ACTIVATION, 'full'],
  ['an Azure role by the ARM id of another role', { roleDefinitions: [CONTRIBUTOR_ARM_ID.replace(CONTRIBUTOR, USER_ADMIN)] }, AZURE_ACTIVATION, 'none'],
  ['another Azure role', { roleDefinitions: [USER_ADMIN] }, AZURE_ACTIVATION, 'none'],
  ['roleDefinitions never select a group', { roleDefinitions: [PAYMENTS_GROUP] }, GROUP_ACTIVATION, 'none'],

  ['a group', { groups: [PAYMENTS_GROUP] }, GROUP_ACTIVATION, 'full'],
  ['a group in upper case', { groups: [PAYMENTS_GROUP.toUpperCase()] }, GROUP_ACTIVATION, 'full'],
  ['another group', { groups: [OTHER_GROUP] }, GROUP_ACTIVATION, 'none'],
  ['groups never select a directory role', { groups: [PAYMENTS_GROUP] }, ROLE_ACTIVATION, 'none'],
  ['groups never select an Azure role', { groups: [PAYMENTS_GROUP] }, AZURE_ACTIVATION, 'none'],
  ['groupAccess member: a membership', { groupAccess: ['member'] }, GROUP_ACTIVATION, 'full'],
  ['groupAccess member: not an ownership', { groupAccess: ['member'] }, OWNER, 'none'],
  ['groupAccess owner: an ownership', { groupAccess: ['owner'] }, OWNER, 'full'],
  ['the group and member access: the ownership of that group is not selected', { groups: [PAYMENTS_GROUP], groupAccess: ['member'] }, OWNER, 'none'],
  ['the group and either access: its ownership', { groups: [PAYMENTS_GROUP], groupAccess: ['member', 'owner'] }, OWNER, 'full'],
  ['groupAccess never selects a directory role', { groupAccess: ['member'] }, ROLE_ACTIVATION, 'none'],

  ['the tenant scope: a role at the tenant', { resourceScopes: ['/'] }, ROLE_ACTIVATION, 'full'],
  ['the tenant scope is exact: not a role in an administrative unit', { resourceScopes: ['/'] }, ROLE_AT_AU, 'none'],
  ['an administrative unit: a role in it', { resourceScopes: [AU_SCOPE] }, ROLE_AT_AU, 'full'],
  ['an administrative unit in other case: a role in it', { resourceScopes: [AU_SCOPE.toUpperCase()] }, ROLE_AT_AU, 'full'],
  ['an administrative unit: not a role at the tenant', { resourceScopes: [AU_SCOPE] }, ROLE_ACTIVATION, 'none'],
  ['resourceScopes never select a group', { resourceScopes: ['/'] }, GROUP_ACTIVATION, 'none'],
  ['the root scope: every Azure scope', { resourceScopes: ['/'] }, AZURE_ACTIVATION, 'full'],
  ['a subscription: a resource group beneath it', { resourceScopes: [SUBSCRIPTION] }, AZURE_ACTIVATION, 'full'],
  ['a subscription in upper case: a resource group beneath it', { resourceScopes: [SUBSCRIPTION.toUpperCase()] }, AZURE_ACTIVATION, 'full'],
  ['a subscription: itself', { resourceScopes: [SUBSCRIPTION] }, AZURE_AT(SUBSCRIPTION), 'full'],
  ['a resource group: itself, the scope written in another case', { resourceScopes: [`${SUBSCRIPTION}/resourceGroups/rg-payments`] }, AZURE_AT(`${SUBSCRIPTION}/RESOURCEGROUPS/RG-PAYMENTS`), 'full'],
  ['a resource group: a resource in it', { resourceScopes: [`${SUBSCRIPTION}/resourceGroups/rg-payments`] }, AZURE_AT(`${SUBSCRIPTION}/resourceGroups/rg-payments/providers/Microsoft.Web/sites/payments`), 'full'],
  ['a resource group: not the subscription above it', { resourceScopes: [`${SUBSCRIPTION}/resourceGroups/rg-payments`] }, AZURE_AT(SUBSCRIPTION), 'none'],
  ['/subscriptions/x: /subscriptions/x/resourceGroups/y', { resourceScopes: ['/subscriptions/x'] }, AZURE_AT('/subscriptions/x/resourceGroups/y'), 'full'],
  ['/subscriptions/x: not /subscriptions/xy', { resourceScopes: ['/subscriptions/x'] }, AZURE_AT('/subscriptions/xy'), 'none'],
  ['/subscriptions/x: not /subscriptions/xy/resourceGroups/y', { resourceScopes: ['/subscriptions/x'] }, AZURE_AT('/subscriptions/xy/resourceGroups/y'), 'none'],
  ['one of several scopes', { resourceScopes: ['/subscriptions/x', SUBSCRIPTION] }, AZURE_ACTIVATION, 'full'],

  ['keys are AND-ed: the role, at another scope', { roleDefinitions: [USER_ADMIN], resourceScopes: ['/'] }, ROLE_AT_AU, 'none'],
  ['keys are AND-ed: the role at its scope', { roleDefinitions: [USER_ADMIN], resourceScopes: [AU_SCOPE] }, ROLE_AT_AU, 'full'],
  ['keys are AND-ed: the right type, another role', { resourceTypes: ['azureResources'], roleDefinitions: [USER_ADMIN] }, AZURE_ACTIVATION, 'none'],
  ['keys are AND-ed: the Azure role beneath the subscription', { resourceTypes: ['azureResources'], roleDefinitions: [CONTRIBUTOR], resourceScopes: [SUBSCRIPTION] }, AZURE_ACTIVATION, 'full'],
];
const NEVER_ACTIVATIONS: readonly [string, Record<string, unknown>][] = [
  ['catalogs', { catalogs: ['26803898-8c26-4ca8-ba50-15552ecd4c9d'] }],
  ['stages', { stages: ['assignmentRequestCreated'] }],
  ['requestTypes', { requestTypes: ['userAdd'] }],
  ['workflows', { workflows: ['a1b2c3d4-0000-4000-8000-000000000002'] }],
];
const PIM_KEYS: readonly [string, Record<string, unknown>][] = [
  ['resourceTypes', { resourceTypes: ['entraRoles', 'entraGroups', 'azureResources'] }],
  ['roleDefinitions', { roleDefinitions: [USER_ADMIN] }],
  ['groups', { groups: [PAYMENTS_GROUP] }],
  ['groupAccess', { groupAccess: ['member', 'owner'] }],
  ['resourceScopes', { resourceScopes: ['/'] }],
];
precompile([...FITS.map(([, match]) => match), ...NEVER_ACTIVATIONS.map(([, match]) => match), ...PIM_KEYS.map(([, match]) => match), {}]);

describe('fit: which activations a scope with PIM keys selects', () => {
  it.each(FITS)('%s', (_name, match, activation, expected) => {
    expect(fit(compiled(match), activation)).toBe(expected);
  });

  it('an Azure role by its ARM id in lower case, as Azure Resource Graph writes it: the policy takes it and it selects the role', () => {
    const lower = CONTRIBUTOR_ARM_ID.toLowerCase();
    // Selection compares without case...
    expect(fit({ roleDefinitions: [lower] }, AZURE_ACTIVATION)).toBe('full');
    // ...so the policy should take the id in any case. It refuses it: the schema's pattern spells
    // "providers" and "roleDefinitions" in one case only (src/policy/policy-schema.ts).
    expect(fit(compiled({ roleDefinitions: [lower] }), AZURE_ACTIVATION)).toBe('full');
  });

  it.each(PIM_KEYS)('a scope matching %s never selects an access package or Lifecycle Workflows callout', (_name, match) => {
    for (const callout of [elmRequest(), elmAssignment(), lcwTask()]) expect(fit(compiled(match), callout)).toBe('none');
  });

  it.each(NEVER_ACTIVATIONS)('a scope matching %s never selects an activation', (_name, match) => {
    for (const activation of [GROUP_ACTIVATION, ROLE_ACTIVATION, AZURE_ACTIVATION]) expect(fit(compiled(match), activation)).toBe('none');
  });

  it('an empty match selects every activation, and every other callout', () => {
    const callouts: CheckedCallout[] = [GROUP_ACTIVATION, OWNER, ROLE_ACTIVATION, ROLE_AT_AU, AZURE_ACTIVATION, elmRequest(), elmAssignment(), lcwTask()];
    expect(callouts.map((c) => fit(compiled({}), c))).toEqual(callouts.map(() => 'full'));
  });
});

describe('selectScopes for activations', () => {
  const policy = load({
    scopes: [
      { name: 'everything', checks: [{ id: 'risky-user', action: 'deny' }, { id: 'manager-or-sponsor', action: 'flag' }] },
      { name: 'entra-roles', match: { resourceTypes: ['entraRoles'] }, outcome: 'AutoApproved', checks: [{ id: 'activation-window', action: 'flag' }] },
      { name: 'on-call-groups', match: { groups: [PAYMENTS_GROUP] }, outcome: 'AutoApproved', checks: [{ id: 'justification', action: 'flag' }] },
      { name: 'payments-members', match: { groupAccess: ['member'] }, checks: [{ id: 'max-duration', action: 'deny', options: { maxHours: 8 } }] },
      { name: 'azure', match: { resourceScopes: [SUBSCRIPTION] }, checks: [{ id: 'max-duration', action: 'flag', options: { maxHours: 4 } }] },
      { name: 'requests', match: { stages: ['assignmentRequestCreated'] }, checks: [{ id: 'justification', action: 'deny' }] },
    ],
  });
  const summary = (callout: CheckedCallout) => {
    const selection = selectScopes(policy, callout);
    return {
      scopes: selection.scopes,
      runs: selection.runs.map((r) => `${r.scope}:${r.check.id}`),
      skipped: selection.skipped.map((r) => `${r.scope}:${r.check.id}`),
      autoApprove: selection.autoApprove,
      approvers: selection.approvers,
      unknownRequestType: selection.unknownRequestType,
    };
  };

  it('a directory role: the scopes that match it, the AutoApproved one listed, a check that cannot run on activations skipped', () => {
    expect(summary(ROLE_ACTIVATION)).toEqual({
      scopes: ['everything', 'entra-roles'],
      runs: ['everything:risky-user', 'entra-roles:activation-window'],
      skipped: ['everything:manager-or-sponsor'],
      autoApprove: ['entra-roles'],
      approvers: undefined,
      unknownRequestType: undefined,
    });
  });

  it('a group membership: two scopes match it, one of them AutoApproved', () => {
    expect(summary(GROUP_ACTIVATION)).toMatchObject({
      scopes: ['everything', 'on-call-groups', 'payments-members'],
      runs: ['everything:risky-user', 'on-call-groups:justification', 'payments-members:max-duration'],
      autoApprove: ['on-call-groups'],
    });
  });

  it('an Azure role: no AutoApproved scope matches', () => {
    expect(summary(AZURE_ACTIVATION)).toMatchObject({ scopes: ['everything', 'azure'], autoApprove: [] });
  });

  it('an access package request is never auto-approved, and PIM scopes do not match it', () => {
    expect(summary(elmRequest())).toMatchObject({ scopes: ['everything', 'requests'], runs: ['everything:risky-user', 'everything:manager-or-sponsor', 'requests:justification'], autoApprove: [] });
  });

  it('AutoApproved lists every matched scope that asks for it, in document order', () => {
    const both = load({
      scopes: [
        { name: 'b', match: { groups: [PAYMENTS_GROUP] }, outcome: 'AutoApproved' },
        { name: 'a', match: { resourceTypes: ['entraGroups'] }, outcome: 'AutoApproved' },
        { name: 'c', match: { resourceTypes: ['entraRoles'] }, outcome: 'AutoApproved' },
      ],
    });
    expect(selectScopes(both, GROUP_ACTIVATION).autoApprove).toEqual(['b', 'a']);
    expect(selectScopes(both, OWNER).autoApprove).toEqual(['b', 'a']);
    expect(selectScopes(both, AZURE_ACTIVATION).autoApprove).toEqual([]);
  });
});

describe('giving a role up', () => {
  it.each(['selfDeactivate', 'adminRemove', 'SelfDeactivate'])('%s is selected by no scope: relinquishing is never held against anyone', (action) => {
    const match = compiled({ resourceTypes: ['entraRoles'] });
    expect(fit(match, { ...ROLE_ACTIVATION, action })).toBe('none');
    expect(fit(compiled({}), { ...ROLE_ACTIVATION, action })).toBe('none');
    expect(fit(match, ROLE_ACTIVATION)).toBe('full');
  });
});
