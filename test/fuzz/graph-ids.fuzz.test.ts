import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { RecordedCall, TenantEmulator } from '../../emulator/index.js';
import { SAMPLE_POLICY } from '../../scripts/demo/scenarios.js';
import type { Deps } from '../../src/composition.js';
import { appFor, callHandler, fixture } from '../support/app.js';
import { startTestEmulator } from '../support/emulator.js';
import { checkProperty } from './fuzz-run.js';

/**
 * Ids are GUIDs before they go anywhere (issue 12, item 1). Callout bodies from the fixtures get
 * hostile strings in every id position (path traversal, query and fragment injection, OData
 * filter injection, look-alikes, GUIDs with decoration) or fresh valid GUIDs in any casing, and go
 * through the real handler under the sample policy, so every fact read runs. Whatever arrives:
 * - a body with a hostile id is refused 400, naming a field that was hostile, and costs no Graph call;
 * - every Graph call the emulator records, as its request-target arrived (before URL
 *   normalization), matches an allow-list of path templates with GUIDs where ids go, and every
 *   `$filter` is `<property> eq '<guid>'`. Nothing outside the allow-list, ever.
 * ID_FUZZ_RUNS=<n> runs longer; FUZZ_SEED=<seed> replays.
 */

const RUNS = Number.parseInt(process.env['ID_FUZZ_RUNS'] ?? '120', 10);
const G = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const V = '/(?:v1\\.0|beta)';
const ELM = `${V}/identityGovernance/entitlementManagement`;
const LCW_PARENT = `(?:/(?:runs|userProcessingResults|tasks|taskReports)/${G}|/versions/[1-9][0-9]{0,5})*`;

/** Every path the callout path may call, with GUIDs where ids go. */
const ALLOWED_PATHS: readonly RegExp[] = [
  `${ELM}/assignmentRequests/${G}(?:/resume)?`,
  `${ELM}/assignmentRequests`,
  `${ELM}/assignments`,
  `${ELM}/accessPackages/${G}`,
  `${V}/users/${G}(?:/(?:manager|sponsors|appRoleAssignments|transitiveMemberOf/microsoft\\.graph\\.group|memberOf/microsoft\\.graph\\.group))?`,
  `${V}/identityProtection/riskyUsers/${G}`,
  `${V}/roleManagement/directory/(?:roleAssignments|roleEligibilitySchedules)`,
  `${V}/identityGovernance/lifecycleWorkflows/workflows/${G}${LCW_PARENT}/taskProcessingResults/${G}(?:/resume|/microsoft\\.graph\\.identityGovernance\\.resume)?`,
].map((source) => new RegExp(`^${source}$`));
// $skiptoken: Graph's own paging, in the @odata.nextLink it hands back (checked to stay on Graph by paging.ts).
const ALLOWED_QUERY_KEYS = new Set(['$select', '$expand', '$filter', '$top', '$count', '$skiptoken']);
const FILTER = new RegExp(`^(?:target/objectId|requestor/objectId|principalId) eq '${G}'$`, 'i');

/** Strings an attacker with a valid relay token would put where an id goes. */
const HOSTILE: readonly string[] = [
  '../../servicePrincipals',
  '../../../../servicePrincipals',
  'a7529cd7-a86d-4455-8c43-00e7495481b0/../../groups',
  'a7529cd7-a86d-4455-8c43-00e7495481b0?$select=id#',
  "x' or 1 eq 1 or target/objectId eq 'y",
  "a7529cd7-a86d-4455-8c43-00e7495481b0' or principalId ne '",
  '%2e%2e%2fservicePrincipals',
  '{a7529cd7-a86d-4455-8c43-00e7495481b0}',
  ' a7529cd7-a86d-4455-8c43-00e7495481b0',
  'a7529cd7-a86d-4455-8c43-00e7495481b0\n',
  'a7529cd7a86d44558c4300e7495481b0',
  'a7529cd7-a86d-4455-8c43-00e7495481b',
  'a7529cd7-a86d-4455-8c43-00e7495481b0-00',
  'ａ7529cd7-a86d-4455-8c43-00e7495481b0',
  '..',
  '.',
  '/',
  '$batch',
  'me',
];

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !/^[0-9a-f-]{36}$/i.test(s) && s.trim() !== '') },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.boolean(), fc.constant([]), fc.constant({ id: 'x' })) },
);
const validGuid: fc.Arbitrary<string> = fc.tuple(fc.uuid({ version: 4 }), fc.boolean()).map(([id, upper]) => (upper ? id.toUpperCase() : id));

interface Position {
  /** Path in the body. */
  readonly at: readonly string[];
  /** The field the 400 names. */
  readonly field: string;
  /** Positions that must stay valid for the callout to reach Graph (they name the request). */
  readonly names?: 'request' | 'task';
  /** Null or absent is refused too. */
  readonly required?: boolean;
}

