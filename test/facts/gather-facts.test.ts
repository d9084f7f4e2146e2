import { describe, expect, it } from 'vitest';
import { compileAnswerValidators } from '../../src/facts/answer-validators.js';
import type { FactName } from '../../src/facts/fact-types.js';
import { createFactGatherer } from '../../src/facts/gather-facts.js';
import type { GraphAnswer, GraphCall, GraphHttp } from '../../src/graph/graph-http.js';
import { Deadline } from '../../src/graph/retry.js';
import type { CheckedCallout } from '../../src/checks/define-check.js';
import { elmRequest, lcwTask, REQUESTOR_ID, TARGET_ID } from '../checks/support.js';
import { answer, VirtualClock } from '../support/fake-graph.js';

const ORIGIN = 'https://graph.example';
const validators = compileAnswerValidators();
const user = (id: string, extra: Record<string, unknown> = {}) => ({ id, displayName: `User ${id.slice(0, 4)}`, accountEnabled: true, userType: 'Member', ...extra });

/** A Graph that answers by path (first matching route), recording every call. */
class RoutedGraph implements GraphHttp {
  readonly calls: GraphCall[] = [];
  private waiting = 0;
  constructor(
    private readonly route: (call: GraphCall) => GraphAnswer,
    /** Answers are held until this many calls are in flight: proves the reads go out together. */
    private readonly holdUntil = 0,
    private readonly released: (() => void)[] = [],
  ) {}
  async send(call: GraphCall): Promise<GraphAnswer> {
    this.calls.push(call);
    if (this.holdUntil > 0) {
      this.waiting++;
      if (this.waiting < this.holdUntil) await new Promise<void>((resolve) => this.released.push(resolve));
      else for (const release of this.released.splice(0)) release();
    }
    return this.route(call);
  }
}

function gatherer(graph: GraphHttp, clock = new VirtualClock()) {
  return { clock, facts: createFactGatherer(graph, validators, ORIGIN, { clock, timeoutMs: 1000, random: () => 0.5 }) };
}

async function gather(graph: GraphHttp, needed: FactName[], callout: CheckedCallout = elmRequest()) {
  const { clock, facts } = gatherer(graph);
  return facts.gather(callout, new Set(needed), Deadline.after(clock, 10_000), 42);
}

const ok = (json: unknown) => answer(200, json);
const notFound = answer(404, { error: { code: 'Request_ResourceNotFound', message: 'Resource does not exist.' } });

describe('one round of reads', () => {
  it('issues every read before any answer arrives, and stamps the time', async () => {
    const graph = new RoutedGraph((call) => (call.path.includes('riskyUsers') ? notFound : call.path.includes('/manager') ? ok(user('11111111-1111-4111-8111-111111111111')) : ok(user(TARGET_ID))), 3);
    const result = await gather(graph, ['targetUser', 'targetManager', 'riskState']);
    expect(graph.calls).toHaveLength(3);
    expect(result.facts.now).toBe(42);
    expect(result.failures.size).toBe(0);
  });

  it('reads an object once when two facts come from the same read', async () => {
    const graph = new RoutedGraph(() => ok(user(TARGET_ID)));
    const result = await gather(graph, ['targetUser', 'requestorUser'], elmRequest({ requestor: { objectId: TARGET_ID, displayName: 'Avery', principalName: undefined, email: undefined, subjectType: 'user' } }));
    expect(graph.calls).toHaveLength(1);
    expect(result.facts.targetUser?.id).toBe(TARGET_ID);
    expect(result.facts.requestorUser?.id).toBe(TARGET_ID);
  });

  it('the requestor and the manager chain share one read, with ConsistencyLevel: eventual for $levels', async () => {
    const graph = new RoutedGraph(() => ok(user(REQUESTOR_ID, { department: 'Finance', manager: user('22222222-2222-4222-8222-222222222222', { manager: user('33333333-3333-4333-8333-333333333333', { accountEnabled: false }) }) })));
    const result = await gather(graph, ['requestorUser', 'requestorManagerChain']);
    expect(graph.calls).toHaveLength(1);
    expect(graph.calls[0]?.headers).toEqual({ ConsistencyLevel: 'eventual' });
    expect(graph.calls[0]?.path).toMatch(/\$expand=manager\(\$levels=max;\$select=id,displayName,accountEnabled\)&\$count=true$/);
    expect(result.facts.requestorUser?.department).toBe('Finance');
    expect(result.facts.requestorManagerChain?.map((m) => [m.level, m.id.slice(0, 4), m.accountEnabled])).toEqual([[1, '2222', true], [2, '3333', false]]);
  });

  it('a manager chain that loops stops before the first manager met twice', async () => {
    const a = '44444444-4444-4444-8444-444444444444';
    const graph = new RoutedGraph(() => ok(user(REQUESTOR_ID, { manager: user(a, { manager: user(REQUESTOR_ID, { manager: user(a) }) }) })));
    const result = await gather(graph, ['requestorManagerChain']);
    expect(result.facts.requestorManagerChain?.map((m) => m.id)).toEqual([a]);
  });

  it('follows @odata.nextLink across pages and concatenates the items', async () => {
    const page = (n: number, next?: string) => ok({ value: [user(`5555555${String(n)}-5555-4555-8555-555555555555`)], ...(next ? { '@odata.nextLink': next } : {}) });
    const graph = new RoutedGraph((call) => {
      if (call.path.includes('skiptoken=2')) return page(3);
      if (call.path.includes('skiptoken=1')) return page(2, `${ORIGIN}/v1.0/users/${TARGET_ID}/sponsors?$skiptoken=2`);
      return page(1, `${ORIGIN}/v1.0/users/${TARGET_ID}/sponsors?$skiptoken=1`);
    });
    const result = await gather(graph, ['targetSponsors']);
    expect(graph.calls.map((c) => c.path)).toEqual([`/users/${TARGET_ID}/sponsors?$select=id,displayName`, `/users/${TARGET_ID}/sponsors?$skiptoken=1`, `/users/${TARGET_ID}/sponsors?$skiptoken=2`]);
    expect(result.facts.targetSponsors).toHaveLength(3);
    expect(result.sources[0]).toMatchObject({ fact: 'targetSponsors', outcome: 'loaded', pages: 3 });
  });

  it.each([
    ['another origin', 'https://evil.example/v1.0/users/x/sponsors?$skiptoken=1'],
    ['another version', `${ORIGIN}/beta/users/x/sponsors?$skiptoken=1`],
  ])('a nextLink to %s is not followed: the fact is invalid', async (_name, link) => {
    const graph = new RoutedGraph(() => ok({ value: [], '@odata.nextLink': link }));
    const result = await gather(graph, ['targetSponsors']);
    expect(graph.calls).toHaveLength(1);
    expect(result.failures.get('targetSponsors')).toMatchObject({ kind: 'invalid' });
  });
});

