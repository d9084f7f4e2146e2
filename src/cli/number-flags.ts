import { UsageError } from './command-line.js';

/** A flag's (or setting's) whole number from 1 to `max`; else a UsageError naming it. */
export function positiveInteger(value: string, flag: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isSafeInteger(n) && n >= 1 && n <= max) return n;
  const range = max === Number.MAX_SAFE_INTEGER ? 'a whole number of at least 1' : `a whole number from 1 to ${String(max)}`;
  throw new UsageError(`${flag} must be ${range}, not "${value}"`);
}

/** A flag's rate: a number from 0 to 1 (0.1 is one in ten); else a UsageError naming it. */
export function rate(value: string, flag: string): number {
  const n = value.trim() === '' ? Number.NaN : Number(value);
  if (Number.isFinite(n) && n >= 0 && n <= 1) return n;
  throw new UsageError(`${flag} must be a rate from 0 to 1 (0.1 is one in ten), not "${value}"`);
}
