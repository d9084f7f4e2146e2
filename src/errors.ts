/**
 * Typed errors with stable codes. The core never chooses HTTP statuses: one function in
 * functions/ maps these codes to answers for the relay.
 */
export const ERROR_CODES = [
  'CALLOUT.MISSING_TOKEN',
  'CALLOUT.INVALID_TOKEN',
  'CALLOUT.CALLER_NOT_ALLOWED',
  'CALLOUT.ROLE_MISSING',
  'CALLOUT.UNSUPPORTED_MEDIA_TYPE',
  'CALLOUT.TOO_LARGE',
  'CALLOUT.INVALID_JSON',
  'CALLOUT.INVALID_BODY',
  'CALLOUT.UNKNOWN_STAGE',
  'CALLOUT.INVALID_CALLBACK_PATH',
  'CALLOUT.ID_MISMATCH',
  'CALLOUT.STAGE_MISMATCH',
  'CALLOUT.ALREADY_DECIDED',
  'AUTH.METADATA_UNAVAILABLE',
  'IDENTITY.UNAVAILABLE',
  'GRAPH.THROTTLED',
  'GRAPH.UNAVAILABLE',
  'GRAPH.UNAUTHORIZED',
  'GRAPH.FORBIDDEN',
  'GRAPH.REJECTED',
  'GRAPH.INVALID_RESPONSE',
  'CHECKS.UNAVAILABLE',
  'LEDGER.UNAVAILABLE',
  'CONFIG.INVALID',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppErrorOptions {
  /** A transient failure: the relay should try again later. */
  readonly retryable?: boolean;
  /** Seconds the caller should wait before trying again (retryable errors only). */
  readonly retryAfterSeconds?: number;
  /** Extra, non-secret facts for the answer and the log (claim names, Graph error codes). */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
  readonly cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | undefined;
  readonly details: Readonly<Record<string, string | number | boolean>>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.details = options.details ?? {};
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** A short, secret-free description of any thrown value, for logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return typeof error === 'string' ? error : 'non-error value thrown';
}

/** Any thrown value as an AppError: an unexpected one becomes INTERNAL, its cause kept for the log. */
export function asAppError(thrown: unknown): AppError {
  return isAppError(thrown) ? thrown : new AppError('INTERNAL', 'entitlement-guard failed unexpectedly.', { cause: thrown });
}

/** What a failure's log line says of the error itself: its code first, never a token. */
export function errorFields(error: AppError) {
  return {
    code: error.code,
    message: error.message,
    retryable: error.retryable,
    details: error.details,
    cause: error.cause === undefined ? undefined : describeError(error.cause),
  };
}
