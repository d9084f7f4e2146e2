import { describe, expect, test } from 'vitest';
import { AppError } from '../../src/errors.js';
import { assertJsonContentType, MAX_BODY_BYTES, parseJsonBody } from '../../src/ingress/body.js';
import { lowerCaseKeys, MAX_DEPTH } from '../../src/ingress/canonical-keys.js';

const bytes = (s: string) => new TextEncoder().encode(s);

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('content type', () => {
  test.each([
    ['application/json', 'accepted'],
    ['application/json; charset=utf-8', 'accepted'],
    ['Application/JSON; charset="UTF-8"', 'accepted'],
    ['application/problem+json', 'accepted'],
    [null, 'CALLOUT.UNSUPPORTED_MEDIA_TYPE'],
    ['text/plain', 'CALLOUT.UNSUPPORTED_MEDIA_TYPE'],
    ['application/x-www-form-urlencoded', 'CALLOUT.UNSUPPORTED_MEDIA_TYPE'],
    ['application/json; charset=iso-8859-1', 'CALLOUT.UNSUPPORTED_MEDIA_TYPE'],
    ['application/jsonx', 'CALLOUT.UNSUPPORTED_MEDIA_TYPE'],
  ])('%s → %s', (contentType, expected) => {
    expect(codeOf(() => { assertJsonContentType(contentType); })).toBe(expected);
  });
});

describe('body', () => {
  test('parses JSON', () => {
    expect(parseJsonBody(bytes('{"a":1}'), 'application/json')).toEqual({ a: 1 });
  });
  test.each([
    ['not JSON', bytes('{"a":'), 'CALLOUT.INVALID_JSON'],
    ['empty', bytes('  '), 'CALLOUT.INVALID_JSON'],
    ['not UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'CALLOUT.INVALID_JSON'],
    ['one byte over the cap', new Uint8Array(MAX_BODY_BYTES + 1).fill(0x20), 'CALLOUT.TOO_LARGE'],
  ])('%s is rejected', (_, body, code) => {
    expect(codeOf(() => parseJsonBody(body, 'application/json'))).toBe(code);
  });
  test('a body exactly at the cap is read', () => {
    const body = bytes(`{"pad":"${'x'.repeat(MAX_BODY_BYTES - 10)}"}`);
    expect(body.byteLength).toBe(MAX_BODY_BYTES);
    expect(codeOf(() => parseJsonBody(body, 'application/json'))).toBe('accepted');
  });
});

describe('canonical keys', () => {
  test('lower-cases keys at every depth and keeps values', () => {
    expect(lowerCaseKeys({ Stage: 'X', Assignment: { Target: { ObjectId: 'id' } }, Answers: [{ Value: 1 }] })).toEqual({
      stage: 'X',
      assignment: { target: { objectid: 'id' } },
      answers: [{ value: 1 }],
    });
  });
  test('drops keys that could reach a prototype', () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"constructor":{"x":1},"Prototype":1,"stage":"s"}') as unknown;
    const out = lowerCaseKeys(parsed) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['stage']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
  test('the same key in two casings is refused, even with equal values', () => {
    expect(codeOf(() => lowerCaseKeys({ Stage: 'a', stage: 'a' }))).toBe('CALLOUT.INVALID_BODY');
    expect(codeOf(() => lowerCaseKeys({ Stage: 'a', stage: 'b' }))).toBe('CALLOUT.INVALID_BODY');
    expect(codeOf(() => lowerCaseKeys({ Constructor: 1, constructor: 1 }))).toBe('CALLOUT.INVALID_BODY');
  });
  test('nesting is bounded', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i <= MAX_DEPTH; i++) deep = { d: deep };
    expect(codeOf(() => lowerCaseKeys(deep))).toBe('CALLOUT.INVALID_BODY');
    let ok: unknown = 'leaf';
    for (let i = 0; i < MAX_DEPTH; i++) ok = [ok];
    expect(codeOf(() => lowerCaseKeys(ok))).toBe('accepted');
  });
});
