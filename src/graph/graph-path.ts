import type { Guid } from '../guid.js';

/**
 * The one place Graph paths and OData literals are made (docs/protocol.md §10). A `GraphPath` is a
 * versionless path (`/users/{id}/manager`) with an optional query, each segment percent-encoded
 * and no segment empty, `.` or `..`; only this module makes one, so code that holds one cannot
 * have concatenated an id into it. Ids go in as `Guid`s; names of Graph's own (collections,
 * casts, actions) as the literal strings the code wrote.
 */
declare const pathBrand: unique symbol;
export type GraphPath = string & { readonly [pathBrand]: 'GraphPath' };

/** A path segment: a checked id, or a name the code itself wrote. */
export type Segment = Guid | string;

/** Query parameters in the order written; values are encoded here. */
export type Query = Readonly<Record<string, string>>;

export class InvalidPath extends Error {
  override readonly name = 'InvalidPath';
}

function encodeSegment(segment: Segment): string {
  if (segment === '' || segment === '.' || segment === '..') throw new InvalidPath(`"${segment}" cannot be a Graph path segment`);
  // `@` may stand in a segment (RFC 3986 pchar): a user principal name keeps it readable.
  return encodeURIComponent(segment).replace(/%40/g, '@');
}

/** OData query values keep `$`, `,`, `(`, `)`, `;`, `=` and `'` readable; everything else is encoded. */
function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/%(24|2C|28|29|3B|3D|27)/g, (escape) => decodeURIComponent(escape));
}

function queryString(query: Query | undefined): string {
  if (query === undefined) return '';
  const pairs = Object.entries(query).map(([key, value]) => {
    if (!/^\$?[A-Za-z][A-Za-z0-9]*$/.test(key)) throw new InvalidPath(`"${key}" cannot be a query parameter`);
    return `${key}=${encodeQueryValue(value)}`;
  });
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

/** `/segment/segment…?query`, each part encoded. */
export function graphPath(segments: readonly Segment[], query?: Query): GraphPath {
  if (segments.length === 0) throw new InvalidPath('a Graph path needs at least one segment');
  // eslint-disable-next-line no-restricted-syntax -- the one place a GraphPath is made
  return `/${segments.map(encodeSegment).join('/')}${queryString(query)}` as GraphPath;
}

/** Where the query starts: `graphPath(segments)` of the same segments plus a query. */
export function withQuery(path: GraphPath, query: Query): GraphPath {
  if (path.includes('?')) throw new InvalidPath('the path already has a query');
  // eslint-disable-next-line no-restricted-syntax -- appends an encoded query to a built path
  return `${path}${queryString(query)}` as GraphPath;
}

/** `path` with one more segment, e.g. a built request path and its `resume` action. */
export function childPath(path: GraphPath, ...segments: readonly Segment[]): GraphPath {
  if (path.includes('?')) throw new InvalidPath('a path with a query has no children');
  // eslint-disable-next-line no-restricted-syntax -- appends encoded segments to a built path
  return `${path}/${segments.map(encodeSegment).join('/')}` as GraphPath;
}

/** `path` with every segment that is `placeholder` replaced by `id` (a planned call whose id Graph gives later). */
export function fillSegment(path: GraphPath, placeholder: string, id: Guid): GraphPath {
  const [pathname = '', query] = path.split('?', 2);
  const filled = pathname.split('/').map((segment) => (segment === encodeSegment(placeholder) ? id : segment)).join('/');
  // eslint-disable-next-line no-restricted-syntax -- a built path with one encoded segment swapped for a Guid
  return (query === undefined ? filled : `${filled}?${query}`) as GraphPath;
}

/**
 * The path and query of a URL Graph gave us (an `@odata.nextLink`), after the caller checked its
 * origin and version. Its segments are re-checked: none may be empty, `.` or `..` once decoded.
 */
export function pathFromGraphLink(pathname: string, search: string): GraphPath {
  const raw = pathname.split('/').slice(1);
  for (const segment of raw) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw new InvalidPath('a segment of the link is not valid percent-encoding');
    }
    if (decoded === '' || decoded === '.' || decoded === '..' || decoded.includes('/')) throw new InvalidPath('the link has an empty or relative segment');
  }
  if (/[#\s]/.test(search)) throw new InvalidPath('the link has a fragment or whitespace in its query');
  // The Graph client reads the first `https://` anywhere in a path as the start of a URL of its own.
  if (/:\/\//.test(search)) throw new InvalidPath('the link has a URL in its query');
  // eslint-disable-next-line no-restricted-syntax -- a checked link from Graph itself
  return `${pathname}${search}` as GraphPath;
}

/** An OData string literal: quoted, inner quotes doubled. The only way a value enters a $filter. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `property eq 'value'`, the one filter shape the code writes. */
export function odataEq(property: string, value: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*(\/[A-Za-z][A-Za-z0-9]*)*$/.test(property)) throw new InvalidPath(`"${property}" is not an OData property path`);
  return `${property} eq ${odataString(value)}`;
}
