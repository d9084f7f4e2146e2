import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { asciiLower } from '../../src/ascii.js';
import { AppError } from '../../src/errors.js';
import { parseJsonBody } from '../../src/ingress/body.js';
import { createCalloutParser } from '../../src/ingress/callout-parser.js';
import { lowerCaseKeys } from '../../src/ingress/canonical-keys.js';
import { findDuplicateKey, type DuplicateKey } from '../../src/ingress/duplicate-keys.js';
import { FUZZ_SEED as SEED } from '../fuzz/fuzz-run.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const FIXTURES = readdirSync(new URL('../fixtures/', import.meta.url)).filter((name) => name.endsWith('.json')).sort();
const fixtureText = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

function refusal(run: () => unknown): { code: string; message: string; details: Readonly<Record<string, unknown>> } {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, message: error.message, details: error.details };
    throw error;
  }
  return { code: 'accepted', message: '', details: {} };
}

/** `text` with `insertion` placed right after the first `anchor`. */
function insertAfter(text: string, anchor: string, insertion: string): string {
  const at = text.indexOf(anchor);
  expect(at, `anchor ${anchor}`).toBeGreaterThanOrEqual(0);
  return text.slice(0, at + anchor.length) + insertion + text.slice(at + anchor.length);
}

describe('a key given twice in one object is refused', () => {
  test.each<[string, string, DuplicateKey, string]>([
    ['at the root', '{"Stage":"assignmentRequestCreated","Stage":"assignmentRequestApproved"}', { key: 'Stage', again: 'Stage', path: [] }, 'The callout body gives "Stage" twice (at the top level).'],
    ['in two casings with equal values', '{"Stage":"a","stage":"a"}', { key: 'Stage', again: 'stage', path: [] }, 'The callout body gives "Stage" twice, also as "stage" (at the top level).'],
    ['escaped-equal', '{"Stage":"a","St\\u0061ge":"b"}', { key: 'Stage', again: 'Stage', path: [] }, 'The callout body gives "Stage" twice (at the top level).'],
    ['escaped and in another casing', '{"a/b":{"\\u0053tage":1,"stag\\u0065":1}}', { key: 'Stage', again: 'stage', path: ['a/b'] }, 'The callout body gives "Stage" twice, also as "stage" (at /a~1b).'],
    ['escaped solidus', '{"x":{"a\\/b":1,"a/B":2}}', { key: 'a/b', again: 'a/B', path: ['x'] }, 'The callout body gives "a/b" twice, also as "a/B" (at /x).'],
    ['in an array element object', '{"Answers":[{"Value":"1"},{"Value":"1","value":"1"}]}', { key: 'Value', again: 'value', path: ['Answers', 1] }, 'The callout body gives "Value" twice, also as "value" (at /Answers/1).'],
    ['after values that look like keys', '{"a":"\\"b\\":{","b":[1,{"c":"}"}],"A":0}', { key: 'a', again: 'A', path: [] }, 'The callout body gives "a" twice, also as "A" (at the top level).'],
    ['an own __proto__ twice', '{"data":{"__proto__":{},"__PROTO__":{}}}', { key: '__proto__', again: '__PROTO__', path: ['data'] }, 'The callout body gives "__proto__" twice, also as "__PROTO__" (at /data).'],
  ])('%s', (_, text, found, message) => {
    expect(findDuplicateKey(text)).toEqual(found);
    expect(refusal(() => parseJsonBody(bytes(text), 'application/json'))).toMatchObject({ code: 'CALLOUT.INVALID_BODY', message });
  });

  test('inside data of a wrapper (the Lifecycle Workflows fixture)', () => {
    const text = insertAfter(fixtureText('lcw-custom-task.json'), '"data": {', '"CallbackUriPath": "/elsewhere",');
    expect(refusal(() => parseJsonBody(bytes(text), 'application/json'))).toEqual({
      code: 'CALLOUT.INVALID_BODY',
      message: 'The callout body gives "CallbackUriPath" twice, also as "callbackUriPath" (at /data).',
      details: { field: 'CallbackUriPath', path: '/data' },
    });
  });

  test('inside Assignment.Target, through the callout parser', () => {
    const text = insertAfter(fixtureText('elm-request-created.wire.json'), '"Target": {', '"objectId": "99999999-9999-4999-8999-999999999999",');
    expect(refusal(() => createCalloutParser().parse(bytes(text), 'application/json'))).toMatchObject({
      code: 'CALLOUT.INVALID_BODY',
      message: 'The callout body gives "objectId" twice, also as "ObjectId" (at /Assignment/Target).',
      details: { field: 'objectId' },
    });
  });

  test('a second Stage in a real body, through the callout parser', () => {
    const text = insertAfter(fixtureText('elm-request-created.wire.json'), '{', '"Stage": "assignmentRequestApproved",');
    expect(refusal(() => createCalloutParser().parse(bytes(text), 'application/json'))).toMatchObject({
      code: 'CALLOUT.INVALID_BODY',
      details: { field: 'Stage', path: 'the top level' },
    });
  });

  test('an untrusted key is quoted bounded and printable', () => {
    const key = `"\u0007\u202e${'k'.repeat(200)}`;
    const text = JSON.stringify({ [key]: { [key]: 1 } }).replace(/\}\}$/, `,${JSON.stringify(key)}:2}}`);
    const { message, details } = refusal(() => parseJsonBody(bytes(text), 'application/json'));
    expect(message).toMatch(/^The callout body gives "\?\?\?k{57}\.\.\." twice \(at \/\?\?\?k{57}\.\.\.\)\.$/);
    expect(details).toEqual({ field: `???${'k'.repeat(57)}...`, path: `/???${'k'.repeat(57)}...` });
  });
});

