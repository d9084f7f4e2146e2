/**
 * `npm run scan -- [--policy <file>] [--tenant <tenant-file>] [--out <dir>] [--json]` or
 * `npm run scan -- --live --tenant-id <id> [--graph <origin>]`: every separation-of-duties
 * violation that exists now, as a report, a CSV and a Markdown file (see scripts/support/scan-cli.ts
 * and src/sod/scan/).
 *
 * The tenant emulator serves HTTPS from a CA made for the run, and Node trusts extra CAs only from
 * NODE_EXTRA_CA_CERTS read at start-up; so against the emulator this script makes the CA and runs
 * itself again with the CA trusted, and that second process starts the emulator and scans it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCertificateAuthority, type PemPair } from '../emulator/index.js';
import { parseScanArgs } from './support/scan-args.js';
import { scanCli } from './support/scan-cli.js';

/** Set in the second process: the directory holding the trusted CA (ca.pem, ca-key.pem). */
const CA_DIR = 'EG_SCAN_CA_DIR';

async function withTrustedCa(argv: readonly string[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'eg-scan-ca-'));
  try {
    const ca = await createCertificateAuthority('entitlement-guard scan CA');
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    writeFileSync(join(dir, 'ca-key.pem'), ca.keyPem, { mode: 0o600 });
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...argv], {
      stdio: 'inherit',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'), [CA_DIR]: dir },
    });
    return await new Promise<number>((resolve) => {
      child.once('exit', (code) => {
        resolve(code ?? 1);
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function trustedCa(dir: string): PemPair {
  return { certPem: readFileSync(join(dir, 'ca.pem'), 'utf8'), keyPem: readFileSync(join(dir, 'ca-key.pem'), 'utf8') };
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseScanArgs(argv);
  const caDir = process.env[CA_DIR];
  if (parsed.kind === 'run' && parsed.args.source.kind === 'emulator' && caDir === undefined) return withTrustedCa(argv);
  const io = { out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text) };
  return scanCli(argv, io, caDir === undefined ? {} : { emulatorCa: trustedCa(caDir) });
}

process.exitCode = await main(process.argv.slice(2));
