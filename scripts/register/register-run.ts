import { systemClock, type Clock } from '../../src/ports.js';
import type { RegisterSource } from '../../src/register/register-args.js';
import { RegisterError } from '../../src/register/register-error.js';
import type { RegisterDeps } from '../../src/register/run-register.js';
import { emulatorGraph, liveGraph, type EmulatorOptions } from '../common/tenant-graph.js';

export interface RegisterIo {
  out(text: string): void;
  err(text: string): void;
}

export interface RegisterCliOptions extends EmulatorOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
  /** Time one Graph call may take (default 10 s) and spend with retries (default 30 s). */
  readonly timeoutMs?: number;
  readonly budgetMs?: number;
  /** Wait before reading a written object again when it does not yet show the write (default 1 s). */
  readonly settleMs?: number;
}

/**
 * Opens the tenant the command works on (the emulator's or a live one), runs `job` against its
 * Graph, prints what it returns, closes the tenant; a RegisterError is one line and its exit code.
 * Both registrations (a catalog's, PIM's) run through it.
 */
export async function runWithTenant(source: RegisterSource, io: RegisterIo, options: RegisterCliOptions, job: (deps: RegisterDeps, label: string) => Promise<string>): Promise<number> {
  try {
    const opened = source.kind === 'live' ? await liveGraph(source.tenantId, source.graphBaseUrl, RegisterError) : await emulatorGraph(source.tenantFile, options, RegisterError);
    try {
      const deps: RegisterDeps = {
        graph: opened.graph, graphOrigin: opened.graphOrigin, clock: options.clock ?? systemClock, timeoutMs: options.timeoutMs ?? 10_000, budgetMs: options.budgetMs ?? 30_000, settleMs: options.settleMs ?? 1000,
      };
      io.out(await job(deps, opened.label));
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
