import { REQUEST_PROPERTIES } from './assignment-requests.js';
import { expandedProperties, expandOptionsProblem, readGovernanceQuery, servedExpansions } from '../graph/collection-query.js';
import { graphError, type GraphReply } from '../graph/graph-errors.js';
import {
  ACCESS_PACKAGE_PROPERTIES, accessPackageResource, ASSIGNMENT_PROPERTIES, assignmentResource, derivedId, SUBJECT_PROPERTIES, subjectResource,
} from './governance-resources.js';
import type { TenantAssignment } from './governance-values.js';
import { parseExpand, parseSelect, type ExpandItem } from '../graph/odata-query.js';
import { answersResource } from './request-answers.js';
import type { EmulatedRequest } from './request-model.js';
import type { TenantFacts } from '../directory/tenant-facts.js';
import { odataContext, resolveSelect } from '../directory/user-resource.js';

type Json = Record<string, unknown>;

const SET = 'identityGovernance/entitlementManagement/assignmentRequests';
const G = 'microsoft.graph';
/** The relationships `$expand` serves on a v1.0 request (Graph's reference names these three), and on its assignment. */
const REQUEST_EXPANDS = ['accessPackage', 'requestor', 'assignment'];
const ASSIGNMENT_EXPANDS = ['target', 'assignmentPolicy', 'accessPackage'];
/** The assignment policy properties the emulator answers in an expansion (its registry's). */
const POLICY_PROPERTIES = ['id', 'displayName', 'description'];
/** Request types in which users ask for themselves: the assignment's target is the requestor. */
const SELF_SERVICE = /^user/i;

/** What the expansions of one request are read from. */
interface Source {
  readonly t: TenantFacts;
  readonly request: EmulatedRequest;
  /** The tenant's assignment of the request's assignment id, when the tenant holds it. */
  readonly held: TenantAssignment | undefined;
}

/** One expanded relationship: its name as @odata.context says it (`assignmentPolicy(id,displayName)`), and its value. */
interface Expansion {
  readonly name: string;
  readonly context: string;
  readonly value: (s: Source) => unknown;
}

/**
 * The user a request's assignment is for: the one the request knows (seed or callout), the holder
 * of its assignment in the tenant, else the requestor of a user* request; unknown for the others.
 */
export function targetOf(request: EmulatedRequest, held?: TenantAssignment): string | undefined {
  return request.targetId ?? held?.target ?? (SELF_SERVICE.test(request.requestType) ? request.requestorId : undefined);
}

const pick = (all: Json, properties: readonly string[]): Json => Object.fromEntries(properties.map((p) => [p, all[p] ?? null]));

/** A relationship whose only option served is `$select`, resolved against `known`. */
function selectOnly(item: ExpandItem, name: string, known: readonly string[], type: string, value: (properties: string[], s: Source) => unknown): Expansion | GraphReply {
  const properties = expandedProperties(item, known, known, `${G}.${type}`) ?? [...known];
  if ('status' in properties) return properties;
  const context = item.options.has('$select') ? `${name}(${properties.join(',')})` : name;
  return { name, context, value: (s) => value(properties, s) };
}

function packageExpansion(item: ExpandItem, pkgOf: (s: Source) => string | undefined): Expansion | GraphReply {
  return selectOnly(item, 'accessPackage', ACCESS_PACKAGE_PROPERTIES, 'accessPackage', (properties, s) => {
    const id = pkgOf(s);
    return id === undefined ? null : accessPackageResource(id, s.t.governance.accessPackage(id), properties);
  });
}

function subjectExpansion(item: ExpandItem, name: string, version: string, userOf: (s: Source) => string | undefined): Expansion | GraphReply {
  return selectOnly(item, name, SUBJECT_PROPERTIES[version] ?? [], 'accessPackageSubject', (properties, s) => {
    const id = userOf(s);
    return id === undefined ? null : subjectResource(id, s.t.directory.byId(id), properties);
  });
}

const packageOf = (s: Source): string | undefined => s.request.accessPackageId ?? s.held?.accessPackage;

