import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { TokenCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { createGraphClient } from '../../src/graph/graph-client.js';
import { createGraphHttp, GraphTransportError, readCapped, type GraphHttp } from '../../src/graph/graph-http.js';
import { startTestEmulator } from '../support/emulator.js';
import { pathOf } from '../support/graph-paths.js';

const MiB = 1024 * 1024;

/** A body streamed in chunks without a declared length, counting how much was pulled from it. */
function chunked(total: number, chunk = 64 * 1024): { response: Response; pulled: () => number } {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) {
        controller.close();
        return;
      }
      const size = Math.min(chunk, total - sent);
      sent += size;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
  });
  return { response: new Response(stream), pulled: () => sent };
}

describe('reading a Graph answer', () => {
  it('reads an answer within the cap', async () => {
    expect(await readCapped(new Response('{"value":[]}'))).toBe('{"value":[]}');
    expect(await readCapped(new Response(null))).toBe('');
  });

  it('refuses a declared length over 1 MiB before reading it', async () => {
    const body = chunked(4 * MiB);
    const response = new Response(body.response.body, { headers: { 'content-length': String(4 * MiB) } });
    await expect(readCapped(response)).rejects.toThrow('Graph answer too large');
    expect(body.pulled()).toBeLessThan(MiB);
  });

  it('stops reading a chunked answer once it passes 1 MiB, instead of holding it whole', async () => {
    const body = chunked(64 * MiB);
    await expect(readCapped(body.response)).rejects.toThrow('Graph answer too large');
    expect(body.pulled()).toBeLessThan(2 * MiB);
  });

  it('a chunked answer just under the cap is read whole', async () => {
    const body = chunked(MiB - 10);
    expect((await readCapped(body.response)).length).toBe(MiB - 10);
  });
});

describe('telling the token wait from the Graph wait', () => {
  const token = { token: 'not-a-graph-token', expiresOnTimestamp: Date.now() + 3_600_000 };
  const read = { method: 'GET', version: 'v1.0', path: pathOf('/users') } as const;
  let tenant: TenantEmulator;

  beforeAll(async () => {
    tenant = await startTestEmulator();
  });
  afterAll(async () => {
    await tenant.close();
  });

  function http(getToken: TokenCredential['getToken'], origin = tenant.origin): GraphHttp {
    return createGraphHttp(createGraphClient({ getToken }, origin));
  }
  async function failure(send: Promise<unknown>): Promise<GraphTransportError> {
    const error = await send.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(GraphTransportError);
    return error as GraphTransportError;
  }

  it('with a token in hand, Graph’s answer is read (here its 401 to a token it did not issue)', async () => {
    const answer = await http(() => Promise.resolve(token)).send(read, 2000);
    expect(answer.status).toBe(401);
  });

  it('a timeout while the managed identity has not answered is an identity failure, and Graph is not called', async () => {
    tenant.clearCalls();
    const error = await failure(http(() => new Promise(() => undefined)).send(read, 150));
    expect(error.kind).toBe('identity');
    expect(error.message).toBe('No managed identity token within 150 ms');
    expect(tenant.calls({ service: 'graph' })).toEqual([]);
  });

  it('a timeout once the token is in hand is a Graph timeout', async () => {
    tenant.faults.add({ service: 'graph', action: { delayMs: 1000 } });
    const error = await failure(http(() => Promise.resolve(token)).send(read, 150));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('Graph did not answer within 150 ms');
  });

  it('any error thrown while getting the token is an identity failure, whatever its name', async () => {
    const error = await failure(http(() => Promise.reject(new TypeError('fetch failed'))).send(read, 2000));
    expect(error.kind).toBe('identity');
  });

  it('a credential answering without a token is an identity failure', async () => {
    const error = await failure(http(() => Promise.resolve(null)).send(read, 2000));
    expect(error.kind).toBe('identity');
  });

  it('Graph refusing the connection once the token is in hand is a network failure', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(http(() => Promise.resolve(token), `https://127.0.0.1:${port}`).send(read, 2000));
    expect(error.kind).toBe('network');
  });
});
