// Each entry of emulator/graph/graph-type-lag.ts (where the emulator takes documented Graph over Microsoft's published
// types) still lags: the published types alone lack it, so a types release that catches up fails here and the entry
// is taken out. And each is still needed: some write the product makes, or some answer the emulator gives, fits the
// emulator's types with the entry and is refused by the index without it.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RESUME_ACTIONS } from '../../emulator/graph/graph-actions.js';
import { schemaFindings } from '../../emulator/graph/graph-schema-check.js';
import { TYPE_LAG, type TypeLag } from '../../emulator/graph/graph-type-lag.js';
import { emulatorTypes, graphTypeModel, NO_TYPE_LAG, type GraphTypeModel, type GraphVersion } from '../../emulator/graph/graph-types.js';
import type { RecordedCall, TenantEmulator } from '../../emulator/index.js';
import { resolveApprovers } from '../../src/approvers/resolve-approvers.js';
import { DEFAULT_APPROVAL_STAGE, type ApprovalStage } from '../../src/decision/approval-stage.js';
import type { Decision } from '../../src/decision/decision.js';
import { elmResume, lcwResume } from '../../src/decision/resume-request.js';
import { REQUEST_STAGES } from '../../src/register/graph-shapes.js';
import { ELM_STAGES, stageCapabilities } from '../../src/stages.js';
import { elmRequest, lcwTask } from '../checks/support.js';
import { graphGet, miToken } from '../emulator/graph-calls.js';
import { EMPLOYEES, FINANCE, freshEmulator, register } from '../register/register-run.js';
import { pathOf } from '../support/graph-paths.js';

const G = 'microsoft.graph';
type Kind = keyof TypeLag;
interface Entry {
  readonly version: GraphVersion;
  readonly kind: Kind;
  readonly name: string;
}
const KINDS: readonly Kind[] = ['types', 'properties', 'enumMembers', 'bases'];
const ENTRIES: readonly Entry[] = (['v1.0', 'beta'] as const).flatMap((version) => KINDS.flatMap((kind) => Object.keys(TYPE_LAG[version][kind]).map((name) => ({ version, kind, name }))));
const label = (e: Entry): string => `${e.version} ${e.kind} ${e.name}`;

/** A lag list without one of its entries. */
function without(lag: TypeLag, entry: Entry): TypeLag {
  return { ...lag, [entry.kind]: Object.fromEntries(Object.entries(lag[entry.kind]).filter(([name]) => name !== entry.name)) };
}

/** The parts of an entry of `lag` the published types alone (the generated index, no lag list) lack: every part while it still lags. */
function lacking(entry: Entry, lag: TypeLag = TYPE_LAG[entry.version]): { readonly lacked: string[]; readonly parts: number } {
  const published = graphTypeModel(entry.version, NO_TYPE_LAG);
  const { name } = entry;
  switch (entry.kind) {
    case 'types':
      return { lacked: published.type(name) === undefined ? [name] : [], parts: 1 };
    case 'properties': {
      const type = published.type(name);
      const properties = Object.keys(lag.properties[name]?.properties ?? {});
      return { lacked: properties.filter((p) => type !== undefined && type.properties[p] === undefined).map((p) => `${name}.${p}`), parts: properties.length };
    }
    case 'enumMembers': {
      const known = published.enumMembers(name)?.map((m) => m.toLowerCase());
      const members = lag.enumMembers[name]?.members ?? [];
      return { lacked: members.filter((m) => known !== undefined && !known.includes(m.toLowerCase())).map((m) => `${name}/${m}`), parts: members.length };
    }
    case 'bases': {
      const base = lag.bases[name]?.base ?? '';
      return { lacked: published.type(name) !== undefined && published.type(base) !== undefined && !published.derivesFrom(name, base) ? [`${name} → ${base}`] : [], parts: 1 };
    }
  }
}

/** A body the product writes or the emulator answers, with the type the place it goes to (or comes from) declares. */
interface Item {
  readonly what: string;
  readonly version: GraphVersion;
  readonly declared: string;
  readonly body: unknown;
}

const target = { path: pathOf('/identityGovernance/entitlementManagement/assignmentRequests/r/resume'), confirmPath: pathOf('/x') };
const M1 = '11111111-1111-4111-8111-111111111111';
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';