const ELM_POSITIONS: readonly Position[] = [
  { at: ['CustomExtensionStageInstanceId'], field: 'customExtensionStageInstanceId', required: true },
  { at: ['AccessPackageAssignmentRequestId'], field: 'accessPackageAssignmentRequestId', names: 'request' },
  { at: ['AccessPackage', 'Id'], field: 'accessPackage.id' },
  { at: ['AccessPackageCatalog', 'Id'], field: 'accessPackageCatalog.id' },
  { at: ['Assignment', 'Id'], field: 'assignment.id' },
  { at: ['Assignment', 'AssignmentPolicy', 'Id'], field: 'assignment.assignmentPolicy.id' },
  { at: ['Assignment', 'Target', 'ObjectId'], field: 'assignment.target.objectId' },
  { at: ['Requestor', 'ObjectId'], field: 'requestor.objectId' },
];
const LCW_POSITIONS: readonly Position[] = [
  { at: ['data', 'taskProcessingResult', 'id'], field: 'taskProcessingResult.id', names: 'task' },
  { at: ['data', 'workflow', 'id'], field: 'workflow.id' },
  { at: ['data', 'task', 'id'], field: 'task.id' },
  { at: ['data', 'subject', 'id'], field: 'subject.id' },
  { at: ['data', 'subject', 'manager', 'id'], field: 'subject.manager.id' },
];

/** The same positions in camelCase (Graph's docs), and inside a `{ source, type, data }` wrapper. */
const camel = (positions: readonly Position[]): Position[] => positions.map((p) => ({ ...p, at: p.at.map((k) => k.charAt(0).toLowerCase() + k.slice(1)) }));
const wrapped = (positions: readonly Position[]): Position[] => camel(positions).map((p) => ({ ...p, at: ['data', ...p.at] }));

const FIXTURES: readonly { readonly name: string; readonly positions: readonly Position[] }[] = [
  { name: 'elm-request-created.wire.json', positions: ELM_POSITIONS },
  { name: 'elm-request-created.sod-conflict.wire.json', positions: ELM_POSITIONS },
  { name: 'elm-request-approved.wire.json', positions: ELM_POSITIONS },
  { name: 'elm-approval-requirements.wire.json', positions: ELM_POSITIONS },
  { name: 'elm-request-granted.legacy-path.wire.json', positions: ELM_POSITIONS },
  { name: 'elm-request-created.flat-camel.json', positions: camel(ELM_POSITIONS) },
  { name: 'elm-request-created.graph-doc.json', positions: wrapped(ELM_POSITIONS) },
  { name: 'elm-fourteen-days-before-expiration.wire.json', positions: ELM_POSITIONS },
  { name: 'elm-connection-test.json', positions: ELM_POSITIONS },
  { name: 'lcw-custom-task.json', positions: LCW_POSITIONS },
  { name: 'lcw-custom-task.tasks-path.json', positions: LCW_POSITIONS },
];

/** What goes in one position: the fixture's own id, a fresh GUID, null, nothing, or a hostile value. */
type Choice = { kind: 'keep' } | { kind: 'guid'; value: string } | { kind: 'null' } | { kind: 'absent' } | { kind: 'hostile'; value: unknown };
const choice: fc.Arbitrary<Choice> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'keep' } as const) },
  { weight: 2, arbitrary: validGuid.map((value) => ({ kind: 'guid', value }) as const) },
  { weight: 1, arbitrary: fc.constantFrom({ kind: 'null' } as const, { kind: 'absent' } as const) },
  { weight: 3, arbitrary: hostile.map((value) => ({ kind: 'hostile', value }) as const) },
);

const testCase = fc.record({
  fixture: fc.integer({ min: 0, max: FIXTURES.length - 1 }),
  /** Half the cases keep every id valid, so that they reach Graph and run the fact reads. */
  allValid: fc.boolean(),
  choices: fc.array(choice, { minLength: 8, maxLength: 8 }),
  requestId: fc.uuid({ version: 4 }),
  stageInstanceId: fc.uuid({ version: 4 }),
});

type Json = Record<string, unknown>;

function parentOf(body: Json, at: readonly string[]): Json | undefined {
  let node: unknown = body;
  for (const key of at.slice(0, -1)) node = typeof node === 'object' && node !== null ? (node as Json)[key] : undefined;
  return typeof node === 'object' && node !== null && !Array.isArray(node) ? (node as Json) : undefined;
}

/** The body, the fields made hostile, and whether the request it names is one the tenant waits for. */
type Case = typeof testCase extends fc.Arbitrary<infer T> ? T : never;

