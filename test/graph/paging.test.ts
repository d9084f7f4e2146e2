import { describe, expect, it } from 'vitest';
import type { GraphAnswer, GraphCall } from '../../src/graph/graph-http.js';
import { InvalidPage, nextCall, walkPages, type GraphPage } from '../../src/graph/paging.js';
import { answer } from '../support/fake-graph.js';
import { pathOf } from '../support/graph-paths.js';

const ORIGIN = 'https://graph.example';
const FIRST: GraphCall = { method: 'GET', version: 'v1.0', path: pathOf('/groups/g/members?$top=2'), headers: { ConsistencyLevel: 'eventual' } };
const isPage = (json: unknown): json is GraphPage => typeof json === 'object' && json !== null && Array.isArray((json as { value?: unknown }).value);

/** Pages 1..n of one item each, linked by absolute nextLinks. */
function pages(n: number): { send: (call: GraphCall) => Promise<GraphAnswer>; calls: GraphCall[] } {
  const calls: GraphCall[] = [];
  return {
    calls,
    send: (call) => {
      calls.push(call);
      const page = Number(/skiptoken=(\d+)/.exec(call.path)?.[1] ?? '1');
      return Promise.resolve(answer(200, { value: [page], ...(page < n ? { '@odata.nextLink': `${ORIGIN}/v1.0/groups/g/members?$top=2&$skiptoken=${String(page + 1)}` } : {}) }));
    },
  };
}

describe('walkPages', () => {
  it('follows nextLinks, keeping the headers, and hands each page on as it comes', async () => {
    const { send, calls } = pages(3);
    const seen: unknown[][] = [];
    let answers = 0;
    const walk = await walkPages(send, FIRST, { graphOrigin: ORIGIN, isPage, onAnswer: () => { answers++; } }, (items) => { seen.push([...items]); });
    expect(walk.complete).toBe(true);
    expect(seen).toEqual([[1], [2], [3]]);
    expect(answers).toBe(3);
    expect(calls.map((c) => c.path)).toEqual(['/groups/g/members?$top=2', '/groups/g/members?$top=2&$skiptoken=2', '/groups/g/members?$top=2&$skiptoken=3']);
    expect(calls.every((c) => c.headers?.['ConsistencyLevel'] === 'eventual')).toBe(true);
  });

  it('stops at a refusal and returns it', async () => {
    const walk = await walkPages(() => Promise.resolve(answer(403)), FIRST, { graphOrigin: ORIGIN, isPage }, () => undefined);
    expect(walk).toMatchObject({ complete: false, answer: { status: 403 } });
  });

  it('more pages than the cap is refused, not read in part', async () => {
    const { send } = pages(5);
    await expect(walkPages(send, FIRST, { graphOrigin: ORIGIN, isPage, maxPages: 4 }, () => undefined)).rejects.toThrow(new InvalidPage('GET v1.0 /groups/g/members has more than 4 pages'));
    await expect(walkPages(send, FIRST, { graphOrigin: ORIGIN, isPage, maxPages: 5 }, () => undefined)).resolves.toMatchObject({ complete: true });
  });

  it('a body that is not a page is refused', async () => {
    await expect(walkPages(() => Promise.resolve(answer(200, { id: 'x' })), FIRST, { graphOrigin: ORIGIN, isPage }, () => undefined)).rejects.toThrow(/is not a collection/);
  });
});

describe('nextCall', () => {
  it.each([
    ['another origin', 'https://evil.example/v1.0/groups', /leaves https:\/\/graph\.example\/v1\.0/],
    ['another version', `${ORIGIN}/beta/groups`, /leaves/],
    ['http', 'http://graph.example/v1.0/groups', /leaves/],
    ['not a URL', '/v1.0/groups?$skiptoken=2', /is not a URL/],
  ])('a nextLink to %s is refused', (_name, link, message) => {
    expect(() => nextCall(link, ORIGIN, FIRST)).toThrow(message);
  });
});
