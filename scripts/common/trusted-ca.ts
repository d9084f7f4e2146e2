import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, type PemPair } from '../../emulator/index.js';
import type { ParsedCommand } from '../../src/cli/command-line.js';
import type { TenantSource } from '../../src/tenant-source.js';

/** Set in the second process: the directory holding the trusted CA (ca.pem, ca-key.pem). */
const CA_DIR = 'EG_EMULATOR_CA_DIR';

/**
 * The tenant emulator serves HTTPS from a CA made for the run, and Node trusts extra CAs only from
 * NODE_EXTRA_CA_CERTS read at start-up. A command that starts the emulator in-process calls this
 * first: in the first process it makes the CA, runs `script` again with the CA trusted and
 * resolves with that run's exit code (`rerun`); in the second it hands back the CA to start the
 * emulator with (`ca`).
 */
export async function emulatorCa(script: string, argv: readonly string[], name: string): Promise<{ readonly ca: PemPair } | { readonly rerun: number }> {
  const trusted = process.env[CA_DIR];
  if (trusted !== undefined) return { ca: { certPem: readFileSync(join(trusted, 'ca.pem'), 'utf8'), keyPem: readFileSync(join(trusted, 'ca-key.pem'), 'utf8') } };
  const dir = mkdtempSync(join(tmpdir(), `eg-${name}-ca-`));
  try {
    const ca = await createCertificateAuthority(`entitlement-guard ${name} CA`);
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    writeFileSync(join(dir, 'ca-key.pem'), ca.keyPem, { mode: 0o600 });
    const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {
      stdio: 'inherit',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'), [CA_DIR]: dir },
    });
    const code = await new Promise<number>((resolve) => {
      child.once('exit', (exit) => {
        resolve(exit ?? 1);
      });
    });
    return { rerun: code };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * emulatorCa for a command that runs against the emulator: the CA (undefined for --live, help or
 * a usage error, which start no emulator), or the exit code of the run made with it trusted.
 */
export async function emulatorCaFor(parsed: ParsedCommand<{ readonly source: TenantSource }>, script: string, argv: readonly string[], name: string): Promise<{ readonly ca: PemPair | undefined } | { readonly rerun: number }> {
  if (parsed.kind !== 'run' || parsed.args.source.kind !== 'emulator') return { ca: undefined };
  return emulatorCa(script, argv, name);
}