describe('what is not a duplicate', () => {
  test.each([
    ['the same key in different objects', '{"Id":"1","Target":{"Id":"2","Manager":{"id":"3"}},"List":[{"Id":3},{"Id":4}],"id2":{"ID":1}}'],
    ['a key equal to a value', '{"Stage":"Stage","stage2":"stage","x":["Stage","stage"]}'],
    ['keys inside string values', '{"a":"{\\"a\\":1,\\"a\\":2}","b":"\\\\","c":"\\\\\\"c\\":"}'],
    ['the Kelvin sign is not k', '{"\u212Aind":1,"kind":2,"K":3,"\\u212a":4}'],
    ['the long s is not s', '{"\u017Ftage":1,"stage":2}'],
    ['the dotted capital I is not i', '{"\u0130d":1,"id":2}'],
    ['empty objects and arrays', '{"a":{},"b":[],"c":[{},[],{"a":{}}],"d":null}'],
    ['not an object at all', '["a","a",{"a":1},{"a":1}]'],
  ])('%s', (_, text) => {
    expect(findDuplicateKey(text)).toBeUndefined();
    expect(refusal(() => parseJsonBody(bytes(text), 'application/json')).code).toBe('accepted');
  });

  test.each(FIXTURES)('the fixture %s', (name) => {
    const text = fixtureText(name);
    expect(findDuplicateKey(text)).toBeUndefined();
    expect(parseJsonBody(bytes(text), 'application/json')).toEqual(JSON.parse(text));
  });
});

describe('the scan is linear and iterative', () => {
  test('a body of about 1 MiB with many keys', () => {
    const entries = Array.from({ length: 40_000 }, (_, i) => [`Key${i}`, { id: i, Name: `n${i}`, tags: ['a', { a: 1 }] }] as const);
    const text = JSON.stringify(Object.fromEntries(entries));
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(findDuplicateKey(text)).toBeUndefined();
    expect(findDuplicateKey(`${text.slice(0, -1)},"key123":0}`)).toEqual({ key: 'Key123', again: 'key123', path: [] });
  });

  test('100 000 levels of nesting', () => {
    const depth = 100_000;
    const text = `${'[{"a":'.repeat(depth)}{"x":1,"X":2}${'}]'.repeat(depth)}`;
    const found = findDuplicateKey(text);
    expect(found?.path).toHaveLength(2 * depth);
    expect(refusal(() => parseJsonBody(bytes(text), 'application/json')).message.length).toBeLessThan(400);
  });
});

