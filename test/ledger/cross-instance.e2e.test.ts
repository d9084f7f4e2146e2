// Two instances (each its own deps, memory and policy) sharing one ledger in Azurite over HTTPS with OAuth:
// the first decision wins, a repeat on the other instance reports it, a race sends one body, a lost resume is finished once.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { SAMPLE_POLICY, withFreshIds } from '../../scripts/demo/scenarios.js';
import type { Deps } from '../../src/composition.js';
import { ledgerKey } from '../../src/ledger/ledger.js';
import { startAzuriteTables, type AzuriteTables } from '../support/azurite-tables.js';
import { callHandler, fixture, type Answer } from '../support/app.js';
import { startTestEmulator } from '../support/emulator.js';
import { fastApp } from '../faults/support.js';

let emulator: TenantEmulator;
let azurite: AzuriteTables;
let table: string;
beforeAll(async () => {
  emulator = await startTestEmulator();
  azurite = await startAzuriteTables({ emulator });
  table = await azurite.createTable('decisions');
});
afterAll(async () => {
  await Promise.all([emulator.close(), azurite.stop()]);
});

let n = 0;
/** A fresh callout the tenant waits for: the SoD-conflict request, which the sample policy denies and the default policy continues. */
function conflict(prefix: string): Record<string, unknown> {
  const body = withFreshIds(fixture('elm-request-created.sod-conflict.wire.json'), prefix, ++n);
  emulator.awaitCallout(body);
  return body;
}
const requestOf = (body: Record<string, unknown>) => body['AccessPackageAssignmentRequestId'] as string;
const instanceOf = (body: Record<string, unknown>) => (body['CustomExtensionStageInstanceId'] as string);
const received = (body: Record<string, unknown>) => emulator.requests.get(requestOf(body))?.resumes ?? [];
const host = (env: Record<string, string> = {}): Deps => fastApp(emulator, { DECISION_LEDGER_URL: table, ...env });
const send = async (deps: Deps, body: object): Promise<Answer> => callHandler(deps, body, { token: await emulator.mintCallerToken() });
const resumeOf = (answer: Answer) => answer.json['resume'] as { body: Record<string, unknown>; sent: boolean } | undefined;

describe('one ledger, two instances', () => {
  test('A continues; B, with a policy that would deny, receives the repeat and answers A\'s decision without evaluating', async () => {
    const a = host();
    const b = host({ POLICY_PATH: SAMPLE_POLICY });
    const body = conflict('1ed9e001');
    const first = await send(a, body);
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(first.json).toMatchObject({ outcome: 'resumed', decision: 'continue' });
    await a.recordings.flush();
    const repeat = await send(b, body);
    expect(repeat.status, JSON.stringify(repeat.json)).toBe(200);
    expect(repeat.json).toMatchObject({ outcome: 'already-resumed', decision: 'continue', ledger: { adopted: true, decidedBy: 'callout', state: 'sent' } });
    expect(repeat.json['checks']).toEqual([]);
    expect(resumeOf(repeat)?.body).toEqual(resumeOf(first)?.body);
    expect(received(body)).toHaveLength(1);
    expect(received(body)[0]?.body).toEqual(resumeOf(first)?.body);
    const events = repeat.logs.map((args) => JSON.parse(String(args[0])) as { event: string; decision?: string });
    expect(events.map((e) => [e.event, e.decision])).toEqual([['callout.decided', 'continue']]);
    // Graph accepted A's resume: B sends nothing; the ledger says what Graph received.
    expect(emulator.calls({ service: 'graph', method: 'POST' }).filter((c) => c.path.includes(requestOf(body)))).toHaveLength(1);
    const entry = await b.ledger.read(ledgerKey(requestOf(body), instanceOf(body)));
    expect(entry).toMatchObject({ decision: 'continue', state: 'sent', decidedBy: 'callout' });
    expect(entry?.resume.body).toEqual(received(body)[0]?.body);
  });

  test('two instances racing on one fresh callout: one body sent, both answers identical', async () => {
    const a = host();
    const b = host({ POLICY_PATH: SAMPLE_POLICY });
    const body = conflict('1ed9e002');
    const [one, two] = await Promise.all([send(a, body), send(b, body)]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(received(body)).toHaveLength(1);
    expect(one.json['decision']).toBe(two.json['decision']);
    expect(resumeOf(one)?.body).toEqual(resumeOf(two)?.body);
    expect(resumeOf(one)?.body).toEqual(received(body)[0]?.body);
    expect([one.json['ledger'], two.json['ledger']].map((l) => (l as { adopted: boolean }).adopted).sort()).toEqual([false, true]);
  });

  test('an instance that recorded its decision but lost the resume: the next delivery, on the other instance, finishes it exactly once', async () => {
    const a = host({ POLICY_PATH: SAMPLE_POLICY });
    const b = host();
    const body = conflict('1ed9e003');
    emulator.faults.add({ service: 'graph', method: 'POST', path: `${requestOf(body)}/resume`, times: Infinity, action: { drop: 'before-handling' } });
    const lost = await send(a, body);
    expect(lost.status).toBe(503);
    expect(received(body)).toHaveLength(0);
    emulator.faults.clear();
    const entry = await b.ledger.read(ledgerKey(requestOf(body), instanceOf(body)));
    expect(entry).toMatchObject({ decision: 'deny', state: 'decided' });
    const finished = await send(b, body);
    expect(finished.status, JSON.stringify(finished.json)).toBe(200);
    // B's own policy would continue: it carries out A's recorded deny instead.
    expect(finished.json).toMatchObject({ outcome: 'resumed', decision: 'deny', ledger: { adopted: true } });
    expect(received(body)).toHaveLength(1);
    expect(received(body)[0]?.body).toEqual(entry?.resume.body);
    expect((await send(a, body)).json).toMatchObject({ outcome: 'already-resumed', decision: 'deny' });
    expect(received(body)).toHaveLength(1);
  });

  test('the ledger unreachable: 503 with Retry-After, no resume, nothing decided', async () => {
    const down = host({ DECISION_LEDGER_URL: 'https://127.0.0.1:9/devstoreaccount1/decisions' });
    const body = conflict('1ed9e004');
    const answer = await send(down, body);
    expect(answer.status, JSON.stringify(answer.json)).toBe(503);
    expect(answer.json['code']).toBe('LEDGER.UNAVAILABLE');
    expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
    expect(received(body)).toHaveLength(0);
    // The same callout through an instance whose ledger works is decided and resumed once.
    expect((await send(host(), body)).json['outcome']).toBe('resumed');
    expect(received(body)).toHaveLength(1);
  });
});
