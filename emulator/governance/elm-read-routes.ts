import { REQUEST_PROPERTIES } from './assignment-requests.js';
import { expandedProperties, expandOptionsProblem, readGovernanceQuery, selection } from '../graph/collection-query.js';
import type { DirectoryCall } from '../directory/directory-routes.js';
import { graphError, type GraphReply } from '../graph/graph-errors.js';
import { collectionReply } from '../graph/graph-paging.js';
import {
  ACCESS_PACKAGE_PROPERTIES, accessPackageResource, ASSIGNMENT_PROPERTIES, assignmentResource, roleScopeResource, SUBJECT_PROPERTIES, subjectResource,
  type ScopeExpansion,
} from './governance-resources.js';
import type { ExpandItem } from '../graph/odata-query.js';
import { answersResource } from './request-answers.js';
import type { TenantFacts } from '../directory/tenant-facts.js';
import { odataContext, resolveSelect } from '../directory/user-resource.js';

const ELM_SET = 'identityGovernance/entitlementManagement';
const PACKAGE_TYPE = 'microsoft.graph.accessPackage';
const SUBJECT_TYPE = 'microsoft.graph.accessPackageSubject';

/** `$expand=accessPackage(…)` and a subject (target or requestor), resolved: the properties to answer of each, undefined when not expanded. */
function expandedRefs(expansions: ReadonlyMap<string, ExpandItem>, subject: string, version: string): { pkg: string[] | undefined; subject: string[] | undefined } | GraphReply {
  const pkg = expandedProperties(expansions.get('accessPackage'), ACCESS_PACKAGE_PROPERTIES, ACCESS_PACKAGE_PROPERTIES, PACKAGE_TYPE);
  if (pkg !== undefined && 'status' in pkg) return pkg;
  const known = SUBJECT_PROPERTIES[version] ?? [];
  const person = expandedProperties(expansions.get(subject), known, known, SUBJECT_TYPE);
  if (person !== undefined && 'status' in person) return person;
  return { pkg, subject: person };
}

/**
 * GET …/entitlementManagement/assignments: `$filter=target/objectId eq '…'` and/or
 * `accessPackage/id eq '…'`, `$expand=accessPackage($select=…)` and/or `target`, `$select`, paged.
 */
export function assignmentList(t: TenantFacts, call: DirectoryCall): GraphReply {
  // Beta has no assignments set (its accessPackageAssignments answers another model: assignmentState, assignmentStatus…).
  if (call.version === 'beta') return graphError(400, 'BadRequest', "Resource not found for the segment 'assignments'.");
  const q = readGovernanceQuery(call.query, ['target/objectId', 'accessPackage/id'], ['accessPackage', 'target']);
  if ('status' in q) return q;
  const properties = resolveSelect(q.select, ASSIGNMENT_PROPERTIES, ASSIGNMENT_PROPERTIES, 'microsoft.graph.accessPackageAssignment');
  if ('status' in properties) return properties;
  const expand = expandedRefs(q.expansions, 'target', call.version);
  if ('status' in expand) return expand;
  const g = t.governance;
  const assignments = g.assignments.where({ target: q.filters.get('target/objectId'), accessPackage: q.filters.get('accessPackage/id') });
  const context = odataContext(call.version, `${ELM_SET}/assignments`, selection(q, properties), false);
  return collectionReply({ origin: t.origin, ...call }, q, assignments, g.pageSize, context, (a) => ({
    ...assignmentResource(a, properties),
    ...(expand.pkg === undefined ? {} : { accessPackage: accessPackageResource(a.accessPackage, g.accessPackage(a.accessPackage), expand.pkg) }),
    ...(expand.subject === undefined ? {} : { target: subjectResource(a.target, t.directory.byId(a.target), expand.subject) }),
  }));
}

/** Graph's accessPackageRequestState members (v1.0), which `$filter=state eq '…'` takes (the property "Supports $filter (eq)"). */
const REQUEST_STATES = ['submitted', 'pendingApproval', 'delivering', 'delivered', 'deliveryFailed', 'denied', 'scheduled', 'canceled', 'partiallyDelivered', 'unknownFutureValue'];

/**
 * Times out the callouts whose callback window has passed (AssignmentRequests.expireCallouts),
 * against the requests' clock and the window of each custom extension the registry holds
 * (`callbackConfiguration.timeoutDuration`; the default PT1H for one it does not know). Every
 * read and resume of a request calls it first: the tenant's callouts time out lazily, as they are
 * looked at.
 */
export function settleCallouts(t: Pick<TenantFacts, 'requests' | 'registry'>): void {
  t.requests.expireCallouts(t.requests.clock(), (id) => {
    const callback = t.registry.extension(id)?.body['callbackConfiguration'];
    const window = typeof callback === 'object' && callback !== null ? (callback as Record<string, unknown>)['timeoutDuration'] : undefined;
    return typeof window === 'string' ? window : undefined;
  });
}

/**
 * GET …/entitlementManagement/assignmentRequests (the list): `$filter=requestor/objectId eq '…'`,
 * `accessPackage/id eq '…'` and/or `state eq '…'` (v1.0; beta's list is another collection),
 * `$expand=accessPackage($select=…)` and/or `requestor`, `$select`, paged. Each request as it
 * stands now: its state follows the callouts resumed and timed out. Graph documents no filter on
 * the package's catalog (`accessPackage/catalog/id`): it is refused, as any other.
 */
