import { resumeOf } from '../callout/ledger-entries.js';
import { DEFAULT_APPROVAL_STAGE } from '../decision/approval-stage.js';
import type { Decision } from '../decision/decision.js';
import { elmResume, type ShapedResume } from '../decision/resume-request.js';
import { isAppError } from '../errors.js';
import { stagesForState } from '../graph/callout-state.js';
import { graphErrorCode, GraphTransportError, type GraphCall, type GraphHttp } from '../graph/graph-http.js';
import { graphPath } from '../graph/graph-path.js';
import { Deadline, sendWithRetry } from '../graph/retry.js';
import type { Guid } from '../guid.js';
import { ledgerKey, type DecisionLedger, type LedgerEntry } from '../ledger/ledger.js';
import type { Clock } from '../ports.js';
import { isWaitingForCallback, listedRequest, type ListedInstance, type ListedRequest } from '../requests/classify-requests.js';
import { RequestsReader } from '../requests/read-requests.js';
import { RequestsError } from '../requests/requests-error.js';
import { WaitingRequestReader, type WaitingRequest } from '../requests/read-waiting-request.js';
import { requestCallout, type RebuiltCallout } from '../requests/request-callout.js';
import { stageCapabilities, stageMayDeny, type ElmStage } from '../stages.js';
import { OPERATOR_STAGES, type ResumeArgs } from './resume-args.js';
import { ResumeError } from './resume-error.js';

const ELM = ['identityGovernance', 'entitlementManagement'] as const;
const OPEN = new Set(['calloutsent', 'waitingforcallback']);
const isOpen = (instance: ListedInstance): boolean => OPEN.has((instance.status ?? '').toLowerCase());

/** The synthetic callout an operator's resume answers: an entitlement-management request stage with a resume target. */
export type OperatorCallout = RebuiltCallout;

export interface PlanServices {
  /** Read only: the plan writes nothing. */
  readonly http: GraphHttp;
  readonly graphOrigin: string;
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly budgetMs: number;
  readonly ledger: DecisionLedger;
  readonly allowDenyAtApprovedStage: boolean;
}

/** What will be sent, and why that body. */
export interface ResumePlan {
  readonly request: ListedRequest;
  readonly instance: ListedInstance;
  readonly stage: ElmStage;
  readonly stageFrom: 'ledger' | 'state' | '--stage';
  /** The entry the ledger held before this run, if any. */
  readonly existing: LedgerEntry | undefined;
  /** ledger: the ledger's decision is re-sent; ours: the operator's (no entry, or --replace of one Graph never received). */
  readonly bodyFrom: 'ledger' | 'ours';
  readonly callout: OperatorCallout;
  /** The operator's decision, as asked. */
  readonly decision: Decision;
  /** The resume that will be POSTed: the ledger's, or ours. */
  readonly shaped: ShapedResume;
}

/** The command only reads while it plans: anything but a GET is refused before it reaches Graph. */
export function readOnly(http: GraphHttp): GraphHttp {
  return {
    send: (call, timeoutMs) => (call.method === 'GET' ? http.send(call, timeoutMs) : Promise.reject(new Error(`the plan only reads Graph; refused ${call.method} ${call.path.split('?')[0] ?? ''}`))),
  };
}

/** GET v1.0 …/assignmentRequests/{id} with its callout instances; beta when v1.0 does not list them (sources disagree whether it does). */
export async function readRequest(id: Guid, services: PlanServices): Promise<ListedRequest> {
  const http = readOnly(services.http);
  const call: GraphCall = { method: 'GET', version: 'v1.0', path: graphPath([...ELM, 'assignmentRequests', id], { $select: 'id,state,status,requestType,createdDateTime,customExtensionCalloutInstances' }) };
  let answer;
  try {
    answer = await sendWithRetry(http, call, Deadline.after(services.clock, services.budgetMs), { clock: services.clock, timeoutMs: services.timeoutMs });
  } catch (error) {
    if (isAppError(error) || error instanceof GraphTransportError) throw new ResumeError(1, `could not read assignment request ${id}: ${error.message}`, { cause: error });
    throw error;
  }
  if (answer.status === 404) throw new ResumeError(2, `no assignment request ${id} in the tenant (Graph answered 404)`);
  if (answer.status === 401 || answer.status === 403) {
    throw new ResumeError(1, `Graph refused reading assignment request ${id} (${String(answer.status)} ${graphErrorCode(answer)}): the signed-in identity needs EntitlementManagement.ReadWrite.All`);
  }
  const request = answer.status === 200 ? listedRequest(answer.json) : undefined;
  if (request === undefined) throw new ResumeError(1, `Graph answered ${String(answer.status)} ${graphErrorCode(answer)} to reading assignment request ${id}`);
  if (request.id !== id) throw new ResumeError(1, `Graph's answer for assignment request ${id} is another request`);
  if (request.instances !== undefined) return request;
  try {
    const beta = await new RequestsReader({ ...services, http }).betaRequest(id);
    if (beta === undefined) throw new ResumeError(2, `no assignment request ${id} in the tenant (beta answered 404)`);
    return { ...request, state: beta.state ?? request.state, status: beta.status ?? request.status, instances: beta.instances ?? [] };
  } catch (error) {
    if (error instanceof RequestsError) throw new ResumeError(error.exitCode, error.message, { cause: error });
    throw error;
  }
}

