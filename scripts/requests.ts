/**
 * `npm run requests -- [--catalog <id>] [--package <id>] [options]`: every assignment request
 * waiting on our custom extension, with its stage, its callout instances, its age against the
 * callback window and the decision ledger's entry (see src/requests/ and docs/operations.md).
 *
 * The tenant emulator serves HTTPS from a CA made for the run, and Node trusts extra CAs only from
 * NODE_EXTRA_CA_CERTS read at start-up; so against the emulator this script makes the CA and runs
 * itself again with the CA trusted, and that second process starts the emulator and reads it.
 */
import { TableClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SAMPLE_TENANT_FILE, TenantEmulator, TenantFileError, type PemPair } from '../emulator/index.js';
import { describeError } from '../src/errors.js';
import { createGraphClient } from '../src/graph/graph-client.js';
import { createGraphHttp } from '../src/graph/graph-http.js';
import { createOperatorCredential } from '../src/graph/operator-credential.js';
import { createTableLedger } from '../src/ledger/table-ledger.js';
import { parseRequestsArgs } from '../src/requests/requests-args.js';
import { requestsCli, type RequestsSource } from '../src/requests/requests-cli.js';
import { RequestsError } from '../src/requests/requests-error.js';
import type { TenantSource } from '../src/tenant-source.js';
import { emulatorCredential } from './support/emulator-credential.js';
import { emulatorCa } from './support/trusted-ca.js';

/** The ledger's table, read with the same identity as Graph (the table ledger's own client settings). */
function tableLedger(credential: TokenCredential): RequestsSource['openLedger'] {
  return (location) => createTableLedger(location, new TableClient(location.accountUrl, location.table, credential, { retryOptions: { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1000 } }));
}

/** The tenant emulator in this process (its sample tenant, or a tenant file), read with its managed identity. */
async function emulatorSource(tenantFile: string | undefined, ca: PemPair | undefined): Promise<RequestsSource> {
  const file = tenantFile ?? SAMPLE_TENANT_FILE;
  let emulator: TenantEmulator;
  try {
    emulator = await TenantEmulator.start({ tenant: file, ...(ca === undefined ? {} : { ca }) });
  } catch (error) {
    if (error instanceof TenantFileError) throw new RequestsError(2, error.message.split('\n')[0] ?? error.message);
    throw error;
  }
  const credential = emulatorCredential(emulator);
  return {
    graph: createGraphHttp(createGraphClient(credential, emulator.origin)),
    graphOrigin: emulator.origin,
    label: `the tenant emulator (${basename(file)})`,
    openLedger: tableLedger(credential),
    close: () => emulator.close(),
  };
}

/** A real tenant under the operator's own sign-in; no token stops here, before any read. */
async function liveSource(tenantId: string, graphBaseUrl: string): Promise<RequestsSource> {
  const credential = createOperatorCredential(tenantId);
  try {
    await credential.getToken(`${graphBaseUrl}/.default`);
  } catch (error) {
    throw new RequestsError(1, `no token for ${graphBaseUrl} in tenant ${tenantId}: sign in (az login --tenant ${tenantId}) or set a credential in the environment (${describeError(error).split('\n')[0]?.slice(0, 200) ?? ''})`);
  }
  return {
    graph: createGraphHttp(createGraphClient(credential, graphBaseUrl)),
    graphOrigin: graphBaseUrl,
    label: `tenant ${tenantId} via ${graphBaseUrl}`,
    openLedger: tableLedger(credential),
    close: () => Promise.resolve(),
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseRequestsArgs(argv, process.env);
  let ca: PemPair | undefined;
  if (parsed.kind === 'run' && parsed.args.source.kind === 'emulator') {
    const trust = await emulatorCa(fileURLToPath(import.meta.url), argv, 'requests');
    if ('rerun' in trust) return trust.rerun;
    ca = trust.ca;
  }
  const io = { out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text) };
  const openSource = (source: TenantSource) => (source.kind === 'live' ? liveSource(source.tenantId, source.graphBaseUrl) : emulatorSource(source.tenantFile, ca));
  return requestsCli(argv, io, { env: process.env, openSource });
}

process.exitCode = await main(process.argv.slice(2));
