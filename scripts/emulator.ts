/**
 * `npm run emulator [-- --tenant <file>] [--port <n>]`: a standalone tenant emulator for
 * development. Prints everything `npm start` needs to run against it (as `export` lines, with the
 * sample policy as POLICY_PATH), what `npm run register` needs to rehearse against it (the relay
 * and identity azd's outputs give after `azd up`), a copy-paste `curl` of a sample callout with a
 * relay token, and what to do next; then serves until stopped. The tenant waits for every fixture
 * in test/fixtures; its directory and requests come from the tenant file (default:
 * emulator/tenants/contoso.json). Its CA is written to a directory of this run's own, removed when
 * it stops.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_TENANT_FILE, TenantEmulator, TenantFileError, type PemPair } from '../emulator/index.js';
import { parseCommand, readFlags, type ParsedCommand } from '../src/cli/command-line.js';
import { isPortInUse, portInUseLine } from '../src/cli/listen-errors.js';
import { positiveInteger } from '../src/cli/number-flags.js';
import { isEntryScript, runCommand, STDIO, type CommandIo } from '../src/cli/run-command.js';
import { displayPath } from '../src/policy/read-policy-file.js';
import { demoScenarios, FIXTURES_DIR, SAMPLE_POLICY } from './demo/scenarios.js';

export interface EmulatorArgs {
  readonly tenant: string;
  /** Port on 127.0.0.1 (0, for tests only, is any free one). */
  readonly port: number;
  /** What moves the port, named when it is in use: `--port` or `EMULATOR_PORT`. */
  readonly portSetting: string;
}

const DEFAULT_PORT = 8443;

/**
 * The relay Logic App the emulator's tenant is registered with, as azd's outputs name it after
 * `azd up` (infra/main.bicep): `npm run register` reads them from the environment. The emulator
 * plays no Azure Resource Manager: the custom extension records this relay, nothing runs there.
 */
export const EMULATOR_RELAY = {
  AZURE_SUBSCRIPTION_ID: '6d1f7a52-2c0b-4e0e-9a55-7d2d5c1b9e41',
  RELAY_RESOURCE_GROUP: 'rg-entitlement-guard',
  RELAY_LOGIC_APP_NAME: 'eg-relay',
} as const;

/** The callout the printed curl posts: under the sample policy it is denied (the requestor is high risk). */
export const WALKTHROUGH_FIXTURE = 'elm-request-created.risky-user.wire.json';

/** `export NAME='value'` lines (values here hold no single quote). */
const exportLines = (env: Record<string, string>): string => Object.entries(env).map(([k, v]) => `export ${k}='${v}'`).join('\n');

export const EMULATOR_USAGE = `Usage: npm run emulator [-- --tenant <file>] [--port <n>]

A standalone tenant emulator (Graph, managed identity and tokens over HTTPS on loopback). Prints
the environment that points npm start at it (the sample policy as POLICY_PATH), the relay values
npm run register rehearses with, a curl of a sample callout with a relay token, then serves until
Ctrl-C. Its CA is written to a directory of this run's own (printed as NODE_EXTRA_CA_CERTS),
removed when it stops.

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
 * file is one line on stderr and the exit code (1 and 2), with nothing left behind. `ca` (tests):
 * the CA its certificate is issued from, instead of one made for the run.
 */
export async function startEmulator({ tenant, port, portSetting }: EmulatorArgs, io: CommandIo = STDIO, ca?: PemPair): Promise<RunningEmulator | number> {
  let emulator: TenantEmulator;
  try {
    emulator = await TenantEmulator.start({ port, tenant, ...(ca === undefined ? {} : { ca }) });
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
    io.out(await walkthrough(emulator, tenant, caFile));
  } catch (error) {
    await emulator.close();
    removeDir();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return { emulator, caFile, stop: () => (stopped ??= emulator.close().finally(removeDir)) };
}

/** What `npm run emulator` prints: the settings for npm start and npm run register, a curl of a callout, then what to do. */
async function walkthrough(emulator: TenantEmulator, tenant: string, caFile: string): Promise<string> {
  const hostEnv = { ...emulator.appEnv(), NODE_EXTRA_CA_CERTS: caFile, POLICY_PATH: SAMPLE_POLICY };
  const registerEnv = { ...EMULATOR_RELAY, FUNCTION_IDENTITY_PRINCIPAL_ID: emulator.managedIdentityObjectId, FUNCTION_IDENTITY_CLIENT_ID: emulator.managedIdentityClientId };
  const token = await emulator.mintCallerToken();
  const curl = `curl -sS "http://127.0.0.1:\${PORT:-7071}/api/callout" -H 'Content-Type: application/json' -H 'Authorization: Bearer ${token}' --data '@${FIXTURES_DIR}${WALKTHROUGH_FIXTURE}'`;
  return [
    `Tenant emulator on ${emulator.origin}, tenant file ${displayPath(tenant)} (${String(emulator.directory.all().length)} users).`,
    '',
    'For npm start (the local host), pointed at this emulator with the sample policy:',
    exportLines(hostEnv),
    '',
    'For npm run register against this emulator (the relay and the function identity, as azd gives them after azd up; docs/register.md#emulator-rehearsal):',
    exportLines(registerEnv),
    '',
    `A callout as the relay sends it (${WALKTHROUGH_FIXTURE}; the relay token is valid 1 h):`,
    curl,
    '',
    'Then: in another terminal, paste the export lines and run npm start (it listens on PORT, default 7071);',
    'in a third (with the same PORT, if you set one), paste the curl: the host answers {"outcome":"resumed","decision":"deny",...},',
    'the requestor being high risk under the sample policy.',
    'Ctrl-C stops the emulator.',
    '',
  ].join('\n');
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
