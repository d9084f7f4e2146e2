import { AppError } from '../errors.js';
import type { ResumeTarget } from '../callout/model.js';
import { childPath, graphPath, type Segment } from '../graph/graph-path.js';
import { parseGuid, type Guid } from '../guid.js';
import { asciiLower } from '../ascii.js';

/**
 * `callbackUriPath` is untrusted: our identity may write to entitlement management, so a forged
 * path must not make us a confused deputy. A path is accepted only when it is one of the resume
 * paths Graph documents, for the very request (or LCW task result) the body names. We then call
 * a path we rebuild from the validated ids, never the string we were given.
 */
const ELM_BASE = ['identityGovernance', 'entitlementManagement'] as const;
const LCW_BASE = ['identityGovernance', 'lifecycleWorkflows', 'workflows'] as const;
const GUID_SEGMENT = { test: (value: string) => parseGuid(value) !== undefined };
/** Segments that may sit between a workflow and its task processing result (Graph's documented
 *  and metadata forms), each with its id's form: a GUID, or a workflow version number. */
const LCW_PARENTS = new Map<string, { name: string; id: { test(value: string): boolean } }>([
  ['runs', { name: 'runs', id: GUID_SEGMENT }],
  ['userprocessingresults', { name: 'userProcessingResults', id: GUID_SEGMENT }],
  ['tasks', { name: 'tasks', id: GUID_SEGMENT }],
  ['taskreports', { name: 'taskReports', id: GUID_SEGMENT }],
  ['versions', { name: 'versions', id: /^[1-9][0-9]{0,5}$/ }],
]);
const LCW_ACTIONS = new Map([
  ['resume', 'resume'],
  ['microsoft.graph.identitygovernance.resume', 'microsoft.graph.identityGovernance.resume'],
]);

function badPath(reason: string): AppError {
  return new AppError('CALLOUT.INVALID_CALLBACK_PATH', `callbackUriPath is not accepted: ${reason}.`, {
    details: { reason },
  });
}

function mismatch(what: string): AppError {
  return new AppError('CALLOUT.ID_MISMATCH', `callbackUriPath names another ${what} than the callout body.`, {
    details: { field: what },
  });
}

/** Splits a raw path into (ASCII-only) lower-cased segments after the generic checks every form shares. */
function segments(raw: string): { lower: string[]; original: string[] } {
  if (/^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith('//')) throw badPath('it must be a path, not an absolute URL');
  if (!raw.startsWith('/')) throw badPath('it must start with "/"');
  // eslint-disable-next-line no-control-regex
  if (/[?#%\\\s\u0000-\u001f\u007f]/.test(raw)) throw badPath('it may not hold a query, fragment, escape or whitespace');
  const original = raw.slice(1).split('/');
  if (original.some((s) => s === '' || s === '.' || s === '..')) throw badPath('it has empty or relative segments');
  // A version prefix is tolerated and ignored: the stage decides the version we call.
  const first = original[0] === undefined ? undefined : asciiLower(original[0]);
  if (first === 'v1.0' || first === 'beta') original.shift();
  return { lower: original.map(asciiLower), original };
}

function requireGuid(value: string | undefined, what: string): Guid {
  const id = parseGuid(value);
  if (id === undefined) throw badPath(`${what} is not a GUID`);
  return id;
}

/**
 * Validates an entitlement-management callback path against the body's request id and returns
 * the canonical resume target (`/assignmentRequests/{id}/resume`, valid in v1.0 and beta).
 * Accepted forms: `/assignmentRequests/{id}/resume` and beta's retiring
 * `/accessPackageAssignmentRequests/{id}/resume` and
 * `/accessPackageAssignments/{assignmentId}/accessPackageAssignmentRequests/{id}/resume`.
 */
export function elmResumeTarget(raw: string, requestId: Guid, assignmentId: Guid | undefined): ResumeTarget {
  const { lower, original } = segments(raw);
  const prefix = ['identitygovernance', 'entitlementmanagement'];
  if (lower[0] !== prefix[0] || lower[1] !== prefix[1]) throw badPath('it is not an entitlement management path');
  const rest = lower.slice(2);
  const ids = original.slice(2);
  let pathRequestId: Guid;
  if (rest.length === 3 && (rest[0] === 'assignmentrequests' || rest[0] === 'accesspackageassignmentrequests') && rest[2] === 'resume') {
    pathRequestId = requireGuid(ids[1], 'the request id');
  } else if (
    rest.length === 5 && rest[0] === 'accesspackageassignments' && rest[2] === 'accesspackageassignmentrequests' && rest[4] === 'resume'
  ) {
    const pathAssignmentId = requireGuid(ids[1], 'the assignment id');
    if (assignmentId !== undefined && pathAssignmentId !== assignmentId) throw mismatch('assignment');
    pathRequestId = requireGuid(ids[3], 'the request id');
  } else {
    throw badPath('it is not the resume action of an access package assignment request');
  }
  if (pathRequestId !== requestId) throw mismatch('request');
  const canonical = graphPath([...ELM_BASE, 'assignmentRequests', pathRequestId]);
  return { path: childPath(canonical, 'resume'), confirmPath: canonical };
}

export interface LcwIds {
  readonly taskProcessingResultId: Guid;
  readonly workflowId: Guid | undefined;
  readonly taskId: Guid | undefined;
}

/**
 * Validates a Lifecycle Workflows callback path: `/identityGovernance/lifecycleWorkflows/workflows/{id}`,
 * then parent segments Graph documents (runs, userProcessingResults, tasks, taskReports, versions),
 * then `/taskProcessingResults/{id}/resume` (or `microsoft.graph.identityGovernance.resume`).
 * The workflow, task and task processing result must be the ones the body names.
 */
export function lcwResumeTarget(raw: string, ids: LcwIds): ResumeTarget {
  const { lower, original } = segments(raw);
  if (lower[0] !== 'identitygovernance' || lower[1] !== 'lifecycleworkflows' || lower[2] !== 'workflows') {
    throw badPath('it is not a Lifecycle Workflows path');
  }
  const workflowId = requireGuid(original[3], 'the workflow id');
  if (ids.workflowId !== undefined && workflowId !== ids.workflowId) throw mismatch('workflow');
  const parts: Segment[] = [...LCW_BASE, workflowId];
  let i = 4;
  const seen = new Set<string>();
  while (i < lower.length - 3) {
    const parent = LCW_PARENTS.get(lower[i] ?? '');
    if (parent === undefined || seen.has(parent.name)) throw badPath('it is not the resume action of a task processing result');
    seen.add(parent.name);
    const parentId = original[i + 1] ?? '';
    if (!parent.id.test(parentId)) throw badPath(`the ${parent.name} id is malformed`);
    const id = parseGuid(parentId) ?? parentId;
    if (parent.name === 'tasks' && ids.taskId !== undefined && id !== ids.taskId) throw mismatch('task');
    parts.push(parent.name, id);
    i += 2;
  }
  const action = LCW_ACTIONS.get(lower[i + 2] ?? '');
  if (lower[i] !== 'taskprocessingresults' || action === undefined || i + 3 !== lower.length) {
    throw badPath('it is not the resume action of a task processing result');
  }
  const resultId = requireGuid(original[i + 1], 'the task processing result id');
  if (resultId !== ids.taskProcessingResultId) throw mismatch('task processing result');
  parts.push('taskProcessingResults', resultId);
  const canonical = graphPath(parts);
  return { path: childPath(canonical, action), confirmPath: canonical };
}