describe('what each answer means', () => {
  it.each([
    ['no manager (404) → null, absent', 'targetManager', notFound, { targetManager: null }, 'absent'],
    ['never risky (404) → level none', 'riskState', notFound, { riskState: { riskLevel: 'none', riskState: 'none', riskDetail: undefined, riskLastUpdatedDateTime: undefined } }, 'absent'],
    ['a risky user', 'riskState', ok({ id: TARGET_ID, riskLevel: 'high', riskState: 'atRisk', riskDetail: null }), { riskState: { riskLevel: 'high', riskState: 'atRisk', riskDetail: undefined, riskLastUpdatedDateTime: undefined } }, 'loaded'],
  ] as const)('%s', async (_name, fact, reply, expected, outcome) => {
    const result = await gather(new RoutedGraph(() => reply), [fact]);
    expect(result.facts).toMatchObject(expected);
    expect(result.sources[0]?.outcome).toBe(outcome);
  });

  it.each([
    ['the user does not exist (404)', 'targetUser', notFound, { kind: 'not-found' }],
    ['Graph refuses (403) → names the permission', 'riskState', answer(403, { error: { code: 'Authorization_RequestDenied' } }), { kind: 'forbidden', permission: 'IdentityRiskyUser.Read.All' }],
    ['a leave date without User-LifeCycleInfo (403)', 'targetLeaveDate', answer(403), { kind: 'forbidden', permission: 'User-LifeCycleInfo.Read.All' }],
    ['a 400 is a rejection', 'request', answer(400, { error: { code: 'BadRequest' } }), { kind: 'rejected' }],
    ['an answer of the wrong shape', 'targetUser', ok({ id: TARGET_ID, accountEnabled: 'yes' }), { kind: 'invalid' }],
    ['a page that is not a collection', 'targetSponsors', ok({ id: TARGET_ID }), { kind: 'invalid' }],
  ] as const)('%s', async (_name, fact, reply, failure) => {
    const result = await gather(new RoutedGraph(() => reply), [fact]);
    expect(result.failures.get(fact)).toMatchObject(failure);
    expect(result.facts[fact]).toBeUndefined();
    expect(result.sources[0]).toMatchObject({ fact, outcome: 'failed', failure });
  });

  it('429 and 503 are retried within the deadline, then the fact loads', async () => {
    const replies = [answer(429, undefined, 1), answer(503), ok(user(TARGET_ID))];
    const graph = new RoutedGraph(() => replies.shift() ?? notFound);
    const result = await gather(graph, ['targetUser']);
    expect(result.facts.targetUser?.id).toBe(TARGET_ID);
    expect(result.sources[0]?.attempts).toBe(3);
  });

  it('failing past the deadline → transient, with the wait Graph asked for', async () => {
    const result = await gather(new RoutedGraph(() => answer(503, undefined, 60)), ['targetUser']);
    expect(result.failures.get('targetUser')).toMatchObject({ kind: 'transient', retryAfterSeconds: 60 });
  });

  it('a fact the callout names no object for → no-subject, without a read', async () => {
    const graph = new RoutedGraph(() => ok({}));
    const result = await gather(graph, ['request', 'requestorUser'], lcwTask());
    expect(graph.calls).toHaveLength(0);
    expect(result.failures.get('request')).toMatchObject({ kind: 'no-subject' });
    expect(result.failures.get('requestorUser')).toMatchObject({ kind: 'no-subject' });
  });

  it('the request read carries the justification and the schedule', async () => {
    const graph = new RoutedGraph(() => ok({ id: '3C7EE35F-AB17-4893-BB65-7A761C670D1A', justification: 'CHG0012345', createdDateTime: '2026-11-20T00:00:00Z', schedule: { startDateTime: '2026-11-23T00:00:00Z', expiration: { type: 'afterDuration', duration: 'P90D', endDateTime: null } } }));
    const result = await gather(graph, ['request']);
    expect(graph.calls[0]?.path).toBe('/identityGovernance/entitlementManagement/assignmentRequests/3c7ee35f-ab17-4893-bb65-7a761c670d1a?$select=id,justification,schedule,createdDateTime');
    expect(result.facts.request).toEqual({
      id: '3c7ee35f-ab17-4893-bb65-7a761c670d1a',
      justification: 'CHG0012345',
      createdDateTime: '2026-11-20T00:00:00Z',
      schedule: { startDateTime: '2026-11-23T00:00:00Z', endDateTime: undefined, duration: 'P90D', expirationType: 'afterDuration' },
    });
  });
});
