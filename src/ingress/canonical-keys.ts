import { asciiLower } from '../ascii.js';
import { AppError } from '../errors.js';
import { duplicateKeyError } from './duplicate-keys.js';

/** A JSON tree whose object keys are all lower case. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Deepest nesting accepted; Entra's callouts nest four levels. */
export const MAX_DEPTH = 16;
const DROPPED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function invalid(message: string): AppError {
  return new AppError('CALLOUT.INVALID_BODY', message);
}

/**
 * Copies a parsed body with every key lower-cased (`A`–`Z` only, see ascii.ts), so that PascalCase
 * (the wire), camelCase (the Graph docs) and any mix read the same. Keys that could reach an
 * object's prototype are dropped, one object may not give a key twice in any casing (whatever the
 * values: parseJsonBody refuses it first, from the text; this holds for any parsed value), and
 * nesting is bounded.
 */
export function lowerCaseKeys(value: unknown): JsonValue {
  return copy(value, []);
}

function copy(value: unknown, path: readonly (string | number)[]): JsonValue {
  if (path.length > MAX_DEPTH) throw invalid(`The callout body nests deeper than ${MAX_DEPTH} levels.`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) return value.map((item, i) => copy(item, [...path, i]));
  if (typeof value !== 'object') throw invalid('The callout body holds a value JSON cannot express.');
  const out: JsonObject = {};
  const seen = new Map<string, string>();
  for (const [key, child] of Object.entries(value)) {
    const lower = asciiLower(key);
    const first = seen.get(lower);
    if (first !== undefined) {
      throw duplicateKeyError({ key: first, again: key, path });
    }
    seen.set(lower, key);
    if (DROPPED_KEYS.has(lower)) continue;
    out[lower] = copy(child, [...path, key]);
  }
  return out;
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
