import { calloutKey, type ElmRequestCallout, type LcwTaskCallout, type ResumeTarget } from '../callout/model.js';
import { stageCapabilities, stageMayDeny, type ElmStage, type StageCapabilities } from '../stages.js';
import type { Decision } from './decision.js';

/** Written to the resume's `source`: the audit trail in Entra names us. */
export const RESUME_SOURCE = 'entitlement-guard';
/** Longest `customExtensionStageInstanceDetail` we send; approvers read it in My Access. */
export const MAX_DETAIL_LENGTH = 500;

export interface ResumeRequest {
  readonly protocol: 'elm' | 'lcw';
  /** Shared by repeat deliveries of one callout; the idempotency key. */
  readonly key: string;
  readonly apiVersion: 'v1.0' | 'beta';
  readonly target: ResumeTarget;
  readonly body: Readonly<Record<string, unknown>>;
  /** ELM: the stage instance whose callback we answer (to confirm a refused resume). */
  readonly stageInstanceId: string | undefined;
  /** ELM: the stage the callout named (to tell a refusal for a stage the request is not at). */
  readonly stage: ElmStage | undefined;
}

export interface ShapedResume {
  readonly request: ResumeRequest;
  /** The decision actually sent: a deny at a stage that cannot deny becomes a continue. */
  readonly sent: Decision;
}

export function clampDetail(detail: string): string {
  return detail.length <= MAX_DETAIL_LENGTH ? detail : `${detail.slice(0, MAX_DETAIL_LENGTH - 1)}…`;
}

/** A deny sent as continue, the finding kept in the detail approvers read: `why` says what stopped the deny. */
export function flaggedInstead(decision: Decision, why: string): Decision {
  return { kind: 'continue', detail: `Flagged, not denied (${why}): ${decision.detail.replace(/^Denied by policy: /, '')}` };
}

function effectiveElmDecision(decision: Decision, caps: StageCapabilities, allowDenyAtApprovedStage: boolean): Decision {
  if (caps.answer === 'approval-stage') {
    return decision.kind === 'approval-stage' ? decision : { kind: 'continue', detail: decision.detail };
  }
  if (decision.kind === 'deny' && !stageMayDeny(caps, allowDenyAtApprovedStage)) {
    return flaggedInstead(decision, `${caps.stage} cannot deny`);
  }
  return decision.kind === 'deny' ? decision : { kind: 'continue', detail: decision.detail };
}

/** Shapes the resume of an entitlement-management request (docs/protocol.md §6). */
export function elmResume(callout: ElmRequestCallout, target: ResumeTarget, decision: Decision, allowDenyAtApprovedStage: boolean): ShapedResume {
  const caps = stageCapabilities(callout.stage);
  if (caps?.apiVersion === undefined || caps.resumeTypeStage === undefined) {
    throw new Error(`stage ${callout.stage} cannot be resumed`);
  }
  const sent = effectiveElmDecision(decision, caps, allowDenyAtApprovedStage);
  const data: Record<string, unknown> = {
    '@odata.type':
      sent.kind === 'approval-stage'
        ? 'microsoft.graph.assignmentRequestApprovalStageCallbackData'
        : 'microsoft.graph.accessPackageAssignmentRequestCallbackData',
    stage: callout.stage,
    customExtensionStageInstanceId: callout.stageInstanceIdAsSent ?? callout.stageInstanceId,
    customExtensionStageInstanceDetail: clampDetail(sent.detail),
  };
  if (sent.kind === 'deny') data['state'] = 'denied';
  if (sent.kind === 'approval-stage') data['approvalStage'] = sent.approvalStage;
  return {
    sent,
    request: {
      protocol: 'elm',
      key: calloutKey(callout),
      apiVersion: caps.apiVersion,
      target,
      stageInstanceId: callout.stageInstanceId,
      stage: callout.stage,
      body: {
        source: RESUME_SOURCE,
        type: `microsoft.graph.accessPackageCustomExtensionStage.${caps.resumeTypeStage}`,
        data,
      },
    },
  };
}

/** Shapes the resume of a Lifecycle Workflows task (docs/protocol.md §7). */
export function lcwResume(callout: LcwTaskCallout, target: ResumeTarget, decision: Decision): ShapedResume {
  const sent: Decision = decision.kind === 'fail' ? decision : { kind: 'complete', detail: decision.detail };
  return {
    sent,
    request: {
      protocol: 'lcw',
      key: calloutKey(callout),
      apiVersion: 'v1.0',
      target,
      stageInstanceId: undefined,
      stage: undefined,
      body: {
        data: { operationStatus: sent.kind === 'fail' ? 'failed' : 'completed' },
        source: RESUME_SOURCE,
        type: 'lifecycleEvent',
      },
    },
  };
}
