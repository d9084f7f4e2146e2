import { systemClock, type Clock } from '../../src/ports.js';
import { parsePimArgs } from '../../src/register/pim/pim-args.js';
import { formatPimRegister, pimRegisterJson } from '../../src/register/pim/pim-format.js';
import { PIM_REGISTER_USAGE } from '../../src/register/pim/pim-usage.js';
import { runPimRegister } from '../../src/register/pim/run-pim-register.js';
import { RegisterError } from '../../src/register/register-error.js';
import { emulatorGraph, liveGraph, type EmulatorOptions } from './tenant-graph.js';

export interface PimRegisterIo {
  out(text: string): void;
  err(text: string): void;
}

/** As register-cli.ts's options: the environment, and the clock and Graph budgets tests shorten. */
export interface PimRegisterCliOptions extends EmulatorOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
  readonly timeoutMs?: number;
  readonly budgetMs?: number;
  readonly settleMs?: number;
}

/**
 * `npm run register -- --pim …`: the command line → the PIM custom extension registered (or
 * planned, with --what-if) and its links, printed for a person or as JSON. Returns the exit code:
 * 0 done or nothing to change, 1 Graph, a permission or the sign-in failed, 2 bad arguments, a
 * role without a policy, a role already calling another extension, a tenant file that does not load.
 */
export async function pimRegisterCli(argv: readonly string[], io: PimRegisterIo, options: PimRegisterCliOptions): Promise<number> {
  const parsed = parsePimArgs(argv, options.env);
  if (parsed.kind === 'help') {
    io.out(`${PIM_REGISTER_USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'usage-error') {
    io.err(`register: ${parsed.message} (npm run register -- --pim --help)\n`);
    return 2;
  }
  const { desired, whatIf, json, source } = parsed.args;
  try {
    const opened = source.kind === 'live' ? await liveGraph(source.tenantId, source.graphBaseUrl, RegisterError) : await emulatorGraph(source.tenantFile, options, RegisterError);
    try {
      const result = await runPimRegister(desired, whatIf, {
        graph: opened.graph, graphOrigin: opened.graphOrigin, clock: options.clock ?? systemClock, timeoutMs: options.timeoutMs ?? 10_000, budgetMs: options.budgetMs ?? 30_000, settleMs: options.settleMs ?? 1000,
      });
      io.out(json ? `${JSON.stringify(pimRegisterJson(result, opened.label), null, 2)}\n` : formatPimRegister(result, opened.label));
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
