// The Graph type check can fail: misspelt and other-version properties, values outside an enum, wrong value types,
// abstract types named or left implicit, an @odata.type that does not derive from the type its place declares;
// and each entry of published-type-lags.ts is still a lag of the published types.
import { beforeAll, describe, expect, test } from 'vitest';
import { CALLBACK_WINDOW_TYPE, DYNAMIC_STAGE_TYPE, REQUEST_EXTENSION_TYPE } from '../../src/register/graph-shapes.js';
import { checkBodies, type BodyCase } from './graph-type-check.js';
import { PUBLISHED_TYPE_LAGS, type PublishedTypeLag } from './published-type-lags.js';

const ID = '7deff43e-1f17-44ef-9e5f-d516b0ba11d4';
const ELM_RESUME = 'accessPackageAssignmentRequest.resume';
/** What a catalog's customWorkflowExtensions hold: the body names the concrete type. */
const CALLOUT_EXTENSION = 'microsoft.graph.customCalloutExtension';
const callbackData = (change: Record<string, unknown>) => ({
  '@odata.type': 'microsoft.graph.accessPackageAssignmentRequestCallbackData', stage: 'assignmentRequestCreated', customExtensionStageInstanceId: ID, customExtensionStageInstanceDetail: 'ok', ...change,
});
const resume = (data: unknown) => ({ source: 'entitlement-guard', type: 'microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated', data });
const extension = (callbackConfiguration: unknown) => ({
  '@odata.type': REQUEST_EXTENSION_TYPE, displayName: 'entitlement-guard',
  authenticationConfiguration: { '@odata.type': '#microsoft.graph.azureAdPopTokenAuthentication' }, callbackConfiguration,
});

/** Each case fails with (at least) a message containing every one of its strings. */
const FAILING: readonly (BodyCase & { readonly expected: readonly string[] })[] = [
  { name: 'misspelt property', version: 'v1.0', type: REQUEST_EXTENSION_TYPE, body: extension({ '@odata.type': CALLBACK_WINDOW_TYPE, timeoutDuraton: 'PT1H' }), expected: ["callbackConfiguration.timeoutDuraton: Object literal may only specify known properties", "'timeoutDuraton' does not exist in type 'CustomTaskExtensionCallbackConfiguration'"] },
  {
    name: 'the old window: durationBeforeTimeout under the abstract type', version: 'v1.0', type: REQUEST_EXTENSION_TYPE,
    body: extension({ '@odata.type': '#microsoft.graph.customExtensionCallbackConfiguration', durationBeforeTimeout: 'PT1H' }),
    expected: ['callbackConfiguration: @odata.type #microsoft.graph.customExtensionCallbackConfiguration names an abstract type', "callbackConfiguration.durationBeforeTimeout: Object literal may only specify known properties", "'durationBeforeTimeout' does not exist in type 'CustomExtensionCallbackConfiguration'"],
  },
  { name: 'a stage outside the enum', version: 'v1.0', type: ELM_RESUME, body: resume(callbackData({ stage: 'assignmentRequestCreatd' })), expected: ['data.stage: Type \'"assignmentRequestCreatd"\' is not assignable to type \'NullableOption<AccessPackageCustomExtensionStage>'] },
  {
    name: 'an LCW status outside the enum', version: 'v1.0', type: 'identityGovernance.taskProcessingResult.resume', body: { source: 'entitlement-guard', type: 'lifecycleEvent', data: { operationStatus: 'done' } },
    expected: ['data.operationStatus: Type \'"done"\' is not assignable to type \'NullableOption<CustomTaskExtensionOperationStatus>'],
  },
  { name: 'a beta-only property in a v1.0 policy', version: 'v1.0', type: 'microsoft.graph.accessPackageAssignmentPolicy', body: { displayName: 'Employees', accessPackageId: ID }, expected: ["accessPackageId: Object literal may only specify known properties", "'accessPackageId' does not exist in type 'AccessPackageAssignmentPolicy'"] },
  {
    name: 'a beta-only type in a v1.0 policy', version: 'v1.0', type: 'microsoft.graph.accessPackageAssignmentPolicy',
    body: { requestApprovalSettings: { stages: [{ '@odata.type': DYNAMIC_STAGE_TYPE, customExtension: { '@odata.type': REQUEST_EXTENSION_TYPE, id: ID } }] } },
    expected: ['requestApprovalSettings.stages[0]: names a type the v1.0 types do not declare (AccessPackageDynamicApprovalStage)'],
  },
  { name: 'a number for a string', version: 'v1.0', type: 'microsoft.graph.unifiedRoleAssignment', body: { principalId: 42, roleDefinitionId: ID }, expected: ["principalId: Type 'number' is not assignable to type 'string'"] },
  { name: 'an abstract type named', version: 'v1.0', type: ELM_RESUME, body: resume({ '@odata.type': 'microsoft.graph.customExtensionData' }), expected: ['data: @odata.type microsoft.graph.customExtensionData names an abstract type (v1.0)'] },
  { name: 'an abstract type left implicit', version: 'v1.0', type: ELM_RESUME, body: resume({ stage: 'assignmentRequestCreated' }), expected: ['data: no @odata.type, and the declared type customExtensionData (v1.0) is abstract'] },
  {
    name: 'a subject set without its type', version: 'v1.0', type: 'microsoft.graph.accessPackageApprovalStage', body: { durationBeforeAutomaticDenial: 'P7D', primaryApprovers: [{ userId: ID }] },
    expected: ['primaryApprovers[0]: no @odata.type, and the declared type subjectSet (v1.0) is abstract'],
  },
  // TypeScript compares shapes, and Graph's properties are mostly optional: these fit as shapes, yet name types that do not derive from the declared one.
  {
    name: 'a role assignment whose body names a policy', version: 'v1.0', type: 'microsoft.graph.unifiedRoleAssignment', body: { '@odata.type': '#microsoft.graph.accessPackageAssignmentPolicy', displayName: 'Employees' },
    expected: ['(body): @odata.type accessPackageAssignmentPolicy (v1.0) does not derive from unifiedRoleAssignment, the type declared here'],
  },
  {
    name: 'an endpoint typed as a callback window', version: 'v1.0', type: CALLOUT_EXTENSION,
    body: { ...extension({ '@odata.type': CALLBACK_WINDOW_TYPE, timeoutDuration: 'PT1H' }), endpointConfiguration: { '@odata.type': CALLBACK_WINDOW_TYPE, timeoutDuration: 'PT1H' } },
    expected: ['endpointConfiguration: @odata.type identityGovernance.customTaskExtensionCallbackConfiguration (v1.0) does not derive from customExtensionEndpointConfiguration, the type declared here'],
  },
  {
    name: 'an approver typed as an approval stage', version: 'v1.0', type: 'microsoft.graph.accessPackageAssignmentPolicy',
    body: { requestApprovalSettings: { stages: [{ durationBeforeAutomaticDenial: 'P7D', primaryApprovers: [{ '@odata.type': '#microsoft.graph.accessPackageApprovalStage', durationBeforeAutomaticDenial: 'P7D' }] }] } },
    expected: ['requestApprovalSettings.stages[0].primaryApprovers[0]: @odata.type accessPackageApprovalStage (v1.0) does not derive from subjectSet, the type declared here'],
  },
  { name: 'a type no version declares', version: 'beta', type: 'microsoft.graph.accessPackageAssignmentPolicy', body: { requestApprovalSettings: { '@odata.type': '#microsoft.graph.approvalSettingz' } }, expected: ['requestApprovalSettings: names a type the beta types do not declare (ApprovalSettingz)'] },
];

