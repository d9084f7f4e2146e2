// The exact reads the app makes (src/facts/fact-reads.ts), sent through the real Graph client
// (@microsoft/microsoft-graph-client, as src/graph builds it): the emulator must parse what the
// client really puts on the wire, not what a test would write by hand.
import type { AccessToken, TokenCredential } from '@azure/identity';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { compileAnswerValidators } from '../../src/facts/answer-validators.js';
import { FACT_READS } from '../../src/facts/fact-reads.js';
import type { FactName } from '../../src/facts/fact-types.js';
import { createGraphClient } from '../../src/graph/graph-client.js';
import { createGraphHttp, type GraphCall, type GraphHttp } from '../../src/graph/graph-http.js';
import { pathFromGraphLink } from '../../src/graph/graph-path.js';
import { startTestEmulator } from '../support/emulator.js';
import { guid } from '../support/graph-paths.js';
import { PEOPLE, SOD, type Json } from './graph-calls.js';

let emulator: TenantEmulator;
let http: GraphHttp;
const CREATED_REQUEST = '3c7ee35f-ab17-4893-bb65-7a761c670d1a';
const validators = compileAnswerValidators();

/** The App Service managed identity protocol, as @azure/identity speaks it, without touching process.env. */
function emulatorCredential(e: TenantEmulator): TokenCredential {
  return {
    async getToken(scopes): Promise<AccessToken> {
      const resource = [scopes].flat()[0]?.replace(/\/\.default$/, '') ?? '';
      const url = `${e.origin}/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(resource)}&client_id=${e.managedIdentityClientId}`;
      const answer = (await (await fetch(url, { headers: { 'x-identity-header': e.identityHeader } })).json()) as { access_token: string; expires_on: string };
      return { token: answer.access_token, expiresOnTimestamp: Number(answer.expires_on) * 1000 };
    },
  };
}

const send = (call: GraphCall) => http.send(call, 5000);

/** What the emulator received for the last Graph call: path and query as they arrived. */
function lastReceived(): string {
  const call = emulator.calls({ service: 'graph' }).at(-1);
  return `${call?.path ?? ''}${call?.query ?? ''}`;
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  http = createGraphHttp(createGraphClient(emulatorCredential(emulator), emulator.origin));
});
beforeEach(() => {
  emulator.clearCalls();
  emulator.directory.pageSize = 100;
});
afterAll(() => emulator.close());

describe('every fact read of src/facts/fact-reads.ts', () => {
  const subjects: Record<FactName, string> = {
    request: CREATED_REQUEST,
    targetUser: PEOPLE.avery,
    targetLeaveDate: PEOPLE.robin,
    targetManager: PEOPLE.avery,
    targetSponsors: PEOPLE.alex,
    riskState: PEOPLE.jordanBlake,
    requestorUser: PEOPLE.avery,
    requestorManagerChain: PEOPLE.avery,
    targetPackageAssignments: PEOPLE.taylor,
    targetPackageRequests: PEOPLE.sky,
    requestedPackage: SOD.paymentsApprover,
    targetGroups: PEOPLE.quinn,
    targetDirectGroups: PEOPLE.quinn,
    targetActiveRoles: PEOPLE.sam,
    targetEligibleRoles: PEOPLE.noor,
    targetAppRoles: PEOPLE.dana,
  };

  test.each(Object.keys(subjects) as FactName[])('%s: arrives as written, is answered 200 and parses', async (fact) => {
    const read = FACT_READS[fact];
    const call = read.call(guid(subjects[fact]));
    const answer = await send(call);
    expect(answer.status).toBe(200);
    // As written, serialized as a URL is on the wire (the WHATWG parser sends ' in a query as %27).
    const written = new URL(`/${call.version}${call.path}`, emulator.origin);
    expect(lastReceived()).toBe(`${written.pathname}${written.search}`);
    expect(() => read.parse(read.paged ? (answer.json as Json)['value'] : answer.json, validators)).not.toThrow();
  });

  test('the chain read keeps $expand=manager($levels=max;$select=…) and its ConsistencyLevel header', async () => {
    const answer = await send(FACT_READS.requestorManagerChain.call(guid(PEOPLE.avery)));
    expect(lastReceived()).toContain('$expand=manager($levels=max;$select=id,displayName,accountEnabled)&$count=true');
    const chain = FACT_READS.requestorManagerChain.parse(answer.json, validators);
    expect(chain.map((m) => [m.level, m.displayName, m.accountEnabled])).toEqual([[1, 'Morgan Ek', true], [2, 'Riley Novak', true], [3, 'Sam Rivera', true]]);
  });

  test('404s the app reads as facts: no manager, never risky', async () => {
    expect((await send(FACT_READS.targetManager.call(guid(PEOPLE.sam)))).status).toBe(404);
    expect((await send(FACT_READS.riskState.call(guid(PEOPLE.avery)))).status).toBe(404);
  });
});

test('sponsors page by page through the client, following nextLink as the fact gatherer does', async () => {
  emulator.directory.pageSize = 1;
  const first = FACT_READS.targetSponsors.call(guid(PEOPLE.alex));
  const names: unknown[] = [];
  let call: GraphCall = first;
  for (;;) {
    const page = (await send(call)).json as { value: Json[]; '@odata.nextLink'?: string };
    names.push(...page.value.map((s) => s['displayName']));
    const link = page['@odata.nextLink'];
    if (link === undefined) break;
    const url = new URL(link);
    expect(url.origin).toBe(emulator.origin);
    call = { ...first, path: pathFromGraphLink(url.pathname.slice(`/${first.version}`.length), url.search) };
  }
  expect(names).toEqual(['Morgan Ek', 'Riley Novak', 'Sam Rivera']);
  expect(emulator.calls({ pathIncludes: '/sponsors' }).map((c) => c.query)).toEqual([
    '?$select=id,displayName',
    expect.stringMatching(/^\?\$select=id,displayName&\$skiptoken=[\w-]+$/),
    expect.stringMatching(/^\?\$select=id,displayName&\$skiptoken=[\w-]+$/),
  ]);
});
