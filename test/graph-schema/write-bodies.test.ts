// Every Graph write body the product makes, built by the production code (the resumes by elmResume and lcwResume,
// register's by the command against the tenant emulator, recorded as sent), checked in one compile against
// Microsoft's published Graph types (graph-type-check.ts).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RecordedCall, TenantEmulator } from '../../emulator/index.js';
import { resolveApprovers } from '../../src/approvers/resolve-approvers.js';
import { DEFAULT_APPROVAL_STAGE, type ApprovalStage } from '../../src/decision/approval-stage.js';
import type { Decision } from '../../src/decision/decision.js';
import { elmResume, lcwResume } from '../../src/decision/resume-request.js';
import { REQUEST_EXTENSION_TYPE, REQUEST_STAGES } from '../../src/register/graph-shapes.js';
import { ELM_STAGES, stageCapabilities } from '../../src/stages.js';
import { elmRequest, lcwTask } from '../checks/support.js';
import { EMPLOYEES, FINANCE, freshEmulator, register } from '../register/register-run.js';
import { pathOf } from '../support/graph-paths.js';
import { checkBodies, type BodyCase, type CheckResult } from './graph-type-check.js';
import { PUBLISHED_TYPE_LAGS } from './published-type-lags.js';

interface WriteCase extends BodyCase {
  readonly kind: string;
}

const target = { path: pathOf('/identityGovernance/entitlementManagement/assignmentRequests/r/resume'), confirmPath: pathOf('/x') };
const ELM_RESUME = 'accessPackageAssignmentRequest.resume';
const M1 = '11111111-1111-4111-8111-111111111111';
const GROUP = '99999999-9999-4999-8999-999999999999';
const OTHER_GROUP = '88888888-8888-4888-8888-888888888888';

/** The approval stages a resume can set: the default, resolved approvers (users, groups, the manager, with escalation), sponsors. */
const resolved = resolveApprovers({
  primary: [{ type: 'users', users: [{ id: M1, description: 'Controller' }] }, { type: 'groups', groups: [{ id: GROUP, description: 'Finance approvers' }] }, { type: 'requestorManager', level: 1 }],
  fallback: [{ type: 'groups', groups: [{ id: OTHER_GROUP }] }],
  decisionWindow: 'P7D',
  approverJustificationRequired: true,
  escalation: { after: 'P2D', approvers: [{ type: 'requestorManager', level: 2 }], fallback: [{ type: 'users', users: [{ id: M1 }] }] },
}, elmRequest(), { now: 0, requestorManagerChain: [{ level: 1, id: '22222222-2222-4222-8222-222222222222', displayName: 'M1', accountEnabled: true }, { level: 2, id: '33333333-3333-4333-8333-333333333333', displayName: 'M2', accountEnabled: true }] }).stage;
const SPONSORS: ApprovalStage = {
  durationBeforeAutomaticDenial: 'P14D', isApproverJustificationRequired: false, isEscalationEnabled: false,
  primaryApprovers: [{ '@odata.type': '#microsoft.graph.internalSponsors' }], fallbackPrimaryApprovers: [{ '@odata.type': '#microsoft.graph.externalSponsors' }],
  escalationApprovers: [], fallbackEscalationApprovers: [],
};
const APPROVAL_STAGES: readonly (readonly [string, ApprovalStage | undefined])[] = [['the default (requestor manager)', DEFAULT_APPROVAL_STAGE], ['resolved users, groups and managers', resolved], ['sponsors', SPONSORS]];

function elmCases(): WriteCase[] {
  const cases: WriteCase[] = [];
  const decisions: readonly Decision[] = [{ kind: 'continue', detail: 'No check applies to this stage.' }, { kind: 'deny', detail: 'Denied by policy: SoD conflict with Payments - Requester' }];
  for (const stage of ELM_STAGES.filter((s) => stageCapabilities(s)?.canResume === true)) {
    for (const decision of decisions) {
      for (const allow of [false, true]) {
        const { request, sent } = elmResume(elmRequest({ stage }), target, decision, allow);
        cases.push({ kind: 'elm resume', name: `ELM resume at ${stage}: ${decision.kind} sent as ${sent.kind} (allowDenyAtApprovedStage ${allow})`, version: request.apiVersion, type: ELM_RESUME, body: request.body });
      }
    }
    if (stageCapabilities(stage)?.answer !== 'approval-stage') continue;
    for (const [label, approvalStage] of APPROVAL_STAGES) {
      if (approvalStage === undefined) throw new Error(`no approval stage: ${label}`);
      const { request } = elmResume(elmRequest({ stage }), target, { kind: 'approval-stage', detail: 'Approvers from policy.', approvalStage }, false);
      cases.push({ kind: 'elm resume', name: `ELM resume at ${stage}: approval stage, ${label}`, version: request.apiVersion, type: ELM_RESUME, body: request.body });
    }
  }
  return cases;
}

