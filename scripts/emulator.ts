/**
 * `npm run emulator [-- --tenant <file>]`: a standalone tenant emulator for development. Prints
 * the environment that points `npm start` (or anything else) at it, and a token the relay would
 * send, then serves until stopped. The tenant waits for every fixture in test/fixtures; its
 * directory and requests come from the tenant file (default: emulator/tenants/contoso.json).
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_TENANT_FILE, TenantEmulator, TenantFileError } from '../emulator/index.js';
import { parseCommand, readFlags, type ParsedCommand } from '../src/cli/command-line.js';
import { isEntryScript, runCommand, STDIO, type CommandIo } from '../src/cli/run-command.js';
import { demoScenarios } from './support/scenarios.js';

interface EmulatorArgs {
  readonly tenant: string;
}

export const EMULATOR_USAGE = `Usage: npm run emulator [-- --tenant <file>]

A standalone tenant emulator (Graph, managed identity and tokens over HTTPS on loopback). Prints
the environment that points npm start at it and a relay token, then serves until Ctrl-C.

  --tenant <file>   the tenant file: directory and requests (default: ${SAMPLE_TENANT_FILE})
  --help            this text

Settings: EMULATOR_PORT (default 8443).`;

function parseEmulatorArgs(argv: readonly string[]): ParsedCommand<EmulatorArgs> {
  return parseCommand(() => {
    const flags = readFlags(argv, { tenant: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, { firstLine: true });
    return flags.help === true ? { kind: 'help' } : { kind: 'run', args: { tenant: flags.tenant ?? SAMPLE_TENANT_FILE } };
  });
}

async function serve({ tenant }: EmulatorArgs): Promise<number> {
  const port = Number(process.env['EMULATOR_PORT'] ?? '8443');
  let emulator: TenantEmulator;
  try {
    emulator = await TenantEmulator.start({ port, tenant });
  } catch (error) {
    if (!(error instanceof TenantFileError)) throw error;
    console.error(error.message);
    return 2;
  }
  const caFile = join(tmpdir(), 'entitlement-guard-emulator-ca.pem');
  writeFileSync(caFile, emulator.caCertPem);
  for (const scenario of demoScenarios()) if (scenario.awaitFirst) emulator.awaitCallout(scenario.body);
  const env = { ...emulator.appEnv(), NODE_EXTRA_CA_CERTS: caFile };
  console.log(`Tenant emulator on ${emulator.origin}, tenant file ${tenant} (${String(emulator.directory.all().length)} users). Point the local host at it:\n`);
  console.log(Object.entries(env).map(([k, v]) => `export ${k}='${v}'`).join('\n'));
  console.log(`\nA relay token (valid 1 h):\n${await emulator.mintCallerToken()}\n`);
  console.log('Then: npm start, and POST a fixture to http://127.0.0.1:7071/api/callout. Ctrl-C stops.');
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return 0;
}

/** The command: its line read before anything starts (`job` stands in for the emulator in tests). */
export function main(argv: readonly string[], io: CommandIo = STDIO, job: (args: EmulatorArgs) => Promise<number> = serve): Promise<number> {
  return runCommand('emulator', EMULATOR_USAGE, parseEmulatorArgs(argv), io, job);
}

if (isEntryScript(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
