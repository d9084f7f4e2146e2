/**
 * The floor of the decisions-per-second bench, run as its own process: a raw Node HTTP server
 * doing the same I/O as a decision and nothing else. For each POST it reads the body, parses it
 * as JSON, makes one outbound HTTPS call (the resume a decision ends with, to the same Graph, with
 * a keep-alive agent and a bearer token it got once), and echoes the body back as JSON with
 * Graph's status.
 *
 * Environment: GRAPH_ORIGIN (https), GRAPH_TOKEN, and PORT (0 for any); NODE_EXTRA_CA_CERTS
 * trusts the emulator. Prints `listening on http://…` once it listens.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent, request } from 'node:https';
import type { AddressInfo } from 'node:net';

const origin = process.env['GRAPH_ORIGIN'] ?? '';
const token = process.env['GRAPH_TOKEN'] ?? '';
const agent = new Agent({ keepAlive: true });

async function readAll(stream: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** One HTTPS POST; resolves with the status once the answer is read. */
function post(path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outbound = request(`${origin}${path}`, { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (answer) => {
      answer.resume();
      answer.on('end', () => {
        resolve(answer.statusCode ?? 0);
      });
    });
    outbound.on('error', reject);
    outbound.end(body);
  });
}

async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = JSON.parse(await readAll(req)) as Record<string, unknown>;
  const stage = String(body['Stage']);
  // The resume a decision to continue sends, so that Graph does the same work for the floor.
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
}

const server = createServer((req, res) => {
  serve(req, res).catch(() => {
    res.writeHead(500).end();
  });
});
server.listen(Number(process.env['PORT'] ?? '0'), '127.0.0.1', () => {
  console.log(`floor server listening on http://127.0.0.1:${String((server.address() as AddressInfo).port)}`);
});
