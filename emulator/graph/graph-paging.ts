import { createHash } from 'node:crypto';
import { graphError, type GraphReply } from './graph-errors.js';
import type { ODataQuery } from './odata-query.js';

/** A collection as it was asked for: enough to answer one page and link the next. */
export interface CollectionCall {
  /** The emulator's origin: nextLinks are absolute on it. */
  readonly origin: string;
  readonly version: string;
  /** The path after the version, as sent (decoded segments). */
  readonly path: readonly string[];
  /** The query as sent. */
  readonly query: URLSearchParams;
}

/** What a collection's $skiptoken binds to: its path and $filter, so the token of another collection is refused. */
function scopeOf(call: CollectionCall): string {
  const filter = [...call.query].find(([key]) => key.trim().toLowerCase() === '$filter')?.[1] ?? '';
  return createHash('sha256').update(`${call.path.join('/').toLowerCase()}\n${filter.trim().toLowerCase()}`).digest('hex').slice(0, 16);
}

function skipToken(scope: string, offset: number): string {
  return Buffer.from(`eg-page:${scope}:${offset}`).toString('base64url');
}

function offsetOf(token: string, scope: string): number | undefined {
  const match = /^eg-page:([0-9a-f]{16}):(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match?.[1] === scope ? Number(match[2]) : undefined;
}

/** Encodes only what would change the meaning of a query string (`%`, `&`, `#`, `+`, space), so links stay readable. */
const queryText = (text: string): string => text.replace(/[%&#+ ]/g, (c) => encodeURIComponent(c));

/** The link to the page at `offset`: the same path and OData options as sent (without their $skiptoken), and a new $skiptoken. */
function nextLinkOf(call: CollectionCall, offset: number): string {
  const keep = [...call.query]
    .filter(([key]) => key.trim().startsWith('$') && key.trim().toLowerCase() !== '$skiptoken')
    .map(([key, value]) => `${queryText(key.trim())}=${queryText(value)}`);
  const path = call.path.map((s) => encodeURIComponent(s)).join('/');
  return `${call.origin}/${call.version}/${path}?${[...keep, `$skiptoken=${skipToken(scopeOf(call), offset)}`].join('&')}`;
}

/**
 * One page of a collection, as Graph answers it: `$top` (or `pageSize`) items from the
 * $skiptoken's offset, `@odata.count` when $count=true, and an absolute `@odata.nextLink` on the
 * emulator while items remain. Slices `items`, so a cached array of 50,000 costs one page a call.
 */
export function collectionReply<T>(
  call: CollectionCall,
  q: ODataQuery,
  items: readonly T[],
  pageSize: number,
  context: string,
  project: (item: T) => Record<string, unknown>,
): GraphReply {
  const offset = q.skiptoken === undefined ? 0 : offsetOf(q.skiptoken, scopeOf(call));
  if (offset === undefined) return graphError(400, 'Directory_InvalidPageToken', 'The $skiptoken is not valid for this collection.');
  const size = q.top ?? pageSize;
  const nextLink = offset + size < items.length ? nextLinkOf(call, offset + size) : undefined;
  return {
    status: 200,
    body: {
      '@odata.context': context,
      ...(q.count === true ? { '@odata.count': items.length } : {}),
      ...(nextLink === undefined ? {} : { '@odata.nextLink': nextLink }),
      value: items.slice(offset, offset + size).map(project),
    },
  };
}
