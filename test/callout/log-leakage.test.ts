// What the function logs (the host ships it to Application Insights) never carries a token or
// more personal data than ids and display names — for decided, deferred and rejected callouts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { SAMPLE_POLICY, withFreshIds } from '../../scripts/demo/scenarios.js';
import { appFor, callHandler, fixture } from '../support/app.js';
import { startTestEmulator } from '../support/emulator.js';

let emulator: TenantEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => {
  await emulator.close();
});

/** A JWT anywhere in the text (the relay's, the managed identity's, a forged one). */
const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/;
/** What the sample tenant and fixtures hold that is personal beyond ids and display names. */
const PERSONAL = /avery@contoso|taylor@contoso|CHG0012345|CHG0012399|Approving supplier|Senior Financial Analyst|E10427/;

function logText(logs: readonly unknown[][]): string {
  return logs.map((args) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')).join('\n');
}

describe('the logs of a callout', () => {
  it.each([
    ['a decided callout (clean, sample policy)', 'elm-request-created.wire.json', 1],
    ['a denied callout (separation of duties)', 'elm-request-created.sod-conflict.wire.json', 2],
    ['a Lifecycle Workflows task', 'lcw-custom-task.json', 3],
  ])('%s: one structured event, no token, no personal data', async (_name, name, seq) => {
    const body = name.startsWith('lcw') ? fixture(name) : withFreshIds(fixture(name), '10610000', seq);
    emulator.awaitCallout(body);
    const token = await emulator.mintCallerToken();
    const answer = await callHandler(appFor(emulator, { POLICY_PATH: SAMPLE_POLICY }), body, { token });
    expect(answer.status).toBe(200);
    const text = logText(answer.logs);
    expect(text).toContain('callout.decided');
    expect(text).not.toContain(token);
    expect(text).not.toMatch(JWT);
    expect(text).not.toMatch(PERSONAL);
  });

  it.each([
    ['a forged token', () => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ aud: 'x', secret: 'leak-me' })).toString('base64url')}.c2lnbmF0dXJl`],
    ['a token of a caller not allowed', () => emulator.mintCallerToken({ claims: { appid: '11111111-2222-4333-8444-555555555555' } })],
  ])('a rejection (%s) logs why, never the token', async (_name, make) => {
    const token = await make();
    const answer = await callHandler(appFor(emulator), fixture('elm-request-created.wire.json'), { token });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    const text = logText(answer.logs);
    expect(text).toContain('callout.rejected');
    expect(text).not.toContain(token);
    expect(text).not.toMatch(JWT);
    expect(text).not.toContain('leak-me');
  });
});
