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

/** One ledger insert as a decision needs it, raw: Table service REST over HTTPS with keep-alive and a storage bearer token (no SDK). */
export interface RawLedger {
  insert(): Promise<void>;
  close(): void;
}

export async function rawLedger(emulator: TenantEmulator, tableUrl: string): Promise<RawLedger> {
  const token = await managedIdentityToken(emulator, 'https://storage.azure.com');
  const agent = new Agent({ keepAlive: true, ca: emulator.caCertPem });
  const headers = headersFor(token);
  return {
    insert: async () => {
      const entity = JSON.stringify({ PartitionKey: randomUUID(), RowKey: randomUUID(), decision: 'continue', detail: 'floor', state: 'decided' });
      const status = await post(agent, tableUrl, headers, entity);
      if (status !== 204) throw new Error(`the table answered ${String(status)} to an insert`);
    },
    close: () => {
      agent.destroy();
    },
  };
}

/** n raw ledger inserts, one after another, in ms each. */
export async function ledgerRoundTrips(emulator: TenantEmulator, tableUrl: string, n: number): Promise<number[]> {
  const ledger = await rawLedger(emulator, tableUrl);
  const samples: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      await ledger.insert();
      samples.push(performance.now() - started);
    }
  } finally {
    ledger.close();
  }
  return samples;
}
