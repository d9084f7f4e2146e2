import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { issueServerCertificate, type PemPair } from '../../emulator/identity/tls.js';

export interface NullGraph {
  readonly origin: string;
  /** Resumes answered 204. */
  resumes(): number;
  close(): Promise<void>;
}

const RESUME = /^\/(v1\.0|beta)\/identityGovernance\/entitlementManagement\/assignmentRequests\/[0-9a-f-]{36}\/resume$/;

/**
 * Graph at 0 ms and next to no CPU, for the throughput bench: HTTPS with keep-alive, a certificate
 * from the given CA, and one route, the resume, answered 204 to a bearer-authorized JSON body.
 * The tenant emulator does far more per call (token verification, the request's state, the call
 * record); sharing a core with the load generator, it would cap the floor before the floor did.
 */
export async function startNullGraph(ca: PemPair): Promise<NullGraph> {
  const cert = await issueServerCertificate(ca);
  let resumes = 0;
  const server: Server = createServer({ key: cert.keyPem, cert: cert.certPem, keepAlive: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let json: unknown;
      try {
        json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        json = undefined;
      }
      const authorized = req.headers.authorization?.startsWith('Bearer ') === true;
      if (req.method === 'POST' && RESUME.test(req.url ?? '') && authorized && typeof json === 'object' && json !== null) {
        resumes++;
        res.writeHead(204).end();
      } else {
        res.writeHead(authorized ? 404 : 401, { 'content-type': 'application/json' }).end('{"error":{"code":"NotFound","message":"null Graph serves resumes only"}}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `https://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    resumes: () => resumes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
