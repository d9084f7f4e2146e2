import { graphError, GUID, type GraphReply } from './graph-errors.js';

/** Properties whose literal is one of a list (an enum's members) rather than a GUID, by property as `properties` spells it. */
export type FilterValues = Readonly<Record<string, readonly string[]>>;

/** Graph's refusal of a $filter the emulator does not serve, naming the expression and what it does serve. */
function unsupported(expression: string, properties: readonly string[], values: FilterValues): GraphReply {
  const literal = (p: string): string => (values[p] === undefined ? '{id}' : `{${values[p].join(' | ')}}`);
  const served = properties.length === 0 ? 'no $filter here' : `${properties.map((p) => `${p} eq '${literal(p)}'`).join(', ')} here, clauses joined by and`;
  return graphError(400, 'Request_UnsupportedQuery', `Unsupported $filter expression '${expression}': the tenant emulator serves ${served}.`);
}

/**
 * A `$filter` of the one form the governance reads use: clauses `path eq 'literal'` joined by
 * ` and `, each path one of `properties` (the path and `eq` matched without case), each at most
 * once, the literal in single quotes a GUID, or for a property of `values` one of its values
 * (matched without case). Returns the literals by property as `properties` spells it (none
 * without a $filter): GUIDs lower-cased, values as `values` spells them; or
 * Request_UnsupportedQuery naming the part that is not of that form.
 */
export function parseEqFilter(text: string | undefined, properties: readonly string[], values: FilterValues = {}): ReadonlyMap<string, string> | GraphReply {
  const found = new Map<string, string>();
  if (text === undefined) return found;
  if (text.trim() === '') return unsupported(text, properties, values);
  for (const clause of text.trim().split(/\s+and\s+/i)) {
    const match = /^([A-Za-z]+(?:\/[A-Za-z]+)?)\s+eq\s+'([^']*)'$/i.exec(clause.trim());
    const property = properties.find((p) => p.toLowerCase() === match?.[1]?.toLowerCase());
    const value = match?.[2] ?? '';
    const members = property === undefined ? undefined : values[property];
    const literal = members === undefined ? (GUID.test(value) ? value.toLowerCase() : undefined) : members.find((m) => m.toLowerCase() === value.toLowerCase());
    if (property === undefined || literal === undefined || found.has(property)) return unsupported(clause.trim(), properties, values);
    found.set(property, literal);
  }
  return found;
}
