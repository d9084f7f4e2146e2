export { TenantEmulator, DEFAULT_TENANT, type RecordedCall, type TenantEmulatorOptions } from './tenant-emulator.js';
export type { CallerTokenOptions } from './caller-tokens.js';
export { createCertificateAuthority, issueServerCertificate, type PemPair } from './tls.js';
export type { BadToken, FaultAction, FaultRule, Service } from './faults.js';
export { Directory, type RiskChange, type UserChange } from './directory.js';
export { loadTenant, parseTenant, readTenantFile, SAMPLE_TENANT_FILE, TenantFileError, type TenantFile, type TenantRequest, type TenantRisk, type TenantSchedule, type TenantUser } from './tenant-file.js';
export { Governance, type GovernanceChange, type GroupReads, type Principal, type RecordReads } from './governance.js';
export type {
  AssignmentState, TenantAccessPackage, TenantAppRole, TenantAppRoleAssignment, TenantAssignment, TenantGovernance, TenantGroup, TenantRoleAssignment,
  TenantRoleEligibility, TenantRoleScope, TenantServicePrincipal,
} from './governance-values.js';
export { generateScaleTenant, type ScaleConflict, type ScaleTenant, type ScaleTenantOptions } from './scale-tenant.js';
export { ExtensionRegistry, CATALOG_ROLES, MAX_EXTENSIONS_PER_CATALOG, type EmRoleAssignment, type StoredExtension, type StoredTaskExtension } from './extension-registry.js';
export type { StoredPolicy } from './assignment-policies.js';
export type { TenantApprovalSettings, TenantAssignmentPolicy, TenantCatalog } from './catalog-file.js';
export { PimExtensions, pimExtensionResource, type PimCallSettings, type StoredPimExtension } from './pim-extensions.js';
export { PIM_EXTENSION_TYPE, PIM_RESOURCE_TYPES, type PimResourceType } from './pim-extension-rules.js';
export { PimPolicies, type PolicyScope, type StoredRolePolicy } from './pim-policies.js';
export { CUSTOM_EXTENSION_RULE, PRE_APPROVAL_RULE_ID } from './pim-policy-rules.js';
export type { AzureResourceActivation, EntraRoleActivation, GroupActivation, PimActivationRequest } from './pim-request-models.js';
export type { PimActivateOptions, PimActivationRecord, PimActivationResult } from './pim-activation.js';
export type { PimAttempt, PimCallResult } from './pim-caller.js';
export { EVALUATION_OUTCOMES, type EvaluationOutcome } from './pim-answer.js';
export type { TenantGroupEligibility } from './group-eligibilities.js';
