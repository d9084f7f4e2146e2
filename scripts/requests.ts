/**
 * `npm run requests -- [--catalog <id>] [--package <id>] [options]`: every assignment request
 * waiting on our custom extension, with its stage, its callout instances, its age against the
 * callback window and the decision ledger's entry (see src/requests/ and docs/operations.md).
 *
 * The tenant emulator serves HTTPS from a CA made for the run, and Node trusts extra CAs only from
 * NODE_EXTRA_CA_CERTS read at start-up; so against the emulator this script makes the CA and runs
 * itself again with the CA trusted, and that second process starts the emulator and reads it.
 */
import { fileURLToPath } from 'node:url';
import { parseRequestsArgs } from '../src/requests/requests-args.js';
import { requestsCli } from '../src/requests/requests-cli.js';
import { RequestsError } from '../src/requests/requests-error.js';
import type { TenantSource } from '../src/tenant-source.js';
import { openLedgerSource } from './common/ledger-source.js';
import { emulatorCaFor } from './common/trusted-ca.js';

async function main(argv: readonly string[]): Promise<number> {
  const trust = await emulatorCaFor(parseRequestsArgs(argv, process.env), fileURLToPath(import.meta.url), argv, 'requests');
  if ('rerun' in trust) return trust.rerun;
  const io = { out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text) };
  const openSource = (source: TenantSource) => openLedgerSource(source, trust.ca, RequestsError);
  return requestsCli(argv, io, { env: process.env, openSource });
}

process.exitCode = await main(process.argv.slice(2));
