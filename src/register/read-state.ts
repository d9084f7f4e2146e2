import { BETA_POLICY_EXPAND, DYNAMIC_STAGE_TYPE, paths, POLICY_EXPAND, REQUEST_EXTENSION_TYPE } from './graph-shapes.js';
import { ELM_PERMISSION, LCW_PERMISSION, type RegisterGraph } from './register-graph.js';
import { RegisterError } from './register-error.js';
import type { Current, Desired, PolicyState, RoleAssignmentState } from './register-model.js';

type Json = Readonly<Record<string, unknown>>;

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const obj = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined);

/** The one item of a list named `name`; two of that name are the operator's to sort out. */
function named(items: readonly Json[], name: string, what: string): Json | undefined {
  const found = items.filter((i) => i['displayName'] === name);
  if (found.length > 1) throw new RegisterError(2, `${what} has ${found.length} entries named "${name}" (${found.map((i) => String(i['id'])).join(', ')}): delete the extra ones or choose another --name`);
  return found[0];
}

async function readCatalog(graph: RegisterGraph, catalogId: string): Promise<Current['catalog']> {
  const answer = await graph.read({ method: 'GET', version: 'v1.0', path: paths.catalog(catalogId) }, `read catalog ${catalogId}`, ELM_PERMISSION);
  if (answer.status === 404) throw new RegisterError(2, `catalog ${catalogId} does not exist in this tenant`);
  const catalog = obj(answer.json);
  return { id: catalogId, displayName: str(catalog?.['displayName']) ?? catalogId };
}

async function readExtension(graph: RegisterGraph, desired: Desired, catalogName: string): Promise<Json | undefined> {
  const what = `list the custom extensions of catalog ${desired.catalogId}`;
  const items = await graph.readAll({ method: 'GET', version: 'v1.0', path: paths.extensions(desired.catalogId) }, what, ELM_PERMISSION);
  const found = named(items, desired.name, `catalog ${catalogName}`);
  if (found !== undefined && found['@odata.type'] !== REQUEST_EXTENSION_TYPE) {
    throw new RegisterError(2, `the custom extension "${desired.name}" (${String(found['id'])}) of catalog ${catalogName} is a ${String(found['@odata.type'])}, not an access package assignment request workflow extension: choose another --name`);
  }
  return found;
}

/** Whether v1.0 shows an accessPackageDynamicApprovalStage among the policy's approval stages. */
function hasDynamicStage(policy: Json): boolean {
  const stages = obj(policy['requestApprovalSettings'])?.['stages'];
  return Array.isArray(stages) && stages.some((s) => obj(s)?.['@odata.type'] === DYNAMIC_STAGE_TYPE);
}

/**
 * A policy in v1.0, checked to exist and to belong to the catalog; read again in beta when a
 * dynamic approval stage is wanted or already there, because only beta's dynamic stage names its
 * extension, so only there can it be written back without losing it.
 */
async function readPolicy(graph: RegisterGraph, desired: Desired, policyId: string): Promise<PolicyState> {
  const what = `read assignment policy ${policyId}`;
  const answer = await graph.read({ method: 'GET', version: 'v1.0', path: paths.policy(policyId, POLICY_EXPAND) }, what, ELM_PERMISSION);
  if (answer.status === 404) throw new RegisterError(2, `assignment policy ${policyId} does not exist in this tenant`);
  const v1 = obj(answer.json) ?? {};
  const displayName = str(v1['displayName']) ?? policyId;
  const catalogId = str(obj(v1['catalog'])?.['id'])?.toLowerCase();
  if (catalogId !== undefined && catalogId !== desired.catalogId) {
    throw new RegisterError(2, `assignment policy "${displayName}" (${policyId}) belongs to catalog ${catalogId}, not ${desired.catalogId}: a policy can only use its own catalog's custom extensions`);
  }
  if (!((desired.mode === 'register' && desired.dynamicApproval) || hasDynamicStage(v1))) return { id: policyId, displayName, version: 'v1.0', raw: v1 };
  const beta = await graph.read({ method: 'GET', version: 'beta', path: paths.betaPolicy(policyId, BETA_POLICY_EXPAND) }, `${what} (beta)`, ELM_PERMISSION);
  if (beta.status === 404) throw new RegisterError(2, `assignment policy ${policyId} does not exist in beta's accessPackageAssignmentPolicies`);
  return { id: policyId, displayName, version: 'beta', raw: obj(beta.json) ?? {} };
}

async function readRoleAssignments(graph: RegisterGraph, principalId: string): Promise<RoleAssignmentState[]> {
  const what = `list the entitlement management role assignments of ${principalId}`;
  const items = await graph.readAll({ method: 'GET', version: 'v1.0', path: paths.roleAssignments(principalId) }, what, ELM_PERMISSION);
  return items.flatMap((i) => {
    const id = str(i['id']);
    const roleDefinitionId = str(i['roleDefinitionId'])?.toLowerCase();
    return id === undefined || roleDefinitionId === undefined ? [] : [{ id, roleDefinitionId, appScopeId: str(i['appScopeId']) ?? null }];
  });
}

/** Reads what the run is about, in a fixed order: the catalog first, so a wrong id stops the run before anything else. */
export async function readState(graph: RegisterGraph, desired: Desired): Promise<Current> {
  const catalog = await readCatalog(graph, desired.catalogId);
  const extension = await readExtension(graph, desired, catalog.displayName);
  const policies: PolicyState[] = [];
  for (const id of desired.policies) policies.push(await readPolicy(graph, desired, id));
  const roleAssignments = desired.functionIdentity === undefined ? undefined : await readRoleAssignments(graph, desired.functionIdentity);
  let taskExtension: Json | undefined;
  if (desired.lcw !== undefined) {
    const items = await graph.readAll({ method: 'GET', version: 'v1.0', path: paths.taskExtensions() }, 'list the Lifecycle Workflows custom task extensions', LCW_PERMISSION);
    taskExtension = named(items, desired.name, 'Lifecycle Workflows');
  }
  return { catalog, extension, policies, roleAssignments, taskExtension };
}
