/**
 * `npm run emulator [-- --tenant <file>] [--port <n>]`: a standalone tenant emulator for
 * development. Prints the environment that points `npm start` (or anything else) at it, and a
 * token the relay would send, then serves until stopped. The tenant waits for every fixture in
 * test/fixtures; its directory and requests come from the tenant file (default:
 * emulator/tenants/contoso.json). Its CA is written to a directory of this run's own, removed when
 * it stops.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_TENANT_FILE, TenantEmulator, TenantFileError } from '../emulator/index.js';
import { parseCommand, readFlags, type ParsedCommand } from '../src/cli/command-line.js';
import { isPortInUse, portInUseLine } from '../src/cli/listen-errors.js';
import { positiveInteger } from '../src/cli/number-flags.js';
import { isEntryScript, runCommand, STDIO, type CommandIo } from '../src/cli/run-command.js';
import { demoScenarios } from './support/scenarios.js';

export interface EmulatorArgs {
  readonly tenant: string;
  /** Port on 127.0.0.1 (0, for tests only, is any free one). */
  readonly port: number;
  /** What moves the port, named when it is in use: `--port` or `EMULATOR_PORT`. */
  readonly portSetting: string;
}

const DEFAULT_PORT = 8443;

export const EMULATOR_USAGE = `Usage: npm run emulator [-- --tenant <file>] [--port <n>]

A standalone tenant emulator (Graph, managed identity and tokens over HTTPS on loopback). Prints
the environment that points npm start at it and a relay token, then serves until Ctrl-C. Its CA
is written to a directory of this run's own (printed as NODE_EXTRA_CA_CERTS), removed when it stops.

  --tenant <file>   the tenant file: directory and requests (default: ${SAMPLE_TENANT_FILE})
  --port <n>        the port on 127.0.0.1, 1 to 65535 (default: EMULATOR_PORT, else ${String(DEFAULT_PORT)})
  --help            this text

Settings: EMULATOR_PORT (default ${String(DEFAULT_PORT)}), the port when --port is not given.`;

function parseEmulatorArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedCommand<EmulatorArgs> {
  return parseCommand(() => {
    const flags = readFlags(argv, { tenant: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, { firstLine: true });
    if (flags.help === true) return { kind: 'help' };
    const fromEnv = env['EMULATOR_PORT'];
    const [port, portSetting] =
      flags.port !== undefined
        ? [positiveInteger(flags.port, '--port', 65535), '--port']
        : fromEnv !== undefined
          ? [positiveInteger(fromEnv, 'EMULATOR_PORT', 65535), 'EMULATOR_PORT']
          : [DEFAULT_PORT, '--port'];
    return { kind: 'run', args: { tenant: flags.tenant ?? SAMPLE_TENANT_FILE, port, portSetting } };
  });
}

/** A started emulator: where its CA file is, and the stop that closes it and removes the file's directory. */
export interface RunningEmulator {
  readonly emulator: TenantEmulator;
  readonly caFile: string;
  stop(): Promise<void>;
}

/**
 * Starts the emulator and prints what points the local host at it; a busy port or a bad tenant
 * file is one line on stderr and the exit code (1 and 2), with nothing left behind.
 */
export async function startEmulator({ tenant, port, portSetting }: EmulatorArgs, io: CommandIo = STDIO): Promise<RunningEmulator | number> {
  let emulator: TenantEmulator;
  try {
    emulator = await TenantEmulator.start({ port, tenant });
  } catch (error) {
    if (error instanceof TenantFileError) {
      io.err(`${error.message}\n`);
      return 2;
    }
    if (isPortInUse(error)) {
      io.err(`${portInUseLine('emulator', port, portSetting)}\n`);
      return 1;
    }
    throw error;
  }
  const dir = mkdtempSync(join(tmpdir(), 'eg-emulator-'));
  const removeDir = () => {
    rmSync(dir, { recursive: true, force: true });
  };
  const caFile = join(dir, 'ca.pem');
  try {
    writeFileSync(caFile, emulator.caCertPem);
    for (const scenario of demoScenarios()) if (scenario.awaitFirst) emulator.awaitCallout(scenario.body);
    const env = { ...emulator.appEnv(), NODE_EXTRA_CA_CERTS: caFile };
    io.out(`Tenant emulator on ${emulator.origin}, tenant file ${tenant} (${String(emulator.directory.all().length)} users). Point the local host at it:\n\n`);
    io.out(`${Object.entries(env).map(([k, v]) => `export ${k}='${v}'`).join('\n')}\n`);
    io.out(`\nA relay token (valid 1 h):\n${await emulator.mintCallerToken()}\n\n`);
    io.out('Then: npm start, and POST a fixture to http://127.0.0.1:7071/api/callout. Ctrl-C stops.\n');
  } catch (error) {
    await emulator.close();
    removeDir();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return { emulator, caFile, stop: () => (stopped ??= emulator.close().finally(removeDir)) };
}

async function serve(args: EmulatorArgs, io: CommandIo): Promise<number> {
  const running = await startEmulator(args, io);
  if (typeof running === 'number') return running;
  const stop = () => {
    void running.stop().then(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
  return 0;
}

/** The command: its line read before anything starts (`job` stands in for the emulator in tests). */
export function main(argv: readonly string[], io: CommandIo = STDIO, job?: (args: EmulatorArgs) => Promise<number>): Promise<number> {
  return runCommand('emulator', EMULATOR_USAGE, parseEmulatorArgs(argv, process.env), io, job ?? ((args) => serve(args, io)));
}

if (isEntryScript(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
