import { describe, expect, it } from 'vitest';
import { approvalStageProblem } from '../../emulator/governance/approval-stage-rules.js';
import { approverNeeds, resolveApprovers } from '../../src/approvers/resolve-approvers.js';
import type { ChainedManager, DirectoryUser, FactSet } from '../../src/facts/fact-types.js';
import type { ApproverPolicy, ApproverSource } from '../../src/policy/policy-types.js';
import { elmRequest, REQUESTOR_ID, TARGET_ID } from '../checks/support.js';

const M1 = '11111111-1111-4111-8111-111111111111';
const M2 = '22222222-2222-4222-8222-222222222222';
const GROUP = '99999999-9999-4999-8999-999999999999';
const OTHER = '88888888-8888-4888-8888-888888888888';

const manager = (level: number, id: string, accountEnabled = true): ChainedManager => ({ level, id, displayName: `M${String(level)}`, accountEnabled });
const dirUser = (id: string, attrs: Partial<DirectoryUser> = {}): DirectoryUser => ({
  id, displayName: 'U', accountEnabled: true, userType: 'Member', employeeType: undefined, department: undefined, companyName: undefined, jobTitle: undefined,
  country: undefined, usageLocation: undefined, officeLocation: undefined, employeeId: undefined, employeeHireDate: undefined, onPremisesExtensionAttributes: {}, ...attrs,
});
const policy = (primary: ApproverSource[], extra: Partial<ApproverPolicy> = {}): ApproverPolicy => ({
  primary, fallback: [], decisionWindow: 'P7D', approverJustificationRequired: true, escalation: undefined, ...extra,
});
const facts = (extra: Omit<FactSet, 'now'> = {}): FactSet => ({ now: 0, requestorManagerChain: [manager(1, M1), manager(2, M2)], targetUser: dirUser(TARGET_ID, { department: 'Finance', onPremisesExtensionAttributes: { extensionAttribute3: 'EMEA' } }), requestorUser: dirUser(REQUESTOR_ID, { department: 'IT' }), ...extra });
const single = (userId: string) => expect.objectContaining({ '@odata.type': '#microsoft.graph.singleUser', userId }) as unknown;
const group = (groupId: string) => expect.objectContaining({ '@odata.type': '#microsoft.graph.groupMembers', groupId }) as unknown;
const byDept = (of: 'target' | 'requestor', attribute = 'department'): ApproverSource => ({ type: 'groupByAttribute', of, attribute, groups: { finance: GROUP, EMEA: GROUP } });

describe('approver sources', () => {
  it.each([
    ['requestor manager level 1', [{ type: 'requestorManager', level: 1 }], facts(), [single(M1)]],
    ['requestor manager level 2', [{ type: 'requestorManager', level: 2 }], facts(), [single(M2)]],
    ['group by the target\'s department, case-insensitive', [byDept('target')], facts(), [group(GROUP)]],
    ['group by an extension attribute', [byDept('target', 'extensionAttribute3')], facts(), [group(GROUP)]],
    ['group by the requestor\'s department, unmapped → otherwise', [{ ...byDept('requestor'), otherwise: OTHER }], facts(), [group(OTHER)]],
    ['named users and groups, deduplicated', [{ type: 'users', users: [{ id: M1 }, { id: M1.toUpperCase() }] }, { type: 'groups', groups: [{ id: GROUP, description: 'Controllers' }] }, { type: 'requestorManager', level: 1 }], facts(), [single(M1), group(GROUP)]],
  ] as const)('%s', (_name, primary, given, expected) => {
    const resolved = resolveApprovers(policy([...primary] as ApproverSource[]), elmRequest(), given);
    expect(resolved.stage?.primaryApprovers).toEqual(expected);
    expect(approvalStageProblem(resolved.stage)).toBeUndefined();
  });

  it.each([
    ['no level-3 manager', [{ type: 'requestorManager', level: 3 }], facts(), 'the requestor has no level-3 manager'],
    ['a disabled manager', [{ type: 'requestorManager', level: 1 }], facts({ requestorManagerChain: [manager(1, M1, false)] }), "the level-1 manager's account is disabled"],
    ['an unmapped value and no otherwise', [byDept('requestor')], facts(), "no approver group for the requestor's department"],
    ['the requestor as their own approver', [{ type: 'users', users: [{ id: REQUESTOR_ID }] }], facts(), 'left out the requestor or target as their own approver'],
    ['the target as their own approver', [{ type: 'users', users: [{ id: TARGET_ID }] }], facts(), 'left out the requestor or target as their own approver'],
  ] as const)('nobody: %s', (_name, primary, given, note) => {
    const resolved = resolveApprovers(policy([...primary] as ApproverSource[]), elmRequest(), given);
    expect(resolved.stage).toBeUndefined();
    expect(resolved.results[0]?.note).toBe(note);
  });

  it('a fact that did not load is reported as missing', () => {
    const resolved = resolveApprovers(policy([{ type: 'requestorManager', level: 1 }]), elmRequest(), { now: 0 });
    expect(resolved.stage).toBeUndefined();
    expect(resolved.missingFacts).toEqual(['requestorManagerChain']);
  });

  it('names the facts each source needs', () => {
    expect(approverNeeds(policy([{ type: 'requestorManager', level: 1 }, byDept('target')], { fallback: [byDept('requestor')] })).sort()).toEqual(['requestorManagerChain', 'requestorUser', 'targetUser']);
    expect(approverNeeds(policy([{ type: 'users', users: [{ id: M1 }] }]))).toEqual([]);
  });
});

describe('fallback and escalation', () => {
  const fallback: ApproverSource[] = [{ type: 'groups', groups: [{ id: GROUP }] }];

  it('primary yields somebody: the fallback is offered to Entra as fallbackPrimaryApprovers', () => {
    const resolved = resolveApprovers(policy([{ type: 'requestorManager', level: 1 }], { fallback }), elmRequest(), facts());
    expect(resolved.usedFallback).toBe(false);
    expect(resolved.stage).toMatchObject({ primaryApprovers: [single(M1)], fallbackPrimaryApprovers: [group(GROUP)] });
  });

  it('primary yields nobody: the fallback becomes the primary approvers', () => {
    const resolved = resolveApprovers(policy([{ type: 'requestorManager', level: 3 }], { fallback }), elmRequest(), facts());
    expect(resolved.usedFallback).toBe(true);
    expect(resolved.stage).toMatchObject({ primaryApprovers: [group(GROUP)], fallbackPrimaryApprovers: [] });
  });

  it('escalation to the level-2 manager after two days', () => {
    const resolved = resolveApprovers(policy([{ type: 'requestorManager', level: 1 }], { escalation: { after: 'PT48H', approvers: [{ type: 'requestorManager', level: 2 }], fallback } }), elmRequest(), facts());
    expect(resolved.stage).toMatchObject({ isEscalationEnabled: true, durationBeforeEscalation: 'PT48H', escalationApprovers: [single(M2)], fallbackEscalationApprovers: [group(GROUP)] });
    expect(approvalStageProblem(resolved.stage)).toBeUndefined();
  });

  it('escalation that yields nobody is switched off', () => {
    const resolved = resolveApprovers(policy([{ type: 'requestorManager', level: 1 }], { escalation: { after: 'PT48H', approvers: [{ type: 'requestorManager', level: 5 }], fallback: [] } }), elmRequest(), facts());
    expect(resolved.stage).toMatchObject({ isEscalationEnabled: false, escalationApprovers: [] });
    expect(resolved.stage).not.toHaveProperty('durationBeforeEscalation');
    expect(approvalStageProblem(resolved.stage)).toBeUndefined();
  });
});
