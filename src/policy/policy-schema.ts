import type { Check, JsonSchema } from '../checks/define-check.js';
import { SEVERITIES } from '../checks/define-check.js';
import { REQUEST_TYPES } from '../request-types.js';
import { PIM_RESOURCE_TYPES } from './policy-types.js';
import { ELM_STAGES } from '../stages.js';

/** A pattern matching `text` in any ASCII casing: JSON Schema's patterns have no case-insensitive flag. */
const anyCase = (text: string): string => text.replace(/[a-z]/gi, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);

/** A request type as the policy names it: one of REQUEST_TYPES in any casing (`UserExtend` as the beta pages spell it). */
const requestType = {
  type: 'string',
  pattern: `^(?:${REQUEST_TYPES.map(anyCase).join('|')})$`,
  examples: REQUEST_TYPES,
  description: `A request type, in any casing: ${REQUEST_TYPES.join(', ')}.`,
};

/** Attributes a `groupByAttribute` approver strategy can key on. */
export const APPROVER_ATTRIBUTES = [
  'department', 'companyName', 'employeeType', 'jobTitle', 'country', 'usageLocation', 'officeLocation',
  ...Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`),
] as const;

const GUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const guid = (description: string) => ({ type: 'string', pattern: GUID_PATTERN, description });
const guids = (description: string) => ({ type: 'array', items: guid('An object id.'), minItems: 1, uniqueItems: true, description });
const mode = { enum: ['enforce', 'audit'], description: 'enforce: findings decide. audit: run every check and record findings, but always continue (to roll a policy out safely).' };
const failMode = {
  enum: ['deny', 'continue', 'retry'],
  description: 'What a check that could not run (a fact that failed to load, a check that threw) decides: deny (fail closed), continue (flag only), retry (answer 503 so the relay tries again).',
};
const named = (description: string) => ({
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: guid('Object id.'), description: { type: 'string', maxLength: 200, description: 'Shown to approvers.' } },
  description,
});

/** Approver source types, in the order of the `oneOf` below. */
export const APPROVER_TYPES = ['requestorManager', 'groupByAttribute', 'users', 'groups'] as const;

const approverSource = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { const: 'requestorManager', description: 'The manager at `level` in the requestor\'s manager chain (1 = direct manager), read from the directory.' },
        level: { type: 'integer', minimum: 1, maximum: 10, default: 1, description: 'Level in the chain: 1 is the direct manager.' },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'attribute', 'groups'],
      properties: {
        type: { const: 'groupByAttribute', description: 'The members of the group mapped to the value of a directory attribute.' },
        of: { enum: ['target', 'requestor'], default: 'target', description: 'Whose attribute: the user who gets access (target) or who asked (requestor).' },
        attribute: { enum: APPROVER_ATTRIBUTES, description: 'The attribute whose value picks the group.' },
        groups: { type: 'object', minProperties: 1, additionalProperties: guid('Approver group id.'), description: 'Attribute value (compared without case) → approver group id.' },
        otherwise: guid('Group used when the value is empty or not in `groups`.'),
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'users'],
      properties: {
        type: { const: 'users', description: 'Named users.' },
        users: { type: 'array', minItems: 1, items: named('A user who approves.'), description: 'The users.' },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'groups'],
      properties: {
        type: { const: 'groups', description: 'Members of named groups.' },
        groups: { type: 'array', minItems: 1, items: named('A group whose members approve.'), description: 'The groups.' },
      },
    },
  ],
};
const sources = (description: string) => ({ type: 'array', minItems: 1, items: approverSource, description });

const approvers = {
  type: 'object',
  additionalProperties: false,
  required: ['primary'],
  description: 'Who approves requests of this scope, answered at assignmentRequestDeterminingApprovalRequirements.',
  properties: {
    primary: sources('Approver sources; their results are combined. The requestor and the target are never their own approver.'),
    fallback: sources('Used when the primary sources yield nobody (no manager, no group for the value).'),
    decisionWindow: { type: 'string', pattern: '^P([1-9]|1[0-4])D$', default: 'P14D', description: 'Days approvers have before the request is denied automatically (P1D to P14D).' },
    approverJustificationRequired: { type: 'boolean', default: true, description: 'Whether approvers must justify their decision.' },
    escalation: {
      type: 'object',
      additionalProperties: false,
      required: ['after', 'approvers'],
      description: 'Forward the request when the primary approvers do not decide in time.',
      properties: {
        after: { type: 'string', pattern: '^(P([1-9]|1[0-3])D|PT([1-9]|[1-9][0-9]|[1-2][0-9][0-9]|30[0-9]|31[0-2])H)$', description: 'When to escalate (PT1H to PT312H, or P1D to P13D); shorter than the decision window.' },
        approvers: sources('Escalation approvers.'),
        fallback: sources('Used when the escalation approvers yield nobody.'),
      },
    },
  },
};

function checkEntry(checks: readonly Check[], withOptions: boolean): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'action'],
    properties: {
      id: { enum: checks.map((c) => c.id), description: 'The check to run (docs/checks/<id>.md).' },
      action: { enum: ['deny', 'flag'], description: 'What a finding does: deny the request where the stage allows it (flag elsewhere), or flag it in the text approvers see.' },
      severity: { enum: SEVERITIES, description: 'Overrides the severity of this check\'s findings.' },
      failMode,
      options: { type: 'object', description: 'The check\'s options; defaults fill what is left out.' },
    },
    ...(withOptions ? { allOf: checks.map((c) => ({ if: { properties: { id: { const: c.id } } }, then: { properties: { options: c.optionsSchema } } })) } : {}),
  };
}

/**
 * The JSON Schema of the policy document. `published` (written to policy/policy.schema.json)
 * carries every check's options schema so editors complete options; `structure` leaves them out,
 * for the loader, which validates options per check after merging defaults (and compiles faster).
 */
export function buildPolicySchema(checks: readonly Check[], form: 'published' | 'structure' = 'published'): JsonSchema {
  const settings = Object.fromEntries(checks.flatMap((c) => (c.settings === undefined ? [] : [[c.settings.key, c.settings.schema]])));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://entitlement-guard.dev/policy.schema.json',
    title: 'entitlement-guard policy',
    description: 'Which checks run on which Entra entitlement-management and Lifecycle Workflows callouts and PIM role activations, and who approves.',
    type: 'object',
    additionalProperties: false,
    required: ['scopes'],
    properties: {
      $schema: { type: 'string', description: 'Path or URL of this schema, for editors.' },
      description: { type: 'string', maxLength: 2000, description: 'What this policy is for.' },
      mode: { ...mode, default: 'enforce' },
      failMode: { ...failMode, default: 'deny' },
      ...settings,
      scopes: {
        type: 'array',
        maxItems: 500,
        description: 'Every scope whose match fits a callout applies; checks of all of them run. Approvers come from the first matching scope that names them.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100, description: 'Unique; names the scope in findings and records.' },
            description: { type: 'string', maxLength: 2000, description: 'What the scope is for.' },
            match: {
              type: 'object',
              additionalProperties: false,
              description: 'Lists are OR-ed within and AND-ed across; a list left out matches anything. Entitlement-management keys, Lifecycle Workflows keys and PIM keys do not mix.',
              properties: {
                catalogs: guids('Catalog ids.'),
                accessPackages: guids('Access package ids.'),
                assignmentPolicies: guids('Assignment policy ids.'),
                stages: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ELM_STAGES.filter((s) => s !== 'customExtensionConnectionTest') }, description: 'Entitlement-management stages.' },
                requestTypes: {
                  type: 'array',
                  minItems: 1,
                  uniqueItems: true,
                  items: requestType,
                  description: 'Request types (matched without case). A callout that names no request type entitlement-guard knows (none, notSpecified, unknownFutureValue, or a type newer than this schema) is matched by the other keys alone, with a notice.',
                },
                workflows: guids('Lifecycle workflow ids.'),
                tasks: guids('Lifecycle workflow task ids.'),
                resourceTypes: {
                  type: 'array',
                  minItems: 1,
                  uniqueItems: true,
                  items: { enum: PIM_RESOURCE_TYPES },
                  description: 'PIM activations of these kinds: entraGroups (PIM for Groups), entraRoles (Microsoft Entra roles), azureResources (Azure resource roles).',
                },
                roleDefinitions: {
                  type: 'array',
                  minItems: 1,
                  uniqueItems: true,
                  items: {
                    type: 'string',
                    pattern: `^(?:${GUID_PATTERN.slice(1, -1)}|(?:/[^/]+)*/${anyCase('providers')}/${anyCase('microsoft')}\\.${anyCase('authorization')}/${anyCase('roleDefinitions')}/[0-9a-fA-F-]{36})$`,
                    maxLength: 1024,
                    description: 'An Entra role definition id (the template id for built-in roles), an Azure role definition GUID, or an Azure role definition ARM id.',
                  },
                  description: 'PIM activations of these roles (Entra roles and Azure resource roles).',
                },
                groups: guids('PIM for Groups: activations of these groups.'),
                groupAccess: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['member', 'owner'] }, description: 'PIM for Groups: activations of membership or ownership.' },
                resourceScopes: {
                  type: 'array',
                  minItems: 1,
                  uniqueItems: true,
                  items: { type: 'string', pattern: '^/', maxLength: 1024, description: 'A directory scope (/, /administrativeUnits/{id}) or an Azure scope (/subscriptions/{id}/resourceGroups/{name}…).' },
                  description: 'PIM activations at these scopes: a directory scope exactly; an Azure scope or anything beneath it.',
                },
              },
            },
            outcome: {
              const: 'AutoApproved',
              description: 'PIM scopes only: answer AutoApproved (PIM skips its manual approval) when every check of this scope passes; left out, a passing activation is Approved and PIM\'s own approval follows.',
            },
            mode,
            failMode,
            checks: { type: 'array', maxItems: 50, items: checkEntry(checks, form === 'published'), description: 'Checks to run, with options and the action a finding takes.' },
            approvers,
          },
        },
      },
    },
  };
}
