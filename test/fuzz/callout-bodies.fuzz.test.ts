import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import type { Deps } from '../../src/composition.js';
import { MAX_BODY_BYTES } from '../../src/ingress/body.js';
import { appFor, callHandler, fixture } from '../support/app.js';
import { startTestEmulator } from '../support/emulator.js';
import { checkProperty } from './fuzz-run.js';

/**
 * Hostile callout bodies, derived from the real fixtures, sent through the real handler with a
 * valid relay token. Whatever arrives, the answer is a contracted one, a rejected body costs no
 * Graph call, nothing reaches Object.prototype, and a resume only ever goes to the documented
 * path of the id the body names.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

const FIXTURES = readdirSync(new URL('../fixtures/', import.meta.url)).filter((name) => name.endsWith('.json')).sort();
const CONTRACTED_REJECTIONS = new Set([400, 413, 415]);
const OTHER_GUID = '99999999-9999-4999-8999-999999999999';
const PAYLOAD = '{"polluted":"yes","isAdmin":true,"toString":"x"}';

let emulator: TenantEmulator;
let deps: Deps;
let token: string;
beforeAll(async () => {
  emulator = await startTestEmulator();
  deps = appFor(emulator);
  token = await emulator.mintCallerToken({ expiresIn: 3600 });
  for (const name of FIXTURES) emulator.awaitCallout(fixture(name));
});
afterAll(() => emulator.close());

/** Markers replaced in the JSON text: raw text JSON.stringify cannot produce (own `__proto__`, deep nesting). */
class RawText {
  private readonly parts = new Map<string, string>();
  marker(raw: string): string {
    const key = `@@raw${this.parts.size}@@`;
    this.parts.set(key, raw);
    return key;
  }
  render(tree: Json): string {
    let text = JSON.stringify(tree);
    for (const [key, raw] of this.parts) text = text.split(JSON.stringify(key)).join(raw);
    return text;
  }
}

function pathsOf(value: Json, at: Path = []): Path[] {
  const here: Path[] = [at];
  if (Array.isArray(value)) value.forEach((item, i) => here.push(...pathsOf(item, [...at, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) here.push(...pathsOf(v, [...at, k]));
  return here;
}

function objectsOf(tree: Json): Path[] {
  return pathsOf(tree).filter((p) => { const v = get(tree, p); return v !== null && typeof v === 'object' && !Array.isArray(v); });
}

function get(tree: Json, path: Path): Json | undefined {
  let node: Json | undefined = tree;
  for (const step of path) node = node !== null && typeof node === 'object' ? (node as Record<string, Json>)[step as string] : undefined;
  return node;
}

function set(tree: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const parent = get(tree, path.slice(0, -1)) as Record<string, Json>;
  const last = path[path.length - 1] as string;
  if (value === undefined) Reflect.deleteProperty(parent, last);
  else parent[last] = value;
  return tree;
}

function recase(key: string, how: 'upper' | 'lower' | 'alternate' | 'first'): string {
  if (how === 'upper') return key.toUpperCase();
  if (how === 'lower') return key.toLowerCase();
  if (how === 'first') return key.charAt(0) === key.charAt(0).toUpperCase() ? key.charAt(0).toLowerCase() + key.slice(1) : key.charAt(0).toUpperCase() + key.slice(1);
  return Array.from(key, (c, i) => (i % 2 === 0 ? c.toUpperCase() : c.toLowerCase())).join('');
}

/** Where the fields a mutation aims at live: `data` of a wrapper, or the root. */
function dataPath(tree: Json): Path {
  const data = tree !== null && typeof tree === 'object' && !Array.isArray(tree) ? tree['data'] : undefined;
  return data !== null && typeof data === 'object' && !Array.isArray(data) ? ['data'] : [];
}

function keyLike(tree: Json, at: Path, name: string): Path {
  const node = get(tree, at);
  const found = node !== null && typeof node === 'object' && !Array.isArray(node) ? Object.keys(node).find((k) => k.toLowerCase() === name.toLowerCase()) : undefined;
  return [...at, found ?? name];
}

const anyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constant({}),
  fc.constant([] as Json),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }) as fc.Arbitrary<Json>,
  fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { maxKeys: 4 }),
);

const hugeString = fc.record({
  length: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: MAX_BODY_BYTES - 3000, max: MAX_BODY_BYTES + 4096 })),
  unit: fc.constantFrom('x', 'é', '\u{1F600}', '\u0000', '"', '\\', '\u2028'),
}).map(({ length, unit }) => unit.repeat(Math.max(0, Math.floor(length / Buffer.byteLength(unit)))));

