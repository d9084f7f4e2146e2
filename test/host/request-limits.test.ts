// Issue 12 item 10: the local host's time limits on headers and bodies, and a 413 that always arrives.
import type { HttpFunctionOptions } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLocalHost, type LocalHost } from '../../host/local-host.js';
import { rawExchange, sleep, writeAll, type RawAnswer } from './raw-http.js';

const functions: Record<string, HttpFunctionOptions> = {
  echo: { route: 'echo', methods: ['POST'], handler: async (request) => ({ status: 200, body: String((await request.arrayBuffer()).byteLength) }) },
};
const HEADERS_MS = 300;
const BODY_MS = 600;
/** The checks run every headersTimeout / 4; what a slow machine adds on top. */
const SLACK_MS = 700;

let host: LocalHost;
/** The size limits are tested on a host with the production time limits: on a loaded machine, 300 ms could end a 5 MiB upload before its 413. */
let roomy: LocalHost;
beforeAll(async () => {
  [host, roomy] = await Promise.all([startLocalHost(functions, { port: 0, headersTimeoutMs: HEADERS_MS, bodyTimeoutMs: BODY_MS }), startLocalHost(functions, { port: 0 })]);
});
afterAll(async () => {
  await Promise.all([host.close(), roomy.close()]);
});

const HEAD = 'POST /api/echo HTTP/1.1\r\nHost: localhost\r\n';
const FIVE_MIB = 5 * 1024 * 1024;

function expectProblem(answer: RawAnswer, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer)).toBe(status);
  expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(answer.headers['connection']).toBe('close');
  expect(JSON.parse(answer.body)).toMatchObject({ status, code });
}

/** Writes `total` bytes of body as chunks of 64 KiB, chunked-encoded or not, as fast as the socket takes them. */
async function pour(socket: Parameters<Parameters<typeof rawExchange>[1]>[0], total: number, chunked: boolean): Promise<void> {
  const block = Buffer.alloc(64 * 1024, 0x61);
  for (let sent = 0; sent < total; sent += block.length) {
    const frame = chunked ? Buffer.concat([Buffer.from(`${block.length.toString(16)}\r\n`), block, Buffer.from('\r\n')]) : block;
    if (!(await writeAll(socket, frame))) return;
  }
  if (chunked) await writeAll(socket, '0\r\n\r\n');
}

describe('time limits', () => {
  test('headers that stall are answered 408 problem+json within the headers limit', async () => {
    const answer = await rawExchange(host.url, (socket) => void socket.write(HEAD));
    expectProblem(answer, 408, 'HOST.TIMEOUT');
    expect(answer.firstByteMs).toBeGreaterThanOrEqual(HEADERS_MS - 50);
    expect(answer.closedMs).toBeLessThan(HEADERS_MS + SLACK_MS);
  });

  test('a connection that sends nothing is closed within the headers limit', async () => {
    const answer = await rawExchange(host.url, () => {});
    expect(answer.closedMs).toBeLessThan(HEADERS_MS + SLACK_MS);
  });

  test('a body that stalls is answered 408 problem+json within the body limit', async () => {
    const answer = await rawExchange(host.url, (socket) => void socket.write(`${HEAD}Content-Length: 100\r\n\r\nabc`));
    expectProblem(answer, 408, 'HOST.TIMEOUT');
    expect(answer.firstByteMs).toBeLessThan(BODY_MS + SLACK_MS);
  });

  test('a trickled body is answered 408 problem+json within the body limit, and the connection closed', async () => {
    const answer = await rawExchange(host.url, async (socket) => {
      await writeAll(socket, `${HEAD}Content-Length: 1000\r\n\r\n`);
      for (let i = 0; i < 1000 && (await writeAll(socket, 'x')); i++) await sleep(20);
    });
    expectProblem(answer, 408, 'HOST.TIMEOUT');
    expect(answer.firstByteMs).toBeLessThan(BODY_MS + SLACK_MS);
    expect(answer.closedMs).toBeLessThan(2 * BODY_MS + SLACK_MS);
  });

  test('a body sent in time is served', async () => {
    const answer = await rawExchange(host.url, (socket) => void socket.write(`${HEAD}Content-Length: 3\r\nConnection: close\r\n\r\nabc`));
    expect([answer.status, answer.body]).toEqual([200, '3']);
  });
});

describe('an oversized body gets its 413 before the connection closes, every time', () => {
  test('5 MiB chunked, 20 times', { timeout: 60_000 }, async () => {
    for (let i = 0; i < 20; i++) {
      const answer = await rawExchange(roomy.url, async (socket) => {
        await writeAll(socket, `${HEAD}Transfer-Encoding: chunked\r\n\r\n`);
        await pour(socket, FIVE_MIB, true);
      });
      expectProblem(answer, 413, 'HOST.TOO_LARGE');
      expect(answer.reset).toBe(false);
    }
  });

  test('5 MiB with its Content-Length declared, sent anyway, 20 times', { timeout: 60_000 }, async () => {
    for (let i = 0; i < 20; i++) {
      const answer = await rawExchange(roomy.url, async (socket) => {
        await writeAll(socket, `${HEAD}Content-Length: ${FIVE_MIB}\r\n\r\n`);
        await pour(socket, FIVE_MIB, false);
      });
      expectProblem(answer, 413, 'HOST.TOO_LARGE');
      expect(answer.reset).toBe(false);
    }
  });

  test('with Expect: 100-continue, 413 comes instead of 100 Continue', async () => {
    const answer = await rawExchange(host.url, (socket) => void socket.write(`${HEAD}Content-Length: ${FIVE_MIB}\r\nExpect: 100-continue\r\n\r\n`));
    expect(answer.interim).toEqual([]);
    expectProblem(answer, 413, 'HOST.TOO_LARGE');
  });

  test('an oversized body that then stalls is closed by the body limit', async () => {
    const answer = await rawExchange(host.url, async (socket) => {
      await writeAll(socket, `${HEAD}Content-Length: ${FIVE_MIB}\r\n\r\n`);
      await writeAll(socket, 'x'.repeat(1024));
    });
    expectProblem(answer, 413, 'HOST.TOO_LARGE');
    expect(answer.closedMs).toBeLessThan(BODY_MS + SLACK_MS + 2000);
  });

  test('a body just under the limit is served', async () => {
    const answer = await rawExchange(roomy.url, async (socket) => {
      await writeAll(socket, `${HEAD}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n`);
      await pour(socket, 4 * 1024 * 1024, true);
    });
    expect([answer.status, answer.body]).toEqual([200, String(4 * 1024 * 1024)]);
  });
});
