import type { AssignmentRequests } from '../governance/assignment-requests.js';
import type { Directory } from './directory.js';
import type { ExtensionRegistry } from '../governance/extension-registry.js';
import type { Governance } from '../governance/governance.js';
import type { TenantGroupEligibility } from '../pim/group-eligibilities.js';
import type { PimExtensions } from '../pim/pim-extensions.js';
import type { PimPolicies } from '../pim/pim-policies.js';
import type { ServicePrincipals } from './service-principals.js';
import type { TaskProcessingResults } from '../governance/task-processing-results.js';
import type { TokenIssuer } from '../identity/token-issuer.js';

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
  /** Service principals (Microsoft Graph's, managed identities', the tenant file's) and the app roles granted to them. */
  readonly servicePrincipals: ServicePrincipals;
  /** Catalogs, custom extensions, assignment policies, catalog role assignments, custom task extensions. */
  readonly registry: ExtensionRegistry;
  /** PIM custom extensions (identityGovernance/privilegedAccess/customExtensions). */
  readonly pimExtensions: PimExtensions;
  /** Role management policies of directory roles and groups, and their rules (the link to a PIM custom extension). */
  readonly pimPolicies: PimPolicies;
  /** PIM for Groups eligibilities, from the tenant file's groupEligibilities. */
  readonly groupEligibilities: readonly TenantGroupEligibility[];
}