const nesting = fc.record({
  depth: fc.oneof(fc.integer({ min: 12, max: 40 }), fc.integer({ min: 40, max: 100_000 })),
  open: fc.constantFrom('[', '{"a":', '{"__proto__":', '[{"Stage":'),
}).map(({ depth, open }) => {
  const close = open === '[' ? ']' : open === '[{"Stage":' ? '}]' : '}';
  return `${open.repeat(depth)}null${close.repeat(depth)}`;
});

const protoKey = fc.constantFrom('__proto__', 'constructor', 'prototype', '__PROTO__', 'Constructor', 'Prototype');

const unknownStage = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom('assignmentRequestSomethingNew', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'ASSIGNMENTREQUESTCREATED', ' assignmentRequestCreated', 'assignmentRequestCreated\u0000', 'customExtensionConnectionTest', 'assignmentRequestApproved', 'assignmentRequestRemoved'),
);

/** callbackUriPath variants built around the body's own ids; all but a few must be refused. */
function callbackVariant(requestId: string, pick: number, junk: string): string {
  const elm = '/identityGovernance/entitlementManagement';
  const own = `${elm}/assignmentRequests/${requestId}/resume`;
  const variants = [
    `${elm}/assignmentRequests/${OTHER_GUID}/resume`,
    `https://graph.microsoft.com/v1.0${own}`,
    `https://attacker.example/v1.0${own}`,
    `//attacker.example${own}`,
    `${elm}/assignmentRequests/${requestId}/../${OTHER_GUID}/resume`,
    `${elm}/assignmentRequests/${OTHER_GUID}/resume/../../${requestId}/resume`,
    `${elm}/assignmentRequests/${requestId}%2F..%2F${OTHER_GUID}/resume`,
    `${elm}%2FassignmentRequests%2F${requestId}%2Fresume`,
    `${own}?$select=id`,
    `${own}#frag`,
    `${own}/`,
    `${elm}//assignmentRequests/${requestId}/resume`,
    `${elm}/assignmentRequests/${requestId}/cancel`,
    `${elm}/assignmentRequests/${requestId}`,
    `${elm}\\assignmentRequests\\${requestId}\\resume`,
    `${elm}/assignmentRequests/${requestId} /resume`,
    `/v1.0${own}`,
    `/beta${own}`,
    own.toUpperCase(),
    `/users/${requestId}/resume`,
    `/identityGovernance/lifecycleWorkflows/workflows/${requestId}/taskProcessingResults/${requestId}/resume`,
    `${elm}/accessPackageAssignments/${OTHER_GUID}/accessPackageAssignmentRequests/${requestId}/resume`,
    `javascript:alert(1)`,
    `${own}\u0000`,
    junk,
    `${elm}/assignmentRequests/${junk}/resume`,
  ];
  return variants[pick % variants.length] ?? own;
}