describe('keys are folded in ASCII only', () => {
  test('the Kelvin sign, the long s and the dotted I keep their keys', () => {
    const out = lowerCaseKeys(JSON.parse('{"\u212Aind":"x","\u017Ftage":"y","\u0130D":"z","StAgE":"w"}'));
    expect(out).toEqual({ '\u212Aind': 'x', '\u017Ftage': 'y', '\u0130d': 'z', stage: 'w' });
    expect(lowerCaseKeys({ '\u212A': 1, k: 2 })).toEqual({ '\u212A': 1, k: 2 });
  });
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The reference: a recursive walk in text order, as JSON.stringify writes the value. */
function referenceDuplicate(value: Json, path: (string | number)[] = []): DuplicateKey | undefined {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = referenceDuplicate(item, [...path, i]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const seen = new Map<string, string>();
  for (const [key, child] of Object.entries(value)) {
    const first = seen.get(asciiLower(key));
    if (first !== undefined) return { key: first, again: key, path };
    seen.set(asciiLower(key), key);
    const found = referenceDuplicate(child, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

function objectPaths(value: Json, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => objectPaths(item, [...path, i]));
  if (value === null || typeof value !== 'object') return [];
  return [path, ...Object.entries(value).flatMap(([k, v]) => objectPaths(v, [...path, k]))];
}

function at(value: Json, path: readonly (string | number)[]): Json {
  let node = value;
  for (const step of path) node = (node as Record<string | number, Json>)[step] ?? null;
  return node;
}

/** Keys from a small alphabet so that casings, Unicode look-alikes and escapes collide often. */
const collidingKey = fc.string({ unit: fc.constantFrom('a', 'A', 'k', 'K', '\u212A', 's', 'S', '\u017F', '/', '"', '\\', '\u00e9'), maxLength: 3 });
const collidingJson: fc.Arbitrary<Json> = fc.letrec<{ json: Json }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 4 })),
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(collidingKey, tie('json'), { maxKeys: 5 }),
  ),
})).json;

describe('properties', () => {
  test('JSON.stringify output: the scanner finds exactly what the reference finds (none without ASCII-case twins)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue() as fc.Arbitrary<Json>, fc.object() as fc.Arbitrary<Json>, collidingJson), (value) => {
        const text = JSON.stringify(value);
        expect(findDuplicateKey(text)).toEqual(referenceDuplicate(value));
      }),
      { numRuns: 500, seed: SEED },
    );
  });

  test('a copy of an existing key, inserted in the text in any casing or escaping, is always found', () => {
    const MARK = '"\\u0001mark":null';
    const tree = fc.oneof(fc.object() as fc.Arbitrary<Json>, collidingJson).map((v) => JSON.parse(JSON.stringify(v)) as Json).filter((v) => referenceDuplicate(v) === undefined && objectPaths(v).some((p) => Object.keys(at(v, p) as object).length > 0));
    fc.assert(
      fc.property(tree, fc.nat(), fc.nat(), fc.array(fc.boolean(), { maxLength: 8 }), fc.nat(), fc.jsonValue({ maxDepth: 2 }), (generated, pickObject, pickKey, upper, escapeAt, inserted) => {
        const value = JSON.parse(JSON.stringify(generated)) as Json; // a copy: the marker goes in it
        const objects = objectPaths(value).filter((p) => Object.keys(at(value, p) as object).length > 0);
        const path = objects[pickObject % objects.length] ?? [];
        const target = at(value, path) as Record<string, Json>;
        const keys = Object.keys(target);
        const key = keys[pickKey % keys.length] ?? '';
        // The twin: the key in another ASCII casing, one of its code units written as a \u escape.
        const twin = Array.from(key, (c, i) => (/^[a-zA-Z]$/.test(c) ? (upper[i] === true ? c.toUpperCase() : c.toLowerCase()) : c)).join('');
        const escaped = twin.length === 0 ? 0 : escapeAt % twin.length;
        const escapedTwin = twin.length === 0 ? '""' : `${JSON.stringify(twin.slice(0, escaped)).slice(0, -1)}\\u${twin.charCodeAt(escaped).toString(16).padStart(4, '0')}${JSON.stringify(twin.slice(escaped + 1)).slice(1)}`;
        target['\u0001mark'] = null;
        const text = JSON.stringify(value);
        fc.pre(text.split(MARK).length === 2);
        const mutated = text.replace(MARK, () => `${escapedTwin}:${JSON.stringify(inserted)}`);
        expect(() => { JSON.parse(mutated); }).not.toThrow(); // still JSON
        expect(findDuplicateKey(mutated)).toEqual({ key, again: twin, path });
      }),
      { numRuns: 500, seed: SEED },
    );
  });
});
