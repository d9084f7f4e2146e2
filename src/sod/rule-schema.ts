import { SEVERITIES } from '../checks/define-check.js';

const GUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const guid = (description: string) => ({ type: 'string', pattern: GUID, description });
const displayName = { type: 'string', maxLength: 256, description: 'How findings and reports name it (the id is shown when left out).' };
const list = (item: object, description: string) => ({ type: 'array', minItems: 1, maxItems: 500, items: item, description });

const side = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  description: 'One side of the conflict: holding anything it names puts the user on this side. Name at least one entitlement.',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100, description: 'What holding this side lets a person do, e.g. "Maintain vendors".' },
    accessPackages: list(
      { type: 'object', additionalProperties: false, required: ['id'], description: 'An access package.', properties: { id: guid('Access package id.'), displayName } },
      'Access packages: a delivered assignment, a pending request, or the package being requested.',
    ),
    groups: list(
      { type: 'object', additionalProperties: false, required: ['id'], description: 'A group.', properties: { id: guid('Group id.'), displayName } },
      'Groups, by membership, direct or nested (transitive).',
    ),
    directoryRoles: list(
      {
        type: 'object',
        additionalProperties: false,
        required: ['roleTemplateId'],
        description: 'A Microsoft Entra directory role.',
        properties: {
          roleTemplateId: guid('The role\'s template id (the same in every tenant for built-in roles).'),
          displayName,
          includeEligible: { type: 'boolean', default: true, description: 'Whether being PIM-eligible for the role counts as holding it (an eligible user can activate it at any time).' },
        },
      },
      'Entra directory roles, active or PIM-eligible.',
    ),
    appRoles: list(
      {
        type: 'object',
        additionalProperties: false,
        required: ['servicePrincipalId', 'appRoleId'],
        description: 'An app role of an application, assigned to the user or to a group the user is a direct member of.',
        properties: {
          servicePrincipalId: guid('Object id of the resource application\'s service principal.'),
          appRoleId: guid('Id of the app role (00000000-0000-0000-0000-000000000000 for default access).'),
          displayName,
        },
      },
      'App roles.',
    ),
    azureRoles: list(
      {
        type: 'object',
        additionalProperties: false,
        required: ['roleDefinitionId'],
        description: 'An Azure resource role, at any scope.',
        properties: { roleDefinitionId: guid('The role definition\'s GUID (the same in every subscription for built-in roles, e.g. Contributor b24988ac-6180-42a0-ab88-20f7382dd24c).'), displayName },
      },
      'Azure resource roles: held while being activated through PIM (entitlement-guard reads no Azure role assignments, so only the activation counts, checked against everything else the user holds).',
    ),
  },
};

const exemption = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  description: 'A person (or the members of a group) allowed to hold both sides. Name exactly one of user and group.',
  properties: {
    user: guid('Object id of the exempt user.'),
    group: guid('Object id of a group whose members (direct or nested) are exempt.'),
    reason: { type: 'string', minLength: 1, maxLength: 500, description: 'Why the exemption was granted; shown in findings and reports.' },
    ticket: { type: 'string', maxLength: 100, description: 'The change or risk-acceptance ticket that approved it.' },
    expires: {
      type: 'string',
      pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$',
      description: 'When it stops applying: a date (valid through that day, UTC) or a date-time with offset. Left out: no expiry.',
    },
  },
};

const rule = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'severity', 'action', 'sides'],
  description: 'A conflict: holding anything of two or more different sides at once.',
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'Unique, stable id named in findings and reports, e.g. SOD-001.' },
    title: { type: 'string', minLength: 1, maxLength: 200, description: 'Short name of the conflict.' },
    description: { type: 'string', maxLength: 2000, description: 'The risk the rule guards against.' },
    owner: { type: 'string', maxLength: 200, description: 'Who answers for the rule (a person or a team).' },
    severity: { enum: SEVERITIES, description: 'How serious a violation is.' },
    action: { enum: ['deny', 'flag'], description: 'What a violation does where the check runs: deny (where the stage and the check\'s entry allow it) or flag.' },
    mitigatingControl: { type: 'string', maxLength: 1000, description: 'The control that mitigates the risk when a violation is accepted; shown in findings.' },
    sides: { type: 'array', minItems: 2, maxItems: 10, items: side, description: 'Two or more sides; a user may hold things of one side only.' },
    exemptions: { type: 'array', maxItems: 1000, items: exemption, description: 'Who may hold both sides, why, and until when.' },
  },
};

/** The `separationOfDuties` section of the policy document. */
export const separationOfDutiesSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['rules'],
  description: 'Separation-of-duties rules, enforced by the separation-of-duties check and reported by the scan command.',
  properties: {
    rules: { type: 'array', maxItems: 20000, items: rule, description: 'The rules; ids unique.' },
  },
} as const;
