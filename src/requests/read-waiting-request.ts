import type * as V1 from '@microsoft/microsoft-graph-types';
import type { Answer, Named, Subject } from '../callout/model.js';
import { AppError } from '../errors.js';
import { graphErrorCode, type GraphAnswer, type GraphCall, type GraphHttp } from '../graph/graph-http.js';
import { graphPath } from '../graph/graph-path.js';
import type { Unchecked } from '../graph/graph-types.js';
import { describeRead } from '../graph/paging.js';
import { Deadline, sendWithRetry } from '../graph/retry.js';
import { parseGuid, type Guid } from '../guid.js';
import { isSelfService } from '../request-types.js';
import type { Clock } from '../ports.js';

const ELM = ['identityGovernance', 'entitlementManagement'] as const;
/** As many answers as a callout may carry (src/ingress/callout-schemas.ts). */
const MAX_ANSWERS = 200;

/**
 * What a callout carries about its request, read from Graph instead: the sweep's fresh evaluation
 * of a request whose callout never reached us (or whose answer was lost before any decision).
 */
export interface WaitingRequest {
  readonly id: Guid;
  readonly requestType: string | undefined;
  readonly state: string | undefined;
  readonly status: string | undefined;
  readonly accessPackage: Named | undefined;
  readonly assignmentId: Guid | undefined;
  readonly assignmentPolicy: Named | undefined;
  /** The assignment's target, as Graph shows it; undefined when it shows none. */
  readonly target: Subject | undefined;
  readonly requestor: Subject | undefined;
  readonly answers: readonly Answer[];
}

/** One stage setting of an assignment policy: the stage, and the custom extension it calls. */
export interface StageSetting {
  readonly stage: string;
  readonly extensionId: Guid | undefined;
}

export interface SweepGraph {
  readonly http: GraphHttp;
  readonly clock: Clock;
  /** Time one attempt may take, and one read may spend with retries. */
  readonly timeoutMs: number;
  readonly budgetMs: number;
}

type RequestAnswer = Unchecked<V1.AccessPackageAssignmentRequest, 'id' | 'requestType' | 'state' | 'status' | 'accessPackage' | 'assignment' | 'requestor' | 'answers'>;
type AssignmentAnswer = Unchecked<V1.AccessPackageAssignment, 'id' | 'target' | 'assignmentPolicy'>;
type SubjectAnswer = Unchecked<V1.AccessPackageSubject, 'objectId' | 'displayName' | 'principalName' | 'email' | 'subjectType'>;
type NamedAnswer = Unchecked<V1.AccessPackage, 'id' | 'displayName'>;
type AnswerAnswer = Unchecked<V1.AccessPackageAnswerString, 'value' | 'displayValue' | 'answeredQuestion'>;
type QuestionAnswer = Unchecked<V1.AccessPackageQuestion, 'id' | 'text'>;
type PolicyAnswer = Unchecked<V1.AccessPackageAssignmentPolicy, 'id' | 'customExtensionStageSettings'>;
type SettingAnswer = Unchecked<V1.CustomExtensionStageSetting, 'stage' | 'customExtension'>;

const objectOf = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
/** A text of Graph's, bounded as a callout's is (a hostile answer cannot grow a record). */
const text = (value: unknown, max = 1024): string | undefined => (typeof value === 'string' && value !== '' ? value.slice(0, max) : undefined);

/** An id Graph gives where an id goes: a GUID, absent, or a broken answer (never passed on as anything else). */
function idOf(value: unknown, where: string, call: GraphCall): Guid | undefined {
  if (value === undefined || value === null) return undefined;
  const id = parseGuid(value);
  if (id === undefined) throw invalid(call, `${where} is not a GUID`);
  return id;
}

function invalid(call: GraphCall, why: string): AppError {
  return new AppError('GRAPH.INVALID_RESPONSE', `Graph's answer to ${describeRead(call)} cannot be used: ${why}.`, { retryable: true });
}

function refused(answer: GraphAnswer, call: GraphCall): AppError {
  return new AppError('GRAPH.REJECTED', `Graph answered ${String(answer.status)} ${graphErrorCode(answer)} to ${describeRead(call)}.`, {
    details: { status: answer.status, code: graphErrorCode(answer) },
  });
}

function subjectOf(value: unknown, where: string, call: GraphCall): Subject | undefined {
  const json: SubjectAnswer | undefined = objectOf(value);
  if (json === undefined) return undefined;
  const objectId = idOf(json.objectId, `${where}.objectId`, call);
  return { objectId, displayName: text(json.displayName), principalName: text(json.principalName), email: text(json.email), subjectType: text(json.subjectType, 64) };
}