/** The resumes' `data`, as elmResume and lcwResume write it: every resumable stage, the approval stages with every kind of approver. */
function resumes(): Item[] {
  const resolved = resolveApprovers({
    primary: [{ type: 'users', users: [{ id: M1 }] }, { type: 'groups', groups: [{ id: '99999999-9999-4999-8999-999999999999' }] }, { type: 'requestorManager', level: 1 }],
    fallback: [{ type: 'groups', groups: [{ id: '88888888-8888-4888-8888-888888888888' }] }],
    decisionWindow: 'P7D',
    approverJustificationRequired: true,
    escalation: undefined,
  }, elmRequest(), { now: 0, requestorManagerChain: [{ level: 1, id: '22222222-2222-4222-8222-222222222222', displayName: 'M1', accountEnabled: true }] }).stage;
  const sponsors: ApprovalStage = { ...DEFAULT_APPROVAL_STAGE, primaryApprovers: [{ '@odata.type': '#microsoft.graph.internalSponsors' }], fallbackPrimaryApprovers: [{ '@odata.type': '#microsoft.graph.externalSponsors' }] };
  const decisions: readonly Decision[] = [{ kind: 'continue', detail: 'ok' }, { kind: 'deny', detail: 'no' }];
  const items: Item[] = [];
  const data = (body: unknown): unknown => (body as { data: unknown }).data;
  for (const stage of ELM_STAGES.filter((s) => stageCapabilities(s)?.canResume === true)) {
    for (const decision of decisions) {
      const { request } = elmResume(elmRequest({ stage }), target, decision, false);
      items.push({ what: `ELM resume at ${stage}: ${decision.kind}`, version: request.apiVersion, declared: RESUME_ACTIONS.assignmentRequest.data, body: data(request.body) });
    }
    if (stageCapabilities(stage)?.answer !== 'approval-stage') continue;
    for (const [name, approvalStage] of [['default', DEFAULT_APPROVAL_STAGE], ['resolved', resolved], ['sponsors', sponsors]] as const) {
      if (approvalStage === undefined) throw new Error(`no approval stage: ${name}`);
      const { request } = elmResume(elmRequest({ stage }), target, { kind: 'approval-stage', detail: 'approvers', approvalStage }, false);
      items.push({ what: `ELM resume at ${stage}: approval stage (${name})`, version: request.apiVersion, declared: RESUME_ACTIONS.assignmentRequest.data, body: data(request.body) });
    }
  }
  for (const kind of ['complete', 'fail'] as const) {
    const { request } = lcwResume(lcwTask(), target, { kind, detail: '' });
    items.push({ what: `LCW resume: ${kind}`, version: request.apiVersion, declared: RESUME_ACTIONS.taskProcessingResult.data, body: data(request.body) });
  }
  return items;
}

/** The type a register write's path declares (write-bodies.test.ts checks the same writes against the published types). */
function declaredAt(call: RecordedCall): string {
  if (/\/customWorkflowExtensions(\/|$)/.test(call.path)) return `${G}.customCalloutExtension`;
  if (/\/(assignmentPolicies|accessPackageAssignmentPolicies)\//.test(call.path)) return `${G}.accessPackageAssignmentPolicy`;
  if (call.path.endsWith('/roleAssignments')) return `${G}.unifiedRoleAssignment`;
  if (call.path.includes('/customTaskExtensions')) return `${G}.identityGovernance.customTaskExtension`;
  // PIM's custom extensions hold roleManagementCustomCalloutExtension; declared here as its base, which the index knows, so that the body's type must resolve.
  if (call.path.includes('/privilegedAccess/customExtensions')) return `${G}.customCalloutExtension`;
  // The index does not describe role management policy rules: the emulator's own rules check them.
  if (call.path.includes('/roleManagementPolicies/')) return `${G}.unifiedRoleManagementPolicyRule`;
  throw new Error(`register wrote ${call.method} ${call.path}: say what Graph type its body is`);
}

let emulator: TenantEmulator;
let corpus: Item[];

beforeAll(async () => {
  emulator = await freshEmulator();
  const writes: Item[] = [];
  // register's writes, first registration and then a dynamic approval stage; then the policy as the emulator answers it in each version.
  for (const [run, argv] of [['first registration', ['--catalog', FINANCE, '--policy', EMPLOYEES, ...REQUEST_STAGES.flatMap((s) => ['--stage', s]), '--least-privilege', '--lcw']], ['dynamic approval', ['--catalog', FINANCE, '--policy', EMPLOYEES, '--stage', 'assignmentRequestCreated', '--dynamic-approval']]] as const) {
    const result = await register(emulator, argv);
    if (result.code !== 0) throw new Error(`register (${run}) exited ${result.code}: ${result.err}`);
    for (const call of result.writes.filter((c) => c.method !== 'DELETE')) {
      writes.push({ what: `register, ${run}: ${call.method} ${call.path}`, version: call.path.startsWith('/beta/') ? 'beta' : 'v1.0', declared: declaredAt(call), body: call.body });
    }
  }
  // register --pim's writes (beta, as the how-to requires), linking a directory role.
  const pim = await register(emulator, ['--pim', '--resource-type', 'entraRoles', '--link', USER_ADMIN], { FUNCTION_APP_URL: 'https://eg-func.azurewebsites.net', API_CLIENT_ID: M1 });
  if (pim.code !== 0) throw new Error(`register --pim exited ${pim.code}: ${pim.err}`);
  for (const call of pim.writes) writes.push({ what: `register --pim: ${call.method} ${call.path}`, version: 'beta', declared: declaredAt(call), body: call.body });
  const token = await miToken(emulator);
  const expand = '$expand=customExtensionStageSettings($expand=customExtension)';
  const answers: Item[] = [];
  for (const [version, path] of [['v1.0', `/v1.0/identityGovernance/entitlementManagement/assignmentPolicies/${EMPLOYEES}?${expand}`], ['beta', `/beta/identityGovernance/entitlementManagement/accessPackageAssignmentPolicies/${EMPLOYEES}?${expand}`]] as const) {
    const answer = await graphGet(emulator, path, token);
    if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status}`);
    answers.push({ what: `emulator answer: GET ${path}`, version, declared: `${G}.accessPackageAssignmentPolicy`, body: answer.json });
  }
  for (const version of ['v1.0', 'beta'] as const) {
    const path = `/${version}/identityGovernance/privilegedAccess/customExtensions/${emulator.pimExtensions.list()[0]?.id ?? ''}`;
    const answer = await graphGet(emulator, path, token);
    if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status}`);
    answers.push({ what: `emulator answer: GET ${path}`, version, declared: `${G}.customCalloutExtension`, body: answer.json });
  }
  corpus = [...resumes(), ...writes, ...answers];
});
afterAll(() => emulator.close());