function lcwCases(): WriteCase[] {
  return (['complete', 'fail'] as const).map((kind) => {
    const { request } = lcwResume(lcwTask(), target, { kind, detail: '' });
    return { kind: 'lcw resume', name: `LCW resume: ${kind}`, version: request.apiVersion, type: 'identityGovernance.taskProcessingResult.resume', body: request.body };
  });
}

/**
 * The Graph type a recorded register write is checked as: the type its path declares (a new kind of write must be
 * added here), never the body's own @odata.type, which the check then requires to be that type or derived from it.
 */
function registerType(call: RecordedCall): Pick<WriteCase, 'kind' | 'type' | 'version'> {
  const version = call.path.startsWith('/beta/') ? 'beta' : 'v1.0';
  // A catalog's customWorkflowExtensions hold customCalloutExtensions (abstract): the body names the concrete type.
  if (/\/catalogs\/[^/]+\/customWorkflowExtensions(\/|$)/.test(call.path)) return { kind: 'custom extension', type: 'microsoft.graph.customCalloutExtension', version };
  if (/\/(assignmentPolicies|accessPackageAssignmentPolicies)\//.test(call.path)) return { kind: `assignment policy ${version}`, type: 'microsoft.graph.accessPackageAssignmentPolicy', version };
  if (call.path.endsWith('/roleManagement/entitlementManagement/roleAssignments')) return { kind: 'role assignment', type: 'microsoft.graph.unifiedRoleAssignment', version };
  if (call.path.includes('/lifecycleWorkflows/customTaskExtensions')) return { kind: 'custom task extension', type: 'microsoft.graph.identityGovernance.customTaskExtension', version };
  throw new Error(`register wrote ${call.method} ${call.path}: say what Graph type its body is`);
}

const BASE = ['--catalog', FINANCE];
/** Runs of `npm run register` against one emulator, in order: each run's writes are the bodies of that situation. */
const RUNS: readonly (readonly [string, readonly string[]])[] = [
  ['first registration', [...BASE, '--policy', EMPLOYEES, ...REQUEST_STAGES.flatMap((s) => ['--stage', s]), '--least-privilege', '--lcw']],
  ['update (relay and windows)', [...BASE, '--callback', 'P2D', '--relay-name', 'eg-relay-2', '--lcw', '--lcw-callback', 'PT3H']],
  ['unregister (v1.0 policy)', [...BASE, '--policy', EMPLOYEES, '--unregister']],
  ['dynamic approval', [...BASE, '--policy', EMPLOYEES, '--stage', 'assignmentRequestCreated', '--dynamic-approval']],
  ['unregister (beta policy)', [...BASE, '--policy', EMPLOYEES, '--unregister']],
];

let emulator: TenantEmulator;
let cases: WriteCase[];
let result: CheckResult;

beforeAll(async () => {
  emulator = await freshEmulator();
  const registerCases: WriteCase[] = [];
  for (const [label, argv] of RUNS) {
    const run = await register(emulator, argv);
    if (run.code !== 0) throw new Error(`register (${label}) exited ${run.code}: ${run.err}`);
    for (const call of run.writes.filter((c) => c.method !== 'DELETE')) {
      const { kind, type, version } = registerType(call);
      registerCases.push({ kind, type, version, name: `register, ${label}: ${call.method} ${version} ${kind}`, body: call.body });
    }
  }
  cases = [...elmCases(), ...lcwCases(), ...registerCases];
  result = checkBodies(cases);
});
afterAll(() => emulator.close());

test('every write body fits Microsoft\'s published Graph types (published-type-lags.ts aside)', () => {
  expect(Object.fromEntries(result.failures)).toEqual({});
});

test('each published-type lag is needed by some body (type-check.test.ts shows each still lags)', () => {
  expect(PUBLISHED_TYPE_LAGS.filter((lag) => !result.lagsUsed.has(lag))).toEqual([]);
});

describe('the bodies checked', () => {
  const count = (kind: string) => cases.filter((c) => c.kind === kind).length;

  test('cover each kind of write: the number of bodies of each', () => {
    expect(Object.fromEntries(['elm resume', 'lcw resume', 'custom extension', 'assignment policy v1.0', 'assignment policy beta', 'role assignment', 'custom task extension'].map((k) => [k, count(k)]))).toEqual({
      'elm resume': 23, 'lcw resume': 2, 'custom extension': 3, 'assignment policy v1.0': 2, 'assignment policy beta': 2, 'role assignment': 2, 'custom task extension': 2,
    });
    expect(cases).toHaveLength(36);
  });

  test('the resumes: every resumable stage, in the version its capabilities name, beta for the approval stage', () => {
    for (const stage of ELM_STAGES.filter((s) => stageCapabilities(s)?.canResume === true)) {
      expect(cases.filter((c) => c.name.startsWith(`ELM resume at ${stage}:`)).map((c) => c.version)).toContain(stageCapabilities(stage)?.apiVersion);
    }
    expect(new Set(cases.filter((c) => c.kind === 'elm resume').map((c) => (c.body as { data: { state?: string } }).data.state))).toEqual(new Set([undefined, 'denied']));
    expect(cases.filter((c) => c.name.includes('approval stage')).map((c) => c.version)).toEqual(['beta', 'beta', 'beta']);
  });

  test('the approval stages name every kind of approver the product writes', () => {
    const types = new Set(JSON.stringify(cases.filter((c) => c.name.includes('approval stage')).map((c) => c.body)).match(/#microsoft\.graph\.\w+/g));
    expect([...types].sort()).toEqual(['#microsoft.graph.externalSponsors', '#microsoft.graph.groupMembers', '#microsoft.graph.internalSponsors', '#microsoft.graph.requestorManager', '#microsoft.graph.singleUser']);
  });

  test('register: creates, updates and unregisters, each policy PUT in the version it was read in', () => {
    expect(cases.filter((c) => c.name.startsWith('register')).map((c) => c.name.replace(/^register, /, ''))).toEqual([
      'first registration: POST v1.0 custom extension', 'first registration: PUT v1.0 assignment policy v1.0', 'first registration: POST v1.0 role assignment', 'first registration: POST v1.0 custom task extension',
      'update (relay and windows): PUT v1.0 custom extension', 'update (relay and windows): PATCH v1.0 custom task extension',
      'unregister (v1.0 policy): PUT v1.0 assignment policy v1.0',
      // Least privilege is the default: registering again after the unregister assigns the catalog role again.
      'dynamic approval: POST v1.0 custom extension', 'dynamic approval: PUT beta assignment policy beta', 'dynamic approval: POST v1.0 role assignment',
      'unregister (beta policy): PUT beta assignment policy beta',
    ]);
    const firstPolicy = cases.find((c) => c.name === 'register, first registration: PUT v1.0 assignment policy v1.0')?.body as { customExtensionStageSettings: { stage: string }[] };
    expect(firstPolicy.customExtensionStageSettings.map((s) => s.stage)).toEqual([...REQUEST_STAGES]);
  });

  test('register: each write checked as the type its path declares; the custom extensions name the concrete type', () => {
    const register = cases.filter((c) => c.name.startsWith('register'));
    expect(new Set(register.map((c) => `${c.kind}: ${c.type}`))).toEqual(new Set([
      'custom extension: microsoft.graph.customCalloutExtension', 'assignment policy v1.0: microsoft.graph.accessPackageAssignmentPolicy', 'assignment policy beta: microsoft.graph.accessPackageAssignmentPolicy',
      'role assignment: microsoft.graph.unifiedRoleAssignment', 'custom task extension: microsoft.graph.identityGovernance.customTaskExtension',
    ]));
    expect(new Set(register.filter((c) => c.kind === 'custom extension').map((c) => (c.body as Record<string, unknown>)['@odata.type']))).toEqual(new Set([REQUEST_EXTENSION_TYPE]));
  });
});
