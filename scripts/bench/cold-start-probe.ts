/**
 * One cold start, run as a fresh process by the bench: `node cold-start-probe.js <entry URL>`
 * with `{ "authorization": …, "body": … }` on stdin. It imports the entry (the deployed bundle, or
 * the built one) and hands the callout to the `callout` function it registers, as the Functions
 * worker would once the host has the request, then prints
 * `{ "importMs", "answerMs", "status", "outcome" }`: the time to import, and to the first answer,
 * both from before the import. The request and context passed are the parts of @azure/functions'
 * HttpRequest and InvocationContext the handler reads.
 */
import { randomUUID } from 'node:crypto';

interface CalloutFunction {
  handler(request: unknown, context: unknown): Promise<{ status?: number; jsonBody?: unknown }>;
}

async function readStdin(): Promise<{ authorization: string; body: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as { authorization: string; body: string };
}

const entry = process.argv[2] ?? '';
const input = await readStdin();
const bytes = new TextEncoder().encode(input.body);
const request = {
  method: 'POST',
  headers: new Headers({ authorization: input.authorization, 'content-type': 'application/json' }),
  arrayBuffer: () => Promise.resolve(bytes.buffer),
};
const quiet = () => undefined;
const context = { invocationId: randomUUID(), functionName: 'callout', log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };

const started = performance.now();
const module = (await import(entry)) as { httpFunctions: { callout: CalloutFunction } };
const imported = performance.now();
const answer = await module.httpFunctions.callout.handler(request, context);
const answered = performance.now();
process.stdout.write(
  JSON.stringify({ importMs: imported - started, answerMs: answered - started, status: answer.status ?? 200, outcome: (answer.jsonBody as { outcome?: unknown } | undefined)?.outcome }),
);
process.exit(0);
