/**
 * The approval stage a resume sets at `assignmentRequestDeterminingApprovalRequirements`, in the
 * v1.0 `accessPackageApprovalStage` shape (docs/protocol.md §6). Subject sets carry their
 * `@odata.type` with a leading `#`.
 */
export type SubjectSet =
  | { readonly '@odata.type': '#microsoft.graph.singleUser'; readonly userId: string; readonly description?: string }
  | { readonly '@odata.type': '#microsoft.graph.groupMembers'; readonly groupId: string; readonly description?: string }
  | { readonly '@odata.type': '#microsoft.graph.requestorManager'; readonly managerLevel: number }
  | { readonly '@odata.type': '#microsoft.graph.internalSponsors' }
  | { readonly '@odata.type': '#microsoft.graph.externalSponsors' };

export interface ApprovalStage {
  readonly durationBeforeAutomaticDenial: string;
  readonly isApproverJustificationRequired: boolean;
  readonly isEscalationEnabled: boolean;
  readonly durationBeforeEscalation?: string;
  readonly primaryApprovers: readonly SubjectSet[];
  readonly fallbackPrimaryApprovers: readonly SubjectSet[];
  readonly escalationApprovers: readonly SubjectSet[];
  readonly fallbackEscalationApprovers: readonly SubjectSet[];
}

/**
 * The stage used until a policy names approvers: the requestor's manager decides within 14 days
 * and must justify the decision, as Entra's own "Manager as approver" default does.
 */
export const DEFAULT_APPROVAL_STAGE: ApprovalStage = {
  durationBeforeAutomaticDenial: 'P14D',
  isApproverJustificationRequired: true,
  isEscalationEnabled: false,
  primaryApprovers: [{ '@odata.type': '#microsoft.graph.requestorManager', managerLevel: 1 }],
  fallbackPrimaryApprovers: [],
  escalationApprovers: [],
  fallbackEscalationApprovers: [],
};