type Mutation =
  | { kind: 'retype'; pick: number; value: Json }
  | { kind: 'null' | 'delete'; pick: number }
  | { kind: 'recase'; pick: number; how: 'upper' | 'lower' | 'alternate' | 'first'; clash: Json | undefined }
  | { kind: 'huge'; pick: number; text: string }
  | { kind: 'nest'; pick: number; raw: string }
  | { kind: 'proto'; pick: number; key: string; everywhere: boolean }
  | { kind: 'stage'; stage: string }
  | { kind: 'callback'; pick: number; junk: string }
  | { kind: 'wrapper-type'; type: Json };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('retype' as const), pick: fc.nat(), value: anyValue }),
  fc.record({ kind: fc.constantFrom('null' as const, 'delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('recase' as const), pick: fc.nat(), how: fc.constantFrom('upper' as const, 'lower' as const, 'alternate' as const, 'first' as const), clash: fc.option(anyValue, { nil: undefined }) }),
  fc.record({ kind: fc.constant('huge' as const), pick: fc.nat(), text: hugeString }),
  fc.record({ kind: fc.constant('nest' as const), pick: fc.nat(), raw: nesting }),
  fc.record({ kind: fc.constant('proto' as const), pick: fc.nat(), key: protoKey, everywhere: fc.boolean() }),
  fc.record({ kind: fc.constant('stage' as const), stage: unknownStage }),
  fc.record({ kind: fc.constant('callback' as const), pick: fc.nat(), junk: fc.string({ maxLength: 80 }) }),
  fc.record({ kind: fc.constant('wrapper-type' as const), type: fc.oneof(anyValue, fc.constantFrom('lifecycleEvent', 'microsoft.graph.accessPackageCustomExtensionStage.__proto__', 'microsoft.graph.accessPackageCustomExtensionStage.toString')) }),
);

function requestIdOf(tree: Json): string {
  const id = get(tree, keyLike(tree, dataPath(tree), 'accessPackageAssignmentRequestId'));
  return typeof id === 'string' ? id : OTHER_GUID;
}

function apply(tree: Json, m: Mutation, raw: RawText): Json {
  const paths = pathsOf(tree).filter((p) => p.length > 0);
  const at = (pick: number): Path | undefined => paths[pick % Math.max(1, paths.length)];
  switch (m.kind) {
    case 'retype': { const p = at(m.pick); return p === undefined ? m.value : set(tree, p, m.value); }
    case 'null': { const p = at(m.pick); return p === undefined ? null : set(tree, p, null); }
    case 'delete': { const p = at(m.pick); return p === undefined ? tree : set(tree, p, undefined); }
    case 'huge': { const p = at(m.pick); return p === undefined ? m.text : set(tree, p, m.text); }
    case 'nest': { const p = at(m.pick); return set(tree, p ?? [], raw.marker(m.raw)); }
    case 'recase': {
      const p = paths.filter((q) => typeof q[q.length - 1] === 'string')[m.pick % Math.max(1, paths.length)];
      if (p === undefined) return tree;
      const parent = get(tree, p.slice(0, -1)) as Record<string, Json>;
      const key = p[p.length - 1] as string;
      const renamed = recase(key, m.how);
      // With `clash`, the old spelling stays with another value: two casings that disagree.
      if (m.clash !== undefined && renamed !== key) parent[renamed] = m.clash;
      else { const value = parent[key] ?? null; Reflect.deleteProperty(parent, key); parent[renamed] = value; }
      return tree;
    }
    case 'proto': {
      const objects = objectsOf(tree);
      const targets = m.everywhere ? objects : [objects[m.pick % Math.max(1, objects.length)] ?? []];
      for (const p of targets) {
        const node = get(tree, p);
        // The key is a marker too: only JSON text can carry an own `__proto__` key.
        if (node !== null && typeof node === 'object' && !Array.isArray(node)) node[raw.marker(JSON.stringify(m.key))] = raw.marker(PAYLOAD);
      }
      return tree;
    }
    case 'stage': return set(tree, keyLike(tree, dataPath(tree), 'Stage'), m.stage);
    case 'callback': return set(tree, keyLike(tree, dataPath(tree), 'CallbackUriPath'), callbackVariant(requestIdOf(tree), m.pick, m.junk));
    case 'wrapper-type': return tree !== null && typeof tree === 'object' && !Array.isArray(tree) ? set(tree, ['type'], m.type) : tree;
  }
}

interface Sent {
  readonly body: string | Uint8Array;
  readonly contentType: string | null;
}

type Encoding =
  | { kind: 'json'; contentType: string | null }
  | { kind: 'garbage'; at: number; bytes: Uint8Array }
  | { kind: 'random'; bytes: Uint8Array }
  | { kind: 'truncate'; at: number }
  | { kind: 'utf16' | 'bom' | 'empty' };

const encoding: fc.Arbitrary<Encoding> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('json' as const), contentType: fc.constant('application/json') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('json' as const), contentType: fc.constantFrom(null, '', 'text/plain', 'application/xml', 'Application/JSON', 'application/json; charset=utf-8', 'application/json;charset="UTF-8"', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/jsonp', 'application/vnd.api+json', 'multipart/form-data; boundary=x', 'application/json, text/plain', 'application/x-www-form-urlencoded', ';;;', 'application/json; charset') }) },
  fc.record({ kind: fc.constant('garbage' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 512 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constantFrom('utf16' as const, 'bom' as const, 'empty' as const) }),
);

function encode(text: string, e: Encoding): Sent {
  const bytes = Buffer.from(text, 'utf8');
  switch (e.kind) {
    case 'json': return { body: text, contentType: e.contentType };
    case 'garbage': { const at = e.at % (bytes.length + 1); return { body: Buffer.concat([bytes.subarray(0, at), e.bytes, bytes.subarray(at)]), contentType: 'application/json' }; }
    case 'random': return { body: new Uint8Array(e.bytes), contentType: 'application/json' };
    case 'truncate': return { body: bytes.subarray(0, e.at % (bytes.length + 1)), contentType: 'application/json' };
    case 'utf16': return { body: Buffer.from(text, 'utf16le'), contentType: 'application/json' };
    case 'bom': return { body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]), contentType: 'application/json' };
    case 'empty': return { body: new Uint8Array(0), contentType: 'application/json' };
  }
}

const hostileCase = fc.record({
  fixture: fc.constantFrom(...FIXTURES),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
  encoding,
});

/** The ids a resume may name: the request id or the task processing result id, wherever the body puts them. */
function idsNamed(value: Json): Set<string> {
  const ids = new Set<string>();
  const walk = (node: Json, parentKey: string): void => {
    if (Array.isArray(node)) node.forEach((n) => { walk(n, parentKey); });
    else if (node !== null && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, k.toLowerCase());
    else if (typeof node === 'string' && (parentKey === 'accesspackageassignmentrequestid' || parentKey === 'id')) ids.add(node.toLowerCase());
  };
  walk(value, '');
  return ids;
}

const ELM_RESUME = /^\/(?:v1\.0|beta)\/identityGovernance\/entitlementManagement\/assignmentRequests\/([0-9a-f-]{36})\/resume$/;
const LCW_RESUME = /^\/(?:v1\.0|beta)\/identityGovernance\/lifecycleWorkflows\/workflows\/[0-9a-f-]{36}(?:\/[A-Za-z]+\/[0-9a-f-]{1,36})*\/taskProcessingResults\/([0-9a-f-]{36})\/(?:resume|microsoft\.graph\.identityGovernance\.resume)$/;

test('every hostile callout body gets a contracted answer, no Graph call when refused, no pollution, no foreign resume', async () => {
  const statuses = new Map<number, number>();
  await checkProperty('callout bodies', hostileCase, 200, async ({ fixture: name, mutations, encoding: e }) => {
    const raw = new RawText();
    let tree = fixture(name) as Json;
    for (const m of mutations) tree = apply(tree, m, raw);
    const sent = encode(raw.render(tree), e);
    const before = emulator.calls({ service: 'graph' }).length;
    const answer = await callHandler(deps, sent.body, { token, contentType: sent.contentType });
    const graphCalls = emulator.calls({ service: 'graph' }).slice(before);
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);

    // README: a 500 is contracted for one case only, Graph refusing a resume the body asked for
    // (here: a mutated but consistent body naming a stage the request is not waiting at).
    const graphRefused = answer.json['code'] === 'GRAPH.REJECTED' && graphCalls.some((c) => c.method === 'POST' && typeof c.status === 'number' && c.status >= 400 && c.status < 500);
    expect(answer.status === 200 || CONTRACTED_REJECTIONS.has(answer.status) || (answer.status === 500 && graphRefused), `status ${answer.status}: ${JSON.stringify(answer.json).slice(0, 300)}`).toBe(true);
    if (answer.status === 200) {
      expect(answer.json).toHaveProperty('outcome');
      expect(answer.json).toHaveProperty('decision');
    } else if (answer.status !== 500) {
      expect(answer.json).toMatchObject({ status: answer.status });
      // A body naming a stage the request is not at is refused by Graph first (issue 12, item 11): then 400, not 500.
      if (answer.json['code'] === 'CALLOUT.STAGE_MISMATCH') expect(graphCalls.some((c) => c.method === 'POST' && c.status === 400)).toBe(true);
      else expect(graphCalls).toEqual([]);
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    expect(typeof ({}).toString).toBe('function');

    const named = idsNamed(JSON.parse(JSON.stringify(fixture(name))) as Json);
    for (const call of graphCalls.filter((c) => c.method !== 'GET')) {
      const id = ELM_RESUME.exec(call.path)?.[1] ?? LCW_RESUME.exec(call.path)?.[1];
      expect(id, `a ${call.method} to ${call.path}`).toBeDefined();
      expect(named.has(id ?? ''), `a resume of ${id ?? ''}, which ${name} does not name`).toBe(true);
    }
  });
  console.log(`[fuzz] callout bodies: answers by status ${JSON.stringify(Object.fromEntries(statuses))}`);
}, 120_000);

test('the generators send what they claim: an own __proto__ key as JSON text, nesting past the limit', () => {
  const raw = new RawText();
  const tree = apply(fixture('elm-request-created.wire.json') as Json, { kind: 'proto', pick: 0, key: '__proto__', everywhere: true }, raw);
  const text = raw.render(apply(tree, { kind: 'nest', pick: 1, raw: `${'['.repeat(40)}null${']'.repeat(40)}` }, raw));
  expect(text).toContain(`"__proto__":${PAYLOAD}`);
  expect(Object.hasOwn(JSON.parse(text) as object, '__proto__')).toBe(true);
  expect(text).toContain('['.repeat(40));
});
