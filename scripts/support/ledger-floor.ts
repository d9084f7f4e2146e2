import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:https';
import type { TenantEmulator } from '../../emulator/index.js';
import { managedIdentityToken } from './graph-floor.js';

function post(agent: Agent, url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      res.on('end', () => {
        resolve(res.statusCode ?? 0);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Creates a table over raw HTTPS (this process need not trust the CA: the agent carries it). */
export async function createTableRaw(emulator: TenantEmulator, accountUrl: string, table: string): Promise<void> {
  const token = await managedIdentityToken(emulator, 'https://storage.azure.com');
  const agent = new Agent({ ca: emulator.caCertPem });
  try {
    const status = await post(agent, `${accountUrl}/Tables`, headersFor(token), JSON.stringify({ TableName: table }));
    if (status !== 204 && status !== 201) throw new Error(`the table service answered ${String(status)} to creating ${table}`);
  } finally {
    agent.destroy();
  }
}

const headersFor = (token: string): Record<string, string> => ({
  authorization: `Bearer ${token}`, 'x-ms-version': '2019-02-02', 'content-type': 'application/json', accept: 'application/json;odata=nometadata', prefer: 'return-no-content',
});

/**
 * One ledger round trip as a decision needs it, raw: an entity inserted into the table over
 * HTTPS with keep-alive and a storage bearer token (Table service REST, no SDK); n of them, in ms.
 */
export async function ledgerRoundTrips(emulator: TenantEmulator, tableUrl: string, n: number): Promise<number[]> {
  const token = await managedIdentityToken(emulator, 'https://storage.azure.com');
  const agent = new Agent({ keepAlive: true, ca: emulator.caCertPem });
  const headers = headersFor(token);
  const samples: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const entity = JSON.stringify({ PartitionKey: randomUUID(), RowKey: randomUUID(), decision: 'continue', detail: 'floor', state: 'decided' });
      const started = performance.now();
      const status = await post(agent, tableUrl, headers, entity);
      samples.push(performance.now() - started);
      if (status !== 204) throw new Error(`the table answered ${String(status)} to an insert`);
    }
  } finally {
    agent.destroy();
  }
  return samples;
}
