import type { ElmRequestCallout, ResumeTarget } from '../callout/model.js';
import { childPath, graphPath } from '../graph/graph-path.js';
import { parseGuid } from '../guid.js';
import type { ElmStage } from '../stages.js';
import type { ListedRequest, OurExtension } from './classify-requests.js';
import { targetOf, type WaitingRequest } from './read-waiting-request.js';

/** A request's callout rebuilt from Graph, which Entra waits for: its resume target is always set. */
export type RebuiltCallout = ElmRequestCallout & { readonly resume: ResumeTarget };

/**
 * The callout a waiting request stands for, rebuilt from what Graph lists (the request and the
 * callout instance) for the sweep and `npm run resume`: the ids, the stage, the resume target
 * rebuilt from the request id, the stage instance id echoed as Graph spells it; with `facts` (the
 * request's own read), whom it concerns; with our `extension`, its catalog and callback window.
 * Undefined when the instance id Graph lists is not a GUID.
 */
export function requestCallout(listed: ListedRequest, instanceId: string, stage: ElmStage, context: { readonly facts?: WaitingRequest; readonly extension?: OurExtension } = {}): RebuiltCallout | undefined {
  const stageInstanceId = parseGuid(instanceId);
  if (stageInstanceId === undefined) return undefined;
  const { facts, extension } = context;
  const path = graphPath(['identityGovernance', 'entitlementManagement', 'assignmentRequests', listed.id]);
  return {
    kind: 'elm-request',
    shape: 'flat-camel',
    stage,
    stageInstanceId,
    ...(instanceId === stageInstanceId ? {} : { stageInstanceIdAsSent: instanceId }),
    requestId: listed.id,
    resume: { path: childPath(path, 'resume'), confirmPath: path },
    callbackTimeout: extension?.callbackWindow,
    requestType: facts?.requestType ?? listed.requestType,
    state: facts?.state ?? listed.state,
    status: facts?.status ?? listed.status,
    accessPackage: facts?.accessPackage ?? listed.accessPackage,
    catalog: extension?.catalog,
    assignmentId: facts?.assignmentId,
    assignmentPolicy: facts?.assignmentPolicy,
    target: facts === undefined ? undefined : targetOf(facts),
    requestor: facts?.requestor,
    answers: facts?.answers ?? [],
  };
}
