// What the emulator answers has only properties Graph's published types have, in the version asked:
// every object of every answer, nested ones by their @odata.type or declared type, enum values
// members of their enum (OData annotations such as @odata.context are not properties).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { schemaFindings } from '../../emulator/graph/graph-schema-check.js';
import { graphVersion } from '../../emulator/graph/graph-types.js';
import { startTestEmulator } from '../support/emulator.js';
import { EVENTUAL, graphGet, miToken, PEOPLE, SOD, type Json } from './graph-calls.js';
import { ELM, EMPLOYEES, EXTENSIONS, extensionBody, FINANCE, graphSend, taskBody } from './graph-writes.js';

let emulator: TenantEmulator;
let token: string;
const REQUEST = '7e8f9a0b-00ff-4000-8000-0000000000f1';
const [W, T, P] = ['22222222-0000-4000-8000-0000000000f1', '22222222-0000-4000-8000-0000000000f2', '22222222-0000-4000-8000-0000000000f3'];
const G = 'microsoft.graph';
const USER_SELECT = [
  'id', 'displayName', 'userPrincipalName', 'mail', 'givenName', 'surname', 'businessPhones', 'mobilePhone', 'preferredLanguage', 'jobTitle', 'officeLocation', 'department',
  'companyName', 'country', 'usageLocation', 'userType', 'accountEnabled', 'employeeType', 'employeeId', 'employeeHireDate', 'employeeLeaveDateTime',
  'onPremisesExtensionAttributes', 'createdDateTime', 'deletedDateTime', 'city', 'state', 'streetAddress', 'postalCode', 'mailNickname', 'otherMails', 'proxyAddresses',
  'imAddresses', 'identities', 'ageGroup', 'creationType', 'externalUserState', 'externalUserStateChangeDateTime', 'faxNumber', 'employeeOrgData', 'onPremisesSyncEnabled',
  'onPremisesSamAccountName', 'onPremisesImmutableId', 'onPremisesSecurityIdentifier', 'onPremisesUserPrincipalName', 'onPremisesDistinguishedName', 'passwordPolicies',
  'preferredDataLocation', 'securityIdentifier', 'showInAddressList', 'legalAgeGroupClassification', 'consentProvidedForMinor',
].join(',');

beforeAll(async () => {
  emulator = await startTestEmulator();
  token = await miToken(emulator);
  // A request with a callout answered and one open; a policy with stage settings and a dynamic stage; a task extension; a catalog role; a task waiting.
  emulator.requests.awaitCallback({ requestId: REQUEST, stage: 'assignmentRequestCreated', stageInstanceId: 'i-1', accessPackageId: SOD.paymentsApprover, requestorId: PEOPLE.avery });
  const resume = { source: 't', type: 'microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated', data: { '@odata.type': `${G}.accessPackageAssignmentRequestCallbackData`, stage: 'assignmentRequestCreated', customExtensionStageInstanceId: 'i-1', customExtensionStageInstanceDetail: 'ok' } };
  expect((await graphSend(emulator, 'POST', `${ELM}/assignmentRequests/${REQUEST}/resume`, token, resume)).status).toBe(204);
  emulator.requests.awaitCallback({ requestId: REQUEST, stage: 'assignmentRequestGranted', stageInstanceId: 'i-2' });
  const extension = String((await graphSend(emulator, 'POST', EXTENSIONS, token, extensionBody())).json['id']);
  const beta = `/beta/identityGovernance/entitlementManagement/accessPackageAssignmentPolicies/${EMPLOYEES}`;
  const read = (await graphGet(emulator, `${beta}?$expand=customExtensionStageSettings($expand=customExtension)`, token)).json;
  const approval = read['requestApprovalSettings'] as Json;
  const stages = approval['approvalStages'] as Json[];
  const dynamic = { '@odata.type': `#${G}.accessPackageDynamicApprovalStage`, customExtension: { '@odata.type': `#${G}.accessPackageAssignmentRequestWorkflowExtension`, id: extension } };
  const settings = [{ stage: 'assignmentRequestDeterminingApprovalRequirements', customExtension: { id: extension } }, { stage: 'assignmentRequestGranted', customExtension: { id: extension } }];
  const put = await graphSend(emulator, 'PUT', beta, token, { ...read, requestApprovalSettings: { ...approval, approvalMode: 'Serial', approvalStages: [dynamic, ...stages] }, customExtensionStageSettings: settings });
  expect(put.status).toBe(200);
  expect((await graphSend(emulator, 'POST', '/v1.0/identityGovernance/lifecycleWorkflows/customTaskExtensions', token, taskBody())).status).toBe(201);
  const role = { principalId: PEOPLE.avery, roleDefinitionId: 'e2182095-804a-4656-ae11-64734e9b7ae5', appScopeId: `/AccessPackageCatalog/${FINANCE}` };
  expect((await graphSend(emulator, 'POST', '/v1.0/roleManagement/entitlementManagement/roleAssignments', token, role)).status).toBe(201);
  emulator.tasks.awaitTask({ id: P, workflowId: W, runId: REQUEST, userProcessingResultId: REQUEST, taskId: T, subjectId: PEOPLE.avery });
});
afterAll(() => emulator.close());

/** One read: the path after the version, the published type of the answer (of each item, for a collection). */
interface Read {
  readonly path: string;
  readonly type: string;
  readonly versions?: readonly string[];
  readonly headers?: Record<string, string>;
}

