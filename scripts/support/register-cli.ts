import { systemClock, type Clock } from '../../src/ports.js';
import { formatRegister, registerJson } from '../../src/register/format-register.js';
import { isPimCommand } from '../../src/register/pim/pim-args.js';
import { parseRegisterArgs, type RegisterSource } from '../../src/register/register-args.js';
import { RegisterError } from '../../src/register/register-error.js';
import { REGISTER_USAGE } from '../../src/register/register-usage.js';
import { runRegister } from '../../src/register/run-register.js';
import { pimRegisterCli } from './register-pim-cli.js';
import { emulatorGraph, liveGraph, type EmulatorOptions, type TenantGraph } from './tenant-graph.js';

export interface RegisterIo {
  out(text: string): void;
  err(text: string): void;
}

export type { OpenedEmulator } from './tenant-graph.js';

export interface RegisterCliOptions extends EmulatorOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
  /** Time one Graph call may take (default 10 s) and spend with retries (default 30 s). */
  readonly timeoutMs?: number;
  readonly budgetMs?: number;
  /** Wait before reading a written object again when it does not yet show the write (default 1 s). */
  readonly settleMs?: number;
}

async function openSource(source: RegisterSource, options: RegisterCliOptions): Promise<TenantGraph> {
  return source.kind === 'live' ? liveGraph(source.tenantId, source.graphBaseUrl, RegisterError) : emulatorGraph(source.tenantFile, options, RegisterError);
}

/**
 * `npm run register`: the command line → the registration made (or planned, with --what-if),
 * printed for a person or as JSON; with --pim, PIM's custom extension (register-pim-cli.ts). Returns the exit code: 0 done or nothing to change, 1 Graph, a
 * permission or the sign-in failed, 2 bad arguments, a missing catalog or policy, a stage or
 * policy that cannot take the extension, a tenant file that does not load.
 */
export async function registerCli(argv: readonly string[], io: RegisterIo, options: RegisterCliOptions): Promise<number> {
  if (isPimCommand(argv)) return pimRegisterCli(argv, io, options);
  const parsed = parseRegisterArgs(argv, options.env);
  if (parsed.kind === 'help') {
    io.out(`${REGISTER_USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'usage-error') {
    io.err(`register: ${parsed.message} (npm run register -- --help)\n`);
    return 2;
  }
  const { desired, whatIf, json, source } = parsed.args;
  try {
    const opened = await openSource(source, options);
    try {
      const result = await runRegister(desired, whatIf, {
        graph: opened.graph, graphOrigin: opened.graphOrigin, clock: options.clock ?? systemClock, timeoutMs: options.timeoutMs ?? 10_000, budgetMs: options.budgetMs ?? 30_000, settleMs: options.settleMs ?? 1000,
      });
      io.out(json ? `${JSON.stringify(registerJson(result, opened.label), null, 2)}\n` : formatRegister(result, opened.label));
      return 0;
    } finally {
      await opened.close();
    }
  } catch (error) {
    if (error instanceof RegisterError) {
      io.err(`register: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
