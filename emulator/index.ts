export { TenantEmulator, DEFAULT_TENANT, type RecordedCall, type TenantEmulatorOptions } from './tenant-emulator.js';
export type { KeyPairSource } from './identity/token-issuer.js';
export type { CallerTokenOptions } from './identity/caller-tokens.js';
export { createCertificateAuthority, issueServerCertificate, type PemPair } from './identity/tls.js';
export type { BadToken, FaultAction, FaultRule, Service } from './graph/faults.js';
export { Directory, type RiskChange, type UserChange } from './directory/directory.js';
export { loadTenant, parseTenant, readTenantFile, SAMPLE_TENANT_FILE, TenantFileError, type TenantFile, type TenantRequest, type TenantRisk, type TenantSchedule, type TenantUser } from './directory/tenant-file.js';
export { Governance, type GovernanceChange, type GroupReads, type Principal, type RecordReads } from './governance/governance.js';
export type {
  AssignmentState, TenantAccessPackage, TenantAppRole, TenantAppRoleAssignment, TenantAssignment, TenantGovernance, TenantGroup, TenantRoleAssignment,
  TenantRoleEligibility, TenantRoleScope, TenantServicePrincipal,
} from './governance/governance-values.js';
export {
  MICROSOFT_GRAPH_APP_ID, MICROSOFT_GRAPH_APP_ROLES, ServicePrincipals, type EmulatedServicePrincipal, type ManagedIdentityChange, type ServicePrincipalAppRole,
  type ServicePrincipalAppRoleAssignment, type ServicePrincipalChange,
} from './directory/service-principals.js';
export { generateScaleTenant, type ScaleConflict, type ScaleTenant, type ScaleTenantOptions } from './directory/scale-tenant.js';
export { ExtensionRegistry, CATALOG_ROLES, MAX_EXTENSIONS_PER_CATALOG, type EmRoleAssignment, type StoredExtension, type StoredTaskExtension } from './governance/extension-registry.js';
export type { StoredPolicy } from './governance/assignment-policies.js';
export type { TenantApprovalSettings, TenantAssignmentPolicy, TenantCatalog } from './governance/catalog-file.js';
export { PimExtensions, pimExtensionResource, type PimCallSettings, type StoredPimExtension } from './pim/pim-extensions.js';
export { PIM_EXTENSION_TYPE, PIM_RESOURCE_TYPES, type PimResourceType } from './pim/pim-extension-rules.js';
export { PimPolicies, type PolicyScope, type StoredRolePolicy } from './pim/pim-policies.js';
export { CUSTOM_EXTENSION_RULE, PRE_APPROVAL_RULE_ID } from './pim/pim-policy-rules.js';
export type { AzureResourceActivation, EntraRoleActivation, GroupActivation, PimActivationRequest } from './pim/pim-request-models.js';
export type { PimActivateOptions, PimActivationRecord, PimActivationResult } from './pim/pim-activation.js';
export type { PimAttempt, PimCallResult } from './pim/pim-caller.js';
export { EVALUATION_OUTCOMES, type EvaluationOutcome } from './pim/pim-answer.js';
export type { TenantGroupEligibility } from './pim/group-eligibilities.js';
