/**
 * `npm start`: serves the functions on http://127.0.0.1:${PORT:-7071}/api/..., configured
 * from the environment only, so it can point at a real tenant or any emulator.
 */
import { dropFunctionsTestModeWarnings } from './functions-test-mode.js';
import { getDeps } from '../functions/deps.js';
import { UsageError } from '../src/cli/command-line.js';
import { isPortInUse, portInUseLine } from '../src/cli/listen-errors.js';
import { positiveInteger } from '../src/cli/number-flags.js';
import { isEntryScript, parseHelpOnly, runCommand, STDIO, type CommandIo } from '../src/cli/run-command.js';
import { isAppError } from '../src/errors.js';
import { defaultPolicyPath, policyLine } from '../src/policy/read-policy-file.js';
import { startLocalHost, type LocalHost } from './local-host.js';

type Functions = Parameters<typeof startLocalHost>[0];

export const START_USAGE = `Usage: npm start

Serves the functions on http://127.0.0.1:<PORT>/api/... (POST /api/callout, /api/pim),
configured from the environment only (README.md, Configuration), so it can point at a real tenant
or any emulator (npm run emulator prints its settings). Serves until Ctrl-C. Takes no options but
--help.

Settings: PORT (default 7071), the port on 127.0.0.1, 1 to 65535; the app's own settings as the
Functions host reads them (a missing or bad one is named in one line, exit 2).`;

export interface StartOptions {
  /** The command line (after `--`): only --help. */
  readonly argv?: readonly string[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly io?: CommandIo;
  /** The functions to serve (default: the entry the Functions host loads, validating config from env). */
  readonly load?: () => Promise<Functions>;
  /** Whether to report where decisions are recorded once listening (reads the app's config). */
  readonly report?: boolean;
}

async function loadFunctions(): Promise<Functions> {
  dropFunctionsTestModeWarnings();
  return (await import('../functions/index.js')).httpFunctions;
}

/**
 * Starts the local host: the running host, or the exit code after --help (0, the usage on
 * stdout) or one line on stderr (2: a bad command line, with the usage, a PORT that is not a port
 * or a configuration the app refuses; 1: a busy port, or the app failed to load).
 */
export function start({ argv = [], io = STDIO, ...options }: StartOptions = {}): Promise<LocalHost | number> {
  return runCommand('start', START_USAGE, parseHelpOnly(argv), io, () => listen(io, options));
}

async function listen(io: CommandIo, { env = process.env, load = loadFunctions, report = true }: StartOptions): Promise<LocalHost | number> {
  let port: number;
  try {
    // 0 is any free port: the soak and the tests start hosts that way and read the one chosen.
    const value = env['PORT'] ?? '7071';
    port = value.trim() === '0' ? 0 : positiveInteger(value, 'PORT', 65535);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`start: ${error.message}\n`);
    return 2;
  }
  let functions: Functions;
  try {
    functions = await load();
  } catch (error) {
    io.err(`${isAppError(error) ? error.message : String(error instanceof Error ? (error.stack ?? error.message) : error)}\n`);
    return isAppError(error) && error.code === 'CONFIG.INVALID' ? 2 : 1;
  }
  let host: LocalHost;
  try {
    host = await startLocalHost(functions, {
      port,
      log: (level, message) => {
        if (level === 'error' || level === 'warning') io.err(`${message}\n`);
        else io.out(`${message}\n`);
      },
    });
  } catch (error) {
    if (!isPortInUse(error)) throw error;
    io.err(`${portInUseLine('start', port, 'PORT')}\n`);
    return 1;
  }
  if (report) {
    const { ledger, config } = getDeps();
    io.out(`${config.policyPath === undefined ? policyLine(defaultPolicyPath(), 'default', 'the default: POLICY_PATH is not set') : policyLine(config.policyPath, 'POLICY_PATH')}\n`);
    io.out(`${ledger.durable ? `decisions are recorded in the ledger: ${ledger.where}` : `no DECISION_LEDGER_URL: decisions are kept in ${ledger.where}, not shared with other instances and lost at restart`}\n`);
  }
  // Last: whoever waits for this line has the others. The handlers are served here, not
  // registered with a Functions runtime (functions-test-mode.ts).
  const served = Object.entries(functions).map(([name, fn]) => `${host.url}/api/${fn.route ?? name}`).join(', ');
  io.out(`entitlement-guard local host listening on ${host.url} (POST ${served})\n`);
  return host;
}

if (isEntryScript(import.meta.url)) {
  const host = await start({ argv: process.argv.slice(2) });
  if (typeof host === 'number') process.exit(host);
  const stop = () => {
    void host.close().then(() => getDeps().recordings.flush()).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
