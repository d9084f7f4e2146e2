import { resumeRefusal } from '../graph/graph-actions.js';
import { graphError, isObject, type GraphReply } from '../graph/graph-errors.js';
import { graphVersion } from '../graph/graph-types.js';

export interface EmulatedTaskResult {
  readonly id: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly userProcessingResultId: string;
  readonly taskId: string;
  readonly subjectId: string;
  processingStatus: 'queued' | 'inProgress' | 'completed' | 'failed' | 'canceled';
  readonly resumes: { readonly version: string; readonly body: Record<string, unknown> }[];
}

export type AwaitTaskInput = Omit<EmulatedTaskResult, 'processingStatus' | 'resumes'>;

const PARENT_FIELDS: Readonly<Record<string, keyof EmulatedTaskResult | undefined>> = {
  runs: 'runId',
  userprocessingresults: 'userProcessingResultId',
  tasks: 'taskId',
  taskreports: undefined,
  versions: undefined,
};

/**
 * Lifecycle Workflows task processing results waiting for a custom task extension. A result
 * is addressed by any of Graph's documented paths (workflow, then runs / userProcessingResults /
 * tasks parents); `resume` succeeds (204) only while it is inProgress.
 */
export class TaskProcessingResults {
  private readonly results = new Map<string, EmulatedTaskResult>();

  awaitTask(input: AwaitTaskInput): EmulatedTaskResult {
    const result: EmulatedTaskResult = { ...input, processingStatus: 'inProgress', resumes: [] };
    this.results.set(input.id.toLowerCase(), result);
    return result;
  }

  get(id: string): EmulatedTaskResult | undefined {
    return this.results.get(id.toLowerCase());
  }

  /** Finds the result a path (after `/identityGovernance/lifecycleWorkflows`) names, or says why not. */
  locate(segments: readonly string[]): { result: EmulatedTaskResult; action: string | undefined } | GraphReply {
    // workflows/{w}/(parent/{id})*/taskProcessingResults/{id}[/action]
    const lower = segments.map((s) => s.toLowerCase());
    if (lower[0] !== 'workflows' || segments[1] === undefined) return graphError(400, 'BadRequest', 'Resource not found for the segment.');
    const tpr = lower.lastIndexOf('taskprocessingresults');
    const id = segments[tpr + 1];
    if (tpr < 2 || id === undefined || segments.length > tpr + 3) return graphError(400, 'BadRequest', 'Resource not found for the segment.');
    const result = this.get(id);
    if (result === undefined || result.workflowId !== segments[1].toLowerCase()) {
      return graphError(404, 'ResourceNotFound', `Task processing result ${id} not found.`);
    }
    for (let i = 2; i < tpr; i += 2) {
      const parent = lower[i] ?? '';
      if (!(parent in PARENT_FIELDS)) return graphError(400, 'BadRequest', `Resource not found for the segment '${segments[i] ?? ''}'.`);
      const field = PARENT_FIELDS[parent];
      if (field !== undefined && typeof result[field] === 'string' && result[field].toLowerCase() !== lower[i + 1]) {
        return graphError(404, 'ResourceNotFound', `No ${segments[i] ?? ''} ${segments[i + 1] ?? ''} for this task processing result.`);
      }
    }
    return { result, action: lower[tpr + 2] };
  }

  read(result: EmulatedTaskResult): GraphReply {
    return {
      status: 200,
      body: {
        id: result.id,
        processingStatus: result.processingStatus,
        createdDateTime: new Date().toISOString(),
        startedDateTime: new Date().toISOString(),
        completedDateTime: result.processingStatus === 'inProgress' ? null : new Date().toISOString(),
        failureReason: null,
      },
    };
  }

  resume(version: string, result: EmulatedTaskResult, body: unknown): GraphReply {
    if (!isObject(body) || !isObject(body['data'])) return graphError(400, 'BadRequest', 'The resume body must have a data object.');
    const refused = resumeRefusal(graphVersion(version), 'taskProcessingResult', body);
    if (refused !== undefined) return refused;
    if (body['type'] !== 'lifecycleEvent') return graphError(400, 'BadRequest', 'type must be lifecycleEvent.');
    const status = body['data']['operationStatus'];
    if (status !== 'completed' && status !== 'failed') return graphError(400, 'BadRequest', 'data.operationStatus must be completed or failed.');
    if (result.processingStatus !== 'inProgress') {
      return graphError(400, 'BadRequest', 'The task processing result is not waiting for a callback.');
    }
    result.processingStatus = status;
    result.resumes.push({ version, body });
    return { status: 204 };
  }
}