function build(c: Case) {
  const chosen = FIXTURES[c.fixture];
  if (chosen === undefined) throw new Error(`no fixture ${String(c.fixture)}`);
  const { name, positions } = chosen;
  const body = fixture(name);
  // Fresh request (or task result) and stage instance ids: every case is a callout of its own, not a repeat.
  const original = (field: string): unknown => {
    const position = positions.find((p) => p.field === field);
    return position === undefined ? undefined : parentOf(body, position.at)?.[position.at[position.at.length - 1] ?? ''];
  };
  let fresh = JSON.stringify(body);
  for (const [field, id] of [['accessPackageAssignmentRequestId', c.requestId], ['taskProcessingResult.id', c.requestId], ['customExtensionStageInstanceId', c.stageInstanceId]] as const) {
    const was = original(field);
    if (typeof was === 'string') fresh = fresh.split(was).join(id);
  }
  const out = JSON.parse(fresh) as Json;
  const hostileFields = new Set<string>();
  positions.forEach((position, i) => {
    const picked = c.allValid ? ({ kind: 'keep' } as const) : (c.choices[i] ?? ({ kind: 'keep' } as const));
    const key = position.at[position.at.length - 1] ?? '';
    // Only positions the fixture has: a member a stage's body does not carry is not read.
    const parent = ((holder) => (holder !== undefined && key in holder ? holder : undefined))(parentOf(out, position.at));
    if (parent === undefined || picked.kind === 'keep' || position.names !== undefined) {
      // The id that names the request is replaced only by hostile values: a fresh GUID there would not match the callback path.
      if (parent !== undefined && position.names !== undefined && picked.kind === 'hostile') {
        parent[key] = picked.value;
        hostileFields.add(position.field);
      }
      return;
    }
    if (picked.kind === 'guid') parent[key] = picked.value;
    else if (picked.kind === 'null' || picked.kind === 'absent') {
      if (picked.kind === 'null') parent[key] = null;
      else Reflect.deleteProperty(parent, key);
      if (position.required === true) hostileFields.add(position.field);
    } else {
      parent[key] = picked.value;
      hostileFields.add(position.field);
    }
  });
  return { body: out, hostileFields };
}

function disallowed(call: RecordedCall): string | undefined {
  const [path = '', query] = call.target.split('?', 2);
  if (!ALLOWED_PATHS.some((allowed) => allowed.test(path))) return `path ${call.target}`;
  if (query === undefined) return undefined;
  if (query.includes('#')) return `fragment in ${call.target}`;
  for (const [key, value] of new URLSearchParams(query)) {
    if (!ALLOWED_QUERY_KEYS.has(key)) return `query parameter ${key} in ${call.target}`;
    if (key === '$filter' && !FILTER.test(value)) return `filter "${value}" in ${call.target}`;
  }
  return undefined;
}

let emulator: TenantEmulator;
let deps: Deps;
let token: string;
beforeAll(async () => {
  emulator = await startTestEmulator();
  deps = appFor(emulator, { POLICY_PATH: SAMPLE_POLICY, GRAPH_RETRY_BUDGET_SECONDS: '4', GRAPH_TIMEOUT_SECONDS: '2' });
  token = await emulator.mintCallerToken({ expiresIn: 3600 });
});
afterAll(() => emulator.close());

test('no id from a callout body takes a Graph call outside the allow-list of path templates', { timeout: 600_000 }, async () => {
  let graphCalls = 0;
  let reachedGraph = 0;
  let refused = 0;
  await checkProperty('graph ids', testCase, RUNS, async (c) => {
    const { body, hostileFields } = build(c);
    if (hostileFields.size === 0) emulator.awaitCallout(body);
    const before = emulator.calls({ service: 'graph' }).length;
    const answer = await callHandler(deps, body, { token });
    const calls = emulator.calls({ service: 'graph' }).slice(before);
    if (hostileFields.size > 0) {
      refused += 1;
      expect(answer.status, JSON.stringify(answer.json)).toBe(400);
      expect(answer.json['code']).toBe('CALLOUT.INVALID_BODY');
      // A value of the wrong JSON type fails the schema, which names its path; a string that is not a GUID names its field.
      if (answer.json['path'] === undefined) expect([...hostileFields]).toContain(answer.json['field']);
      expect(calls).toEqual([]);
    } else {
      expect([200, 400, 503], JSON.stringify(answer.json)).toContain(answer.status);
      if (calls.length > 0) reachedGraph += 1;
    }
    graphCalls += calls.length;
    for (const call of calls) expect(disallowed(call)).toBeUndefined();
  });
  console.log(`[fuzz] graph ids: ${String(refused)} refused 400 with no Graph call, ${String(reachedGraph)} reached Graph, ${String(graphCalls)} Graph calls checked against the allow-list`);
  expect(reachedGraph).toBeGreaterThan(RUNS / 4);
  expect(graphCalls).toBeGreaterThan(RUNS);
});

test('the allow-list itself refuses the calls issue 12 saw', () => {
  const call = (target: string) => ({ target }) as RecordedCall;
  expect(disallowed(call('/v1.0/servicePrincipals'))).toBeDefined();
  expect(disallowed(call('/v1.0/users/../../servicePrincipals'))).toBeDefined();
  expect(disallowed(call('/v1.0/users/a7529cd7-a86d-4455-8c43-00e7495481b0/../../groups'))).toBeDefined();
  expect(disallowed(call("/v1.0/roleManagement/directory/roleAssignments?$filter=principalId%20eq%20'x'%20or%201%20eq%201"))).toBeDefined();
  expect(disallowed(call('/v1.0/users/a7529cd7-a86d-4455-8c43-00e7495481b0?$select=id#'))).toBeDefined();
  expect(disallowed(call("/v1.0/roleManagement/directory/roleAssignments?$filter=principalId%20eq%20'a7529cd7-a86d-4455-8c43-00e7495481b0'"))).toBeUndefined();
});
