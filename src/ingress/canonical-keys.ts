import { AppError } from '../errors.js';

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
 * Copies a parsed body with every key lower-cased, so that PascalCase (the wire), camelCase (the
 * Graph docs) and any mix read the same. Keys that could reach an object's prototype are dropped,
 * two keys that differ only in case must agree, and nesting is bounded.
 */
export function lowerCaseKeys(value: unknown, depth = 0): JsonValue {
  if (depth > MAX_DEPTH) throw invalid(`The callout body nests deeper than ${MAX_DEPTH} levels.`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) return value.map((item) => lowerCaseKeys(item, depth + 1));
  if (typeof value !== 'object') throw invalid('The callout body holds a value JSON cannot express.');
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    const lower = key.toLowerCase();
    if (DROPPED_KEYS.has(lower)) continue;
    const copy = lowerCaseKeys(child, depth + 1);
    if (Object.hasOwn(out, lower)) {
      if (JSON.stringify(out[lower]) !== JSON.stringify(copy)) {
        throw invalid(`The callout body has two different values for "${key}" in different casings.`);
      }
      continue;
    }
    out[lower] = copy;
  }
  return out;
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
