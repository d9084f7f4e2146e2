import { CommandError } from '../cli/command-error.js';

/**
 * Why the register command stopped, with the exit code it ends with: 2 for what the operator
 * gave or can fix in the tenant's configuration (bad arguments, a missing catalog or policy, a
 * stage that cannot take the extension), 1 for what failed underneath (a missing permission,
 * Graph unavailable, no credential). Nothing is written once one is thrown during planning.
 */
export class RegisterError extends CommandError {
  override readonly name = 'RegisterError';
}

/** A failed write's error with what to do (the call's hint) and what was already written (`made`) added, or as it was when there is neither. */
export function withContext(error: RegisterError, hint: string | undefined, made: string): RegisterError {
  const advice = hint === undefined ? '' : `; ${hint}`;
  if (advice === '' && made === '') return error;
  return new RegisterError(error.exitCode, `${error.message}${advice}${made}`, { cause: error });
}