const findings = (model: GraphTypeModel, item: Item) => schemaFindings(item.version, item.body, item.declared, model);

/** The writes and answers that fit the types with `lag` and are refused by the index without the entry. */
function refusedWithout(entry: Entry, lag: TypeLag = TYPE_LAG[entry.version]): string[] {
  const [withIt, withoutIt] = [graphTypeModel(entry.version, lag), graphTypeModel(entry.version, without(lag, entry))];
  return corpus.filter((item) => item.version === entry.version && findings(withIt, item).length === 0 && findings(withoutIt, item).length > 0).map((item) => item.what);
}

describe('the writes and answers read', () => {
  test('every one fits the emulator\'s types (the index with graph-type-lag.ts)', () => {
    expect(corpus.map((item) => [item.what, findings(emulatorTypes(item.version), item)]).filter(([, found]) => (found as unknown[]).length > 0)).toEqual([]);
  });

  test('resumes, register\'s writes in both versions, the policy and a PIM custom extension answered in both', () => {
    expect(corpus.filter((i) => i.what.startsWith('ELM resume')).length).toBeGreaterThan(10);
    expect(new Set(corpus.filter((i) => i.what.startsWith('register')).map((i) => i.version))).toEqual(new Set(['v1.0', 'beta']));
    expect(corpus.filter((i) => i.what.startsWith('emulator answer')).map((i) => i.version)).toEqual(['v1.0', 'beta', 'v1.0', 'beta']);
    expect(corpus.filter((i) => i.what.startsWith('register --pim')).length).toBe(2);
  });
});

describe.each(ENTRIES.map((e) => [label(e), e] as const))('graph-type-lag.ts: %s', (_, entry) => {
  test('still lags: the published types alone (the generated index) lack every part of it', () => {
    const { lacked, parts } = lacking(entry);
    expect(parts).toBeGreaterThan(0);
    expect(lacked).toHaveLength(parts);
  });

  test('still needed: a write or answer that fits with it is refused by the index without it', () => {
    expect(refusedWithout(entry)).not.toEqual([]);
  });

  test('names the page that documents it', () => {
    expect(TYPE_LAG[entry.version][entry.kind][entry.name]?.page).toMatch(/^https:\/\/learn\.microsoft\.com\//);
  });
});

describe('the check itself', () => {
  const page = 'https://learn.microsoft.com/';
  test('an entry the published types already have does not lag', () => {
    const stage: Entry = { version: 'v1.0', kind: 'enumMembers', name: `${G}.accessPackageCustomExtensionStage` };
    const caughtUp: TypeLag = { ...NO_TYPE_LAG, enumMembers: { [stage.name]: { members: ['assignmentRequestCreated', 'assignmentRequestDeterminingApprovalRequirements'], page } } };
    expect(lacking(stage, caughtUp)).toEqual({ lacked: [`${stage.name}/assignmentRequestDeterminingApprovalRequirements`], parts: 2 });
    const base: Entry = { version: 'beta', kind: 'bases', name: `${G}.singleUser` };
    expect(lacking(base, { ...NO_TYPE_LAG, bases: { [base.name]: { base: `${G}.userSet`, page } } }).lacked).toEqual([]);
  });

  test('an entry no write or answer uses is not needed', () => {
    const user: Entry = { version: 'v1.0', kind: 'properties', name: `${G}.user` };
    expect(refusedWithout(user, { ...TYPE_LAG['v1.0'], properties: { [user.name]: { properties: { nickname: 'string' }, page } } })).toEqual([]);
  });
});
