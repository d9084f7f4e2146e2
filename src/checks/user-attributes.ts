import type { DirectoryUser } from '../facts/fact-types.js';
import { defineCheck, type Report } from './define-check.js';
import { parseInstant } from './support/instant.js';
import { clip, compilePattern, listOf } from './support/text.js';

const DIRECT = [
  'userType', 'employeeType', 'department', 'companyName', 'jobTitle', 'country', 'usageLocation', 'officeLocation', 'employeeId', 'employeeHireDate',
] as const satisfies readonly (keyof DirectoryUser)[];
const EXTENSIONS = Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`);
const TEXT_ATTRIBUTES = [...DIRECT.filter((a) => a !== 'employeeHireDate'), ...EXTENSIONS];
const DATE_ATTRIBUTES = ['employeeHireDate', 'employeeLeaveDateTime'];
const ATTRIBUTES = ['accountEnabled', ...TEXT_ATTRIBUTES, ...DATE_ATTRIBUTES];
const OPERATORS = ['equals', 'in', 'notIn', 'matches', 'exists', 'notInFuture', 'notPast'] as const;
type Operator = (typeof OPERATORS)[number];

interface Condition {
  readonly attribute: string;
  readonly operator: Operator;
  readonly value?: string | boolean;
  readonly values?: readonly string[];
  readonly pattern?: string;
  readonly ignoreCase?: boolean;
  readonly description?: string;
}

interface Options {
  readonly conditions: readonly Condition[];
}

/** What each operator compares with; the others must be left out. */
const COMPANION: Readonly<Record<Operator, 'value' | 'values' | 'pattern' | undefined>> = {
  equals: 'value', in: 'values', notIn: 'values', matches: 'pattern', exists: undefined, notInFuture: undefined, notPast: undefined,
};

const DEFAULTS: Options = { conditions: [{ attribute: 'accountEnabled', operator: 'equals', value: true }] };

const whenAttribute = (attributes: readonly string[], operators: readonly Operator[], value: Record<string, unknown> | undefined) => ({
  if: { properties: { attribute: { enum: attributes } }, required: ['attribute'] },
  then: {
    properties: {
      operator: { enum: operators, description: 'The operators this attribute allows.' },
      ...(value === undefined ? {} : { value }),
    },
  },
});
const companions = {
  value: { type: ['string', 'boolean'], maxLength: 256, description: 'equals: the expected value (a boolean for accountEnabled, else a string).' },
  values: { type: 'array', minItems: 1, maxItems: 100, uniqueItems: true, items: { type: 'string', maxLength: 256, description: 'A value.' }, description: 'in, notIn: the values listed.' },
  pattern: { type: 'string', minLength: 1, maxLength: 200, description: 'matches: a JavaScript regular expression, not anchored (add ^ and $ to match the whole value).' },
} as const;
const whenOperator = (operators: readonly Operator[], companion: keyof typeof companions) => ({
  if: { properties: { operator: { enum: operators } }, required: ['operator'] },
  then: { properties: { [companion]: companions[companion] }, required: [companion] },
});

const condition = {
  type: 'object',
  additionalProperties: false,
  required: ['attribute', 'operator'],
  description: 'One condition on the target user; every condition must hold.',
  properties: {
    attribute: { enum: ATTRIBUTES, description: 'The directory attribute (extensionAttributeN: onPremisesExtensionAttributes).' },
    operator: { enum: OPERATORS, description: 'How the attribute is compared; notInFuture and notPast only on the two date attributes.' },
    ...companions,
    ignoreCase: { type: 'boolean', default: true, description: 'Compare text without case (equals, in, notIn, matches).' },
    description: { type: 'string', minLength: 1, maxLength: 120, description: 'What the condition means, shown to approvers instead of the generic message.' },
  },
  allOf: [
    whenAttribute(['accountEnabled'], ['equals', 'exists'], { type: 'boolean', description: 'accountEnabled: true or false.' }),
    whenAttribute(TEXT_ATTRIBUTES, ['equals', 'in', 'notIn', 'matches', 'exists'], { type: 'string', description: 'The expected text.' }),
    whenAttribute(DATE_ATTRIBUTES, ['exists', 'notInFuture', 'notPast'], undefined),
    whenOperator(['equals'], 'value'),
    whenOperator(['in', 'notIn'], 'values'),
    whenOperator(['matches'], 'pattern'),
  ],
};

type Value = string | boolean | undefined;
type Failure = 'notEqual' | 'notInList' | 'inExcludedList' | 'noMatch' | 'missing' | 'inFuture' | 'passed' | 'notADate';

function failure(c: Condition, actual: Value, now: number): Failure | undefined {
  const ignoreCase = c.ignoreCase ?? true;
  const norm = (v: string | boolean): string | boolean => (typeof v !== 'string' ? v : ignoreCase ? v.trim().toLowerCase() : v.trim());
  const listed = () => actual !== undefined && (c.values ?? []).some((v) => norm(v) === norm(actual));
  const instant = typeof actual === 'string' ? parseInstant(actual) : undefined;
  switch (c.operator) {
    case 'exists':
      return actual === undefined ? 'missing' : undefined;
    case 'equals':
      return actual !== undefined && c.value !== undefined && norm(actual) === norm(c.value) ? undefined : 'notEqual';
    case 'in':
      return listed() ? undefined : 'notInList';
    case 'notIn':
      return listed() ? 'inExcludedList' : undefined;
    case 'matches': {
      const regex = compilePattern(c.pattern ?? '', ignoreCase ? 'iu' : 'u');
      return typeof actual === 'string' && typeof regex !== 'string' && regex.test(actual) ? undefined : 'noMatch';
    }
    case 'notInFuture':
      return actual === undefined ? undefined : instant === undefined ? 'notADate' : instant > now ? 'inFuture' : undefined;
    case 'notPast':
      return actual === undefined ? undefined : instant === undefined ? 'notADate' : instant <= now ? 'passed' : undefined;
  }
}

/** The policy's side of the condition, as the message shows it. */
function expected(c: Condition): string | undefined {
  if (c.operator === 'equals') return clip(String(c.value), 100);
  if (c.operator === 'in' || c.operator === 'notIn') return clip(listOf(c.values ?? []), 100);
  return c.operator === 'matches' && c.pattern !== undefined ? clip(c.pattern, 100) : undefined;
}

export default defineCheck({
  id: 'user-attributes',
  description: "Fails when the target user's directory attributes do not meet the policy's conditions (enabled account, user type, department, dates, extension attributes).",
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      conditions: { type: 'array', minItems: 1, maxItems: 50, items: condition, description: 'Conditions that must all hold; each that fails is one finding.' },
    },
  },
  defaultOptions: DEFAULTS,
  optionsProblem({ conditions }) {
    for (const [i, c] of conditions.entries()) {
      const extra = (['value', 'values', 'pattern'] as const).find((key) => c[key] !== undefined && COMPANION[c.operator] !== key);
      if (extra !== undefined) return { path: `/conditions/${i}/${extra}`, message: `does not go with operator ${c.operator}` };
      const regex = c.pattern === undefined ? undefined : compilePattern(c.pattern);
      if (typeof regex === 'string') return { path: `/conditions/${i}/pattern`, message: `is not a valid regular expression (${regex})` };
    }
    return undefined;
  },
  needs: ({ conditions }): readonly ('targetUser' | 'targetLeaveDate')[] => [
    ...(conditions.some((c) => c.attribute !== 'employeeLeaveDateTime') ? ['targetUser' as const] : []),
    ...(conditions.some((c) => c.attribute === 'employeeLeaveDateTime') ? ['targetLeaveDate' as const] : []),
  ],
  appliesTo: ['elm-request', 'elm-assignment', 'lcw-task', 'pim-activation'],
  severity: 'high',
  messages: {
    notEqual: '{{attribute}} is not {{expected}}.',
    notInList: '{{attribute}} is not one of {{expected}}.',
    inExcludedList: '{{attribute}} is one of the excluded values ({{expected}}).',
    noMatch: '{{attribute}} does not match {{expected}}.',
    missing: '{{attribute}} is not set.',
    inFuture: '{{attribute}} is in the future.',
    passed: '{{attribute}} has passed.',
    notADate: '{{attribute}} is not a readable date.',
    conditionNotMet: 'Condition not met: {{description}}',
  },
  evaluate(_callout, facts, { conditions }) {
    const valueOf = (attribute: string): Value => {
      if (attribute === 'employeeLeaveDateTime') return facts.targetLeaveDate.employeeLeaveDateTime;
      const user = facts.targetUser;
      if (attribute === 'accountEnabled') return user.accountEnabled;
      const direct = DIRECT.find((a) => a === attribute);
      return direct === undefined ? user.onPremisesExtensionAttributes[attribute] : user[direct];
    };
    return conditions.flatMap((c, index): Report<Failure | 'conditionNotMet'>[] => {
      const failed = failure(c, valueOf(c.attribute), facts.now);
      if (failed === undefined) return [];
      const want = expected(c);
      const data = { attribute: c.attribute, operator: c.operator, ...(want === undefined ? {} : { expected: want }) };
      const evidence = { condition: index, attribute: c.attribute, operator: c.operator, failure: failed };
      return c.description === undefined
        ? [{ messageId: failed, data, evidence }]
        : [{ messageId: 'conditionNotMet', data: { ...data, description: c.description }, evidence }];
    });
  },
});
