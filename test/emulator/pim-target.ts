import { readFileSync } from 'node:fs';
import { createServer as createHttp, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { issueServerCertificate } from '../../emulator/index.js';

/** What a fake extension answers to one call: a status, headers and a body (an object is sent as JSON), after a delay. */
export interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly delayMs?: number;
}

/** A call the fake extension received. */
export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** A fake PIM custom extension on loopback: answers from a queue (the last one repeats), records every call. */
export interface PimTarget {
  readonly url: string;
  readonly received: Received[];
  answer(...answers: Answer[]): void;
  close(): Promise<void>;
}

export const evaluation = (outcome: string, reason: readonly string[] = ['ok'], id: string = crypto.randomUUID()) => ({ status: 200, body: { evaluationId: id, evaluationOutcome: outcome, reason } });

async function readAll(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** Starts a fake extension at `/api/pim`: plain HTTP, or HTTPS with a certificate from the test CA (the emulator's). */
export async function startPimTarget(tls = false): Promise<PimTarget> {
  const received: Received[] = [];
  let queue: Answer[] = [evaluation('Approved')];
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    void readAll(req).then(async (body) => {
      received.push({ headers: req.headers, body });
      const next = queue.length > 1 ? (queue.shift() ?? queue[0]) : queue[0];
      if (next?.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, next.delayMs));
      if (res.destroyed) return;
      const text = next?.body === undefined ? '' : typeof next.body === 'string' ? next.body : JSON.stringify(next.body);
      res.writeHead(next?.status ?? 500, { 'content-type': 'application/json', ...next?.headers });
      res.end(text);
    });
  };
  let server: Server;
  if (tls) {
    const dir = process.env['EG_TEST_CA_DIR'] ?? '';
    const cert = await issueServerCertificate({ certPem: readFileSync(join(dir, 'ca.pem'), 'utf8'), keyPem: readFileSync(join(dir, 'ca-key.pem'), 'utf8') });
    server = createHttps({ key: cert.keyPem, cert: cert.certPem }, handle);
  } else server = createHttp(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/api/pim`,
    received,
    answer: (...answers) => { queue = answers; },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => { resolve(); });
    }),
  };
}

/** A JWT's claims (no check: the test only reads what was minted). */
export const claimsOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

/** The bearer token a call carried. */
export const bearerOf = (call: Received | undefined): string => /^Bearer (.+)$/.exec(String(call?.headers.authorization))?.[1] ?? '';
