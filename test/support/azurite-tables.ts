import { TableClient } from '@azure/data-tables';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TenantEmulator } from '../../emulator/index.js';
import { startAzuriteTables as startProcess } from '../../scripts/common/azurite-tables.js';
import { emulatorCredential } from '../../scripts/common/emulator-credential.js';

export interface AzuriteTablesOptions {
  /** The tenant emulator whose managed identity signs the requests createTable makes. */
  readonly emulator: TenantEmulator;
}

export interface AzuriteTables {
  /** `https://127.0.0.1:PORT/devstoreaccount1`: the URL TableClient takes (the table name goes apart). */
  readonly accountUrl: string;
  /** From spawning Azurite to its listening, in ms. */
  readonly startupMs: number;
  /** `https://127.0.0.1:PORT/devstoreaccount1/<name>`: the shape of DECISION_LEDGER_URL. */
  tableUrl(name: string): string;
  /** Creates the table with the emulator's managed identity token and answers its URL. */
  createTable(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Azurite's table service over HTTPS with OAuth (scripts/common/azurite-tables.ts), its
 * certificate from the run's test CA, which the workers trust (see global-setup.ts).
 */
export async function startAzuriteTables(options: AzuriteTablesOptions): Promise<AzuriteTables> {
  const dir = process.env['EG_TEST_CA_DIR'];
  if (dir === undefined) throw new Error('EG_TEST_CA_DIR is not set: run the tests through vitest (global-setup.ts)');
  const ca = { certPem: readFileSync(join(dir, 'ca.pem'), 'utf8'), keyPem: readFileSync(join(dir, 'ca-key.pem'), 'utf8') };
  const azurite = await startProcess({ ca });
  const credential = emulatorCredential(options.emulator);
  return {
    accountUrl: azurite.accountUrl,
    startupMs: azurite.startupMs,
    tableUrl: (name) => azurite.tableUrl(name),
    async createTable(name) {
      await new TableClient(azurite.accountUrl, name, credential).createTable();
      return azurite.tableUrl(name);
    },
    stop: () => azurite.stop(),
  };
}
