import type { ElmRequestCallout } from '../callout/model.js';
import type { ApprovalStage, SubjectSet } from '../decision/approval-stage.js';
import type { DirectoryUser, FactName, FactSet } from '../facts/fact-types.js';
import type { ApproverPolicy, ApproverSource } from '../policy/policy-types.js';

/** The facts an approver strategy reads. */
export function approverNeeds(policy: ApproverPolicy): FactName[] {
  const sources = [...policy.primary, ...policy.fallback, ...(policy.escalation ? [...policy.escalation.approvers, ...policy.escalation.fallback] : [])];
  const needs = new Set<FactName>();
  for (const source of sources) {
    if (source.type === 'requestorManager') needs.add('requestorManagerChain');
    if (source.type === 'groupByAttribute') needs.add(source.of === 'requestor' ? 'requestorUser' : 'targetUser');
  }
  return [...needs];
}

/** What one source gave: approvers, or why it gave none. */
export interface SourceResult {
  readonly source: ApproverSource['type'];
  readonly approvers: readonly SubjectSet[];
  /** Why nobody came of it, or what it left out (the requestor as their own approver). */
  readonly note: string | undefined;
  /** A fact the source needed that did not load: the strategy could not run. */
  readonly missingFact: FactName | undefined;
}

export interface ResolvedApprovers {
  /** undefined when nobody approves (no source gave anyone, fallbacks included). */
  readonly stage: ApprovalStage | undefined;
  readonly usedFallback: boolean;
  readonly results: readonly SourceResult[];
  readonly missingFacts: readonly FactName[];
}

function attributeOf(user: DirectoryUser, attribute: string): string | undefined {
  if (attribute.startsWith('extensionAttribute')) return user.onPremisesExtensionAttributes[attribute];
  const value = (user as unknown as Record<string, unknown>)[attribute];
  return typeof value === 'string' ? value : undefined;
}

function resolveSource(source: ApproverSource, facts: FactSet): SourceResult {
  const base = { source: source.type, note: undefined, missingFact: undefined };
  switch (source.type) {
    case 'requestorManager': {
      const chain = facts.requestorManagerChain;
      if (chain === undefined) return { ...base, approvers: [], missingFact: 'requestorManagerChain', note: 'the manager chain could not be read' };
      const manager = chain.find((m) => m.level === source.level);
      if (manager === undefined) return { ...base, approvers: [], note: `the requestor has no level-${source.level} manager` };
      if (manager.accountEnabled === false) return { ...base, approvers: [], note: `the level-${source.level} manager's account is disabled` };
      const description = `Level-${source.level} manager${manager.displayName ? `: ${manager.displayName}` : ''}`.slice(0, 200);
      return { ...base, approvers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: manager.id, description }] };
    }
    case 'groupByAttribute': {
      const fact = source.of === 'requestor' ? 'requestorUser' : 'targetUser';
      const user = facts[fact];
      if (user === undefined) return { ...base, approvers: [], missingFact: fact, note: `the ${source.of}'s attributes could not be read` };
      const value = attributeOf(user, source.attribute);
      const key = value === undefined ? undefined : Object.keys(source.groups).find((k) => k.toLowerCase() === value.trim().toLowerCase());
      const groupId = key === undefined ? source.otherwise : source.groups[key];
      if (groupId === undefined) return { ...base, approvers: [], note: `no approver group for the ${source.of}'s ${source.attribute}` };
      return { ...base, approvers: [{ '@odata.type': '#microsoft.graph.groupMembers', groupId: groupId.toLowerCase(), description: `${source.attribute} approvers` }] };
    }
    case 'users':
      return {
        ...base,
        approvers: source.users.map((u) => ({ '@odata.type': '#microsoft.graph.singleUser', userId: u.id.toLowerCase(), ...(u.description ? { description: u.description } : {}) })),
      };
    case 'groups':
      return {
        ...base,
        approvers: source.groups.map((g) => ({ '@odata.type': '#microsoft.graph.groupMembers', groupId: g.id.toLowerCase(), ...(g.description ? { description: g.description } : {}) })),
      };
  }
}

function idOf(set: SubjectSet): string | undefined {
  return 'userId' in set ? set.userId : 'groupId' in set ? set.groupId : undefined;
}

/** Every source's approvers, deduplicated, with the requestor and target left out of single users. */
function combine(sources: readonly ApproverSource[], callout: ElmRequestCallout, facts: FactSet, results: SourceResult[]): SubjectSet[] {
  const self = new Set([callout.requestor?.objectId, callout.target?.objectId].filter((id) => id !== undefined).map((id) => id.toLowerCase()));
  const seen = new Set<string>();
  const combined: SubjectSet[] = [];
  for (const source of sources) {
    const result = resolveSource(source, facts);
    const kept = result.approvers.filter((set) => !('userId' in set && self.has(set.userId)));
    const note = kept.length < result.approvers.length ? 'left out the requestor or target as their own approver' : result.note;
    results.push({ ...result, approvers: kept, note });
    for (const set of kept) {
      const key = `${set['@odata.type']}:${idOf(set) ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      combined.push(set);
    }
  }
  return combined;
}

/**
 * Turns a scope's approver strategy into the approval stage of the resume (docs/protocol.md §6):
 * primary sources combined; their fallbacks used as primary approvers when they yield nobody and
 * offered to Entra as fallback approvers otherwise; escalation the same way, or off when it
 * yields nobody. `stage` is undefined when nobody at all can approve.
 */
export function resolveApprovers(policy: ApproverPolicy, callout: ElmRequestCallout, facts: FactSet): ResolvedApprovers {
  const results: SourceResult[] = [];
  const primary = combine(policy.primary, callout, facts, results);
  const fallback = combine(policy.fallback, callout, facts, results);
  const escalation = policy.escalation === undefined ? [] : combine(policy.escalation.approvers, callout, facts, results);
  const escalationFallback = policy.escalation === undefined ? [] : combine(policy.escalation.fallback, callout, facts, results);
  const missingFacts = [...new Set(results.flatMap((r) => (r.missingFact === undefined ? [] : [r.missingFact])))];
  const usedFallback = primary.length === 0 && fallback.length > 0;
  const approvers = primary.length > 0 ? primary : fallback;
  if (approvers.length === 0) return { stage: undefined, usedFallback, results, missingFacts };
  const escalating = (escalation.length > 0 || escalationFallback.length > 0) && policy.escalation !== undefined;
  return {
    usedFallback,
    results,
    missingFacts,
    stage: {
      durationBeforeAutomaticDenial: policy.decisionWindow,
      isApproverJustificationRequired: policy.approverJustificationRequired,
      isEscalationEnabled: escalating,
      ...(escalating ? { durationBeforeEscalation: policy.escalation.after } : {}),
      primaryApprovers: approvers,
      fallbackPrimaryApprovers: usedFallback ? [] : fallback,
      escalationApprovers: escalating ? (escalation.length > 0 ? escalation : escalationFallback) : [],
      fallbackEscalationApprovers: escalating && escalation.length > 0 ? escalationFallback : [],
    },
  };
}
