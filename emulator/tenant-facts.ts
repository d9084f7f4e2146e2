import type { AssignmentRequests } from './assignment-requests.js';
import type { Directory } from './directory.js';
import type { ExtensionRegistry } from './extension-registry.js';
import type { Governance } from './governance.js';
import type { TenantGroupEligibility } from './group-eligibilities.js';
import type { PimExtensions } from './pim-extensions.js';
import type { PimPolicies } from './pim-policies.js';
import type { TaskProcessingResults } from './task-processing-results.js';
import type { TokenIssuer } from './token-issuer.js';

/** What the routes need to know about the emulated tenant. */
export interface TenantFacts {
  readonly origin: string;
  readonly tenantId: string;
  readonly managedIdentityClientId: string;
  readonly managedIdentityObjectId: string;
  readonly identityHeader: string;
  readonly managedIdentityRoles: readonly string[];
  readonly issuer: TokenIssuer;
  readonly requests: AssignmentRequests;
  readonly tasks: TaskProcessingResults;
  readonly directory: Directory;
  readonly governance: Governance;
  /** Catalogs, custom extensions, assignment policies, catalog role assignments, custom task extensions. */
  readonly registry: ExtensionRegistry;
  /** PIM custom extensions (identityGovernance/privilegedAccess/customExtensions). */
  readonly pimExtensions: PimExtensions;
  /** Role management policies of directory roles and groups, and their rules (the link to a PIM custom extension). */
  readonly pimPolicies: PimPolicies;
  /** PIM for Groups eligibilities, from the tenant file's groupEligibilities. */
  readonly groupEligibilities: readonly TenantGroupEligibility[];
}
