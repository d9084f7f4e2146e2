import { GUID, isObject, unknownProperty } from '../graph/graph-errors.js';

export const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;
const STAGE_KEYS = [
  'durationBeforeAutomaticDenial', 'isApproverJustificationRequired', 'isEscalationEnabled', 'durationBeforeEscalation',
  'primaryApprovers', 'fallbackPrimaryApprovers', 'escalationApprovers', 'fallbackEscalationApprovers',
] as const;
const LISTS = ['primaryApprovers', 'fallbackPrimaryApprovers', 'escalationApprovers', 'fallbackEscalationApprovers'] as const;

/**
 * One approver set. The user or group is `userId`/`groupId` (v1.0's subjectSet) or `id` (beta's
 * userSet, as Entra's dynamic approval example writes it); which names a version takes is the
 * type index's check, made before this one.
 */
function subjectSetProblem(set: unknown, where: string): string | undefined {
  if (!isObject(set)) return `${where} is not an object`;
  const type = set['@odata.type'];
  const guid = (value: unknown): boolean => typeof value === 'string' && GUID.test(value);
  switch (type) {
    case '#microsoft.graph.singleUser':
      if (!guid(set['userId'] ?? set['id'])) return `${where}.userId must be a user id`;
      return unknownProperty(set, ['@odata.type', 'userId', 'id', 'description', 'isBackup']) === undefined ? undefined : `${where} has an unknown property`;
    case '#microsoft.graph.groupMembers':
      if (!guid(set['groupId'] ?? set['id'])) return `${where}.groupId must be a group id`;
      return unknownProperty(set, ['@odata.type', 'groupId', 'id', 'description', 'isBackup']) === undefined ? undefined : `${where} has an unknown property`;
    case '#microsoft.graph.requestorManager':
      if (set['managerLevel'] !== 1 && set['managerLevel'] !== 2) return `${where}.managerLevel must be 1 or 2`;
      return unknownProperty(set, ['@odata.type', 'managerLevel', 'isBackup']) === undefined ? undefined : `${where} has an unknown property`;
    case '#microsoft.graph.internalSponsors':
    case '#microsoft.graph.externalSponsors':
      return unknownProperty(set, ['@odata.type', 'isBackup']) === undefined ? undefined : `${where} has an unknown property`;
    default:
      return `${where} has an unknown @odata.type ${String(type)}`;
  }
}

/** What Graph would object to in an `accessPackageApprovalStage`, or undefined when it is valid. */
export function approvalStageProblem(stage: unknown): string | undefined {
  if (!isObject(stage)) return 'approvalStage must be an object';
  const unknown = unknownProperty(stage, STAGE_KEYS);
  if (unknown !== undefined) return `approvalStage has an unknown property ${unknown}`;
  if (typeof stage['durationBeforeAutomaticDenial'] !== 'string' || !DURATION.test(stage['durationBeforeAutomaticDenial'])) {
    return 'approvalStage.durationBeforeAutomaticDenial must be an ISO 8601 duration';
  }
  for (const flag of ['isApproverJustificationRequired', 'isEscalationEnabled'] as const) {
    if (stage[flag] !== undefined && typeof stage[flag] !== 'boolean') return `approvalStage.${flag} must be a boolean`;
  }
  if (stage['isEscalationEnabled'] === true && (typeof stage['durationBeforeEscalation'] !== 'string' || !DURATION.test(stage['durationBeforeEscalation']))) {
    return 'approvalStage.durationBeforeEscalation is required when escalation is enabled';
  }
  for (const list of LISTS) {
    const value = stage[list];
    if (value === undefined) continue;
    if (!Array.isArray(value)) return `approvalStage.${list} must be an array`;
    for (const [i, set] of value.entries()) {
      const problem = subjectSetProblem(set, `approvalStage.${list}[${i}]`);
      if (problem !== undefined) return problem;
    }
  }
  const primary = stage['primaryApprovers'];
  if (!Array.isArray(primary) || primary.length === 0) return 'approvalStage.primaryApprovers must name at least one approver';
  return undefined;
}
