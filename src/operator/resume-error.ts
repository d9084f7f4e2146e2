import { CommandError } from '../cli/command-error.js';

/**
 * Why `npm run resume` stopped, with the exit code it ends with: 2 for what the operator gave or
 * asked for (bad arguments, no open callout instance, a stage that cannot take the decision, a
 * ledger decision that cannot be replaced, no --yes without a terminal), 1 for what failed
 * underneath (Graph, the ledger, the credential) or a resume Graph refused.
 */
export class ResumeError extends CommandError {
  override readonly name = 'ResumeError';
}
