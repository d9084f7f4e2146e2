/**
 * The decision ledger's storage path as Azure runs it: Azurite's table service over HTTPS with
 * OAuth, the requests signed by the product's managed identity credential, whose tokens come from
 * the tenant emulator's managed identity endpoint (App Service protocol: IDENTITY_ENDPOINT +
 * IDENTITY_HEADER). Azurite checks a token's issuer, audience and lifetime, not its signature
 * (see scripts/common/azurite-tables.ts).
 */
import { odata, RestError, TableClient, type TableEntity } from '@azure/data-tables';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { azuriteTablesArgs, startAzuriteTables as startProcess } from '../../scripts/common/azurite-tables.js';
import { createManagedIdentityCredential, type RenewableCredential } from '../../src/graph/managed-identity.js';
import { startAzuriteTables, type AzuriteTables } from '../support/azurite-tables.js';
import { startTestEmulator } from '../support/emulator.js';

let emulator: TenantEmulator;
let azurite: AzuriteTables;
let credential: RenewableCredential;

beforeAll(async () => {
  emulator = await startTestEmulator();
  // @azure/identity reads the App Service managed identity endpoint from the process environment.
  const env = emulator.appEnv();
  process.env['IDENTITY_ENDPOINT'] = env['IDENTITY_ENDPOINT'];
  process.env['IDENTITY_HEADER'] = env['IDENTITY_HEADER'];
  credential = createManagedIdentityCredential(emulator.managedIdentityClientId);
  azurite = await startAzuriteTables({ emulator });
  console.log(`Azurite tables (HTTPS, OAuth) started in ${String(azurite.startupMs)} ms`);
});

afterAll(async () => {
  await azurite.stop();
  await emulator.close();
});

/**
 * A table URL (the shape of DECISION_LEDGER_URL) as TableClient takes it: the account's URL and the
 * table name apart. On an IP host the account is the first path segment.
 */
function client(tableUrl: string): TableClient {
  const url = new URL(tableUrl);
  const [account, table] = url.pathname.split('/').slice(1);
  return new TableClient(`${url.origin}/${account ?? ''}`, table ?? '', credential);
}

/**
 * The storage error code of a refused request. @azure/data-tables leaves RestError.code unset: the
 * code is the x-ms-error-code header, which it also puts in `details.errorCode`.
 */
function errorCode(error: RestError): string | undefined {
  return error.response?.headers.get('x-ms-error-code');
}

async function restError(promise: Promise<unknown>): Promise<RestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RestError) return error;
    throw error;
  }
  throw new Error('the request succeeded');
}

interface Decision extends TableEntity {
  readonly decision: string;
  readonly n: number;
}

/** A raw List Tables request, to see what Azurite does with a given Authorization header. */
function listTables(authorization?: string): Promise<Response> {
  const headers: Record<string, string> = { 'x-ms-version': '2019-02-02', 'x-ms-date': new Date().toUTCString(), accept: 'application/json;odata=nometadata' };
  if (authorization !== undefined) headers['authorization'] = authorization;
  return fetch(`${azurite.accountUrl}/Tables`, { headers });
}