/** The body `{ a: [{ b: value }] }` for the path `a[].b`. */
function bodyAt(path: string, value: unknown): unknown {
  const [head = '', ...rest] = path.split('.');
  const inner = rest.length === 0 ? value : bodyAt(rest.join('.'), value);
  return head.endsWith('[]') ? { [head.slice(0, -2)]: [inner] } : { [head]: inner };
}
const lagCase = (lag: PublishedTypeLag, i: number, lags: readonly PublishedTypeLag[]): BodyCase => ({
  name: `lag ${i} ${lags.length === 0 ? 'without' : 'with'} the list`, version: lag.version, type: `microsoft.graph.${lag.type}`, lags,
  body: { ...(lag.type.endsWith('CallbackData') ? { '@odata.type': `microsoft.graph.${lag.type}` } : {}), ...(bodyAt(lag.path, 'value' in lag ? lag.value : lag.sample) as object) },
});
const LAGS = PUBLISHED_TYPE_LAGS.map((lag, i) => ({ lag, i }));
const PASSING: readonly BodyCase[] = [
  { name: 'a correct body', version: 'v1.0', type: REQUEST_EXTENSION_TYPE, body: extension({ '@odata.type': CALLBACK_WINDOW_TYPE, timeoutDuration: 'PT1H' }) },
  // The place declares the abstract base; the body names a type derived from it (and so do its nested objects).
  { name: 'a derived type where its base is declared', version: 'v1.0', type: CALLOUT_EXTENSION, body: extension({ '@odata.type': CALLBACK_WINDOW_TYPE, timeoutDuration: 'PT1H' }) },
  { name: 'a type named where it is itself declared', version: 'beta', type: 'microsoft.graph.unifiedRoleAssignment', body: { '@odata.type': '#microsoft.graph.unifiedRoleAssignment', principalId: ID, roleDefinitionId: ID } },
];

let failures: Map<string, string[]>;
beforeAll(() => {
  ({ failures } = checkBodies([...PASSING, ...FAILING, ...LAGS.flatMap(({ lag, i }) => [lagCase(lag, i, []), lagCase(lag, i, PUBLISHED_TYPE_LAGS)])]));
});

test.each(PASSING.map((c) => [c.name] as const))('%s passes', (name) => {
  expect(failures.get(name)).toBeUndefined();
});

describe('fails', () => {
  test.each(FAILING.map((c) => [c.name, c.expected] as const))('%s', (name, expected) => {
    const messages = failures.get(name) ?? [];
    for (const text of expected) expect(messages.some((m) => m.includes(text)), `${text}\nin ${JSON.stringify(messages, null, 2)}`).toBe(true);
  });
});

describe('each published-type lag is still a lag', () => {
  test.each(LAGS.map(({ lag, i }) => [`${lag.version} ${lag.type}.${lag.path}`, i] as const))('%s: rejected by the published type, accepted with the list', (_, i) => {
    expect(failures.get(`lag ${i} without the list`)?.join('\n')).toMatch(/is not assignable|may only specify known properties/);
    expect(failures.get(`lag ${i} with the list`)).toBeUndefined();
  });

  test.each(PUBLISHED_TYPE_LAGS.map((lag) => [lag.type, lag.page] as const))('%s names the page that documents it', (_, page) => {
    expect(page).toMatch(/^https:\/\/learn\.microsoft\.com\//);
  });
});
