import { asciiLower } from '../ascii.js';
import type { ElmRequestCallout } from '../callout/model.js';
import { stagesForState } from '../graph/callout-state.js';
import type { Guid } from '../guid.js';
import { isRemoval } from '../request-types.js';
import type { RequestRow } from '../requests/classify-requests.js';
import type { ElmStage } from '../stages.js';
import { targetOf, type WaitingRequest, type WaitingRequestReader } from '../requests/read-waiting-request.js';
import { requestCallout, type RebuiltCallout } from '../requests/request-callout.js';

/** The reads a fresh evaluation makes. */
export type FreshReads = Pick<WaitingRequestReader, 'request' | 'stageSettings'>;

export type FreshStep =
  | { readonly kind: 'callout'; readonly callout: ElmRequestCallout }
  | { readonly kind: 'skip'; readonly reason: string };

/** The stages the request's state and type allow: a removal waits only at assignmentRequestRemoved, anything else never there. */
function candidateStages(request: WaitingRequest): readonly ElmStage[] {
  const byState = stagesForState(request.state) ?? [];
  const removal = isRemoval(request.requestType);
  return byState.filter((stage) => (stage === 'assignmentRequestRemoved') === removal);
}

/**
 * The one stage the request waits at for our extension: among those its state and type allow,
 * the ones its assignment policy sends to this extension (read only when the state leaves more
 * than one). A skip, with its reason, when no single stage remains: a body of the wrong stage
 * would be refused, and a guess is not a decision.
 */
async function stageOf(request: WaitingRequest, extensionId: Guid | undefined, reader: FreshReads): Promise<{ readonly stage: ElmStage } | { readonly skip: string }> {
  const skip = (why: string) => ({ skip: why });
  const candidates = candidateStages(request);
  if (candidates.length === 0) return skip(`the request's state (${request.state ?? 'none'}) and type (${request.requestType ?? 'none'}) fit no stage that waits for a callback`);
  if (candidates.length === 1 && candidates[0] !== undefined) return { stage: candidates[0] };
  const policyId = request.assignmentPolicy?.id;
  if (policyId === undefined || extensionId === undefined) return skip(`the stage is one of ${candidates.join(', ')}, and without the assignment policy and the extension Graph cannot tell which`);
  const settings = await reader.stageSettings(policyId);
  const ours = candidates.filter((stage) => settings.some((s) => s.extensionId === extensionId && asciiLower(s.stage) === asciiLower(stage)));
  if (ours.length === 1 && ours[0] !== undefined) return { stage: ours[0] };
  return skip(ours.length === 0
    ? `assignment policy ${policyId} calls extension ${extensionId} at none of ${candidates.join(', ')}`
    : `assignment policy ${policyId} calls extension ${extensionId} at ${ours.join(' and ')}, and the request's state cannot tell which this callout is`);
}

/**
 * The callout Entra sent (or meant to send) for a stuck request with no ledger entry, rebuilt from
 * Graph: the request read with its package, requestor, assignment, target, policy and answers
 * (its justification and schedule are read by the checks, as for any callout), the catalog and
 * callback window of our extension, and the stage the callout instance is at. Skipped, with the
 * reason, when Graph no longer has the request, when the stage cannot be told, and when the
 * request names no one to judge: an evaluation without its subject decides nothing worth sending.
 */
export async function freshCallout(row: RequestRow, reader: FreshReads): Promise<FreshStep> {
  const request = await reader.request(row.request.id);
  if (request === undefined) return { kind: 'skip', reason: 'Graph no longer has the request (404)' };
  const found = await stageOf(request, row.instance.customExtensionId, reader);
  if ('skip' in found) return { kind: 'skip', reason: found.skip };
  if (targetOf(request)?.objectId === undefined) {
    return { kind: 'skip', reason: `Graph shows no target for the ${request.requestType ?? 'untyped'} request, and the sweep does not judge a request without its subject` };
  }
  return { kind: 'callout', callout: sweptCallout(row, found.stage, request) };
}

/**
 * The callout a stuck request stands for (requestCallout): from the listing, with our
 * extension's catalog and window, and with the request's own read when there is one (`facts`;
 * without it, a ledger entry is carried out as it is). The caller checked the instance id.
 */
export function sweptCallout(row: RequestRow, stage: ElmStage, facts?: WaitingRequest): RebuiltCallout {
  const callout = requestCallout(row.request, row.instance.id, stage, { ...(facts === undefined ? {} : { facts }), ...(row.extension === undefined ? {} : { extension: row.extension }) });
  if (callout === undefined) throw new Error(`the stage instance id ${row.instance.id.slice(0, 80)} was checked, yet is not a GUID`);
  return callout;
}
