/**
 * `npm run resume -- --request <id> --decision continue|deny [options]`: one assignment request
 * resumed by hand through the decision ledger, as Resume-MgEntitlementManagementAssignmentRequest
 * would, with the body printed first and nothing sent without --yes or a "y" at the prompt (see
 * src/operator/ and docs/operations.md).
 *
 * The tenant emulator serves HTTPS from a CA made for the run, and Node trusts extra CAs only from
 * NODE_EXTRA_CA_CERTS read at start-up; so against the emulator this script makes the CA and runs
 * itself again with the CA trusted (the terminal inherited, for the prompt).
 */
import { TableClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import { basename } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { SAMPLE_TENANT_FILE, TenantEmulator, TenantFileError, type PemPair } from '../emulator/index.js';
import { describeError } from '../src/errors.js';
import { createGraphClient } from '../src/graph/graph-client.js';
import { createGraphHttp } from '../src/graph/graph-http.js';
import { createOperatorCredential } from '../src/graph/operator-credential.js';
import { createTableLedger } from '../src/ledger/table-ledger.js';
import { operatorFromToken } from '../src/operator/operator-identity.js';
import { parseResumeArgs } from '../src/operator/resume-args.js';
import { resumeCli, type ResumeIo, type ResumeSource } from '../src/operator/resume-cli.js';
import { ResumeError } from '../src/operator/resume-error.js';
import type { TenantSource } from '../src/tenant-source.js';
import { emulatorCredential } from './support/emulator-credential.js';
import { emulatorCa } from './support/trusted-ca.js';

/** The ledger's table, written with the same identity as Graph (the table ledger's own client settings). */
function tableLedger(credential: TokenCredential): ResumeSource['openLedger'] {
  return (location) => createTableLedger(location, new TableClient(location.accountUrl, location.table, credential, { retryOptions: { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1000 } }));
}

/** The tenant emulator in this process (its sample tenant, or a tenant file), called with its managed identity. */
async function emulatorSource(tenantFile: string | undefined, ca: PemPair | undefined): Promise<ResumeSource> {
  const file = tenantFile ?? SAMPLE_TENANT_FILE;
  let emulator: TenantEmulator;
  try {
    emulator = await TenantEmulator.start({ tenant: file, ...(ca === undefined ? {} : { ca }) });
  } catch (error) {
    if (error instanceof TenantFileError) throw new ResumeError(2, error.message.split('\n')[0] ?? error.message);
    throw error;
  }
  const credential = emulatorCredential(emulator);
  return {
    graph: createGraphHttp(createGraphClient(credential, emulator.origin)),
    graphOrigin: emulator.origin,
    label: `the tenant emulator (${basename(file)})`,
    operator: undefined,
    openLedger: tableLedger(credential),
    close: () => emulator.close(),
  };
}

/** A real tenant under the operator's own sign-in: no token stops here, before any read; the token's claims name the operator. */
async function liveSource(tenantId: string, graphBaseUrl: string): Promise<ResumeSource> {
  const credential = createOperatorCredential(tenantId);
  let token: string | undefined;
  try {
    token = (await credential.getToken(`${graphBaseUrl}/.default`))?.token;
  } catch (error) {
    throw new ResumeError(1, `no token for ${graphBaseUrl} in tenant ${tenantId}: sign in (az login --tenant ${tenantId}) or set a credential in the environment (${describeError(error).split('\n')[0]?.slice(0, 200) ?? ''})`);
  }
  const operator = token === undefined ? undefined : operatorFromToken(token);
  if (operator === undefined) throw new ResumeError(1, 'the signed-in token names no upn, unique_name or oid: the ledger cannot say who resumed');
  return {
    graph: createGraphHttp(createGraphClient(credential, graphBaseUrl)),
    graphOrigin: graphBaseUrl,
    label: `tenant ${tenantId} via ${graphBaseUrl}`,
    operator,
    openLedger: tableLedger(credential),
    close: () => Promise.resolve(),
  };
}

/** The prompt, on stderr, read from the terminal. */
async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseResumeArgs(argv, process.env);
  let ca: PemPair | undefined;
  if (parsed.kind === 'run' && parsed.args.source.kind === 'emulator') {
    const trust = await emulatorCa(fileURLToPath(import.meta.url), argv, 'resume');
    if ('rerun' in trust) return trust.rerun;
    ca = trust.ca;
  }
  const io: ResumeIo = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    interactive: process.stdin.isTTY,
    ask,
  };
  const openSource = (source: TenantSource) => (source.kind === 'live' ? liveSource(source.tenantId, source.graphBaseUrl) : emulatorSource(source.tenantFile, ca));
  return resumeCli(argv, io, { env: process.env, openSource });
}

process.exitCode = await main(process.argv.slice(2));
