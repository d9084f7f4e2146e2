/**
 * `npm run what-if -- --user <id | UPN> --package <id> [options]`: what the policy would decide if
 * the user requested the package, without any callout and without resuming anything (see
 * scripts/support/what-if-cli.ts and src/what-if/).
 *
 * The tenant emulator serves HTTPS from a CA made for the run, and Node trusts extra CAs only from
 * NODE_EXTRA_CA_CERTS read at start-up; so against the emulator this script makes the CA and runs
 * itself again with the CA trusted, and that second process starts the emulator and reads it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCertificateAuthority, TenantEmulator, type PemPair } from '../emulator/index.js';
import { parseWhatIfArgs } from '../src/what-if/parse-args.js';
import { whatIfCli } from './support/what-if-cli.js';

/** Set in the second process: the directory holding the trusted CA (ca.pem, ca-key.pem). */
const CA_DIR = 'EG_WHAT_IF_CA_DIR';

async function withTrustedCa(argv: readonly string[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'eg-what-if-'));
  try {
    const ca = await createCertificateAuthority('entitlement-guard what-if CA');
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
  const parsed = parseWhatIfArgs(argv, process.env);
  const caDir = process.env[CA_DIR];
  if (parsed.kind === 'run' && parsed.args.source.kind === 'emulator' && caDir === undefined) return withTrustedCa(argv);
  const io = { out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text) };
  const ca = caDir === undefined ? undefined : trustedCa(caDir);
  const openEmulator = async (tenant: string) => {
    const emulator = await TenantEmulator.start({ tenant, ...(ca === undefined ? {} : { ca }) });
    return { emulator, close: () => emulator.close() };
  };
  return whatIfCli(argv, io, { env: process.env, openEmulator });
}

process.exitCode = await main(process.argv.slice(2));