const statuses = (instances: readonly ListedInstance[]): string =>
  instances.length === 0 ? 'it lists no callout instances' : `its callout instances: ${instances.map((i) => `${i.id} ${i.status ?? '(no status)'}`).join(', ')}`;

/** The callout instance to answer: the one given, or the one open instance (of --extension, when given). */
function chooseInstance(request: ListedRequest, args: ResumeArgs): ListedInstance {
  const instances = request.instances ?? [];
  if (args.stageInstanceId !== undefined) {
    const given = instances.find((i) => i.id.toLowerCase() === args.stageInstanceId);
    if (given === undefined) throw new ResumeError(2, `request ${request.id} has no callout instance ${args.stageInstanceId} (${statuses(instances)})`);
    if (!isOpen(given)) throw new ResumeError(2, `callout instance ${given.id} of request ${request.id} is ${given.status ?? '(no status)'}, not open (calloutSent or waitingForCallback): nothing waits for a resume`);
    return given;
  }
  const candidates = instances.filter((i) => args.extensionId === undefined || i.customExtensionId === args.extensionId);
  const open = candidates.filter(isOpen);
  const ofWhat = args.extensionId === undefined ? '' : ` of custom extension ${args.extensionId}`;
  if (open.length === 0) throw new ResumeError(2, `request ${request.id} has no open callout instance${ofWhat} (${statuses(candidates)})`);
  if (open.length > 1) throw new ResumeError(2, `request ${request.id} has ${String(open.length)} open callout instances${ofWhat} (${open.map((i) => i.id).join(', ')}): give --stage-instance <id>`);
  return open[0] as ListedInstance;
}

/** The stage: the ledger entry's (it wrote what the callout named), else the one the request's state allows, else --stage among them. */
function chooseStage(request: ListedRequest, existing: LedgerEntry | undefined, given: ElmStage | undefined): Pick<ResumePlan, 'stage' | 'stageFrom'> {
  const fromLedger = OPERATOR_STAGES.find((s) => s.toLowerCase() === existing?.stage?.toLowerCase());
  if (fromLedger !== undefined) {
    if (given !== undefined && given !== fromLedger) throw new ResumeError(2, `--stage ${given}, but the ledger's entry for this stage instance names ${fromLedger}`);
    return { stage: fromLedger, stageFrom: 'ledger' };
  }
  // Every stage the state allows, those continue or deny cannot answer included: a guess between two is never made here.
  const allowed = stagesForState(request.state);
  if (given !== undefined) {
    if (allowed !== undefined && !allowed.includes(given)) {
      throw new ResumeError(2, `--stage ${given}, but a request in state ${request.state ?? ''} can wait only at ${allowed.join(' or ') || 'a stage continue or deny cannot answer'}`);
    }
    return { stage: given, stageFrom: '--stage' };
  }
  if (allowed === undefined) throw new ResumeError(2, `request state ${request.state ?? '(none)'} does not tell the stage and the ledger holds none: give --stage <stage>`);
  const only = allowed.length === 1 ? allowed[0] : undefined;
  if (only !== undefined) {
    if (!OPERATOR_STAGES.includes(only)) throw new ResumeError(2, `a request in state ${request.state ?? ''} waits at ${only}, which continue or deny cannot answer`);
    return { stage: only, stageFrom: 'state' };
  }
  throw new ResumeError(2, `a request in state ${request.state ?? ''} may wait at ${allowed.join(' or ')} and the ledger holds no entry: give --stage <stage>`);
}

