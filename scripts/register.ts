/**
 * `npm run register -- --catalog <id> [--policy <id> --stage <stage> ...] [options]`: registers
 * entitlement-guard with Entra (the catalog's custom extension, the policies' stages, the catalog
 * role, the custom task extension), with --pim PIM's custom extension and the role settings that
 * call it, or with --unregister undoes it (see
 * scripts/register/register-cli.ts, src/register/ and docs/register.md).
 *
 * The tenant emulator serves HTTPS from a CA made for the run, and Node trusts extra CAs only from
 * NODE_EXTRA_CA_CERTS read at start-up; so against the emulator this script makes the CA and runs
 * itself again with the CA trusted, and that second process starts the emulator and registers there.
 */
import { fileURLToPath } from 'node:url';
import { isPimCommand, parsePimArgs } from '../src/register/pim/pim-args.js';
import { parseRegisterArgs } from '../src/register/register-args.js';
import { registerCli } from './register/register-cli.js';
import { emulatorCa } from './common/trusted-ca.js';

async function main(argv: readonly string[]): Promise<number> {
  const parsed = isPimCommand(argv) ? parsePimArgs(argv, process.env) : parseRegisterArgs(argv, process.env);
  const io = { out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text) };
  if (parsed.kind === 'run' && parsed.args.source.kind === 'emulator') {
    const trust = await emulatorCa(fileURLToPath(import.meta.url), argv, 'register');
    if ('rerun' in trust) return trust.rerun;
    return registerCli(argv, io, { env: process.env, emulatorCa: trust.ca });
  }
  return registerCli(argv, io, { env: process.env });
}

process.exitCode = await main(process.argv.slice(2));
