import { describe, expect, test } from 'vitest';
import { childPath, fillSegment, graphPath, InvalidPath, odataEq, odataString, pathFromGraphLink, withQuery } from '../../src/graph/graph-path.js';
import { guidOf, parseGuid } from '../../src/guid.js';

const ID = guidOf('A7529CD7-A86D-4455-8C43-00E7495481B0');

describe('Graph paths are built, never concatenated (docs/protocol.md §10)', () => {
  test('each segment is encoded; a Guid goes in lower case', () => {
    expect(graphPath(['users', ID, 'manager'])).toBe('/users/a7529cd7-a86d-4455-8c43-00e7495481b0/manager');
    expect(graphPath(['users', 'guest_contoso.com#EXT#@fabrikam.com'])).toBe('/users/guest_contoso.com%23EXT%23@fabrikam.com');
    expect(graphPath(['users', '../../servicePrincipals'])).toBe('/users/..%2F..%2FservicePrincipals');
    expect(graphPath(['users', 'x?$select=id#'])).toBe('/users/x%3F%24select%3Did%23');
  });

  test.each(['', '.', '..'])('a segment "%s" is refused', (segment) => {
    expect(() => graphPath(['users', segment, 'manager'])).toThrow(InvalidPath);
  });

  test('query values are encoded, keys must be OData names', () => {
    expect(graphPath(['users', ID], { $select: 'id,displayName', $expand: 'manager($levels=max;$select=id)' })).toBe(
      `/users/${ID}?$select=id,displayName&$expand=manager($levels=max;$select=id)`,
    );
    expect(graphPath(['x'], { $filter: "a eq 'b&c=d#e'" })).toBe("/x?$filter=a%20eq%20'b%26c=d%23e'");
    expect(() => graphPath(['x'], { 'a&b': '1' })).toThrow(InvalidPath);
    expect(() => withQuery(graphPath(['x'], { $top: '1' }), { $top: '2' })).toThrow(InvalidPath);
  });

  test('children and fills stay encoded', () => {
    const base = graphPath(['catalogs', '{new}']);
    expect(childPath(base, 'resume')).toBe('/catalogs/%7Bnew%7D/resume');
    expect(fillSegment(childPath(base, 'x'), '{new}', ID)).toBe(`/catalogs/${ID}/x`);
    expect(() => childPath(withQuery(base, { $top: '1' }), 'x')).toThrow(InvalidPath);
  });

  test('OData string literals double their quotes; one filter shape', () => {
    expect(odataString("x' or 1 eq 1 or 'y")).toBe("'x'' or 1 eq 1 or ''y'");
    expect(odataEq('target/objectId', ID)).toBe(`target/objectId eq '${ID}'`);
    expect(() => odataEq("id eq 'x' or id", 'y')).toThrow(InvalidPath);
  });

  test('a link from Graph keeps its text but may not hold relative or empty segments', () => {
    expect(pathFromGraphLink('/users/x/memberOf', '?$skiptoken=abc')).toBe('/users/x/memberOf?$skiptoken=abc');
    expect(() => pathFromGraphLink('/users/%2e%2e/servicePrincipals', '')).toThrow(InvalidPath);
    expect(() => pathFromGraphLink('/users//x', '')).toThrow(InvalidPath);
    expect(() => pathFromGraphLink('/users/a%2Fb', '')).toThrow(InvalidPath);
    expect(() => pathFromGraphLink('/users/%E0%A4%A', '')).toThrow(InvalidPath);
    expect(() => pathFromGraphLink('/users', '?$skiptoken=https://evil.example/x')).toThrow(InvalidPath);
  });
});

describe('Guid: only parseGuid makes one', () => {
  test.each([
    ['a7529cd7-a86d-4455-8c43-00e7495481b0', 'a7529cd7-a86d-4455-8c43-00e7495481b0'],
    ['A7529CD7-A86D-4455-8C43-00E7495481B0', 'a7529cd7-a86d-4455-8c43-00e7495481b0'],
    ['{a7529cd7-a86d-4455-8c43-00e7495481b0}', undefined],
    [' a7529cd7-a86d-4455-8c43-00e7495481b0', undefined],
    ['a7529cd7-a86d-4455-8c43-00e7495481b0\n', undefined],
    ['a7529cd7a86d44558c4300e7495481b0', undefined],
    ['ａ7529cd7-a86d-4455-8c43-00e7495481b0', undefined],
    [42, undefined],
    [null, undefined],
  ])('%j → %s', (input, expected) => {
    expect(parseGuid(input)).toBe(expected);
  });
});
