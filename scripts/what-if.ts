/**
 * `npm run what-if -- --user <id | UPN> --package <id> [options]`: what the policy would decide if
 * the user requested the package; `--role`, `--group` or `--azure-role` instead of `--package`:
 * what PIM would get if the user activated the role. Without any callout, without resuming or
 * recording anything (see scripts/what-if/what-if-cli.ts and src/what-if/).
 *
 * The tenant emulator serves HTTPS from a CA made for the run, and Node trusts extra CAs only from
 * NODE_EXTRA_CA_CERTS read at start-up; so against the emulator this script makes the CA and runs
 * itself again with the CA trusted, and that second process starts the emulator and reads it.
 */
import { fileURLToPath } from 'node:url';
import { TenantEmulator } from '../emulator/index.js';
import { parseWhatIfArgs } from '../src/what-if/parse-args.js';
import { emulatorCaFor } from './common/trusted-ca.js';
import { whatIfCli } from './what-if/what-if-cli.js';

async function main(argv: readonly string[]): Promise<number> {
  const trust = await emulatorCaFor(parseWhatIfArgs(argv, process.env), fileURLToPath(import.meta.url), argv, 'what-if');
  if ('rerun' in trust) return trust.rerun;
  const { ca } = trust;
  const io = { out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text) };
  const openEmulator = async (tenant: string) => {
    const emulator = await TenantEmulator.start({ tenant, ...(ca === undefined ? {} : { ca }) });
    return { emulator, close: () => emulator.close() };
  };
  return whatIfCli(argv, io, { env: process.env, openEmulator });
}

process.exitCode = await main(process.argv.slice(2));
