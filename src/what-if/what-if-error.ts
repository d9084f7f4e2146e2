/**
 * Why a what-if stopped before it could evaluate anything, with the exit code the command ends
 * with: 2 for what the operator gave (an unknown user or package, a bad policy or tenant file),
 * 1 for what failed underneath (Graph refused or could not be reached, no credential).
 */
export class WhatIfError extends Error {
  override readonly name = 'WhatIfError';
  constructor(
    readonly exitCode: 1 | 2,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
