/**
 * `npm run scan -- [--policy <file>] [--tenant <tenant-file>] [--out <dir>] [--json]` or
 * `npm run scan -- --live --tenant-id <id> [--graph <origin>]`: every separation-of-duties
 * violation that exists now, as a report, a CSV and a Markdown file (see scripts/scan/scan-cli.ts
 * and src/sod/scan/).
 *
 * The tenant emulator serves HTTPS from a CA made for the run, and Node trusts extra CAs only from
 * NODE_EXTRA_CA_CERTS read at start-up; so against the emulator this script makes the CA and runs
 * itself again with the CA trusted, and that second process starts the emulator and scans it.
 */
import { fileURLToPath } from 'node:url';
import { parseScanArgs } from './scan/scan-args.js';
import { scanCli } from './scan/scan-cli.js';
import { emulatorCa } from './common/trusted-ca.js';

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseScanArgs(argv);
  const io = { out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text) };
  if (parsed.kind === 'run' && parsed.args.source.kind === 'emulator') {
    const trust = await emulatorCa(fileURLToPath(import.meta.url), argv, 'scan');
    if ('rerun' in trust) return trust.rerun;
    return scanCli(argv, io, { emulatorCa: trust.ca });
  }
  return scanCli(argv, io, {});
}

process.exitCode = await main(process.argv.slice(2));
