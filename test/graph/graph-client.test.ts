// Issue 12, item 6: a token Graph refuses (401) is renewed once, and the call retried once with
// the renewed token; a 403 is not a token problem. The renewal policy, then the Graph client.
import type { AccessToken, TokenCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { emulatorCredential } from '../../scripts/common/emulator-credential.js';
import { CredentialTokenProvider, createGraphClient, TOKEN_RENEWAL_COOLDOWN_MS } from '../../src/graph/graph-client.js';
import type { RenewableCredential } from '../../src/graph/managed-identity.js';
import { createGraphHttp, forbidden } from '../../src/graph/graph-http.js';
import { graphPath } from '../../src/graph/graph-path.js';
import { startTestEmulator } from '../support/emulator.js';

const HOUR = 3_600_000;
const token = (value: string): AccessToken => ({ token: value, expiresOnTimestamp: Date.now() + HOUR });

/** A credential whose getToken answers `cached` and whose renewals answer `renewed-1`, `renewed-2`, … */
class CountingCredential implements RenewableCredential {
  renewals = 0;
  gate: Promise<void> = Promise.resolve();
  failNext = false;
  constructor(public cached: string) {}
  getToken(): Promise<AccessToken> {
    return Promise.resolve(token(this.cached));
  }
  async renewToken(): Promise<AccessToken> {
    this.renewals += 1;
    await this.gate;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('identity endpoint down');
    }
    this.cached = `renewed-${this.renewals}`;
    return token(this.cached);
  }
}

describe('renewing a refused token', () => {
  test('the calls a token failed share one renewal', async () => {
    const credential = new CountingCredential('bad');
    let open = (): void => undefined;
    credential.gate = new Promise((resolve) => (open = resolve));
    const provider = new CredentialTokenProvider(credential, 'https://graph.example/.default');
    const renewed = Promise.all(Array.from({ length: 5 }, () => provider.renewRefused('bad')));
    open();
    expect(await renewed).toEqual(Array(5).fill('renewed-1'));
    expect(credential.renewals).toBe(1);
    // A call that held the refused token and got its 401 late gets the renewed token too.
    expect(await provider.renewRefused('bad')).toBe('renewed-1');
    expect(credential.renewals).toBe(1);
  });

  test('a renewed token refused too is not renewed again within the cooldown; after it, it is', async () => {
    let now = 1_000_000;
    const credential = new CountingCredential('bad');
    const provider = new CredentialTokenProvider(credential, 'https://graph.example/.default', () => now);
    expect(await provider.renewRefused('bad')).toBe('renewed-1');
    now += TOKEN_RENEWAL_COOLDOWN_MS - 1;
    expect(await provider.renewRefused('renewed-1')).toBeUndefined();
    expect(credential.renewals).toBe(1);
    now += 1;
    expect(await provider.renewRefused('renewed-1')).toBe('renewed-2');
  });

  test('a renewal that failed (the endpoint down) does not hold off the next one', async () => {
    const credential = new CountingCredential('bad');
    credential.failNext = true;
    const provider = new CredentialTokenProvider(credential, 'https://graph.example/.default');
    await expect(provider.renewRefused('bad')).rejects.toThrow('identity endpoint down');
    expect(await provider.renewRefused('bad')).toBe('renewed-2');
  });

  test('a credential that cannot renew and gives the same token again: no retry', async () => {
    const plain: TokenCredential = { getToken: () => Promise.resolve(token('same')) };
    expect(await new CredentialTokenProvider(plain, 'https://graph.example/.default').renewRefused('same')).toBeUndefined();
  });
});

describe('the Graph client with a token Graph refuses', () => {
  let emulator: TenantEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.close());

  /** Hands out a token Graph refuses until renewed; renewals come from the emulator's identity endpoint. */
  function refusedUntilRenewed(): RenewableCredential & { renewals: number } {
    const good = emulatorCredential(emulator);
    let current: AccessToken | undefined = token('not-a-graph-token');
    const credential = {
      renewals: 0,
      getToken: async (scopes: string | string[]) => current ?? good.getToken(scopes),
      renewToken: async (scopes: string | string[]) => {
        credential.renewals += 1;
        const fresh = await good.getToken(scopes);
        if (fresh === null) throw new Error('no token');
        current = fresh;
        return fresh;
      },
    };
    return credential;
  }

  // A user of the sample tenant (emulator/tenants/contoso.json).
  const read = { method: 'GET', version: 'v1.0', path: graphPath(['users', 'avery@contoso.example']) } as const;

  test('401 → the token is renewed once and the call sent again: Graph’s second answer stands', async () => {
    const credential = refusedUntilRenewed();
    const http = createGraphHttp(createGraphClient(credential, emulator.origin));
    emulator.clearCalls();
    const answer = await http.send(read, 5000);
    expect(answer.status).toBe(200);
    expect(credential.renewals).toBe(1);
    expect(emulator.calls({ service: 'graph' }).map((c) => c.status)).toEqual([401, 200]);
    // The renewed token serves the next call without a renewal.
    expect((await http.send(read, 5000)).status).toBe(200);
    expect(credential.renewals).toBe(1);
  });

  test('401 again after the renewal → that 401 is the answer (one retry, no loop) and reads GRAPH.UNAUTHORIZED', async () => {
    const credential = refusedUntilRenewed();
    const http = createGraphHttp(createGraphClient(credential, emulator.origin));
    emulator.faults.add({ service: 'graph', times: 2, action: { status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' } } } });
    emulator.clearCalls();
    const answer = await http.send(read, 5000);
    expect(answer.status).toBe(401);
    expect(credential.renewals).toBe(1);
    expect(emulator.calls({ service: 'graph' })).toHaveLength(2);
    const error = forbidden(answer, 'read users');
    expect(error).toMatchObject({ code: 'GRAPH.UNAUTHORIZED', retryable: true, details: { graphStatus: 401 } });
    expect(error.message).toMatch(/token \(401/);
    expect(error.message).not.toMatch(/permission/i);
  });

  test('403 → no renewal, no second call; reads GRAPH.FORBIDDEN', async () => {
    const credential = refusedUntilRenewed();
    await credential.renewToken(`${emulator.origin}/.default`); // a good token in hand
    const http = createGraphHttp(createGraphClient(credential, emulator.origin));
    emulator.faults.add({ service: 'graph', action: { status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges.' } } } });
    emulator.clearCalls();
    const answer = await http.send(read, 5000);
    expect(answer.status).toBe(403);
    expect(credential.renewals).toBe(1);
    expect(emulator.calls({ service: 'graph' })).toHaveLength(1);
    expect(forbidden(answer, 'read users')).toMatchObject({ code: 'GRAPH.FORBIDDEN', details: { graphStatus: 403, graphCode: 'Authorization_RequestDenied' } });
  });
});
