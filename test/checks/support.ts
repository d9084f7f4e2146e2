import { Ajv, type ValidateFunction } from 'ajv';
import { expect } from 'vitest';
import type { Answer, ElmAssignmentCallout, ElmRequestCallout, LcwTaskCallout, Subject } from '../../src/callout/model.js';
import { renderMessage, type Check, type CheckedCallout, type Report } from '../../src/checks/define-check.js';
import type { DirectoryUser, FactSet, RequestedSchedule, RequestFact } from '../../src/facts/fact-types.js';
import { mergeDefaults } from '../../src/policy/load-policy.js';
import type { Guid } from '../../src/guid.js';
import type { PimActivation, PimSchedule, PimTarget } from '../../src/pim/activation.js';
import { guid, pathOf } from '../support/graph-paths.js';

/** When every test evaluates: a fixed instant, so dates in tables stay readable. */
export const NOW = Date.parse('2026-11-22T12:00:00Z');
export const DAY_MS = 86_400_000;
export const TARGET_ID = guid('5e8b3a43-2f3c-4f6e-9d6a-1b2c3d4e5f60');
export const REQUESTOR_ID = guid('0f1e2d3c-4b5a-4697-8877-665544332211');
export const REQUEST_ID = guid('3c7ee35f-ab17-4893-bb65-7a761c670d1a');

/** ISO date-time `days` days from NOW (negative: before). */
export const daysFromNow = (days: number): string => new Date(NOW + days * DAY_MS).toISOString();

const subject = (objectId: Guid, displayName: string): Subject => ({
  objectId, displayName, principalName: `${displayName.toLowerCase().replace(' ', '.')}@contoso.com`, email: undefined, subjectType: 'user',
});

/** An entitlement-management request callout as the parser makes it (assignmentRequestCreated, userAdd). */
export function elmRequest(overrides: Partial<ElmRequestCallout> = {}): ElmRequestCallout {
  return {
    kind: 'elm-request',
    shape: 'flat-pascal',
    stage: 'assignmentRequestCreated',
    stageInstanceId: guid('64054d8d-4d73-4705-820a-866332af9a64'),
    requestId: REQUEST_ID,
    resume: { path: pathOf(`/identityGovernance/entitlementManagement/assignmentRequests/${REQUEST_ID}/resume`), confirmPath: pathOf(`/identityGovernance/entitlementManagement/assignmentRequests/${REQUEST_ID}`) },
    callbackTimeout: 'PT1H',
    requestType: 'userAdd',
    state: 'submitted',
    status: 'Accepted',
    accessPackage: { id: guid('97979783-38c5-40ae-b74e-404935a04ffd'), displayName: 'Payments - Approver' },
    catalog: { id: guid('26803898-8c26-4ca8-ba50-15552ecd4c9d'), displayName: 'Finance' },
    assignmentId: undefined,
    assignmentPolicy: { id: guid('94f213d6-cfa4-4bda-86f9-6bb659b87cb0'), displayName: 'Employees' },
    target: subject(TARGET_ID, 'Ada Lovelace'),
    requestor: subject(REQUESTOR_ID, 'Grace Hopper'),
    answers: [],
    ...overrides,
  };
}

/** A pre-expiration callout: no requestor, no answers, nothing to resume. */
export function elmAssignment(overrides: Partial<ElmAssignmentCallout> = {}): ElmAssignmentCallout {
  return {
    kind: 'elm-assignment',
    shape: 'flat-pascal',
    stage: 'assignmentFourteenDaysBeforeExpiration',
    stageInstanceId: guid('b2c4e6a8-1111-4222-8333-944455556666'),
    requestId: undefined,
    accessPackage: { id: guid('97979783-38c5-40ae-b74e-404935a04ffd'), displayName: 'Payments - Approver' },
    catalog: { id: guid('26803898-8c26-4ca8-ba50-15552ecd4c9d'), displayName: 'Finance' },
    assignmentId: guid('d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6'),
    target: subject(TARGET_ID, 'Ada Lovelace'),
    ...overrides,
  };
}

/** A Lifecycle Workflows custom task callout. */
export function lcwTask(overrides: Partial<LcwTaskCallout> = {}): LcwTaskCallout {
  return {
    kind: 'lcw-task',
    shape: 'lifecycle-workflows',
    taskProcessingResultId: guid('78b3e0a1-5c2d-4e6f-9a7b-8c9d0e1f2a3b'),
    resume: { path: pathOf('/identityGovernance/lifecycleWorkflows/workflows/w/runs/r/taskProcessingResults/t/resume'), confirmPath: pathOf('/identityGovernance/lifecycleWorkflows/workflows/w/runs/r/taskProcessingResults/t') },
    subject: subject(TARGET_ID, 'Ada Lovelace'),
    managerId: undefined,
    task: { id: guid('a1b2c3d4-0000-4000-8000-000000000001'), displayName: 'Check before onboarding' },
    workflow: { id: guid('a1b2c3d4-0000-4000-8000-000000000002'), displayName: 'Onboarding', version: 1 },
    ...overrides,
  };
}