function namedOf(value: unknown, where: string, call: GraphCall): Named | undefined {
  const json: NamedAnswer | undefined = objectOf(value);
  return json === undefined ? undefined : { id: idOf(json.id, `${where}.id`, call), displayName: text(json.displayName) };
}

function answersOf(value: unknown, call: GraphCall): Answer[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(call, 'answers is not a collection');
  if (value.length > MAX_ANSWERS) throw invalid(call, `it holds ${String(value.length)} answers, more than the ${String(MAX_ANSWERS)} a callout may carry`);
  return value.map((item) => {
    const json: AnswerAnswer | undefined = objectOf(item);
    const question: QuestionAnswer | undefined = objectOf(json?.answeredQuestion);
    const value = json?.value;
    return {
      questionId: text(question?.id, 128),
      questionText: text(question?.text, 4096),
      value: typeof value === 'string' ? value.slice(0, 4096) : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined,
      displayValue: text(json?.displayValue, 4096),
    };
  });
}

/** Graph's reads for a fresh evaluation: each retried within its own budget, answers checked before use. */
export class WaitingRequestReader {
  constructor(private readonly graph: SweepGraph) {}

  private async get(call: GraphCall): Promise<GraphAnswer> {
    const { clock, timeoutMs, budgetMs, http } = this.graph;
    return sendWithRetry(http, call, Deadline.after(clock, budgetMs), { clock, timeoutMs });
  }

  /**
   * GET v1.0 …/assignmentRequests/{id} with what a callout carries: the package, the requestor,
   * the assignment with its target and policy (`$expand`, as Graph's reference documents), and the
   * answers. Undefined when Graph no longer has the request (404).
   */
  async request(id: Guid): Promise<WaitingRequest | undefined> {
    const call: GraphCall = {
      method: 'GET',
      version: 'v1.0',
      path: graphPath([...ELM, 'assignmentRequests', id], {
        $select: 'id,requestType,state,status,answers',
        $expand: 'accessPackage($select=id,displayName),requestor,assignment($select=id;$expand=target,assignmentPolicy($select=id,displayName))',
      }),
    };
    const answer = await this.get(call);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw refused(answer, call);
    const json: RequestAnswer | undefined = objectOf(answer.json);
    if (json === undefined || idOf(json.id, 'id', call) !== id) throw invalid(call, 'it is not that request');
    const assignment: AssignmentAnswer | undefined = objectOf(json.assignment);
    return {
      id,
      requestType: text(json.requestType, 64),
      state: text(json.state, 64),
      status: text(json.status, 256),
      accessPackage: namedOf(json.accessPackage, 'accessPackage', call),
      assignmentId: idOf(assignment?.id, 'assignment.id', call),
      assignmentPolicy: namedOf(assignment?.assignmentPolicy, 'assignment.assignmentPolicy', call),
      target: subjectOf(assignment?.target, 'assignment.target', call),
      requestor: subjectOf(json.requestor, 'requestor', call),
      answers: answersOf(json.answers, call),
    };
  }

  /** GET v1.0 …/assignmentPolicies/{id} with its stage settings and their extensions: which stage calls which extension. */
  async stageSettings(policyId: Guid): Promise<StageSetting[]> {
    const call: GraphCall = {
      method: 'GET',
      version: 'v1.0',
      path: graphPath([...ELM, 'assignmentPolicies', policyId], { $expand: 'customExtensionStageSettings($expand=customExtension)' }),
    };
    const answer = await this.get(call);
    if (answer.status !== 200) throw refused(answer, call);
    const json: PolicyAnswer | undefined = objectOf(answer.json);
    const settings = json?.customExtensionStageSettings;
    if (json === undefined || idOf(json.id, 'id', call) !== policyId || !Array.isArray(settings)) throw invalid(call, 'it is not that policy with its stage settings');
    return settings.flatMap((item) => {
      const setting: SettingAnswer | undefined = objectOf(item);
      const stage = text(setting?.stage, 128);
      if (stage === undefined) return [];
      return [{ stage, extensionId: idOf(objectOf(setting?.customExtension)?.['id'], 'customExtensionStageSettings.customExtension.id', call) }];
    });
  }
}

/** Whom the request is for: the assignment's target, else the requestor when they asked for themselves. */
export function targetOf(request: WaitingRequest): WaitingRequest['target'] {
  if (request.target?.objectId !== undefined) return request.target;
  return isSelfService(request.requestType) ? request.requestor : undefined;
}
