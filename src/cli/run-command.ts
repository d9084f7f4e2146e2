import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCommand, readFlags, type ParsedCommand } from './command-line.js';

/** Where a command writes: the process's stdout and stderr, or a test's buffers. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

export const STDIO: CommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * A parsed command line answered before any work: `--help` prints the usage on stdout (exit 0);
 * a usage error prints `name: <what to change>`, a blank line and the usage on stderr (exit 2).
 * Only a line that can run reaches `run`, whose answer (its exit code, or what keeps running) is the command's.
 */
export async function runCommand<A, R = number>(name: string, usage: string, parsed: ParsedCommand<A>, io: CommandIo, run: (args: A) => Promise<R>): Promise<R | number> {
  if (parsed.kind === 'help') {
    io.out(`${usage}\n`);
    return 0;
  }
  if (parsed.kind === 'usage-error') {
    io.err(`${name}: ${parsed.message}\n\n${usage}\n`);
    return 2;
  }
  return run(parsed.args);
}

/** The line of a command that takes no flag but --help (-h). */
export function parseHelpOnly(argv: readonly string[]): ParsedCommand<Record<string, never>> {
  return parseCommand(() => (readFlags(argv, { help: { type: 'boolean', short: 'h' } }, { firstLine: true }).help === true ? { kind: 'help' } : { kind: 'run', args: {} }));
}

/** Whether the module at `url` is the script node was started with, not one imported (by a test, say). */
export function isEntryScript(url: string): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(url));
  } catch {
    return false;
  }
}
