import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECK_LIST } from '../src/checks/index.js';
import { POLICY_FINDING_ID } from '../src/engine/policy-notices.js';
import { isExtension, isRemoval, isSpecificRequestType, REQUEST_TYPES, requestTypeOf } from '../src/request-types.js';

/** v1.0's accessPackageRequestType (metadata, docs/protocol.md §14), approverRemove included. */
const V1_ENUM = ['notSpecified', 'userAdd', 'userUpdate', 'userRemove', 'adminAdd', 'adminUpdate', 'adminRemove', 'systemAdd', 'systemUpdate', 'systemRemove', 'onBehalfAdd', 'unknownFutureValue', 'approverRemove'];

describe('request types (docs/protocol.md §4, §14)', () => {
  it('the list is v1.0\'s enum and the reference pages\' UserExtend, once each', () => {
    expect([...REQUEST_TYPES].sort()).toEqual([...V1_ENUM, 'userExtend'].sort());
  });

  it.each([
    ['UserExtend', 'userExtend'],
    ['USERADD', 'userAdd'],
    ['approverremove', 'approverRemove'],
    ['someNewType', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s reads as %s', (given, expected) => {
    expect(requestTypeOf(given)).toBe(expected);
  });

  it.each([
    ['userAdd', true, false, false],
    ['UserExtend', true, false, true],
    ['userUpdate', true, false, false],
    ['onBehalfAdd', true, false, false],
    ['userRemove', true, true, false],
    ['AdminRemove', true, true, false],
    ['systemRemove', true, true, false],
    ['approverRemove', true, true, false],
    ['notSpecified', false, false, false],
    ['unknownFutureValue', false, false, false],
    ['someNewType', false, false, false],
    ['someNewRemove', false, false, false],
    [undefined, false, false, false],
  ])('%s: says what it does %s, a removal %s, an extension %s', (given, specific, removal, extension) => {
    expect(isSpecificRequestType(given)).toBe(specific);
    expect(isRemoval(given)).toBe(removal);
    expect(isExtension(given)).toBe(extension);
  });

  it('docs/policy.md lists every request type, and the engine\'s finding id is no check\'s', () => {
    const doc = readFileSync(new URL('../docs/policy.md', import.meta.url), 'utf8');
    for (const type of REQUEST_TYPES) expect(doc).toContain(`\`${type}\``);
    expect(CHECK_LIST.map((c) => c.id)).not.toContain(POLICY_FINDING_ID);
  });
});
