/**
 * The floor of the decisions-per-second bench: a raw Node HTTP server doing the same I/O as a
 * decision and nothing else. For each POST it reads the body, parses it as JSON, makes one
 * outbound HTTPS call (the resume a decision to continue sends, to the same Graph, with a
 * keep-alive agent and a bearer token it was given), and echoes the body back as JSON with
 * Graph's status.
 *
 * Run as a process (`node floor-server.js`) it reads GRAPH_ORIGIN, GRAPH_TOKEN and PORT (0 for
 * any) and prints `listening on http://…` once it listens; NODE_EXTRA_CA_CERTS trusts Graph.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

export interface FloorServer {
  readonly url: string;
  close(): Promise<void>;
}

async function readAll(stream: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFloorServer(options: { graphOrigin: string; token: string; port?: number }): Promise<FloorServer> {
  const agent = new Agent({ keepAlive: true });

  /** One HTTPS POST; resolves with the status once the answer is read. */
  const post = (path: string, body: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const headers = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };
      const outbound = request(`${options.graphOrigin}${path}`, { method: 'POST', agent, headers }, (answer) => {
        answer.resume();
        answer.on('end', () => {
          resolve(answer.statusCode ?? 0);
        });
      });
      outbound.on('error', reject);
      outbound.end(body);
    });

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = JSON.parse(await readAll(req)) as Record<string, unknown>;
    const stage = String(body['Stage']);
    const resume = {
      source: 'floor',
      type: `microsoft.graph.accessPackageCustomExtensionStage.${stage}`,
      data: {
        '@odata.type': 'microsoft.graph.accessPackageAssignmentRequestCallbackData',
        stage,
        customExtensionStageInstanceId: body['CustomExtensionStageInstanceId'],
        customExtensionStageInstanceDetail: 'floor',
      },
    };
    const status = await post(`/v1.0${String(body['CallbackUriPath'])}`, JSON.stringify(resume));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status, echo: body }));
  };

  const server: Server = createServer((req, res) => {
    serve(req, res).catch(() => {
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const floor = await startFloorServer({ graphOrigin: process.env['GRAPH_ORIGIN'] ?? '', token: process.env['GRAPH_TOKEN'] ?? '', port: Number(process.env['PORT'] ?? '0') });
  console.log(`floor server listening on ${floor.url}`);
}
