/**
 * Why `npm run requests` stopped, with the exit code it ends with: 2 for what the operator gave
 * (bad arguments, an unknown catalog, package or custom extension, a tenant file that does not
 * load), 1 for what failed underneath (Graph refused or could not be reached, the ledger, no
 * credential).
 */
export class RequestsError extends Error {
  override readonly name = 'RequestsError';
  constructor(
    readonly exitCode: 1 | 2,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
