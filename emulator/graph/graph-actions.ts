import { graphError, isObject, type GraphReply } from './graph-errors.js';
import { schemaRefusal } from './graph-schema-check.js';
import type { GraphVersion } from './graph-types.js';

/**
 * The parameters of the actions the product calls. Graph's metadata declares them on the action;
 * the published types describe models only, so they are declared here, from the action pages:
 * accessPackageAssignmentRequest: resume (v1.0 and beta), and taskProcessingResult: resume,
 * https://learn.microsoft.com/en-us/graph/api/accesspackageassignmentrequest-resume and
 * https://learn.microsoft.com/en-us/graph/api/identitygovernance-taskprocessingresult-resume.
 * `data` is read as its `@odata.type` names, derived from the declared type.
 */
export const RESUME_ACTIONS = {
  /** ELM: data is an accessPackageAssignmentRequestCallbackData (beta: or an assignmentRequestApprovalStageCallbackData). */
  assignmentRequest: { source: 'string', type: 'string', data: 'microsoft.graph.customExtensionData' },
  /** Lifecycle Workflows. */
  taskProcessingResult: { source: 'string', type: 'string', data: 'microsoft.graph.identityGovernance.customTaskExtensionCallbackData' },
} as const;

/**
 * What Graph refuses first in a resume body: a parameter the action does not have (OData's
 * wording), then a property `data`'s type does not have.
 */
export function resumeRefusal(version: GraphVersion, action: keyof typeof RESUME_ACTIONS, body: unknown): GraphReply | undefined {
  if (!isObject(body)) return undefined;
  const declared = RESUME_ACTIONS[action];
  const extra = Object.keys(body).find((key) => !(key in declared) && !key.includes('@'));
  if (extra !== undefined) return graphError(400, 'BadRequest', `The parameter '${extra}' in the request payload is not a valid parameter for the operation 'resume'.`);
  return schemaRefusal(version, body['data'], declared.data);
}