/** `$expand=assignment($select=…;$expand=target,assignmentPolicy($select=…),accessPackage($select=…))`. */
function assignmentExpansion(item: ExpandItem, version: string): Expansion | GraphReply {
  const problem = expandOptionsProblem(item, ['$select', '$expand']);
  if (problem !== undefined) return problem;
  const selectText = item.options.get('$select');
  const select = selectText === undefined ? undefined : parseSelect(selectText);
  if (select !== undefined && 'status' in select) return select;
  const properties = resolveSelect(select, ASSIGNMENT_PROPERTIES, ASSIGNMENT_PROPERTIES, `${G}.accessPackageAssignment`);
  if ('status' in properties) return properties;
  const expandText = item.options.get('$expand');
  const items = expandText === undefined ? [] : parseExpand(expandText);
  if (!Array.isArray(items)) return items;
  const named = servedExpansions(items, ASSIGNMENT_EXPANDS);
  if ('status' in named) return named;
  const nested: Expansion[] = [];
  for (const [name, inner] of named) {
    const expansion =
      name === 'target'
        ? subjectExpansion(inner, 'target', version, (s) => targetOf(s.request, s.held))
        : name === 'accessPackage'
          ? packageExpansion(inner, packageOf)
          : selectOnly(inner, 'assignmentPolicy', POLICY_PROPERTIES, 'accessPackageAssignmentPolicy', (props, s) => policyResource(s, props));
    if ('status' in expansion) return expansion;
    nested.push(expansion);
  }
  const inside = selectText === undefined && nested.length === 0 ? [] : [...(selectText === undefined ? [] : properties), ...nested.map((n) => n.context)];
  return {
    name: 'assignment',
    context: inside.length === 0 ? 'assignment' : `assignment(${inside.join(',')})`,
    value: (s) => {
      const { request, held } = s;
      // A request Entra made has its assignment from the start; the emulator shows one when it knows anything of it.
      if (request.assignmentId === undefined && targetOf(request, held) === undefined && request.assignmentPolicyId === undefined) return null;
      const id = request.assignmentId ?? derivedId('assignment', request.id);
      const own = held === undefined ? pick({ id }, properties) : assignmentResource(held, properties);
      return { ...own, ...Object.fromEntries(nested.map((n) => [n.name, n.value(s)])) };
    },
  };
}

function policyResource(s: Source, properties: readonly string[]): Json | null {
  const id = s.request.assignmentPolicyId;
  if (id === undefined) return null;
  const policy = s.t.registry.policy(id);
  return pick({ id, displayName: policy?.displayName, description: policy?.description }, properties);
}

/**
 * GET …/assignmentRequests/{id}: v1.0 says state/status, beta requestState/requestStatus. With
 * $select, `id` and the selected properties only (an unknown one refused as Graph does; `answers`
 * as accessPackageAnswerString). On v1.0, `$expand` of accessPackage, requestor and assignment
 * (its `$select`, and `$expand` of target, assignmentPolicy and accessPackage), each with its
 * `$select`. Any other option is refused with Request_UnsupportedQuery.
 */
export function requestEntity(t: TenantFacts, version: string, id: string, query: URLSearchParams): GraphReply {
  const q = readGovernanceQuery(query, [], version === 'beta' ? [] : REQUEST_EXPANDS);
  if ('status' in q) return q;
  const known = REQUEST_PROPERTIES[version] ?? [];
  const properties = q.select === undefined ? undefined : resolveSelect(q.select, known, known, `${G}.accessPackageAssignmentRequest`);
  if (properties !== undefined && 'status' in properties) return properties;
  const expansions: Expansion[] = [];
  for (const [name, item] of q.expansions) {
    const expansion =
      name === 'accessPackage'
        ? packageExpansion(item, packageOf)
        : name === 'requestor'
          ? subjectExpansion(item, 'requestor', version, (s) => s.request.requestorId)
          : assignmentExpansion(item, version);
    if ('status' in expansion) return expansion;
    expansions.push(expansion);
  }
  const request = t.requests.get(id);
  if (request === undefined) return graphError(404, 'ResourceNotFound', `Assignment request ${id} not found.`);
  const all = t.requests.resource(version, request);
  const own = properties === undefined ? all : Object.fromEntries(properties.map((p) => [p, p === 'answers' ? answersResource(version, request.answers) : (all[p] ?? null)]));
  const subject: Source = { t, request, held: request.assignmentId === undefined ? undefined : t.governance.assignments.get(request.assignmentId) };
  const selection = properties === undefined ? undefined : [...properties, ...expansions.map((e) => e.context)];
  return {
    status: 200,
    body: {
      '@odata.context': odataContext(version, SET, selection, true),
      ...own,
      ...Object.fromEntries(expansions.map((e) => [e.name, e.value(subject)])),
    },
  };
}
