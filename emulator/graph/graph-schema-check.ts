import { graphError, isObject, type GraphReply } from './graph-errors.js';
import { emulatorTypes, type GraphTypeModel, type GraphVersion } from './graph-types.js';

/**
 * Checks a JSON object against Graph's published types (graph-types.ts): every property must be
 * one of its type's, nested objects by their `@odata.type` or the property's declared type, and
 * enum values members of their enum. An `@odata.type` must name a type the model knows, derived
 * from the declared type (or that type). Values of the wrong JSON kind are left to the emulator's
 * own rules. An object whose type the index does not describe (an entity type outside its list,
 * named under a declared type the index does not describe either) is not looked into.
 */
export interface SchemaFinding {
  /**
   * unknown property; value not a member of its enum; `@odata.type` naming a type that does not
   * derive from the declared type; `@odata.type` naming a type the model does not know.
   */
  readonly kind: 'property' | 'enum' | 'type' | 'unresolved';
  /** Where, from the checked object: `callbackConfiguration.timeoutDuration`, `stages[0]`. */
  readonly path: string;
  /** The type the property was looked for on; the enum; the declared type. */
  readonly type: string;
  /** The property; the value; the `@odata.type` named (without `#`). */
  readonly name: string;
}

/** OData annotations (`@odata.type`, `@odata.context`, `manager@odata.bind`…) are not properties. */
const isAnnotation = (key: string): boolean => key.includes('@');
const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

/** The type an object is: its `@odata.type` when it names one (`#` optional), else the declared type. */
function typeOf(model: GraphTypeModel, value: Record<string, unknown>, declared: string, path: string, out: SchemaFinding[]): string | undefined {
  const named = value['@odata.type'];
  if (typeof named !== 'string') return model.type(declared) === undefined ? undefined : declared;
  const name = named.replace(/^#/, '');
  if (model.type(name) === undefined) {
    // Under a declared type the model knows, the types that can stand there are known too (its
    // derived complex types, the entity types the index lists): a name it lacks is not Graph's.
    // An entity type outside the index may well exist where the declared type is unknown too.
    if (model.type(declared) !== undefined) out.push({ kind: 'unresolved', path, type: declared, name });
    return undefined;
  }
  if (!model.derivesFrom(name, declared)) out.push({ kind: 'type', path, type: declared, name });
  return name;
}

function checkValue(model: GraphTypeModel, value: unknown, kind: string, path: string, out: SchemaFinding[]): void {
  if (kind.endsWith('[]')) {
    if (Array.isArray(value)) value.forEach((item, i) => { checkValue(model, item, kind.slice(0, -2), `${path}[${i}]`, out); });
    return;
  }
  if (kind.startsWith('enum:') && typeof value === 'string') {
    const name = kind.slice(5);
    const members = (model.enumMembers(name) ?? []).map((m) => m.toLowerCase());
    // Enum values are compared without case, as the emulator compares stages (Entra's callouts spell them in Pascal case).
    const outside = value.split(',').map((v) => v.trim()).find((v) => !members.includes(v.toLowerCase()));
    if (outside !== undefined) out.push({ kind: 'enum', path, type: name, name: outside });
    return;
  }
  if (kind.startsWith('object:') && isObject(value)) checkObject(model, value, kind.slice(7), path, out);
}

function checkObject(model: GraphTypeModel, value: Record<string, unknown>, declared: string, path: string, out: SchemaFinding[]): void {
  const name = typeOf(model, value, declared, path, out);
  const type = name === undefined ? undefined : model.type(name);
  if (name === undefined || type === undefined) return;
  for (const [key, item] of Object.entries(value)) {
    if (isAnnotation(key)) continue;
    const kind = type.properties[key];
    if (kind === undefined) out.push({ kind: 'property', path: join(path, key), type: name, name: key });
    else checkValue(model, item, kind, join(path, key), out);
  }
}

/**
 * Every finding in `value`, read as `declared` (or what its `@odata.type` names), against the
 * emulator's types of `version` unless another model is given (the published types alone, say).
 */
export function schemaFindings(version: GraphVersion, value: unknown, declared: string, model: GraphTypeModel = emulatorTypes(version)): SchemaFinding[] {
  const out: SchemaFinding[] = [];
  if (isObject(value)) checkObject(model, value, declared, '', out);
  return out;
}

/** Graph's refusal of an unknown property, word for word. */
export function unknownPropertyError(property: string, type: string): GraphReply {
  return graphError(400, 'BadRequest', `The property '${property}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
}

/**
 * OData's refusals of a type name (Microsoft.OData.Core's ValidationUtils_UnrecognizedTypeName,
 * ValidationUtils_ResourceTypeNotAssignableToExpectedType for an entity type and
 * ValidationUtils_IncompatibleType for a complex type), word for word.
 */
export function unresolvedTypeError(name: string): GraphReply {
  return graphError(400, 'BadRequest', `A type named '${name}' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.`);
}

/** A declared type the index does not describe is an entity type (the complex types a property reaches are all there). */
export function notAssignableError(model: GraphTypeModel, name: string, declared: string): GraphReply {
  const entity = model.type(declared) === undefined || model.derivesFrom(declared, 'microsoft.graph.entity');
  return graphError(400, 'BadRequest', entity
    ? `A resource with type '${name}' was found, but it is not assignable to the expected type '${declared}'. The type specified in the resource must be equal to either the expected type or a derived type.`
    : `A value was encountered that has a type name that is incompatible with the metadata. The value specified its type as '${name}', but the type specified in the metadata is '${declared}'.`);
}

/**
 * What Graph refuses first in a body of `declared`: an `@odata.type` it cannot resolve or that
 * does not derive from the type declared where it stands (OData's wording), a property its type
 * does not have, or a value its enum does not have (Graph's wording for that one is not
 * documented; this is the emulator's). `model`: the emulator's types of `version` unless given.
 */
export function schemaRefusal(version: GraphVersion, body: unknown, declared: string, model: GraphTypeModel = emulatorTypes(version)): GraphReply | undefined {
  const found = schemaFindings(version, body, declared, model)[0];
  if (found === undefined) return undefined;
  if (found.kind === 'unresolved') return unresolvedTypeError(found.name);
  if (found.kind === 'type') return notAssignableError(model, found.name, found.type);
  if (found.kind === 'property') return unknownPropertyError(found.name, found.type);
  return graphError(400, 'BadRequest', `The value '${found.name}' of ${found.path} is not a member of the enum type '${found.type}'.`);
}