const EM = 'identityGovernance/entitlementManagement';
const BOTH = ['v1.0', 'beta'];
const READS: readonly Read[] = [
  // Entitlement management: requests, policies, the catalog and its extensions, catalog roles.
  { path: `${EM}/assignmentRequests/${REQUEST}`, type: `${G}.accessPackageAssignmentRequest`, versions: BOTH },
  { path: `${EM}/assignmentRequests?$expand=accessPackage,requestor&$filter=requestor/objectId eq '${PEOPLE.avery}'`, type: `${G}.accessPackageAssignmentRequest`, versions: BOTH },
  { path: `${EM}/assignmentRequests?$select=id,state,requestType&$expand=accessPackage($select=id,displayName)`, type: `${G}.accessPackageAssignmentRequest` },
  { path: `${EM}/assignmentPolicies/${EMPLOYEES}?$expand=accessPackage,catalog,customExtensionStageSettings($expand=customExtension)`, type: `${G}.accessPackageAssignmentPolicy` },
  { path: `${EM}/accessPackageAssignmentPolicies/${EMPLOYEES}?$expand=customExtensionStageSettings($expand=customExtension)`, type: `${G}.accessPackageAssignmentPolicy`, versions: ['beta'] },
  { path: `${EM}/catalogs/${FINANCE}`, type: `${G}.accessPackageCatalog` },
  { path: `${EM}/catalogs/${FINANCE}/customWorkflowExtensions`, type: `${G}.customCalloutExtension` },
  { path: 'identityGovernance/lifecycleWorkflows/customTaskExtensions', type: `${G}.identityGovernance.customTaskExtension` },
  { path: 'roleManagement/entitlementManagement/roleAssignments', type: `${G}.unifiedRoleAssignment` },
  { path: `identityGovernance/lifecycleWorkflows/workflows/${W}/tasks/${T}/taskProcessingResults/${P}`, type: `${G}.identityGovernance.taskProcessingResult` },
  // Holdings: assignments, access packages.
  { path: `${EM}/assignments?$expand=accessPackage,target`, type: `${G}.accessPackageAssignment` },
  { path: `${EM}/accessPackages/${SOD.paymentsApprover}?$expand=resourceRoleScopes($expand=role,scope),catalog`, type: `${G}.accessPackage` },
  { path: `${EM}/accessPackages/${SOD.vendorMasterMaintain}?$expand=resourceRoleScopes($expand=role,scope)`, type: `${G}.accessPackage` },
  // The directory: users (every property the emulator answers), manager, chain, sponsors, risk.
  { path: `users/${PEOPLE.avery}`, type: `${G}.user`, versions: BOTH },
  { path: `users/${PEOPLE.avery}?$select=${USER_SELECT}&$expand=manager($levels=max;$select=${USER_SELECT})`, type: `${G}.user`, versions: BOTH, headers: EVENTUAL },
  { path: `users/${PEOPLE.avery}/manager`, type: `${G}.directoryObject`, versions: BOTH },
  { path: `users/${PEOPLE.alex}/sponsors`, type: `${G}.directoryObject`, versions: BOTH },
  { path: `identityProtection/riskyUsers/${PEOPLE.jordanBlake}`, type: `${G}.riskyUser`, versions: BOTH },
  // Groups and roles.
  { path: `users/${PEOPLE.taylor}/memberOf`, type: `${G}.directoryObject`, versions: BOTH },
  { path: `users/${PEOPLE.quinn}/transitiveMemberOf/microsoft.graph.group?$count=true`, type: `${G}.group`, headers: EVENTUAL },
  { path: `groups/${SOD.sapVendorTeam}/members`, type: `${G}.directoryObject`, versions: BOTH },
  { path: `groups/${SOD.paymentApprovers}/transitiveMembers/microsoft.graph.user?$count=true&$select=id,displayName`, type: `${G}.user`, headers: EVENTUAL },
  { path: 'roleManagement/directory/roleAssignments?$expand=principal', type: `${G}.unifiedRoleAssignment`, versions: BOTH },
  { path: 'roleManagement/directory/roleEligibilitySchedules?$expand=principal', type: `${G}.unifiedRoleEligibilitySchedule`, versions: BOTH },
  { path: `users/${PEOPLE.taylor}/appRoleAssignments`, type: `${G}.appRoleAssignment`, versions: BOTH },
  { path: `servicePrincipals/${SOD.sap}/appRoleAssignedTo`, type: `${G}.appRoleAssignment`, versions: BOTH },
  // Service principals (what `npm run grant-permissions` reads; its grants: test/emulator/service-principals.test.ts).
  { path: "servicePrincipals?$filter=appId eq '00000003-0000-0000-c000-000000000000'", type: `${G}.servicePrincipal`, versions: BOTH },
  { path: `servicePrincipals/${SOD.sap}`, type: `${G}.servicePrincipal`, versions: BOTH },
];

const cases = READS.flatMap((read) => (read.versions ?? ['v1.0']).map((version) => [`${version} ${read.path}`, version, read] as const));

describe("the emulator's answers against Graph's published types", () => {
  test.each(cases)('%s', async (_, version, read) => {
    const answer = await graphGet(emulator, `/${version}/${read.path}`, token, read.headers);
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    const objects = Array.isArray(answer.json['value']) ? (answer.json['value'] as Json[]) : [answer.json];
    expect(objects.length).toBeGreaterThan(0);
    const findings = objects.flatMap((object) => schemaFindings(graphVersion(version), object, read.type));
    expect(findings).toEqual([]);
  });
});
