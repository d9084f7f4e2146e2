import { graphError, GUID, type GraphReply } from './graph-errors.js';

/** Graph's refusal of a $filter the emulator does not serve, naming the expression and what it does serve. */
function unsupported(expression: string, properties: readonly string[]): GraphReply {
  const served = properties.length === 0 ? 'no $filter here' : `${properties.map((p) => `${p} eq '{id}'`).join(', ')} here, clauses joined by and`;
  return graphError(400, 'Request_UnsupportedQuery', `Unsupported $filter expression '${expression}': the tenant emulator serves ${served}.`);
}

/**
 * A `$filter` of the one form the governance reads use: clauses `path eq 'guid'` joined by
 * ` and `, each path one of `properties` (the path and `eq` matched without case), each at most
 * once, the literal a GUID in single quotes. Returns the GUIDs (lower-cased) by property as
 * `properties` spells it (none without a $filter), or Request_UnsupportedQuery naming the part
 * that is not of that form.
 */
export function parseEqFilter(text: string | undefined, properties: readonly string[]): ReadonlyMap<string, string> | GraphReply {
  const found = new Map<string, string>();
  if (text === undefined) return found;
  if (text.trim() === '') return unsupported(text, properties);
  for (const clause of text.trim().split(/\s+and\s+/i)) {
    const match = /^([A-Za-z]+(?:\/[A-Za-z]+)?)\s+eq\s+'([^']*)'$/i.exec(clause.trim());
    const property = properties.find((p) => p.toLowerCase() === match?.[1]?.toLowerCase());
    const value = match?.[2] ?? '';
    if (property === undefined || !GUID.test(value) || found.has(property)) return unsupported(clause.trim(), properties);
    found.set(property, value.toLowerCase());
  }
  return found;
}
