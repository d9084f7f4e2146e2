import type { CheckedCallout } from '../checks/define-check.js';
import type { FactRead } from './fact-read.js';
import type { AppRoleHolding, PackageGrant, RoleHolding } from './holding-fact-types.js';
import { odataEq } from '../graph/graph-path.js';
import { get, str, targetOf, toRef, validated } from './read-support.js';
import type { AnswerValidators } from './answer-schemas.js';
import type { AnswerTypes } from './answer-validators.js';
import type { Guid } from '../guid.js';

/** Advanced queries (OData casts, complete counts) need this header and $count=true. */
const EVENTUAL = { ConsistencyLevel: 'eventual' } as const;
const ELM = ['identityGovernance', 'entitlementManagement'] as const;

type Items = readonly unknown[];
const each = <K extends keyof AnswerValidators, T>(items: unknown, name: K, what: string, v: AnswerValidators, map: (json: AnswerTypes[K]) => T): T[] =>
  (items as Items).map((item) => map(validated(item, v, name, what)));

type RoleScope = AnswerTypes['accessPackage']['resourceRoleScopes'][number];

/** A resource role scope → what it grants: group membership or ownership, an app role, or something rules cannot name. */
function toGrant({ role, scope: resource }: RoleScope): PackageGrant {
  const system = role.originSystem;
  const roleOrigin = role.originId;
  if (system.toLowerCase() === 'aadgroup') {
    const [kind = '', groupId = resource.originId] = roleOrigin.split('_');
    return { kind: 'group', groupId: groupId.toLowerCase(), role: kind, displayName: str(resource.displayName) };
  }
  if (system.toLowerCase() === 'aadapplication') {
    return { kind: 'appRole', servicePrincipalId: resource.originId.toLowerCase(), appRoleId: roleOrigin.toLowerCase(), displayName: str(role.displayName), resourceDisplayName: str(resource.displayName) };
  }
  return { kind: 'other', originSystem: system, displayName: str(resource.displayName) };
}

function toRole(json: AnswerTypes['roleAssignment']): RoleHolding {
  const schedule = json.scheduleInfo;
  const expiration = schedule?.expiration;
  return {
    id: json.id,
    roleTemplateId: json.roleDefinitionId.toLowerCase(),
    directoryScopeId: str(json.directoryScopeId) ?? '/',
    startDateTime: str(schedule?.startDateTime),
    endDateTime: str(expiration?.endDateTime),
  };
}

function toAppRole(json: AnswerTypes['appRoleAssignment']): AppRoleHolding {
  return {
    id: json.id,
    appRoleId: json.appRoleId.toLowerCase(),
    resourceId: json.resourceId.toLowerCase(),
    resourceDisplayName: str(json.resourceDisplayName),
    principalType: str(json.principalType) ?? 'User',
    principalId: json.principalId.toLowerCase(),
    principalDisplayName: str(json.principalDisplayName),
  };
}

const requestedPackageOf = (callout: CheckedCallout): Guid | undefined => (callout.kind === 'lcw-task' || callout.kind === 'pim-activation' ? undefined : callout.accessPackage?.id);

/** The reads that make up what a user holds, for separation of duties. All are collections but the requested package. */
export const HOLDING_READS = {
  targetPackageAssignments: {
    fact: 'targetPackageAssignments',
    permission: 'EntitlementManagement.Read.All',
    subjectOf: targetOf,
    call: (id) => get([...ELM, 'assignments'], { $filter: odataEq('target/objectId', id), $expand: 'accessPackage($select=id,displayName)', $select: 'id,state' }),
    paged: true,
    parse: (items, v) => each(items, 'packageAssignment', 'access package assignment', v, (j) => ({ id: j.id, state: j.state, accessPackage: toRef(j.accessPackage) })),
  },
  targetPackageRequests: {
    fact: 'targetPackageRequests',
    permission: 'EntitlementManagement.Read.All',
    subjectOf: targetOf,
    // The requestor of a direct assignment is the assigned user (accessPackageAssignmentRequest.requestor).
    call: (id) => get([...ELM, 'assignmentRequests'], { $filter: odataEq('requestor/objectId', id), $expand: 'accessPackage($select=id,displayName)', $select: 'id,state,requestType' }),
    paged: true,
    parse: (items, v) =>
      each(items, 'packageRequest', 'access package assignment request', v, (j) => ({
        id: j.id.toLowerCase(),
        state: j.state,
        requestType: j.requestType,
        accessPackage: toRef(j.accessPackage),
      })),
  },
  requestedPackage: {
    fact: 'requestedPackage',
    permission: 'EntitlementManagement.Read.All',
    subjectOf: requestedPackageOf,
    call: (id) => get([...ELM, 'accessPackages', id], { $select: 'id,displayName', $expand: 'resourceRoleScopes($expand=role,scope)' }),
    paged: false,
    parse: (json, v) => {
      const pkg = validated(json, v, 'accessPackage', 'access package');
      return { ...toRef(pkg), grants: pkg.resourceRoleScopes.map(toGrant) };
    },
  },
  targetGroups: {
    fact: 'targetGroups',
    permission: 'User.Read.All',
    subjectOf: targetOf,
    call: (id) => get(['users', id, 'transitiveMemberOf', 'microsoft.graph.group'], { $select: 'id,displayName', $top: '999', $count: 'true' }, EVENTUAL),
    paged: true,
    parse: (items, v) => each(items, 'groupRef', 'group', v, toRef),
  },
  targetDirectGroups: {
    fact: 'targetDirectGroups',
    permission: 'User.Read.All',
    subjectOf: targetOf,
    call: (id) => get(['users', id, 'memberOf', 'microsoft.graph.group'], { $select: 'id,displayName', $top: '999', $count: 'true' }, EVENTUAL),
    paged: true,
    parse: (items, v) => each(items, 'groupRef', 'group', v, toRef),
  },
  targetActiveRoles: {
    fact: 'targetActiveRoles',
    permission: 'RoleManagement.Read.Directory',
    subjectOf: targetOf,
    call: (id) => get(['roleManagement', 'directory', 'roleAssignments'], { $filter: odataEq('principalId', id), $select: 'id,roleDefinitionId,directoryScopeId' }),
    paged: true,
    parse: (items, v) => each(items, 'roleAssignment', 'directory role assignment', v, toRole),
  },
  targetEligibleRoles: {
    fact: 'targetEligibleRoles',
    permission: 'RoleEligibilitySchedule.Read.Directory',
    subjectOf: targetOf,
    call: (id) => get(['roleManagement', 'directory', 'roleEligibilitySchedules'], { $filter: odataEq('principalId', id), $select: 'id,roleDefinitionId,directoryScopeId,scheduleInfo' }),
    paged: true,
    parse: (items, v) => each(items, 'roleAssignment', 'directory role eligibility', v, toRole),
  },
  targetAppRoles: {
    fact: 'targetAppRoles',
    // Graph's least privilege for a user's app role assignments (User.Read.All does not do).
    permission: 'Directory.Read.All',
    subjectOf: targetOf,
    call: (id) => get(['users', id, 'appRoleAssignments'], { $select: 'id,appRoleId,resourceId,resourceDisplayName,principalId,principalType,principalDisplayName', $top: '999', $count: 'true' }, EVENTUAL),
    paged: true,
    parse: (items, v) => each(items, 'appRoleAssignment', 'app role assignment', v, toAppRole),
  },
} satisfies { readonly [K in keyof import('./holding-fact-types.js').HoldingFactValues]: FactRead<K> };
