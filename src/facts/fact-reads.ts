import type * as V1 from '@microsoft/microsoft-graph-types';
import type { CheckedCallout } from '../checks/define-check.js';
import type { GraphCall } from '../graph/graph-http.js';
import type { Guid } from '../guid.js';
import type { AnswerValidators } from './answer-schemas.js';
import type { AnswerTypes } from './answer-validators.js';
import { HOLDING_READS } from './holding-reads.js';
import type { FactRead } from './fact-read.js';
import { get, str, targetOf, toRef, validated } from './read-support.js';

export { InvalidAnswer } from './read-support.js';
import type { ChainedManager, DirectoryUser, FactName, RequestFact, RiskFact } from './fact-types.js';

export type { FactRead } from './fact-read.js';

export const USER_SELECT = ([
  'id', 'displayName', 'accountEnabled', 'userType', 'employeeType', 'department', 'companyName', 'jobTitle',
  'country', 'usageLocation', 'officeLocation', 'employeeId', 'employeeHireDate', 'onPremisesExtensionAttributes',
] satisfies (keyof V1.User)[]).join(',');

const bool = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);

function toUser(json: AnswerTypes['user']): DirectoryUser {
  const extensions: Record<string, string> = {};
  // Only extensionAttribute1…15 are the schema's (and Graph's); anything else there is left unread.
  for (const [key, value] of Object.entries(json.onPremisesExtensionAttributes ?? {})) {
    if (/^extensionAttribute([1-9]|1[0-5])$/.test(key) && typeof value === 'string' && value !== '') extensions[key] = value;
  }
  return {
    id: json.id.toLowerCase(),
    displayName: str(json.displayName),
    accountEnabled: bool(json.accountEnabled),
    userType: str(json.userType),
    employeeType: str(json.employeeType),
    department: str(json.department),
    companyName: str(json.companyName),
    jobTitle: str(json.jobTitle),
    country: str(json.country),
    usageLocation: str(json.usageLocation),
    officeLocation: str(json.officeLocation),
    employeeId: str(json.employeeId),
    employeeHireDate: str(json.employeeHireDate),
    onPremisesExtensionAttributes: extensions,
  };
}

/** Nested `manager` objects of `$expand=manager($levels=max)` → level 1…n, stopping at a cycle. */
function toChain(root: AnswerTypes['directoryObject'], validators: AnswerValidators): ChainedManager[] {
  const chain: ChainedManager[] = [];
  const seen = new Set<string>([root.id.toLowerCase()]);
  let next = root.manager;
  while (next !== undefined && next !== null && chain.length < 1000) {
    const manager = validated(next, validators, 'directoryObject', 'manager in the chain');
    const ref = toRef(manager);
    if (seen.has(ref.id)) break;
    seen.add(ref.id);
    chain.push({ ...ref, level: chain.length + 1, accountEnabled: bool(manager.accountEnabled) });
    next = manager.manager;
  }
  return chain;
}

function toRequest(json: AnswerTypes['request']): RequestFact {
  const schedule = json.schedule;
  const expiration = schedule?.expiration;
  return {
    id: json.id.toLowerCase(),
    justification: str(json.justification),
    createdDateTime: str(json.createdDateTime),
    schedule:
      schedule === null || schedule === undefined
        ? undefined
        : {
            startDateTime: str(schedule.startDateTime),
            endDateTime: str(expiration?.endDateTime),
            duration: str(expiration?.duration),
            expirationType: str(expiration?.type),
          },
  };
}

function toRisk(json: AnswerTypes['riskyUser']): RiskFact {
  return {
    riskLevel: json.riskLevel,
    riskState: json.riskState,
    riskDetail: str(json.riskDetail),
    riskLastUpdatedDateTime: str(json.riskLastUpdatedDateTime),
  };
}

const requestorOf = (callout: CheckedCallout): Guid | undefined => (callout.kind === 'elm-request' ? callout.requestor?.objectId : undefined);
const userRead = (id: Guid): GraphCall => get(['users', id], { $select: USER_SELECT });

/** Every fact's read, by name. */
export const FACT_READS: { readonly [K in FactName]: FactRead<K> } = {
  ...HOLDING_READS,
  request: {
    fact: 'request',
    permission: 'EntitlementManagement.Read.All',
    subjectOf: (callout) => (callout.kind === 'lcw-task' || callout.kind === 'pim-activation' ? undefined : callout.requestId),
    call: (id) => get(['identityGovernance', 'entitlementManagement', 'assignmentRequests', id], { $select: 'id,justification,schedule,createdDateTime' }),
    paged: false,
    parse: (json, v) => toRequest(validated(json, v, 'request', 'assignment request')),
  },
  targetUser: {
    fact: 'targetUser',
    permission: 'User.Read.All',
    subjectOf: targetOf,
    sharesReadWith: 'requestorManagerChain',
    call: userRead,
    paged: false,
    parse: (json, v) => toUser(validated(json, v, 'user', 'user')),
  },
  targetLeaveDate: {
    fact: 'targetLeaveDate',
    permission: 'User-LifeCycleInfo.Read.All',
    subjectOf: targetOf,
    call: (id) => get(['users', id], { $select: 'id,employeeLeaveDateTime' }),
    paged: false,
    parse: (json, v) => ({ employeeLeaveDateTime: str(validated(json, v, 'user', 'user').employeeLeaveDateTime) }),
  },
  targetManager: {
    fact: 'targetManager',
    permission: 'User.Read.All',
    subjectOf: targetOf,
    call: (id) => get(['users', id, 'manager'], { $select: 'id,displayName' }),
    paged: false,
    onNotFound: () => null,
    parse: (json, v) => toRef(validated(json, v, 'directoryObject', 'manager')),
  },
  targetSponsors: {
    fact: 'targetSponsors',
    permission: 'User.Read.All',
    subjectOf: targetOf,
    call: (id) => get(['users', id, 'sponsors'], { $select: 'id,displayName' }),
    paged: true,
    parse: (items, v) => (items as unknown[]).map((item) => toRef(validated(item, v, 'directoryObject', 'sponsor'))),
  },
  riskState: {
    fact: 'riskState',
    permission: 'IdentityRiskyUser.Read.All',
    subjectOf: targetOf,
    call: (id) => get(['identityProtection', 'riskyUsers', id]),
    paged: false,
    onNotFound: () => ({ riskLevel: 'none', riskState: 'none', riskDetail: undefined, riskLastUpdatedDateTime: undefined }),
    parse: (json, v) => toRisk(validated(json, v, 'riskyUser', 'risky user')),
  },
  requestorUser: {
    fact: 'requestorUser',
    permission: 'User.Read.All',
    subjectOf: requestorOf,
    sharesReadWith: 'requestorManagerChain',
    call: userRead,
    paged: false,
    parse: (json, v) => toUser(validated(json, v, 'user', 'user')),
  },
  requestorManagerChain: {
    fact: 'requestorManagerChain',
    permission: 'User.Read.All',
    subjectOf: requestorOf,
    // $levels needs ConsistencyLevel: eventual (user-list-manager, "Get the management chain").
    call: (id) => get(['users', id], { $select: USER_SELECT, $expand: 'manager($levels=max;$select=id,displayName,accountEnabled)', $count: 'true' }, { ConsistencyLevel: 'eventual' }),
    paged: false,
    parse: (json, v) => toChain(validated(json, v, 'directoryObject', 'user with its manager chain'), v),
  },
};
