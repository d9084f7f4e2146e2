import type { TokenCredential } from '@azure/identity';
import { basename } from 'node:path';
import { SAMPLE_TENANT_FILE, TenantEmulator, TenantFileError, type PemPair } from '../../emulator/index.js';
import { describeError } from '../../src/errors.js';
import { createGraphClient } from '../../src/graph/graph-client.js';
import { createGraphHttp, type GraphHttp } from '../../src/graph/graph-http.js';
import { createOperatorCredential } from '../../src/graph/operator-credential.js';
import { emulatorCredential } from './emulator-credential.js';

export interface OpenedEmulator {
  readonly emulator: TenantEmulator;
  close(): Promise<void>;
}

/** How an operator command gets its in-process tenant emulator. */
export interface EmulatorOptions {
  /** The CA the emulator's certificate is issued from; this process must already trust it (NODE_EXTRA_CA_CERTS). */
  readonly emulatorCa?: PemPair;
  /** An emulator for a tenant file instead of a new one (tests keep one across runs, as a tenant keeps its state). */
  readonly openEmulator?: (tenantFile: string) => Promise<OpenedEmulator>;
}

/** The command's own error (a CommandError), made with the exit code and the one-line message. */
export type CommandFailure = new (exitCode: 1 | 2, message: string) => Error;

/** Graph as an operator command calls it: in the tenant emulator, or in a real tenant. */
export interface TenantGraph {
  readonly graph: GraphHttp;
  readonly graphOrigin: string;
  /** "the tenant emulator (contoso.json)", "tenant … via https://graph.microsoft.com". */
  readonly label: string;
  /** What Graph is called with (also the ledger's table, for the commands that read it). */
  readonly credential: TokenCredential;
  close(): Promise<void>;
}

/**
 * The tenant emulator in this process (its sample tenant, or a tenant file), called with its
 * managed identity, which stands in for the operator. A tenant file that does not load is a
 * usage failure (exit 2), in its first line.
 */
export async function emulatorGraph(tenantFile: string | undefined, options: EmulatorOptions, Failure: CommandFailure): Promise<TenantGraph> {
  const file = tenantFile ?? SAMPLE_TENANT_FILE;
  let opened: OpenedEmulator;
  try {
    if (options.openEmulator !== undefined) opened = await options.openEmulator(file);
    else {
      const emulator = await TenantEmulator.start({ tenant: file, ...(options.emulatorCa === undefined ? {} : { ca: options.emulatorCa }) });
      opened = { emulator, close: () => emulator.close() };
    }
  } catch (error) {
    if (error instanceof TenantFileError) throw new Failure(2, error.message.split('\n')[0] ?? error.message);
    throw error;
  }
  const { emulator } = opened;
  const credential = emulatorCredential(emulator);
  return {
    graph: createGraphHttp(createGraphClient(credential, emulator.origin)),
    graphOrigin: emulator.origin,
    label: `the tenant emulator (${basename(file)})`,
    credential,
    close: () => opened.close(),
  };
}

/**
 * A real tenant under the operator's own sign-in (or the credential given): no token stops here,
 * before any call (exit 1, saying how to sign in). The token is handed back for its claims.
 */
export async function liveGraph(tenantId: string, graphBaseUrl: string, Failure: CommandFailure, credential: TokenCredential = createOperatorCredential(tenantId)): Promise<TenantGraph & { readonly token: string | undefined }> {
  let token: string | undefined;
  try {
    token = (await credential.getToken(`${graphBaseUrl}/.default`))?.token;
  } catch (error) {
    throw new Failure(1, `no token for ${graphBaseUrl} in tenant ${tenantId}: sign in (az login --tenant ${tenantId}) or set a credential in the environment (${describeError(error).split('\n')[0]?.slice(0, 200) ?? ''})`);
  }
  return {
    graph: createGraphHttp(createGraphClient(credential, graphBaseUrl)),
    graphOrigin: graphBaseUrl,
    label: `tenant ${tenantId} via ${graphBaseUrl}`,
    credential,
    token,
    close: () => Promise.resolve(),
  };
}
