import { describe, expect, it } from 'vitest';
import { CHECK_LIST } from '../../src/checks/index.js';
import { AppError } from '../../src/errors.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { REQUEST_TYPES } from '../../src/request-types.js';

const load = (doc: unknown, allowDenyAtApprovedStage = false) =>
  loadPolicy(typeof doc === 'string' ? doc : JSON.stringify(doc), 'p.json', { checks: CHECK_LIST, allowDenyAtApprovedStage });
const GROUP = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
const approvers = { primary: [{ type: 'requestorManager' }] };

function rejection(doc: unknown, allowDenyAtApprovedStage = false): AppError {
  try {
    load(doc, allowDenyAtApprovedStage);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('the policy loaded');
}

describe('loading a policy', () => {
  it('merges defaults, inherits mode and fail mode policy → scope → entry, lower-cases the ids of the match', () => {
    const policy = load({
      mode: 'audit',
      failMode: 'continue',
      scopes: [
        { name: 'a', match: { catalogs: ['26803898-8C26-4CA8-BA50-15552ECD4C9D'], requestTypes: ['UserAdd'] }, checks: [{ id: 'risky-user', action: 'deny', failMode: 'retry' }] },
        { name: 'b', mode: 'enforce', checks: [{ id: 'max-duration', action: 'flag', options: { maxDays: 30 } }], approvers },
      ],
    });
    expect(policy).toMatchObject({ mode: 'audit', failMode: 'continue', source: 'p.json' });
    expect(policy.scopes[0]?.match).toEqual({ catalogs: ['26803898-8c26-4ca8-ba50-15552ecd4c9d'], requestTypes: ['userAdd'] });
    expect(policy.scopes[0]?.checks[0]).toMatchObject({ mode: 'audit', failMode: 'retry', options: { maxRiskLevel: 'low', failConfirmedCompromised: true }, needs: ['riskState'], pointer: '/scopes/0/checks/0' });
    expect(policy.scopes[1]?.checks[0]).toMatchObject({ mode: 'enforce', failMode: 'continue', options: { maxDays: 30, requireEnd: true } });
    expect(policy.scopes[1]?.approvers).toEqual({ primary: [{ type: 'requestorManager', level: 1 }], fallback: [], decisionWindow: 'P14D', approverJustificationRequired: true, escalation: undefined });
  });

  it('names every documented request type (userExtend, approverRemove, unknownFutureValue among them) in any casing, kept in Graph\'s spelling', () => {
    const policy = load({ scopes: [{ name: 'a', match: { requestTypes: ['UserExtend', 'approverremove', 'USERADD', 'userAdd', 'unknownFutureValue'] }, checks: [{ id: 'max-duration', action: 'deny' }] }] });
    expect(policy.scopes[0]?.match.requestTypes).toEqual(['userExtend', 'approverRemove', 'userAdd', 'unknownFutureValue']);
    expect(load({ scopes: [{ name: 'a', match: { requestTypes: [...REQUEST_TYPES] } }] }).scopes[0]?.match.requestTypes).toEqual(REQUEST_TYPES);
  });

  it('versions the document by its bytes', () => {
    const a = load({ scopes: [] }).version;
    expect(a).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(load({ scopes: [] }).version).toBe(a);
    expect(load({ scopes: [], description: 'x' }).version).not.toBe(a);
  });

  it('a deny at assignmentRequestApproved is allowed only with ALLOW_DENY_AT_APPROVED_STAGE', () => {
    const doc = { scopes: [{ name: 'a', match: { stages: ['assignmentRequestApproved'] }, checks: [{ id: 'risky-user', action: 'deny' }] }] };
    expect(rejection(doc).details['pointer']).toBe('/scopes/0/checks/0/action');
    expect(load(doc, true).scopes).toHaveLength(1);
  });

  it.each([
    ['missing scopes', {}, '', "must have required property 'scopes'"],
    ['an unknown top-level field', { scopes: [], rules: [] }, '', 'unknown field "rules"'],
    ['a bad mode', { scopes: [], mode: 'strict' }, '/mode', 'must be one of enforce, audit'],
    ['an unknown match key', { scopes: [{ name: 'a', match: { catalog: [] } }] }, '/scopes/0/match', 'unknown field "catalog"'],
    ['a bad GUID', { scopes: [{ name: 'a', match: { catalogs: ['finance'] } }] }, '/scopes/0/match/catalogs/0', 'must match pattern'],
    ['an unknown stage', { scopes: [{ name: 'a', match: { stages: ['assignmentRequestDelivered'] } }] }, '/scopes/0/match/stages/0', 'must be one of'],
    ['an unknown request type', { scopes: [{ name: 'a', match: { requestTypes: ['userAdd', 'userGrab'] } }] }, '/scopes/0/match/requestTypes/1', 'must be one of notSpecified, userAdd, userExtend, userUpdate, userRemove, adminAdd, adminUpdate, adminRemove, systemAdd, systemUpdate, systemRemove, onBehalfAdd, approverRemove, unknownFutureValue (in any casing)'],
    ['a check entry without action', { scopes: [{ name: 'a', checks: [{ id: 'risky-user' }] }] }, '/scopes/0/checks/0', "must have required property 'action'"],
    ['ELM and LCW keys in one match', { scopes: [{ name: 'a', match: { catalogs: [GROUP], workflows: [GROUP] } }] }, '/scopes/0/match', 'mixes keys of entitlement management'],
    ['ELM and PIM keys in one match', { scopes: [{ name: 'a', match: { catalogs: [GROUP], resourceTypes: ['entraRoles'] } }] }, '/scopes/0/match', 'and PIM activations (resourceTypes'],
    ['AutoApproved on a scope that is not about PIM', { scopes: [{ name: 'a', outcome: 'AutoApproved' }] }, '/scopes/0/outcome', 'AutoApproved answers PIM activations only'],
    ['an outcome other than AutoApproved', { scopes: [{ name: 'a', match: { resourceTypes: ['entraRoles'] }, outcome: 'Approved' }] }, '/scopes/0/outcome', 'must be equal to constant'],
    ['a check that cannot run on PIM activations', { scopes: [{ name: 'a', match: { resourceTypes: ['entraRoles'] }, checks: [{ id: 'manager-or-sponsor', action: 'flag' }] }] }, '/scopes/0/checks/0/id', 'manager-or-sponsor cannot run on the callouts this scope matches'],
    ['activation-window on a request stage', { scopes: [{ name: 'a', match: { stages: ['assignmentRequestCreated'] }, checks: [{ id: 'activation-window', action: 'deny' }] }] }, '/scopes/0/checks/0/id', 'activation-window cannot run on the callouts this scope matches'],
    ['approvers on a PIM scope', { scopes: [{ name: 'a', match: { groups: [GROUP] }, approvers }] }, '/scopes/0/approvers', 'approvers are answered only at'],
    ['a role definition that is a name', { scopes: [{ name: 'a', match: { roleDefinitions: ['Global Administrator'] } }] }, '/scopes/0/match/roleDefinitions/0', 'must match pattern'],
    ['an unknown PIM resource type', { scopes: [{ name: 'a', match: { resourceTypes: ['entraApps'] } }] }, '/scopes/0/match/resourceTypes/0', 'must be one of entraGroups, entraRoles, azureResources'],
    ['a check that cannot run on the matched callouts', { scopes: [{ name: 'a', match: { workflows: [GROUP] }, checks: [{ id: 'justification', action: 'flag' }] }] }, '/scopes/0/checks/0/id', 'justification cannot run on the callouts this scope matches'],
    ['approvers on a scope without the approval stage', { scopes: [{ name: 'a', match: { stages: ['assignmentRequestCreated'] }, approvers }] }, '/scopes/0/approvers', 'approvers are answered only at assignmentRequestDeterminingApprovalRequirements'],
    ['approvers on a Lifecycle Workflows scope', { scopes: [{ name: 'a', match: { workflows: [GROUP] }, approvers }] }, '/scopes/0/approvers', 'approvers are answered only at'],
    ['escalation not before the decision window ends', { scopes: [{ name: 'a', approvers: { ...approvers, decisionWindow: 'P2D', escalation: { after: 'PT48H', approvers: approvers.primary } } }] }, '/scopes/0/approvers/escalation/after', 'must come before the decision window (P2D) ends'],
    ['a decision window over 14 days', { scopes: [{ name: 'a', approvers: { ...approvers, decisionWindow: 'P30D' } }] }, '/scopes/0/approvers/decisionWindow', 'must match pattern'],
    ['an approver source of an unknown type', { scopes: [{ name: 'a', approvers: { primary: [{ type: 'everyone' }] } }] }, '/scopes/0/approvers/primary/0/type', 'must be one of requestorManager, groupByAttribute, users, groups'],
    ['a bad field of a known approver source', { scopes: [{ name: 'a', approvers: { primary: [{ type: 'requestorManager', level: 11 }] } }] }, '/scopes/0/approvers/primary/0/level', 'must be <= 10'],
    ['two scopes of one name', { scopes: [{ name: 'a' }, { name: 'a' }] }, '/scopes/1/name', 'scope name "a" is used twice'],
  ])('rejects %s', (_name, doc, pointer, message) => {
    const error = rejection(doc);
    expect(error.code).toBe('CONFIG.INVALID');
    expect(error.details['pointer']).toBe(pointer);
    expect(error.message).toContain(message);
    expect(error.message).toMatch(pointer === '' ? /^Policy p\.json is invalid: / : new RegExp(`^Policy p\\.json is invalid at ${pointer.replace(/\//g, '\\/')}: `));
  });
});

describe('the separationOfDuties section', () => {
  const A = '97979783-38c5-40ae-b74e-404935a04ffd';
  const B = 'b1c2d3e4-0002-4000-8000-00000000b002';
  const rule = { id: 'SOD-1', title: 'T', severity: 'high', action: 'deny', sides: [{ name: 'a', accessPackages: [{ id: A }] }, { name: 'b', accessPackages: [{ id: B }] }] };
  const sodScope = (options: Record<string, unknown> = {}) => ({ name: 's', match: { stages: ['assignmentRequestCreated'] }, checks: [{ id: 'separation-of-duties', action: 'deny', options }] });

  it('is compiled once and handed to the check and to tools', () => {
    const policy = load({ separationOfDuties: { rules: [rule] }, scopes: [sodScope()] });
    const settings = policy.settings['separationOfDuties'] as { rules: { id: string }[] };
    expect(settings.rules.map((r) => r.id)).toEqual(['SOD-1']);
    expect(policy.scopes[0]?.checks[0]?.settings).toBe(settings);
  });

  it.each<[string, unknown, string, RegExp]>([
    ['the check without rules', { scopes: [sodScope()] }, '/scopes/0/checks/0/options', /has no separationOfDuties rules/],
    ['an unknown rule id in the options', { separationOfDuties: { rules: [rule] }, scopes: [sodScope({ rules: ['SOD-9'] })] }, '/scopes/0/checks/0/options/rules/0', /no separationOfDuties rule has the id "SOD-9"/],
    ['a rule id used twice', { separationOfDuties: { rules: [rule, rule] }, scopes: [] }, '/separationOfDuties/rules/1/id', /used twice/],
    ['a rule with one side', { separationOfDuties: { rules: [{ ...rule, sides: [rule.sides[0]] }] }, scopes: [] }, '/separationOfDuties/rules/0/sides', /must NOT have fewer than 2 items/],
    ['an unknown field in a rule', { separationOfDuties: { rules: [{ ...rule, risk: 'x' }] }, scopes: [] }, '/separationOfDuties/rules/0', /unknown field "risk"/],
    ['a bad severity', { separationOfDuties: { rules: [{ ...rule, severity: 'urgent' }] }, scopes: [] }, '/separationOfDuties/rules/0/severity', /must be one of low, medium, high, critical/],
  ])('rejects %s, pointing at it', (_name, doc, pointer, message) => {
    const error = rejection(doc);
    expect(error.details['pointer']).toBe(pointer);
    expect(error.message).toMatch(message);
  });
});