/** The targets of PIM activations the tables use: User Administrator at the tenant, a group's membership, Contributor on a resource group. */
export const PIM_TARGETS = {
  userAdmin: { kind: 'directory-role', roleDefinitionId: guid('fe930be7-5e62-47db-91af-98c3a49a38b1'), directoryScopeId: '/' },
  paymentsMember: { kind: 'group', groupId: guid('1a2b3c4d-0001-4000-8000-00000000a001'), access: 'member' },
  contributor: {
    kind: 'azure-role',
    roleDefinitionId: '/subscriptions/3f2e1d0c-0001-4b5a-9c8d-7e6f5a4b3c2d/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c',
    roleDefinitionGuid: guid('b24988ac-6180-42a0-ab88-20f7382dd24c'),
    scope: '/subscriptions/3f2e1d0c-0001-4b5a-9c8d-7e6f5a4b3c2d/resourceGroups/rg-payments',
  },
} as const satisfies Readonly<Record<string, PimTarget>>;

export function pimSchedule(overrides: Partial<PimSchedule> = {}): PimSchedule {
  return { startDateTime: undefined, expirationType: 'afterDuration', duration: 'PT8H', endDateTime: undefined, ...overrides };
}

/**
 * A PIM activation as parse-activation.ts makes it: Ada activating User Administrator at the
 * tenant now, for eight hours, with a justification and a ServiceNow ticket.
 */
export function pimActivation(overrides: Partial<PimActivation> = {}): PimActivation {
  return {
    kind: 'pim-activation',
    model: 'directory-role-request',
    requestId: guid('9a0b1c2d-0002-4e5f-8a6b-7c8d9e0f1a2b'),
    action: 'selfActivate',
    status: undefined,
    principalId: TARGET_ID,
    principalType: undefined,
    target: PIM_TARGETS.userAdmin,
    justification: 'Reset passwords for the new joiners, ticket INC0042.',
    ticket: { number: 'INC0042', system: 'ServiceNow' },
    schedule: pimSchedule(),
    ...overrides,
  };
}

/** A directory user as the targetUser fact holds it: an enabled member with nothing else set. */
export function directoryUser(overrides: Partial<DirectoryUser> = {}): DirectoryUser {
  return {
    id: TARGET_ID,
    displayName: 'Ada Lovelace',
    accountEnabled: true,
    userType: 'Member',
    employeeType: undefined,
    department: undefined,
    companyName: undefined,
    jobTitle: undefined,
    country: undefined,
    usageLocation: undefined,
    officeLocation: undefined,
    employeeId: undefined,
    employeeHireDate: undefined,
    onPremisesExtensionAttributes: {},
    ...overrides,
  };
}

export function schedule(overrides: Partial<RequestedSchedule> = {}): RequestedSchedule {
  return { startDateTime: undefined, endDateTime: undefined, duration: undefined, expirationType: undefined, ...overrides };
}

/** The request fact: no justification, no schedule unless given. */
export function requestFact(overrides: Partial<RequestFact> = {}): RequestFact {
  return { id: REQUEST_ID, justification: undefined, schedule: undefined, createdDateTime: undefined, ...overrides };
}

export function answer(question: { id?: string; text?: string }, value: string | undefined): Answer {
  return { questionId: question.id, questionText: question.text, value, displayValue: value };
}

const ajv = new Ajv({ allErrors: false, allowUnionTypes: true, strict: true, strictTypes: false });
const validators = new WeakMap<Check, ValidateFunction>();

/** The options schema compiled as load-policy.ts compiles it. */
export function validatorOf(check: Check): ValidateFunction {
  const known = validators.get(check);
  if (known !== undefined) return known;
  const compiled = ajv.compile(check.optionsSchema);
  validators.set(check, compiled);
  return compiled;
}

/** Why the policy's options would be refused (pointer inside the options, message), or undefined. */
export function optionsProblem(check: Check, options: unknown, settings: unknown = check.settings?.compile(undefined)): { path: string; message: string } | undefined {
  const merged = mergeDefaults(check.defaultOptions, options);
  const validate = validatorOf(check);
  if (!validate(merged)) {
    const error = validate.errors?.[0];
    const params = (error?.params ?? {}) as Record<string, unknown>;
    const extra = params['additionalProperty'];
    return { path: error?.instancePath ?? '', message: typeof extra === 'string' ? `unknown field "${extra}"` : (error?.message ?? 'invalid') };
  }
  return check.optionsProblem(merged, settings);
}

/** Options as the engine hands them to evaluate: defaults merged, then validated. */
export function configure(check: Check, options: Record<string, unknown> = {}, settings?: unknown): unknown {
  const problem = optionsProblem(check, options, settings);
  if (problem !== undefined) throw new Error(`${check.id} options invalid at ${problem.path}: ${problem.message}`);
  return mergeDefaults(check.defaultOptions, options);
}

export type GivenFacts = Omit<FactSet, 'now'> & { readonly now?: number };

/**
 * Evaluates through the check object, as the engine does. Every report must name a message of
 * the check, and its rendered message must leave no placeholder unfilled.
 */
export function evaluate(check: Check, callout: CheckedCallout, facts: GivenFacts, options: Record<string, unknown> = {}, settings?: unknown): readonly Report[] {
  const reports = check.evaluate(callout, { now: NOW, ...facts }, configure(check, options, settings), settings);
  for (const report of reports) {
    const template = check.messages[report.messageId];
    expect(template, `${check.id} reports ${report.messageId}, which has no message`).toBeTypeOf('string');
    expect(renderMessage(template ?? '', report.data)).not.toMatch(/\{\{/);
  }
  return reports;
}

/** What a table row asserts: message ids and data, in order. */
export const idsAndData = (reports: readonly Report[]) => reports.map((r) => ({ messageId: r.messageId, data: r.data }));

/** Rendered messages, for asserting what approvers read. */
export const rendered = (check: Check, reports: readonly Report[]) => reports.map((r) => renderMessage(check.messages[r.messageId] ?? '', r.data));
