import { pathFromGraphLink } from './graph-path.js';
import type { GraphAnswer, GraphCall } from './graph-http.js';

/** One page of a Graph collection, as a validator has confirmed it. */
export interface GraphPage {
  readonly value: readonly unknown[];
  readonly '@odata.nextLink'?: string;
}

/** A page that cannot be followed: not a collection, a nextLink off Graph, or too many pages. */
/** Whether an answer has the shape of a collection page (a `value` array); validators check the items. */
export function isGraphPage(json: unknown): json is GraphPage {
  return typeof json === 'object' && json !== null && Array.isArray((json as { value?: unknown }).value);
}

export class InvalidPage extends Error {
  override readonly name = 'InvalidPage';
}

/** Pages followed at most for one collection by default: 100 pages of up to 1000 items (the fact reads). */
export const DEFAULT_MAX_PAGES = 100;

export interface PagingOptions {
  /** Origin of Graph, e.g. https://graph.microsoft.com: nextLinks must stay on it. */
  readonly graphOrigin: string;
  /** Pages followed at most; a collection with more is refused rather than read in part. */
  readonly maxPages?: number;
  /** Confirms an answer's body is a page (e.g. the collection-page schema of src/facts/answer-schemas.ts). */
  readonly isPage: (json: unknown) => json is GraphPage;
  /** Called with every answer received, a refusal included (for counting pages). */
  readonly onAnswer?: (answer: GraphAnswer) => void;
}

/** How a walk ended: every page read (the last answer), or the first non-2xx answer. */
export interface PageWalk {
  readonly answer: GraphAnswer;
  readonly complete: boolean;
}

/** `GET v1.0 /users/{id}/sponsors`: the read as logs and messages name it, query left out. */
export function describeRead(call: GraphCall): string {
  return `${call.method} ${call.version} ${call.path.split('?')[0] ?? call.path}`;
}

/**
 * A nextLink must stay on this Graph origin and version; its path and query become the next call
 * (headers kept). Anything else would send our token, or read something we did not ask for.
 */
export function nextCall(link: string, graphOrigin: string, first: GraphCall): GraphCall {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new InvalidPage(`Graph's @odata.nextLink of ${describeRead(first)} is not a URL`);
  }
  const prefix = `/${first.version}/`;
  if (url.origin !== graphOrigin || !url.pathname.startsWith(prefix)) {
    throw new InvalidPage(`Graph's @odata.nextLink leaves ${graphOrigin}/${first.version}`);
  }
  try {
    return { ...first, path: pathFromGraphLink(url.pathname.slice(prefix.length - 1), url.search) };
  } catch (error) {
    throw new InvalidPage(`Graph's @odata.nextLink of ${describeRead(first)} is not a Graph path: ${(error as Error).message}`);
  }
}

/**
 * Reads a collection page by page, following absolute `@odata.nextLink`s, and hands each page's
 * items to `onItems` as it arrives (so a caller folding 50,000 members never holds them twice).
 * The first non-2xx answer ends the walk and is returned for the caller to explain; a page that
 * is not a collection, a nextLink leaving Graph, or more than `maxPages` pages throw InvalidPage.
 * `send` decides retries (sendWithRetry with a deadline, in the callers).
 */
export async function walkPages(
  send: (call: GraphCall) => Promise<GraphAnswer>,
  first: GraphCall,
  options: PagingOptions,
  onItems: (items: readonly unknown[]) => void,
): Promise<PageWalk> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  let next: GraphCall | undefined = first;
  let pages = 0;
  for (;;) {
    const answer: GraphAnswer = await send(next);
    pages++;
    options.onAnswer?.(answer);
    if (answer.status < 200 || answer.status >= 300) return { answer, complete: false };
    if (!options.isPage(answer.json)) throw new InvalidPage(`Graph's page of ${describeRead(first)} is not a collection`);
    onItems(answer.json.value);
    const link = answer.json['@odata.nextLink'];
    if (link === undefined) return { answer, complete: true };
    if (pages >= maxPages) throw new InvalidPage(`${describeRead(first)} has more than ${maxPages} pages`);
    next = nextCall(link, options.graphOrigin, first);
  }
}
