/**
 * The Graph types the tenant emulator writes or answers, by version: the index describes these,
 * their base types and the complex types their properties reach (with the types derived from
 * those). Entity types a property reaches (navigation properties) are described only when listed
 * here: add a type when the emulator starts answering or taking it.
 */
export type GraphVersion = 'v1.0' | 'beta';

const COMMON = [
  // What `register` writes: the catalog's custom extensions, the policy, the catalog role, the task extension.
  'microsoft.graph.accessPackageAssignmentRequestWorkflowExtension',
  'microsoft.graph.accessPackageAssignmentWorkflowExtension',
  'microsoft.graph.accessPackageAssignmentPolicy',
  'microsoft.graph.customExtensionStageSetting',
  'microsoft.graph.unifiedRoleAssignment',
  'microsoft.graph.identityGovernance.customTaskExtension',
  // The resume actions' `data`.
  'microsoft.graph.accessPackageAssignmentRequestCallbackData',
  'microsoft.graph.identityGovernance.customTaskExtensionCallbackData',
  // What the product reads: requests, holdings, the directory, roles.
  'microsoft.graph.accessPackageAssignmentRequest',
  'microsoft.graph.accessPackageAssignment',
  'microsoft.graph.accessPackage',
  'microsoft.graph.accessPackageCatalog',
  'microsoft.graph.accessPackageSubject',
  // A request's answers: the question answered is an entity (a navigation property), so named here.
  'microsoft.graph.accessPackageQuestion',
  'microsoft.graph.accessPackageTextInputQuestion',
  'microsoft.graph.accessPackageMultipleChoiceQuestion',
  'microsoft.graph.accessPackageResourceRoleScope',
  'microsoft.graph.accessPackageResourceRole',
  'microsoft.graph.accessPackageResourceScope',
  'microsoft.graph.identityGovernance.taskProcessingResult',
  'microsoft.graph.directoryObject',
  'microsoft.graph.user',
  'microsoft.graph.group',
  'microsoft.graph.riskyUser',
  'microsoft.graph.unifiedRoleEligibilitySchedule',
  'microsoft.graph.appRoleAssignment',
  // What `npm run grant-permissions` reads: service principals (Microsoft Graph's, with its app roles; the managed identities').
  'microsoft.graph.servicePrincipal',
];

export const GRAPH_TYPE_ROOTS: Readonly<Record<GraphVersion, readonly string[]>> = {
  'v1.0': COMMON,
  // Beta's dynamic approval: the approval-requirements callback's data.
  beta: [...COMMON, 'microsoft.graph.assignmentRequestApprovalStageCallbackData'],
};
