// Issue 12 item 3: what the local host answers a malformed Host, a bad target or a handler that throws.
import type { HttpFunctionOptions } from '@azure/functions';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLocalHost, type LocalHost } from '../../host/local-host.js';
import { checkProperty } from '../fuzz/fuzz-run.js';
import { rawExchange, type RawAnswer } from './raw-http.js';

const functions: Record<string, HttpFunctionOptions> = {
  echo: { route: 'echo', methods: ['POST'], handler: async (request) => ({ status: 200, body: await request.text() }) },
  boom: {
    route: 'boom',
    methods: ['GET'],
    handler: () => {
      throw new Error('the handler failed');
    },
  },
  badHeader: { route: 'bad-header', methods: ['GET'], handler: () => Promise.resolve({ status: 200, headers: { 'x-bad': 'a\nb' }, body: 'x' }) },
};

let host: LocalHost;
const logged: string[] = [];
beforeAll(async () => {
  host = await startLocalHost(functions, { port: 0, log: (level, message) => logged.push(`${level} ${message}`) });
});
afterAll(() => host.close());

/** Sends a request head as given, byte for byte. */
const send = (head: string) => rawExchange(host.url, (socket) => void socket.write(head));

function expectProblem(answer: RawAnswer, status: number, code: string): Record<string, unknown> {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  if (answer.headers['content-length'] !== undefined) expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
  const problem = JSON.parse(answer.body) as Record<string, unknown>;
  expect(problem).toMatchObject({ status, code });
  expect(problem['type']).toBe(`urn:entitlement-guard:problem:${code.toLowerCase()}`);
  return problem;
}

describe('a malformed Host header is 400 problem+json', () => {
  test.each([['['], ['a b'], ['%'], ['x:99999'], ['user@evil'], [''], ['[zz]'], ['a/b'], ['a\tb']])('Host: %j', async (value) => {
    const answer = await send(`POST /api/echo HTTP/1.1\r\nHost: ${value}\r\nContent-Length: 2\r\n\r\nhi`);
    expect(expectProblem(answer, 400, 'HOST.INVALID_HOST')['detail']).toMatch(/Host header/);
    expect(answer.headers['connection']).toBe('close');
  });

  test('no Host at all in HTTP/1.1, and two Host headers', async () => {
    expectProblem(await send('GET /api/boom HTTP/1.1\r\n\r\n'), 400, 'HOST.INVALID_HOST');
    expectProblem(await send('GET /api/boom HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'), 400, 'HOST.INVALID_HOST');
  });

  test('good ones are served: a name, an address with a port, an IPv6 literal, HTTP/1.0 without Host', async () => {
    for (const value of ['localhost', '127.0.0.1:7071', '[::1]:80', 'relay.example']) {
      const answer = await send(`POST /api/echo HTTP/1.1\r\nHost: ${value}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi`);
      expect([answer.status, answer.body]).toEqual([200, 'hi']);
    }
    expect((await send('POST /api/echo HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi')).body).toBe('hi');
  });
});

describe('no answer of the host is empty', () => {
  test('a handler that throws is 500 problem+json naming the invocation in the log', async () => {
    const problem = expectProblem(await send('GET /api/boom HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'), 500, 'INTERNAL');
    expect(problem['detail']).toBe(`See the log of invocation ${String(problem['invocationId'])}.`);
    expect(logged.some((line) => line.includes(String(problem['invocationId'])) && line.includes('the handler failed'))).toBe(true);
  });

  test('a handler answering a header Node refuses is 500 problem+json too', async () => {
    expectProblem(await send('GET /api/bad-header HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'), 500, 'INTERNAL');
  });

  test.each([
    ['an unknown route', 'GET /api/nothing HTTP/1.1\r\nHost: localhost\r\n\r\n', 404, 'HOST.NOT_FOUND'],
    ['a method the route does not take', 'GET /api/echo HTTP/1.1\r\nHost: localhost\r\n\r\n', 405, 'HOST.METHOD_NOT_ALLOWED'],
    ['a target that is not a path', 'OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n', 400, 'HOST.BAD_REQUEST'],
    ['an absolute target with a bad host', 'GET http://[/api/boom HTTP/1.1\r\nHost: localhost\r\n\r\n', 400, 'HOST.BAD_REQUEST'],
    ['an absolute target, served by its own authority', 'GET http://relay.example/api/nothing HTTP/1.1\r\nHost: localhost\r\n\r\n', 404, 'HOST.NOT_FOUND'],
    ['an absolute target with a bad Host beside it', 'GET http://relay.example/api/boom HTTP/1.1\r\nHost: [\r\n\r\n', 400, 'HOST.INVALID_HOST'],
    ['a scheme-relative target (stays a path)', 'GET //evil/api/boom HTTP/1.1\r\nHost: localhost\r\n\r\n', 404, 'HOST.NOT_FOUND'],
    ['a request line that is not HTTP', 'HELLO\r\n\r\n', 400, 'HOST.BAD_REQUEST'],
    ['a broken chunked body', 'POST /api/echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400, 'HOST.BAD_REQUEST'],
    ['headers over the limit', `GET /api/boom HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'HOST.HEADERS_TOO_LARGE'],
  ])('%s', async (_, head, status, code) => {
    const answer = await send(head);
    expectProblem(answer, status, code);
  });

  test('405 names what the route accepts', async () => {
    expect((await send('GET /api/echo HTTP/1.1\r\nHost: localhost\r\n\r\n')).headers['allow']).toBe('POST');
  });
});

describe('property: whatever the Host header and the target, every refusal has a problem+json body', () => {
  const piece = fc.constantFrom('[', ']', '%', '@', ':', '/', '?', '#', ' ', '\t', '\\', '..', '99999', '::1', 'a', 'é', '\x7f', '%00', '//');
  const text = fc.array(fc.oneof(piece, fc.string({ maxLength: 4 })), { maxLength: 6 }).map((parts) => parts.join('').replace(/[\r\n]/g, ''));
  test('Host and target', { timeout: 60_000 }, async () => {
    await checkProperty('local host Host/target', fc.tuple(text, text), 300, async ([hostValue, target]) => {
      const answer = await send(`GET /api/${target} HTTP/1.1\r\nHost: ${hostValue}\r\nConnection: close\r\n\r\n`);
      expect(answer.status).toBeDefined();
      if (answer.status !== 200) expect(JSON.parse(answer.body)).toMatchObject({ status: answer.status });
      // Only the handlers that fail may answer 500 (a target like `a/../../boom` reaches one).
      if (answer.status === 500) expect(URL.parse(`http://h/api/${target}`)?.pathname.toLowerCase()).toMatch(/^\/api\/(boom|bad-header)$/);
    });
  });
});
