import { randomUUID } from 'node:crypto';
import type { AssignmentRequests } from './assignment-requests.js';
import { calloutAnswers } from './request-answers.js';
import type { TaskProcessingResults } from './task-processing-results.js';

type Json = Record<string, unknown>;

/** Reads a key whatever its casing (the emulator does not share the app's parser). */
function get(obj: unknown, key: string): unknown {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const found = Object.keys(obj).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : (obj as Json)[found];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The id after a segment of a path, e.g. idAfter(path, 'runs'). */
function idAfter(segments: readonly string[], name: string): string | undefined {
  const i = segments.findIndex((s) => s.toLowerCase() === name.toLowerCase());
  return i < 0 ? undefined : segments[i + 1];
}

/**
 * Puts the emulated tenant in the state Entra is in when it sends this callout body: the request
 * WaitingForCallback for its stage instance (knowing the body's access package, requestor,
 * assignment with its target and policy, and answers), or the LCW task result inProgress.
 * Returns what it set up ('none' for callouts nobody waits on).
 */
export function awaitCallout(requests: AssignmentRequests, tasks: TaskProcessingResults, body: unknown): 'request' | 'task' | 'none' {
  const data = typeof get(body, 'data') === 'object' && get(body, 'data') !== null ? get(body, 'data') : body;
  const path = text(get(data, 'callbackUriPath'));
  if (path === undefined) return 'none';
  const segments = path.split('/').filter((s) => s !== '');
  if (path.toLowerCase().includes('/lifecycleworkflows/')) {
    tasks.awaitTask({
      id: (idAfter(segments, 'taskProcessingResults') ?? randomUUID()).toLowerCase(),
      workflowId: (idAfter(segments, 'workflows') ?? randomUUID()).toLowerCase(),
      runId: (idAfter(segments, 'runs') ?? randomUUID()).toLowerCase(),
      userProcessingResultId: (idAfter(segments, 'userProcessingResults') ?? randomUUID()).toLowerCase(),
      taskId: (idAfter(segments, 'tasks') ?? text(get(get(data, 'task'), 'id')) ?? randomUUID()).toLowerCase(),
      subjectId: text(get(get(data, 'subject'), 'id')) ?? randomUUID(),
    });
    return 'task';
  }
  const stage = text(get(data, 'stage'));
  const requestId = text(get(data, 'accessPackageAssignmentRequestId'));
  const stageInstanceId = text(get(data, 'customExtensionStageInstanceId'));
  if (stage === undefined || requestId === undefined || stageInstanceId === undefined) return 'none';
  const assignment = get(data, 'assignment');
  // The policy is `AssignmentPolicy` in Entra's callouts (`AccessPackageAssignmentPolicy` in older ones, often null beside it).
  const policy = get(assignment, 'assignmentPolicy') ?? get(assignment, 'accessPackageAssignmentPolicy');
  requests.awaitCallback({
    requestId,
    stage,
    stageInstanceId,
    requestType: text(get(data, 'requestType')) ?? 'userAdd',
    accessPackageId: text(get(get(data, 'accessPackage'), 'id')),
    requestorId: text(get(get(data, 'requestor'), 'objectId')),
    assignmentId: text(get(assignment, 'id')),
    assignmentPolicyId: text(get(policy, 'id')),
    targetId: text(get(get(assignment, 'target'), 'objectId')),
    answers: calloutAnswers(get(data, 'answers')),
  });
  return 'request';
}
