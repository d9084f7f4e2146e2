/**
 * Where Microsoft's published TypeScript types for Graph (@microsoft/microsoft-graph-types and
 * -beta) lag behind Graph as its documentation describes it, for the write bodies we send. The
 * checker (graph-type-check.ts) accepts exactly these and nothing near them: one value, or one
 * property checked as another version's type, at one path of one type. type-check.test.ts shows
 * that each entry still lags (the published type still rejects it), so a types release that
 * catches up makes that test fail and the entry is taken out.
 *
 * `type` is the Graph type (without `microsoft.graph.`) of the nearest object whose type the
 * checker knows (a body's own type, or an `@odata.type`); `path` is relative to that object,
 * `[]` standing for any item of an array.
 */
export type GraphVersion = 'v1.0' | 'beta';

interface LagBase {
  readonly version: GraphVersion;
  readonly type: string;
  readonly path: string;
  /** The page that documents what the published type lacks. */
  readonly page: string;
  readonly why: string;
}

/** An enum member the published union does not list yet: that one value is accepted there. */
export interface ValueLag extends LagBase {
  readonly value: string;
}

/** A property the documentation says takes another version's shape: checked as that type instead. */
export interface ShapeLag extends LagBase {
  readonly checkAs: { readonly version: GraphVersion; readonly type: string };
  /** A value in the documented shape that the published type rejects (for the still-lags test). */
  readonly sample: unknown;
}

export type PublishedTypeLag = ValueLag | ShapeLag;

const APPROVAL_REQUIREMENTS = 'assignmentRequestDeterminingApprovalRequirements';
const DYNAMIC_APPROVAL_GUIDE = 'https://learn.microsoft.com/en-us/entra/id-governance/entitlement-management-dynamic-approval#http-action-example';
const BETA_RESUME = 'https://learn.microsoft.com/en-us/graph/api/accesspackageassignmentrequest-resume?view=graph-rest-beta';
const ENUM_WHY = `beta's accessPackageCustomExtensionStage union stops at unknownFutureValue; ${APPROVAL_REQUIREMENTS} is the stage a dynamic approval stage's extension runs at, and the pages' examples send it`;

export const PUBLISHED_TYPE_LAGS: readonly PublishedTypeLag[] = [
  // The resume at the approval-requirements stage when it only continues (no approval stage to set).
  { version: 'beta', type: 'accessPackageAssignmentRequestCallbackData', path: 'stage', value: APPROVAL_REQUIREMENTS, page: BETA_RESUME, why: ENUM_WHY },
  // The resume that sets the approval stage (docs/protocol.md §6); the guide's HTTP action example is this body.
  { version: 'beta', type: 'assignmentRequestApprovalStageCallbackData', path: 'stage', value: APPROVAL_REQUIREMENTS, page: DYNAMIC_APPROVAL_GUIDE, why: ENUM_WHY },
  // register --dynamic-approval attaches the extension at that stage, in the beta policy PUT; the page's example
  // (a customExtensionStageSettings entry at this stage, with an accessPackageDynamicApprovalStage) is that policy.
  {
    version: 'beta', type: 'accessPackageAssignmentPolicy', path: 'customExtensionStageSettings[].stage', value: APPROVAL_REQUIREMENTS,
    page: 'https://learn.microsoft.com/en-us/graph/api/entitlementmanagement-post-assignmentpolicies?view=graph-rest-1.0 (Example 6: a policy used to determine approvers dynamically from a Logic App)',
    why: ENUM_WHY,
  },
  {
    version: 'beta', type: 'assignmentRequestApprovalStageCallbackData', path: 'approvalStage', checkAs: { version: 'v1.0', type: 'accessPackageApprovalStage' },
    sample: { durationBeforeAutomaticDenial: 'P7D', primaryApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: '7deff43e-1f17-44ef-9e5f-d516b0ba11d4' }] },
    page: DYNAMIC_APPROVAL_GUIDE,
    why: 'the guide: "the resume call must be performed against Microsoft Graph\'s beta endpoint. However, the approval stage provided in the resume call body must follow the v1.0 convention and not the beta convention"; beta\'s types give singleUser and groupMembers an `id` (beta userSet), v1.0 gives them `userId` and `groupId` (v1.0 subjectSet). The same page\'s example body writes `id` and `isBackup`: a live tenant settles which one Graph keeps.',
  },
];