/** The callout settleDecision carries out: what the request and the instance say, and what the request's own read shows of whom it concerns. */
export function calloutOf(request: ListedRequest, instanceId: string, stage: ElmStage, facts?: WaitingRequest): OperatorCallout {
  const callout = requestCallout(request, instanceId, stage, facts === undefined ? {} : { facts });
  if (callout === undefined) throw new ResumeError(1, `Graph lists callout instance "${instanceId.slice(0, 80)}", which is not a GUID`);
  return callout;
}

/**
 * Whom the request concerns (package, assignment, target, requestor), for the ledger entry: an
 * auditor finds an operator's decision by user and package like any other. Read only when a new
 * entry may be written; a request gone since the first read is exit 1.
 */
async function readFacts(id: Guid, services: PlanServices): Promise<WaitingRequest> {
  let facts: WaitingRequest | undefined;
  try {
    facts = await new WaitingRequestReader({ ...services, http: readOnly(services.http) }).request(id);
  } catch (error) {
    throw new ResumeError(1, `could not read whom request ${id} concerns: ${error instanceof Error ? error.message.slice(0, 300) : 'unknown error'}`, { cause: error });
  }
  if (facts === undefined) throw new ResumeError(1, `request ${id} is gone from Graph (404) since it was read`);
  return facts;
}

/**
 * Reads the request and the ledger and decides what would be sent, refusing (exit 2) what cannot
 * be: no open callout instance, a request that waits for no callback, a stage that cannot take
 * the decision, a --replace of a decision Graph already received. Writes nothing.
 */
export async function planResume(args: ResumeArgs, services: PlanServices): Promise<ResumePlan> {
  const request = await readRequest(args.requestId, services);
  const instance = chooseInstance(request, args);
  if (!isWaitingForCallback(request)) {
    throw new ResumeError(2, `request ${request.id} is ${request.status ?? '(no status)'} (state ${request.state ?? '(none)'}), not WaitingForCallback: nothing waits for a resume`);
  }
  let existing: LedgerEntry | undefined;
  try {
    existing = await services.ledger.read(ledgerKey(request.id, instance.id));
  } catch (error) {
    throw new ResumeError(1, `the decision ledger (${services.ledger.where}) could not be read: ${error instanceof Error ? error.message.split('\n')[0]?.slice(0, 300) ?? '' : 'unknown error'}`, { cause: error });
  }
  const { stage, stageFrom } = chooseStage(request, existing, args.stage);
  const caps = stageCapabilities(stage);
  if (caps === undefined) throw new ResumeError(2, `stage ${stage} is unknown`);
  if (args.decision === 'deny' && !stageMayDeny(caps, services.allowDenyAtApprovedStage)) {
    const why = caps.deny === 'setting' ? ' (unless ALLOW_DENY_AT_APPROVED_STAGE=true)' : '';
    throw new ResumeError(2, `stage ${stage} cannot take a deny${why}: resume it with --decision continue, or remove the assignment afterwards`);
  }
  if (existing !== undefined && args.replace && existing.state !== 'decided') {
    throw new ResumeError(2, `the ledger's ${existing.decision} for this stage instance reached Graph (${existing.state}); it cannot be replaced`);
  }
  if (existing !== undefined && existing.state !== 'decided') {
    // Graph accepted this body (the ledger says so), yet lists the instance open: sending it again cannot help.
    const when = existing.state === 'sent' ? `accepted it at ${existing.sentAt ?? '?'}` : `showed it held it at ${existing.confirmedAt ?? '?'}`;
    throw new ResumeError(1, `not sent: the ledger says Graph ${when} (${existing.decision}), yet Graph lists callout instance ${instance.id} open; Graph may not have caught up (look again in a few minutes). If it stays open, settle the request in the portal (Identity Governance → the access package → Requests); see docs/operations.md`);
  }
  const facts = existing === undefined || args.replace ? await readFacts(request.id, services) : undefined;
  const callout = calloutOf(request, instance.id, stage, facts);
  // The approval-requirements stage is answered with an approval stage: an operator's continue sets the default one.
  const decision: Decision = caps.answer === 'approval-stage' && args.decision === 'continue'
    ? { kind: 'approval-stage', detail: args.detail, approvalStage: DEFAULT_APPROVAL_STAGE }
    : { kind: args.decision, detail: args.detail };
  const bodyFrom = existing !== undefined && !args.replace ? 'ledger' : 'ours';
  const shaped = bodyFrom === 'ledger' && existing !== undefined ? resumeOf(existing, callout) : elmResume(callout, callout.resume, decision, services.allowDenyAtApprovedStage);
  return { request, instance, stage, stageFrom, existing, bodyFrom, callout, decision, shaped };
}
