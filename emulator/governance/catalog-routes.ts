import { policyBeta, policyV1, type StoredPolicy } from './assignment-policies.js';
import { expandOptionsProblem, readGovernanceQuery } from '../graph/collection-query.js';
import { extensionResource } from './extension-registry.js';
import { graphError, type GraphReply } from '../graph/graph-errors.js';
import { collectionReply } from '../graph/graph-paging.js';
import { schemaRefusal } from '../graph/graph-schema-check.js';
import { graphVersion } from '../graph/graph-types.js';
import { stageSettingsResource } from './policy-stage-settings.js';
import type { TenantFacts } from '../directory/tenant-facts.js';
import type { RouteCall } from '../graph/graph-call.js';
import { odataContext } from '../directory/user-resource.js';

const ELM_SET = 'identityGovernance/entitlementManagement';
/** What a catalog's customWorkflowExtensions hold; a body names the kind with @odata.type. */
const EXTENSION_TYPE = 'microsoft.graph.customCalloutExtension';
const POLICY_TYPE = 'microsoft.graph.accessPackageAssignmentPolicy';
const notAllowed = (): GraphReply => graphError(405, 'Request_BadRequest', 'The HTTP method is not allowed on this resource.');
const notFound = (what: string): GraphReply => graphError(404, 'ResourceNotFound', `${what} does not exist.`);

/** GET …/catalogs/{id}: the catalog, or 404. */
export function catalogEntity(t: TenantFacts, call: RouteCall): GraphReply {
  if (call.method !== 'GET') return notAllowed();
  const q = readGovernanceQuery(call.query);
  if ('status' in q) return q;
  const id = call.path[3] ?? '';
  const catalog = t.registry.catalog(id);
  if (catalog === undefined) return notFound(`The catalog '${id}'`);
  return {
    status: 200,
    body: {
      '@odata.context': odataContext(call.version, `${ELM_SET}/catalogs`, undefined, true),
      id: catalog.id, displayName: catalog.displayName, description: catalog.description, catalogType: 'userManaged', state: 'published', isExternallyVisible: false,
    },
  };
}

/** …/catalogs/{id}/customWorkflowExtensions[/{extensionId}]: list (paged) and create; get, replace (PUT) and delete one. */
export function customWorkflowExtensions(t: TenantFacts, call: RouteCall): GraphReply {
  const catalogId = call.path[3] ?? '';
  const extensionId = call.path[5];
  const r = t.registry;
  const version = graphVersion(call.version);
  // Graph's schema first: a type or a property the version's types do not have is refused before any rule of the emulator's.
  const refused = call.method === 'POST' || call.method === 'PUT' ? schemaRefusal(version, call.body, EXTENSION_TYPE) : undefined;
  if (refused !== undefined) return refused;
  if (extensionId !== undefined) {
    if (call.method === 'GET') return r.getExtension(catalogId, extensionId);
    if (call.method === 'PUT') return r.updateExtension(catalogId, extensionId, call.body, version);
    if (call.method === 'DELETE') return r.deleteExtension(catalogId, extensionId);
    return notAllowed();
  }
  if (call.method === 'POST') return r.createExtension(catalogId, call.body, version);
  if (call.method !== 'GET') return notAllowed();
  const q = readGovernanceQuery(call.query);
  if ('status' in q) return q;
  if (r.catalog(catalogId) === undefined) return notFound(`The catalog '${catalogId}'`);
  const context = odataContext(call.version, `${ELM_SET}/catalogs('${catalogId}')/customWorkflowExtensions`, undefined, false);
  return collectionReply({ origin: t.origin, ...call }, q, r.extensionsOf(catalogId), r.pageSize, context, extensionResource);
}

/** The policy's relationships asked with $expand: accessPackage, catalog, customExtensionStageSettings($expand=customExtension). */
function expanded(t: TenantFacts, p: StoredPolicy, call: RouteCall, beta: boolean): { readonly relations: Record<string, unknown> } | GraphReply {
  const q = readGovernanceQuery(call.query, [], beta ? ['customExtensionStageSettings'] : ['accessPackage', 'catalog', 'customExtensionStageSettings']);
  if ('status' in q) return q;
  const out: Record<string, unknown> = {};
  if (q.expansions.has('accessPackage')) out['accessPackage'] = { id: p.accessPackage, displayName: t.governance.accessPackage(p.accessPackage)?.displayName ?? null };
  const catalog = t.registry.catalog(p.catalog);
  if (q.expansions.has('catalog')) out['catalog'] = { id: p.catalog, displayName: catalog?.displayName ?? null };
  const settings = q.expansions.get('customExtensionStageSettings');
  if (settings !== undefined) {
    const problem = expandOptionsProblem(settings, ['$expand']);
    if (problem !== undefined) return problem;
    const inner = settings.options.get('$expand');
    if (inner !== undefined && inner.toLowerCase() !== 'customextension') return graphError(400, 'Request_UnsupportedQuery', `The tenant emulator expands customExtension in customExtensionStageSettings, not '${inner}'.`);
    const extension = inner === undefined ? undefined : (id: string) => {
      const ext = t.registry.extension(id);
      return ext === undefined ? { id } : extensionResource(ext);
    };
    out['customExtensionStageSettings'] = stageSettingsResource(p.stageSettings, extension);
  }
  return { relations: out };
}

/**
 * v1.0 and beta `…/assignmentPolicies/{id}` and beta `…/accessPackageAssignmentPolicies/{id}`:
 * GET (with $expand) and PUT of the whole policy, in the model of the path (v1.0's
 * requestApprovalSettings.stages, or beta's approvalStages where a dynamic stage names its extension).
 */
export function assignmentPolicy(t: TenantFacts, call: RouteCall): GraphReply {
  const beta = call.path[2]?.toLowerCase() === 'accesspackageassignmentpolicies';
  if (beta && call.version !== 'beta') return graphError(400, 'BadRequest', "Resource not found for the segment 'accessPackageAssignmentPolicies'.");
  const id = call.path[3] ?? '';
  // A PUT body is the policy as read: read-only and expanded properties are the type's too, and pass this check.
  if (call.method === 'PUT') return schemaRefusal(graphVersion(call.version), call.body, POLICY_TYPE) ?? t.registry.putPolicy(beta ? 'beta' : 'v1.0', id, call.body);
  if (call.method !== 'GET') return notAllowed();
  const policy = t.registry.policy(id);
  if (policy === undefined) return notFound(`The assignment policy '${id}'`);
  const expansion = expanded(t, policy, call, beta);
  if ('status' in expansion) return expansion;
  const set = `${ELM_SET}/${beta ? 'accessPackageAssignmentPolicies' : 'assignmentPolicies'}`;
  return { status: 200, body: { '@odata.context': odataContext(call.version, set, undefined, true), ...(beta ? policyBeta(policy) : policyV1(policy)), ...expansion.relations } };
}
