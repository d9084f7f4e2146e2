import { randomUUID } from 'node:crypto';
import type { ElmRequestCallout, Subject } from '../callout/model.js';
import { childPath, graphPath } from '../graph/graph-path.js';
import { parseGuid, type Guid } from '../guid.js';
import type { ElmStage } from '../stages.js';
import type { WhatIfPackage, WhatIfUser } from './resolve-subjects.js';

/** The ids a what-if makes up: a request and a stage instance that exist nowhere in the tenant. */
export interface SyntheticIds {
  readonly requestId: Guid;
  readonly stageInstanceId: Guid;
}

/**
 * Fresh random ids. A random request id matches no real request, so the user's real pending
 * requests all count as pending (none is mistaken for "this request"), and the read of the
 * request itself answers 404.
 */
export function syntheticIds(): SyntheticIds {
  const fresh = (): Guid => {
    const id = parseGuid(randomUUID());
    if (id === undefined) throw new Error('randomUUID made something that is not a GUID');
    return id;
  };
  return { requestId: fresh(), stageInstanceId: fresh() };
}

export interface WhatIfRequest {
  readonly user: WhatIfUser;
  readonly accessPackage: WhatIfPackage;
  readonly stage: ElmStage;
  readonly requestType: string;
  readonly assignmentPolicyId: Guid | undefined;
  readonly ids: SyntheticIds;
}

/**
 * The elm-request callout Entra would send for the user requesting the package themselves
 * (target = requestor). What only a real request has is left out: no questions answered, no
 * assignment yet, no request state; the request's justification and schedule are not in any
 * callout (they are read from Graph, and for a what-if that read finds nothing).
 */
export function buildWhatIfCallout(request: WhatIfRequest): ElmRequestCallout {
  const { user, accessPackage, ids } = request;
  const subject: Subject = {
    objectId: user.id,
    displayName: user.displayName,
    principalName: user.userPrincipalName,
    email: undefined,
    subjectType: 'user',
  };
  const canonical = graphPath(['identityGovernance', 'entitlementManagement', 'assignmentRequests', ids.requestId]);
  return {
    kind: 'elm-request',
    shape: 'flat-pascal',
    stage: request.stage,
    stageInstanceId: ids.stageInstanceId,
    requestId: ids.requestId,
    // Where Entra would wait for the answer; a what-if shapes the answer but never sends it.
    resume: { path: childPath(canonical, 'resume'), confirmPath: canonical },
    callbackTimeout: undefined,
    requestType: request.requestType,
    state: undefined,
    status: undefined,
    accessPackage: { id: accessPackage.id, displayName: accessPackage.displayName },
    catalog: { id: accessPackage.catalog.id, displayName: accessPackage.catalog.displayName },
    assignmentId: undefined,
    assignmentPolicy: request.assignmentPolicyId === undefined ? undefined : { id: request.assignmentPolicyId, displayName: undefined },
    target: subject,
    requestor: subject,
    answers: [],
  };
}
