import { graphError, isObject, type GraphReply } from './graph-errors.js';
import { derivesFrom, enumMembers, graphType, type GraphVersion } from './graph-types.js';

/**
 * Checks a JSON object against Graph's published types (graph-types.ts): every property must be
 * one of its type's, nested objects by their `@odata.type` or the property's declared type, and
 * enum values members of their enum. Values of the wrong JSON kind are left to the emulator's own
 * rules. An object whose type the index does not describe (an entity type outside its list) is
 * not looked into.
 */
export interface SchemaFinding {
  /** unknown property; value not a member of its enum; `@odata.type` unknown, or not derived from the declared type. */
  readonly kind: 'property' | 'enum' | 'type';
  /** Where, from the checked object: `callbackConfiguration.timeoutDuration`, `stages[0]`. */
  readonly path: string;
  /** The type the property was looked for on; the enum; the declared type. */
  readonly type: string;
  /** The property; the value; the `@odata.type` named. */
  readonly name: string;
}

/** OData annotations (`@odata.type`, `@odata.context`, `manager@odata.bind`…) are not properties. */
const isAnnotation = (key: string): boolean => key.includes('@');
const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

/** The type an object is: its `@odata.type` when it names one (`#` optional), else the declared type. */
function typeOf(version: GraphVersion, value: Record<string, unknown>, declared: string, path: string, out: SchemaFinding[]): string | undefined {
  const named = value['@odata.type'];
  if (typeof named !== 'string') return graphType(version, declared) === undefined ? undefined : declared;
  const name = named.replace(/^#/, '');
  if (graphType(version, name) === undefined) {
    // An entity type the index does not describe may well exist; a complex type the index lacks does not.
    if (graphType(version, declared) !== undefined) out.push({ kind: 'type', path, type: declared, name });
    return undefined;
  }
  if (!derivesFrom(version, name, declared)) out.push({ kind: 'type', path, type: declared, name });
  return name;
}

function checkValue(version: GraphVersion, value: unknown, kind: string, path: string, out: SchemaFinding[]): void {
  if (kind.endsWith('[]')) {
    if (Array.isArray(value)) value.forEach((item, i) => { checkValue(version, item, kind.slice(0, -2), `${path}[${i}]`, out); });
    return;
  }
  if (kind.startsWith('enum:') && typeof value === 'string') {
    const name = kind.slice(5);
    const members = (enumMembers(version, name) ?? []).map((m) => m.toLowerCase());
    // Enum values are compared without case, as the emulator compares stages (Entra's callouts spell them in Pascal case).
    const outside = value.split(',').map((v) => v.trim()).find((v) => !members.includes(v.toLowerCase()));
    if (outside !== undefined) out.push({ kind: 'enum', path, type: name, name: outside });
    return;
  }
  if (kind.startsWith('object:') && isObject(value)) checkObject(version, value, kind.slice(7), path, out);
}

function checkObject(version: GraphVersion, value: Record<string, unknown>, declared: string, path: string, out: SchemaFinding[]): void {
  const name = typeOf(version, value, declared, path, out);
  const type = name === undefined ? undefined : graphType(version, name);
  if (name === undefined || type === undefined) return;
  for (const [key, item] of Object.entries(value)) {
    if (isAnnotation(key)) continue;
    const kind = type.properties[key];
    if (kind === undefined) out.push({ kind: 'property', path: join(path, key), type: name, name: key });
    else checkValue(version, item, kind, join(path, key), out);
  }
}

/** Every finding in `value`, read as `declared` (or what its `@odata.type` names). */
export function schemaFindings(version: GraphVersion, value: unknown, declared: string): SchemaFinding[] {
  const out: SchemaFinding[] = [];
  if (isObject(value)) checkObject(version, value, declared, '', out);
  return out;
}

/** Graph's refusal of an unknown property, word for word. */
export function unknownPropertyError(property: string, type: string): GraphReply {
  return graphError(400, 'BadRequest', `The property '${property}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
}

/**
 * What Graph refuses first in a body of `declared`: a property its type does not have, or a value
 * its enum does not have (Graph's wording for that one is not documented; this is the emulator's).
 * A type it cannot resolve is left to the emulator's own rules, which name the types they take.
 */
export function schemaRefusal(version: GraphVersion, body: unknown, declared: string): GraphReply | undefined {
  const found = schemaFindings(version, body, declared).find((f) => f.kind !== 'type');
  if (found === undefined) return undefined;
  if (found.kind === 'property') return unknownPropertyError(found.name, found.type);
  return graphError(400, 'BadRequest', `The value '${found.name}' of ${found.path} is not a member of the enum type '${found.type}'.`);
}
