import type { CalloutRequest } from '../callout/model.js';
import { stageCapabilities } from '../stages.js';
import { DEFAULT_APPROVAL_STAGE, type ApprovalStage } from './approval-stage.js';

/** What entitlement-guard answers a callout with, before it is shaped into a Graph body. */
export type Decision =
  | { readonly kind: 'continue'; readonly detail: string }
  | { readonly kind: 'deny'; readonly detail: string }
  | { readonly kind: 'approval-stage'; readonly detail: string; readonly approvalStage: ApprovalStage }
  | { readonly kind: 'complete'; readonly detail: string }
  | { readonly kind: 'fail'; readonly detail: string }
  | { readonly kind: 'none'; readonly detail: string }
  /** PIM activations: Approved (PIM's own approval follows), AutoApproved (no manual approval); a deny is Denied. */
  | { readonly kind: 'approve'; readonly detail: string }
  | { readonly kind: 'auto-approve'; readonly detail: string };

/**
 * The decision when no check is in scope: continue, set the default approval stage where an
 * approval stage is the answer, complete an LCW task; stages that cannot be resumed get none.
 */
export function decideWithoutChecks(callout: CalloutRequest): Decision {
  switch (callout.kind) {
    case 'connection-test':
      return { kind: 'none', detail: 'Connection test answered; nothing to resume.' };
    case 'elm-assignment':
      return { kind: 'none', detail: `${callout.stage} cannot be resumed; recorded only.` };
    case 'lcw-task':
      return { kind: 'complete', detail: 'No check applies to this task.' };
    case 'elm-request':
      return stageCapabilities(callout.stage)?.answer === 'approval-stage'
        ? { kind: 'approval-stage', detail: 'No approver policy applies; the requestor\'s manager approves.', approvalStage: DEFAULT_APPROVAL_STAGE }
        : { kind: 'continue', detail: 'No check applies to this stage.' };
  }
}
