import { TableClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import type { PemPair } from '../../emulator/index.js';
import type { DecisionLedger } from '../../src/ledger/ledger.js';
import type { LedgerLocation } from '../../src/ledger/ledger-url.js';
import { createTableLedger } from '../../src/ledger/table-ledger.js';
import type { TenantSource } from '../../src/tenant-source.js';
import { emulatorGraph, liveGraph, type CommandFailure, type TenantGraph } from './tenant-graph.js';

/** Graph in the tenant, and the decision ledger's table opened with the same identity. */
export interface LedgerSource extends TenantGraph {
  /** The live sign-in's token (for its claims); undefined for the emulator. */
  readonly token: string | undefined;
  openLedger(location: LedgerLocation): DecisionLedger;
}

/** The ledger's table, with the given identity (the table ledger's own client settings). */
function tableLedger(credential: TokenCredential): LedgerSource['openLedger'] {
  return (location) => createTableLedger(location, new TableClient(location.accountUrl, location.table, credential, { retryOptions: { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1000 } }));
}

/**
 * For `npm run requests` and `npm run resume`: the emulator in this process (started with the
 * trusted CA) or the --live tenant under the operator's sign-in, and the ledger's table with the
 * identity Graph is called with.
 */
export async function openLedgerSource(source: TenantSource, ca: PemPair | undefined, Failure: CommandFailure): Promise<LedgerSource> {
  const opened = source.kind === 'live' ? await liveGraph(source.tenantId, source.graphBaseUrl, Failure) : { ...(await emulatorGraph(source.tenantFile, ca === undefined ? {} : { emulatorCa: ca }, Failure)), token: undefined };
  return { ...opened, openLedger: tableLedger(opened.credential) };
}