async function identityToken(resource: string): Promise<string> {
  const url = `${emulator.origin}/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(resource)}&client_id=${emulator.managedIdentityClientId}`;
  const response = await fetch(url, { headers: { 'x-identity-header': emulator.identityHeader } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

describe('Azurite tables over HTTPS with OAuth, signed by the managed identity', () => {
  it('serves the HTTPS path-style URL the ledger is configured with', () => {
    expect(azurite.tableUrl('decisions')).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/decisions$/);
  });

  it('creates, conflicts, updates with etags, queries and deletes entities', async () => {
    const identityCallsBefore = emulator.calls({ service: 'identity' }).length;
    const table = client(azurite.tableUrl('ledgerCrud'));
    await table.createTable();

    const pk = 'req-1';
    await table.createEntity<Decision>({ partitionKey: pk, rowKey: 'a', decision: 'approve', n: 1 });
    await table.createEntity<Decision>({ partitionKey: pk, rowKey: 'b', decision: 'deny', n: 2 });
    await table.createEntity<Decision>({ partitionKey: 'req-2', rowKey: 'a', decision: 'approve', n: 3 });

    // Conditional insert: the same PartitionKey/RowKey again is refused.
    const conflict = await restError(table.createEntity<Decision>({ partitionKey: pk, rowKey: 'a', decision: 'deny', n: 9 }));
    expect(conflict.statusCode).toBe(409);
    expect(errorCode(conflict)).toBe('EntityAlreadyExists');

    const first = await table.getEntity<Decision>(pk, 'a');
    expect(first.decision).toBe('approve');
    expect(first.etag).toMatch(/^W\/"/);
    const updated = await table.updateEntity<Decision>({ partitionKey: pk, rowKey: 'a', decision: 'approve', n: 10 }, 'Merge', { etag: first.etag });
    expect(updated.etag).not.toBe(first.etag);

    // Optimistic concurrency: the etag read before the update is stale now.
    const stale = await restError(table.updateEntity<Decision>({ partitionKey: pk, rowKey: 'a', decision: 'deny', n: 11 }, 'Replace', { etag: first.etag }));
    expect(stale.statusCode).toBe(412);
    expect(errorCode(stale)).toBe('UpdateConditionNotSatisfied');
    expect((await table.getEntity<Decision>(pk, 'a')).n).toBe(10);

    const rows: Decision[] = [];
    for await (const row of table.listEntities<Decision>({ queryOptions: { filter: odata`PartitionKey eq ${pk} and n ge ${2}` } })) rows.push(row);
    expect(rows.map((r) => [r.rowKey, r.n])).toEqual([['a', 10], ['b', 2]]);

    await table.deleteEntity(pk, 'b');
    const gone = await restError(table.getEntity(pk, 'b'));
    expect(gone.statusCode).toBe(404);
    expect(errorCode(gone)).toBe('ResourceNotFound');

    // Every request carried a managed identity token; @azure/identity fetched it once and cached it.
    expect(emulator.calls({ service: 'identity' }).length - identityCallsBefore).toBe(1);
  });

  it('creates tables for other tests through the support helper', async () => {
    const url = await azurite.createTable('ledgerHelper');
    expect(url).toBe(azurite.tableUrl('ledgerHelper'));
    const table = client(url);
    await table.createEntity({ partitionKey: 'p', rowKey: 'r' });
    expect((await table.getEntity('p', 'r')).rowKey).toBe('r');
  });

  it('refuses a request without a token', async () => {
    const response = await listTables();
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('AuthorizationFailure');
  });

  it('refuses a token for another audience and takes one for storage', async () => {
    const wrong = await listTables(`Bearer ${await identityToken('https://management.azure.com')}`);
    expect(wrong.status).toBe(403);
    const body = await wrong.text();
    expect(body).toContain('AuthenticationFailed');
    expect(body).toContain('Invalid token audience');

    const right = await listTables(`Bearer ${await identityToken('https://storage.azure.com')}`);
    expect(right.status).toBe(200);
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await emulator.issuer.sign({ aud: 'https://storage.azure.com', iss: `https://sts.windows.net/${emulator.tenantId}/`, iat: now - 7200, nbf: now - 7200, exp: now - 3600 });
    const response = await listTables(`Bearer ${expired}`);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('The token is expired');
  });
});

describe('the Azurite tables process (scripts/common/azurite-tables.ts)', () => {
  it('runs with the documented arguments and ends at stop', async () => {
    const dir = process.env['EG_TEST_CA_DIR'] ?? '';
    const ca = { certPem: readFileSync(join(dir, 'ca.pem'), 'utf8'), keyPem: readFileSync(join(dir, 'ca-key.pem'), 'utf8') };
    const started = await startProcess({ ca });
    const port = Number(new URL(started.accountUrl).port);
    expect(azuriteTablesArgs(port, 'cert.pem', 'key.pem')).toEqual([
      '--tableHost', '127.0.0.1', '--tablePort', String(port), '--inMemoryPersistence', '--disableTelemetry', '--silent',
      '--skipApiVersionCheck', '--cert', 'cert.pem', '--key', 'key.pem', '--oauth', 'basic',
    ]);
    expect(process.kill(started.pid, 0)).toBe(true);
    // Another Azurite, its own port and data: the table made on the first one is not here.
    const other = new TableClient(started.accountUrl, 'ledgerCrud', credential);
    expect((await restError(other.getEntity('req-1', 'a'))).statusCode).toBe(404);
    await started.stop();
    expect(() => process.kill(started.pid, 0)).toThrow(/ESRCH/);
  });
});
