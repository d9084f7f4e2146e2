import { CommandError } from '../cli/command-error.js';

/**
 * Why `npm run requests` stopped, with the exit code it ends with: 2 for what the operator gave
 * (bad arguments, an unknown catalog, package or custom extension, a tenant file that does not
 * load), 1 for what failed underneath (Graph refused or could not be reached, the ledger, no
 * credential).
 */
export class RequestsError extends CommandError {
  override readonly name = 'RequestsError';
}
