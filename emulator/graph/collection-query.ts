import type { IncomingHttpHeaders } from 'node:http';
import { graphError, type GraphReply } from './graph-errors.js';
import { parseEqFilter, type FilterValues } from './odata-filter.js';
import { KNOWN_OPTIONS, parseQuery, parseSelect, type ExpandItem, type ODataQuery } from './odata-query.js';
import { resolveSelect } from '../directory/user-resource.js';

/** The OData options of a governance read: the common ones, the $filter GUIDs by property, the $expand items by name. */
export interface GovernanceQuery extends ODataQuery {
  readonly filters: ReadonlyMap<string, string>;
  readonly expansions: ReadonlyMap<string, ExpandItem>;
}

const unsupportedQuery = (message: string): GraphReply => graphError(400, 'Request_UnsupportedQuery', message);

/**
 * Reads a governance route's query: $select, $top, $skiptoken and $count as everywhere, $filter
 * only in the forms of `filters` (see parseEqFilter: GUIDs, or for the properties of
 * `filterValues` one of their values), $expand only of `expands` (names matched without case,
 * answered as `expands` spells them). Any other option, known to Graph or not, is refused with
 * Request_UnsupportedQuery naming it.
 */
export function readGovernanceQuery(
  query: URLSearchParams,
  filters: readonly string[] = [],
  expands: readonly string[] = [],
  filterValues: FilterValues = {},
): GovernanceQuery | GraphReply {
  const unknown = [...query.keys()].find((key) => key.trim().startsWith('$') && !KNOWN_OPTIONS.includes(key.trim().toLowerCase()));
  if (unknown !== undefined) return unsupportedQuery(`The query option '${unknown}' is not supported.`);
  const q = parseQuery(query);
  if ('status' in q) return q;
  const other = q.unsupported.filter((option) => option !== '$filter' || filters.length === 0);
  if (other.length > 0) return unsupportedQuery(`The tenant emulator does not serve ${other.join(', ')} here.`);
  const parsed = parseEqFilter(q.filter, filters, filterValues);
  if ('status' in parsed) return parsed;
  const expansions = servedExpansions(q.expand, expands);
  if ('status' in expansions) return expansions;
  return { ...q, filters: parsed, expansions };
}

/**
 * The $expand items by name, each one of `expands` (matched without case, keyed as `expands`
 * spells it) and named once; any other is refused with Request_UnsupportedQuery naming it.
 */
export function servedExpansions(items: readonly ExpandItem[], expands: readonly string[]): Map<string, ExpandItem> | GraphReply {
  const expansions = new Map<string, ExpandItem>();
  for (const item of items) {
    const name = expands.find((e) => e.toLowerCase() === item.name.toLowerCase());
    if (name === undefined || expansions.has(name)) {
      const served = expands.length === 0 ? 'no $expand here' : `$expand of ${expands.join(', ')} here, each once`;
      return unsupportedQuery(`The tenant emulator does not serve $expand=${item.name}: it serves ${served}.`);
    }
    expansions.set(name, item);
  }
  return expansions;
}

/** The options of one $expand item other than those allowed, refused; undefined when all are allowed. */
export function expandOptionsProblem(item: ExpandItem, allowed: readonly string[]): GraphReply | undefined {
  const other = [...item.options.keys()].find((key) => !allowed.includes(key));
  return other === undefined ? undefined : unsupportedQuery(`The tenant emulator serves ${allowed.length === 0 ? 'no options' : allowed.join(', ')} in $expand=${item.name}(…), not ${other}.`);
}

/**
 * The properties to answer of an expanded object: its `$select` (the only option served inside)
 * resolved against `known`, or `defaults`; undefined when the item is not expanded.
 */
export function expandedProperties(
  item: ExpandItem | undefined,
  known: readonly string[],
  defaults: readonly string[],
  type: string,
): string[] | undefined | GraphReply {
  if (item === undefined) return undefined;
  const problem = expandOptionsProblem(item, ['$select']);
  if (problem !== undefined) return problem;
  const text = item.options.get('$select');
  const select = text === undefined ? undefined : parseSelect(text);
  if (select !== undefined && 'status' in select) return select;
  return resolveSelect(select, known, defaults, type);
}

/** OData casts (and $count) on directory objects are advanced queries: they need ConsistencyLevel: eventual and $count=true. */
export function advancedQueryProblem(headers: IncomingHttpHeaders, q: ODataQuery, what: string): GraphReply | undefined {
  const consistency = [headers['consistencylevel'] ?? []].flat().join(',').trim().toLowerCase();
  if (consistency === 'eventual' && q.count === true) return undefined;
  return unsupportedQuery(`${what} is an advanced query: it needs the request header 'ConsistencyLevel: eventual' and $count=true.`);
}

/** The @odata.context selection of a collection: the selected properties and the expanded ones, or none without $select. */
export function selection(q: GovernanceQuery, properties: readonly string[]): string[] | undefined {
  return q.select === undefined ? undefined : [...properties, ...q.expansions.keys()];
}
