import { CommandError } from '../cli/command-error.js';

/**
 * Why a what-if stopped before it could evaluate anything, with the exit code the command ends
 * with: 2 for what the operator gave (an unknown user or package, a bad policy or tenant file),
 * 1 for what failed underneath (Graph refused or could not be reached, no credential).
 */
export class WhatIfError extends CommandError {
  override readonly name = 'WhatIfError';
}