export function requestList(t: TenantFacts, call: DirectoryCall): GraphReply {
  const states = call.version === 'beta' ? {} : { state: REQUEST_STATES };
  const q = readGovernanceQuery(call.query, ['requestor/objectId', 'accessPackage/id', ...Object.keys(states)], ['accessPackage', 'requestor'], states);
  if ('status' in q) return q;
  settleCallouts(t);
  const known = REQUEST_PROPERTIES[call.version] ?? [];
  const properties = q.select === undefined ? undefined : resolveSelect(q.select, known, known, 'microsoft.graph.accessPackageAssignmentRequest');
  if (properties !== undefined && 'status' in properties) return properties;
  const expand = expandedRefs(q.expansions, 'requestor', call.version);
  if ('status' in expand) return expand;
  const requests = t.requests.where({ requestorId: q.filters.get('requestor/objectId'), accessPackageId: q.filters.get('accessPackage/id'), state: q.filters.get('state') });
  const context = odataContext(call.version, `${ELM_SET}/assignmentRequests`, properties && selection(q, properties), false);
  return collectionReply({ origin: t.origin, ...call }, q, requests, t.governance.pageSize, context, (r) => {
    const all = t.requests.resource(call.version, r);
    const pkg = r.accessPackageId;
    const requestor = r.requestorId;
    return {
      ...(properties === undefined ? all : Object.fromEntries(properties.map((p) => [p, p === 'answers' ? answersResource(call.version, r.answers) : (all[p] ?? null)]))),
      ...(expand.pkg === undefined ? {} : { accessPackage: pkg === undefined ? null : accessPackageResource(pkg, t.governance.accessPackage(pkg), expand.pkg) }),
      ...(expand.subject === undefined ? {} : { requestor: requestor === undefined ? null : subjectResource(requestor, t.directory.byId(requestor), expand.subject) }),
    };
  });
}

/** `$expand=resourceRoleScopes($expand=role,scope)`: which halves of each scope to answer; undefined when not expanded. */
function scopeExpansion(item: ExpandItem | undefined): ScopeExpansion | undefined | GraphReply {
  if (item === undefined) return undefined;
  const problem = expandOptionsProblem(item, ['$expand']);
  if (problem !== undefined) return problem;
  const names = (item.options.get('$expand') ?? '').split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
  const other = names.find((n) => n !== 'role' && n !== 'scope');
  if (other !== undefined) return graphError(400, 'Request_UnsupportedQuery', `The tenant emulator expands role and scope in resourceRoleScopes, not '${other}'.`);
  return { role: names.includes('role'), scope: names.includes('scope') };
}

/** The catalog properties the emulator knows (the tenant file gives id and display name). */
const CATALOG_PROPERTIES = ['id', 'displayName'];

/**
 * GET …/entitlementManagement/accessPackages/{id}, with `$select`,
 * `$expand=resourceRoleScopes($expand=role,scope)` (what the package grants, as Graph describes
 * groups (AadGroup) and app roles (AadApplication)) and `$expand=catalog($select=…)`.
 */
export function accessPackageEntity(t: TenantFacts, call: DirectoryCall): GraphReply {
  const q = readGovernanceQuery(call.query, [], ['resourceRoleScopes', 'catalog']);
  if ('status' in q) return q;
  const properties = resolveSelect(q.select, ACCESS_PACKAGE_PROPERTIES, ACCESS_PACKAGE_PROPERTIES, PACKAGE_TYPE);
  if ('status' in properties) return properties;
  const expand = scopeExpansion(q.expansions.get('resourceRoleScopes'));
  if (expand !== undefined && 'status' in expand) return expand;
  const catalogProperties = expandedProperties(q.expansions.get('catalog'), CATALOG_PROPERTIES, CATALOG_PROPERTIES, 'microsoft.graph.accessPackageCatalog');
  if (catalogProperties !== undefined && 'status' in catalogProperties) return catalogProperties;
  const id = call.path[3] ?? '';
  const pkg = t.governance.accessPackage(id);
  if (pkg === undefined) return graphError(404, 'ResourceNotFound', `The access package '${id}' does not exist.`);
  const selected = q.select === undefined ? undefined : [...properties, ...(expand === undefined ? [] : ['resourceRoleScopes']), ...(catalogProperties === undefined ? [] : ['catalog'])];
  return {
    status: 200,
    body: {
      '@odata.context': odataContext(call.version, `${ELM_SET}/accessPackages`, selected, true),
      ...accessPackageResource(pkg.id, pkg, properties),
      ...(expand === undefined ? {} : { resourceRoleScopes: pkg.resourceRoleScopes.map((scope) => roleScopeResource(t.governance, pkg, scope, expand)) }),
      ...(catalogProperties === undefined ? {} : { catalog: pkg.catalog === null ? null : Object.fromEntries(catalogProperties.map((p) => [p, (pkg.catalog as Record<string, unknown>)[p] ?? null])) }),
    },
  };
}
