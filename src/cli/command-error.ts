/**
 * Why an operator command stopped, with the exit code it ends with: 2 for what the operator gave
 * or can fix, 1 for what failed underneath. Each command names its own subclass.
 */
export class CommandError extends Error {
  constructor(
    readonly exitCode: 1 | 2,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
