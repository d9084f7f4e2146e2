import { GUID, isObject, unknownProperty } from '../graph/graph-errors.js';

/**
 * The rules of a role management policy (Graph's unifiedRoleManagementPolicyRule and its derived
 * types), as the emulator serves them: a subset of what Graph documents per policy, the
 * activation rules an end user's activation meets, and the rule that links a PIM custom extension.
 */
export const CUSTOM_EXTENSION_RULE = '#microsoft.graph.unifiedRoleManagementPolicyCustomExtensionRule';
const EXPIRATION_RULE = '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule';
const ENABLEMENT_RULE = '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule';
const APPROVAL_RULE = '#microsoft.graph.unifiedRoleManagementPolicyApprovalRule';

/**
 * The id of the custom extension rule. Graph's reference documents the type
 * (learn.microsoft.com/graph/api/resources/unifiedrolemanagementpolicycustomextensionrule: customExtensionId,
 * isEnabled, read-only displayName and customAttributes) but none of Microsoft's pages found gives
 * its id; this is the id a public deployment script (not Microsoft's) patches. `npm run register`
 * never relies on it: it finds the rule by its type and target.
 */
export const PRE_APPROVAL_RULE_ID = 'CustomExtension_PreApproval_EndUser_Assignment';

/** An end user's activation: the target of the activation rules (Graph's rules overview: caller EndUser, level Assignment). */
export const END_USER_ASSIGNMENT = {
  '@odata.type': 'microsoft.graph.unifiedRoleManagementPolicyRuleTarget', caller: 'EndUser', operations: ['All'], level: 'Assignment', inheritableSettings: [], enforcedSettings: [],
} as const;

/** A new policy's rules: activation for at most 8 hours, with a justification, without approval, and no custom extension linked. */
export function defaultRules(): Record<string, unknown>[] {
  const target = { ...END_USER_ASSIGNMENT, operations: ['All'], inheritableSettings: [], enforcedSettings: [] };
  return [
    { '@odata.type': EXPIRATION_RULE, id: 'Expiration_EndUser_Assignment', isExpirationRequired: true, maximumDuration: 'PT8H', target },
    { '@odata.type': ENABLEMENT_RULE, id: 'Enablement_EndUser_Assignment', enabledRules: ['Justification'], target },
    {
      '@odata.type': APPROVAL_RULE, id: 'Approval_EndUser_Assignment', target,
      setting: { isApprovalRequired: false, isApprovalRequiredForExtension: false, isRequestorJustificationRequired: true, approvalMode: 'SingleStage', approvalStages: [] },
    },
    { '@odata.type': CUSTOM_EXTENSION_RULE, id: PRE_APPROVAL_RULE_ID, displayName: 'Pre-approval custom extension', customAttributes: [], customExtensionId: null, isEnabled: false, target },
  ];
}

const hashed = (type: unknown): unknown => (typeof type === 'string' && !type.startsWith('#') ? `#${type}` : type);

/** What a policy and its extensions tell the rule check. */
export interface RuleContext {
  /** The resourceType an extension must have to serve the policy (entraRoles for a directory role, entraGroups for a group). */
  readonly resourceType: string;
  /** An extension's resourceType, or undefined when the tenant has no such extension. */
  readonly extensionType: (id: string) => string | undefined;
}

/** The custom extension rule's own writable properties: Graph calls displayName and customAttributes read-only. */
function customExtensionProblem(body: Record<string, unknown>, stored: Readonly<Record<string, unknown>>, ctx: RuleContext): string | undefined {
  const unknown = unknownProperty(body, ['@odata.type', 'id', 'customExtensionId', 'isEnabled', 'target']);
  if (unknown !== undefined) return `${unknown} is read-only in microsoft.graph.unifiedRoleManagementPolicyCustomExtensionRule`;
  const id = body['customExtensionId'];
  if (id !== undefined && id !== null) {
    if (typeof id !== 'string' || !GUID.test(id)) return 'customExtensionId must be the id (a GUID) of a PIM custom extension';
    const type = ctx.extensionType(id);
    if (type === undefined) return `customExtensionId '${id}' is not a PIM custom extension of this tenant`;
    // The emulator's reading: an extension made for another PIM provider cannot serve this policy.
    if (type !== ctx.resourceType) return `the custom extension '${id}' has resourceType ${type}; this policy takes one of resourceType ${ctx.resourceType}`;
  }
  if (body['isEnabled'] !== undefined && typeof body['isEnabled'] !== 'boolean') return 'isEnabled must be true or false';
  const enabled = body['isEnabled'] ?? stored['isEnabled'];
  const named = id === undefined ? stored['customExtensionId'] : id;
  return enabled === true && (named === null || named === undefined) ? 'an enabled custom extension rule needs a customExtensionId' : undefined;
}

/**
 * What Graph would refuse in a PATCH of a rule, or undefined. The body must name the rule's own
 * type in `@odata.type` (Graph's update page: "must be included"), its id if it gives one, and
 * a target that is an object; a custom extension rule is checked property by property, the other
 * rules are taken as given.
 */
export function ruleProblem(body: unknown, stored: Readonly<Record<string, unknown>>, ctx: RuleContext): string | undefined {
  if (!isObject(body)) return 'the body must be a JSON object';
  const type = stored['@odata.type'];
  if (hashed(body['@odata.type']) !== type) return `@odata.type must be ${String(type)}, the type of rule '${String(stored['id'])}'`;
  if (body['id'] !== undefined && body['id'] !== stored['id']) return `id ${JSON.stringify(body['id'])} is not the id of this rule ('${String(stored['id'])}')`;
  if (body['target'] !== undefined && !isObject(body['target'])) return 'target must be a unifiedRoleManagementPolicyRuleTarget object';
  return type === CUSTOM_EXTENSION_RULE ? customExtensionProblem(body, stored, ctx) : undefined;
}
