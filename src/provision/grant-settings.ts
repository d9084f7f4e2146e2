import { CommandError } from '../cli/command-error.js';
import { parseGuid, type Guid } from '../guid.js';
import { httpsOrigin } from '../https-origin.js';

/**
 * What azd's postprovision hook grants, read from the deployment's outputs (azd hands a hook its
 * environment: every output of infra/main.bicep). Every id becomes a Guid here or the hook stops
 * (exit 2) naming the output; nothing unchecked reaches a Graph path.
 */

/** Why the hook stopped: 2 for a setting (an output, a flag), 1 for what failed in Graph. */
export class GrantError extends CommandError {
  override readonly name = 'GrantError';
}

/** The relay's app role on the API's service principal (Callout.Invoke). */
export interface RelayGrant {
  readonly principalId: Guid;
  readonly apiServicePrincipalId: Guid;
  readonly appRoleId: Guid;
}

export type GrantSettings =
  | {
      /** ENTRA_OBJECTS_DEPLOYED true: the hook grants. */
      readonly kind: 'grant';
      readonly tenantId: Guid;
      readonly graphOrigin: string;
      readonly functionPrincipalId: Guid;
      /** Microsoft Graph application permissions by name (User.Read.All, …), each once. */
      readonly permissions: readonly string[];
      readonly relay: RelayGrant;
    }
  | {
      /** ENTRA_OBJECTS_DEPLOYED false: someone with the Entra rights grants; the hook says what. */
      readonly kind: 'manual';
      readonly functionPrincipalId: Guid;
      readonly relayPrincipalId: Guid;
      readonly permissions: readonly string[];
    };

export const OUTPUTS = {
  entraObjects: 'ENTRA_OBJECTS_DEPLOYED',
  tenant: 'AZURE_TENANT_ID',
  graph: 'GRAPH_BASE_URL',
  functionPrincipal: 'FUNCTION_IDENTITY_PRINCIPAL_ID',
  permissions: 'FUNCTION_GRAPH_PERMISSIONS',
  relayPrincipal: 'RELAY_IDENTITY_PRINCIPAL_ID',
  apiServicePrincipal: 'API_SERVICE_PRINCIPAL_ID',
  appRole: 'API_APP_ROLE_ID',
} as const;

/** A Graph permission's name as Graph writes them: dotted words (User.Read.All, User-LifeCycleInfo.Read.All). */
const PERMISSION = /^[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z][A-Za-z0-9-]*)+$/;

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string): string {
  const value = env[name]?.trim() ?? '';
  if (value === '') throw new GrantError(2, `${name} is not set: run the hook through azd (azd provision), which passes the deployment's outputs`);
  return value;
}

function guid(env: Env, name: string): Guid {
  const value = required(env, name);
  const id = parseGuid(value);
  if (id === undefined) throw new GrantError(2, `${name} must be a GUID, not "${value}"`);
  return id;
}

function permissionsOf(env: Env): string[] {
  const names = required(env, OUTPUTS.permissions).split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (names.length === 0) throw new GrantError(2, `${OUTPUTS.permissions} names no permission (infra/main.bicep always grants User.Read.All)`);
  const bad = names.find((p) => !PERMISSION.test(p));
  if (bad !== undefined) throw new GrantError(2, `${OUTPUTS.permissions} names "${bad}", which is not a Graph permission's name`);
  return [...new Set(names)];
}

/** The deployment's outputs → what to grant, or why not. */
export function readGrantSettings(env: Env): GrantSettings {
  const deployed = required(env, OUTPUTS.entraObjects).toLowerCase();
  if (deployed !== 'true' && deployed !== 'false') throw new GrantError(2, `${OUTPUTS.entraObjects} must be true or false, not "${env[OUTPUTS.entraObjects] ?? ''}"`);
  const functionPrincipalId = guid(env, OUTPUTS.functionPrincipal);
  const permissions = permissionsOf(env);
  if (deployed === 'false') return { kind: 'manual', functionPrincipalId, relayPrincipalId: guid(env, OUTPUTS.relayPrincipal), permissions };
  const graph = required(env, OUTPUTS.graph);
  const graphOrigin = httpsOrigin(graph);
  if (graphOrigin === undefined) throw new GrantError(2, `${OUTPUTS.graph} must be an https origin such as https://graph.microsoft.com (no path), not "${graph}"`);
  return {
    kind: 'grant',
    tenantId: guid(env, OUTPUTS.tenant),
    graphOrigin,
    functionPrincipalId,
    permissions,
    relay: { principalId: guid(env, OUTPUTS.relayPrincipal), apiServicePrincipalId: guid(env, OUTPUTS.apiServicePrincipal), appRoleId: guid(env, OUTPUTS.appRole) },
  };
}
