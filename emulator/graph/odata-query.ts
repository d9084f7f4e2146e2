import { graphError, type GraphReply } from './graph-errors.js';

/** One `$expand` item: `manager` or `manager($levels=max;$select=id,displayName)`. Option keys are lower case. */
export interface ExpandItem {
  readonly name: string;
  readonly options: ReadonlyMap<string, string>;
}

/** The OData system query options of one call, decoded. Keys are matched without case, as Graph does. */
export interface ODataQuery {
  readonly select: readonly string[] | undefined;
  readonly expand: readonly ExpandItem[];
  readonly top: number | undefined;
  readonly skiptoken: string | undefined;
  readonly count: boolean | undefined;
  /** $filter's text, for the routes that serve some filters (it is in `unsupported` too, for those that do not). */
  readonly filter: string | undefined;
  /** Options Graph knows but the emulator does not serve on these resources ($filter, $orderby…). */
  readonly unsupported: readonly string[];
}

const SERVED = ['$select', '$expand', '$top', '$skiptoken', '$count'];
/** The OData system query options Graph knows (lower case); any other `$` option is refused. */
export const KNOWN_OPTIONS: readonly string[] = [...SERVED, '$filter', '$orderby', '$search', '$skip', '$format'];

const badQuery = (message: string): GraphReply => graphError(400, 'BadRequest', message);

/** Splits on `separator` where it is not inside parentheses; undefined when they do not balance. */
export function splitTopLevel(text: string, separator: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return undefined;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) return undefined;
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

/** `id,displayName` → ['id', 'displayName'], or a reply naming the empty item. */
export function parseSelect(value: string): string[] | GraphReply {
  const names = value.split(',').map((s) => s.trim());
  if (names.some((n) => !/^[A-Za-z][\w.]*$/.test(n))) return badQuery(`Syntax error: '${value}' is not a valid $select list of property names.`);
  return names;
}

/** `manager,memberOf($select=id)` → its items, or a reply naming what does not parse (a nested `$expand=…` is read with it too). */
export function parseExpand(value: string): ExpandItem[] | GraphReply {
  const items = splitTopLevel(value, ',');
  if (items === undefined) return badQuery(`Syntax error: the parentheses in $expand '${value}' do not balance.`);
  const parsed: ExpandItem[] = [];
  for (const item of items) {
    const match = /^([A-Za-z]\w*)(?:\((.*)\))?$/s.exec(item);
    if (match === null) return badQuery(`Syntax error: '${item}' is not a valid $expand item.`);
    const options = new Map<string, string>();
    const inner = match[2]?.trim() ?? '';
    for (const option of inner === '' ? [] : (splitTopLevel(inner, ';') ?? [])) {
      const eq = option.indexOf('=');
      const key = option.slice(0, eq).trim().toLowerCase();
      if (eq < 1 || !key.startsWith('$')) return badQuery(`Syntax error: '${option}' in $expand is not a query option.`);
      if (options.has(key)) return badQuery(`Query option '${key}' was specified more than once in $expand.`);
      options.set(key, option.slice(eq + 1).trim());
    }
    parsed.push({ name: match[1] ?? '', options });
  }
  return parsed;
}

/**
 * Reads the OData options however the caller encoded them: URLSearchParams has already
 * percent-decoded keys and values (%24select, %2C, %28…), and `;` inside `$expand=…(…)` is
 * not a separator of the query string. Options without `$` are not OData options (Graph v1.0
 * ignores them); repeated or unknown `$` options are refused as Graph refuses them.
 */
export function parseQuery(search: URLSearchParams): ODataQuery | GraphReply {
  const seen = new Map<string, string>();
  for (const [rawKey, value] of search) {
    const key = rawKey.trim().toLowerCase();
    if (!key.startsWith('$')) continue;
    if (!KNOWN_OPTIONS.includes(key)) return badQuery(`The query parameter '${rawKey}' is not supported.`);
    if (seen.has(key)) return badQuery(`Query option '${rawKey}' was specified more than once, but it must be specified at most once.`);
    seen.set(key, value);
  }
  const selectText = seen.get('$select');
  const select = selectText === undefined ? undefined : parseSelect(selectText);
  if (select !== undefined && !Array.isArray(select)) return select;
  const expandText = seen.get('$expand');
  const expand = expandText === undefined ? [] : parseExpand(expandText);
  if (!Array.isArray(expand)) return expand;
  const topText = seen.get('$top');
  const top = topText === undefined ? undefined : Number(topText);
  if (top !== undefined && (!Number.isInteger(top) || top < 1 || top > 999)) return badQuery(`Invalid value '${topText ?? ''}' for $top: a whole number from 1 to 999 is expected.`);
  const countText = seen.get('$count')?.toLowerCase();
  if (countText !== undefined && countText !== 'true' && countText !== 'false') return badQuery(`Invalid value '${countText}' for $count: true or false is expected.`);
  return {
    select,
    expand,
    top,
    skiptoken: seen.get('$skiptoken'),
    count: countText === undefined ? undefined : countText === 'true',
    filter: seen.get('$filter'),
    unsupported: [...seen.keys()].filter((k) => !SERVED.includes(k)),
  };
}
