import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';

/**
 * An operator's own sign-in, for tools run from a workstation against a real tenant (the
 * what-if with --live): environment variables, a workload or managed identity, or the Azure CLI,
 * Azure Developer CLI or PowerShell login, in DefaultAzureCredential's order, for one tenant.
 */
export function createOperatorCredential(tenantId: string): TokenCredential {
  return new DefaultAzureCredential({ tenantId });
}
