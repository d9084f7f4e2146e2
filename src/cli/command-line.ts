import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/** A command line that cannot be run: the one line saying what to change. */
export class UsageError extends Error {}

/** What an operator command's parser hands back. */
export type ParsedCommand<A> = { readonly kind: 'run'; readonly args: A } | { readonly kind: 'help' } | { readonly kind: 'usage-error'; readonly message: string };

/**
 * The flags of a command line (after `--`), strict and without positionals; a line node:util
 * cannot read is a UsageError with its message (only the first line of it with `firstLine`).
 */
export function readFlags<T extends ParseArgsOptionsConfig>(argv: readonly string[], options: T, { firstLine = false }: { readonly firstLine?: boolean } = {}) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // node:util's errors are checked by shape, not instanceof: they come from Node's own realm,
    // which need not be the caller's (a vm context, as the tests run in).
    const message = typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string' ? error.message : undefined;
    if (message === undefined) throw new UsageError('the arguments cannot be read');
    throw new UsageError(firstLine ? (message.split('\n')[0] ?? message) : message);
  }
}

/** The parser's answer, a UsageError it throws turned into a usage-error answer. */
export function parseCommand<A>(parse: () => ParsedCommand<A>): ParsedCommand<A> {
  try {
    return parse();
  } catch (error) {
    if (error instanceof UsageError) return { kind: 'usage-error', message: error.message };
    throw error;
  }
}
