import { UsageError } from './command-line.js';

/**
 * A flag's (or setting's) whole number from `min` (default 1) to `max`; else a UsageError naming
 * it, the range and `why` (a clause after the range, when the bound needs a reason).
 */
export function wholeNumber(value: string, flag: string, { min = 1, max = Number.MAX_SAFE_INTEGER, why = '' }: { readonly min?: number; readonly max?: number; readonly why?: string } = {}): number {
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isSafeInteger(n) && n >= min && n <= max) return n;
  const range = max === Number.MAX_SAFE_INTEGER ? `a whole number of at least ${String(min)}` : `a whole number from ${String(min)} to ${String(max)}`;
  throw new UsageError(`${flag} must be ${range}${why}, not "${value}"`);
}

/** A flag's (or setting's) whole number from 1 to `max`; else a UsageError naming it. */
export function positiveInteger(value: string, flag: string, max = Number.MAX_SAFE_INTEGER): number {
  return wholeNumber(value, flag, { max });
}

/** A flag's rate: a number from 0 to 1 (0.1 is one in ten); else a UsageError naming it. */
export function rate(value: string, flag: string): number {
  const n = value.trim() === '' ? Number.NaN : Number(value);
  if (Number.isFinite(n) && n >= 0 && n <= 1) return n;
  throw new UsageError(`${flag} must be a rate from 0 to 1 (0.1 is one in ten), not "${value}"`);
}
