/**
 * `npm start`: serves the functions on http://127.0.0.1:${PORT:-7071}/api/..., configured only
 * from the environment (ARCHITECTURE.md), so it can point at a real tenant or any emulator.
 */
import { getDeps } from '../functions/deps.js';
import { UsageError } from '../src/cli/command-line.js';
import { isPortInUse, portInUseLine } from '../src/cli/listen-errors.js';
import { positiveInteger } from '../src/cli/number-flags.js';
import { isEntryScript, STDIO, type CommandIo } from '../src/cli/run-command.js';
import { isAppError } from '../src/errors.js';
import { startLocalHost, type LocalHost } from './local-host.js';

type Functions = Parameters<typeof startLocalHost>[0];

export interface StartOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly io?: CommandIo;
  /** The functions to serve (default: the entry the Functions host loads, validating config from env). */
  readonly load?: () => Promise<Functions>;
  /** Whether to report where decisions are recorded once listening (reads the app's config). */
  readonly report?: boolean;
}

async function loadFunctions(): Promise<Functions> {
  return (await import('../functions/index.js')).httpFunctions;
}

/**
 * Starts the local host: the running host, or the exit code after one line on stderr (a bad
 * configuration or PORT, 2 for a PORT that is not a port; a busy port, 1).
 */
export async function start({ env = process.env, io = STDIO, load = loadFunctions, report = true }: StartOptions = {}): Promise<LocalHost | number> {
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
    return 1;
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
  io.out(`entitlement-guard local host listening on ${host.url} (POST ${host.url}/api/callout)\n`);
  if (report) {
    const { ledger } = getDeps();
    io.out(`${ledger.durable ? `decisions are recorded in the ledger: ${ledger.where}` : `no DECISION_LEDGER_URL: decisions are kept in ${ledger.where}, not shared with other instances and lost at restart`}\n`);
  }
  return host;
}

if (isEntryScript(import.meta.url)) {
  const host = await start();
  if (typeof host === 'number') process.exit(host);
  const stop = () => {
    void host.close().then(() => getDeps().recordings.flush()).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
