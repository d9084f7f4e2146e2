import { createHash } from 'node:crypto';
import type { Node } from 'web-tree-sitter';
import { hasVariable, named, param, prop, requireProp, resources, variable } from './bicep-query.js';
import type { BicepFile } from './bicep-tree.js';

/**
 * Evaluates the small part of Bicep that names, settings and conditions are written in: literals,
 * interpolation, params and vars of the same file, member and index access, ternaries, boolean and
 * comparison operators, a handful of functions, and map()/filter() with a lambda. Anything else
 * throws, so a test never passes on a guess. Deployment functions return fixed, recognisable values
 * (see DEPLOYMENT); a resource symbol of the same file gives its id, name and type, and its runtime
 * properties (or a module's outputs) only when the test states them (Scope.runtime).
 */

/** A fail() the evaluation reached: the deployment would stop with this message. */
export class BicepFail extends Error {
  override readonly name = 'BicepFail';
}

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

export const DEPLOYMENT = {
  subscriptionId: '11111111-1111-4111-8111-111111111111',
  tenantId: '22222222-2222-4222-8222-222222222222',
  resourceGroup: 'rg-test',
} as const;

const environment: Value = {
  resourceManager: 'https://management.azure.com/',
  authentication: { loginEndpoint: 'https://login.microsoftonline.com/' },
};

function text(v: Value): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Error(`cannot interpolate ${JSON.stringify(v)}`);
}

function str(v: Value): string {
  if (typeof v !== 'string') throw new Error(`expected a string, got ${JSON.stringify(v)}`);
  return v;
}

function list(v: Value): Value[] {
  if (!Array.isArray(v)) throw new Error(`expected an array, got ${JSON.stringify(v)}`);
  return v;
}

const FUNCTIONS: Record<string, (...args: Value[]) => Value> = {
  subscription: () => ({ subscriptionId: DEPLOYMENT.subscriptionId, id: `/subscriptions/${DEPLOYMENT.subscriptionId}` }),
  tenant: () => ({ tenantId: DEPLOYMENT.tenantId }),
  resourceGroup: () => ({ name: DEPLOYMENT.resourceGroup, id: `/subscriptions/${DEPLOYMENT.subscriptionId}/resourceGroups/${DEPLOYMENT.resourceGroup}` }),
  environment: () => environment,
  // uniqueString always yields 13 characters; the content does not matter here.
  uniqueString: () => 'u'.repeat(13),
  toLower: (s) => str(s).toLowerCase(),
  take: (s, n) => str(s).slice(0, n as number),
  length: (v) => (typeof v === 'string' || Array.isArray(v) ? v.length : Object.keys(v as object).length),
  empty: (v) => v === null || v === '' || (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && Object.keys(v).length === 0),
  substring: (s, start, count) => str(s).slice(start as number, (start as number) + (count as number)),
  split: (s, sep) => str(s).split(str(sep)),
  trim: (s) => str(s).trim(),
  join: (items, sep) => list(items).map(text).join(str(sep)),
  concat: (...arrays) => arrays.flatMap(list),
  range: (start, count) => Array.from({ length: count as number }, (_, i) => (start as number) + i),
  string: (v) => (typeof v === 'string' ? v : JSON.stringify(v)),
  union: (...objects) => Object.assign({}, ...(objects as object[])) as Value,
  // Bicep's fail(): the deployment stops with the message (reached only on the branch taken).
  fail: (message) => {
    throw new BicepFail(str(message));
  },
  // Deterministic like Bicep's guid(): the same arguments give the same id.
  guid: (...parts) => {
    const hex = createHash('sha256').update(parts.map(text).join('|')).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  },
};

export interface Scope {
  /** Values of the file's params; a param not given takes its default. */
  readonly params?: Readonly<Record<string, Value>>;
  /**
   * What only the deployment knows, stated by the test: a resource symbol's runtime properties
   * (merged over its id, name and type) or a module symbol's value (`{ outputs: {…} }`).
   */
  readonly runtime?: Readonly<Record<string, Value>>;
}

/** The lambdas map() and filter() take: the array first, then `x => …` (one variable). */
const LAMBDA_FUNCTIONS: Readonly<Record<string, (items: Value[], apply: (item: Value) => Value) => Value>> = {
  map: (items, apply) => items.map(apply),
  filter: (items, apply) => items.filter((item) => apply(item) === true),
};

function lambdaCall(file: BicepFile, name: string, args: Node[], scope: Scope): Value {
  const [arrayArg, lambda] = args;
  const fn = LAMBDA_FUNCTIONS[name];
  if (fn === undefined || arrayArg === undefined || lambda?.type !== 'lambda_expression' || args.length !== 2) {
    throw new Error(`${file.path}: the test evaluator takes ${name}() only as ${name}(array, x => …)`);
  }
  const [variable, body] = named(lambda);
  if (variable?.type !== 'identifier' || body === undefined) throw new Error(`${file.path}: the test evaluator takes one-variable lambdas only: ${lambda.text}`);
  // The lambda's variable hides a param or var of the same name, as in Bicep.
  const apply = (item: Value) => evaluate(file, body, { ...scope, params: { ...scope.params, [variable.text]: item } });
  return fn(list(evaluate(file, arrayArg, scope)), apply);
}

/**
 * A string literal's value. '''…''' is verbatim (no escapes, no interpolation; a line break right
 * after the opening quotes is dropped). Otherwise the parts are joined, and so is whatever the parser
 * leaves between them: after a `#` it gives the next space to the interpolation's span, and it has no
 * node for the escape `\$`.
 */
function stringValue(node: Node, interpolate: (expression: Node) => string): string {
  if (node.text.startsWith("'''")) return node.text.slice(3, -3).replace(/^\r?\n/, '');
  const raw = (from: number, to: number) => node.text.slice(from - node.startIndex, to - node.startIndex).replaceAll('\\$', '$');
  let value = '';
  let at = node.startIndex + 1; // after the opening quote
  for (const part of named(node)) {
    value += raw(at, part.startIndex);
    if (part.type === 'string_content') value += part.text;
    else if (part.type === 'escape_sequence') value += part.text === "\\'" ? "'" : JSON.parse(`"${part.text}"`) as string;
    else if (part.type === 'interpolation') value += raw(part.startIndex, part.startIndex + part.text.indexOf('${')) + interpolate(named(part)[0] as Node);
    else throw new Error(`unexpected ${part.type} in a string`);
    at = part.endIndex;
  }
  return value + raw(at, node.endIndex - 1);
}

export function evaluate(file: BicepFile, node: Node, scope: Scope = {}): Value {
  const ev = (n: Node): Value => evaluate(file, n, scope);
  switch (node.type) {
    case 'string':
      return stringValue(node, (n) => text(ev(n)));
    case 'number':
      return Number(node.text);
    case 'boolean':
      return node.text === 'true';
    case 'null':
      return null;
    case 'parenthesized_expression':
      return ev(named(node)[0] as Node);
    case 'array':
      return named(node).map(ev);
    case 'object':
      return Object.fromEntries(
        named(node).filter((p) => p.type === 'object_property' && named(p)[0]?.type !== 'resource_declaration').map((p) => {
          const key = named(p)[0] as Node;
          return [key.type === 'string' ? str(ev(key)) : key.text, ev(named(p).at(-1) as Node)];
        }),
      );
    case 'identifier':
      return identifier(file, node.text, scope);
    case 'member_expression': {
      const object = ev(node.childForFieldName('object') as Node);
      const safe = node.children.some((c) => c.type === '.?');
      if (object === null && safe) return null;
      if (object === null || typeof object !== 'object' || Array.isArray(object)) throw new Error(`no members on ${node.text}`);
      return object[node.childForFieldName('property')?.text ?? ''] ?? null;
    }
    case 'subscript_expression': {
      const object = ev(node.childForFieldName('object') as Node);
      const index = ev(node.childForFieldName('index') as Node);
      if (Array.isArray(object) && typeof index === 'number') return object[index] ?? null;
      if (object !== null && typeof object === 'object' && !Array.isArray(object) && typeof index === 'string') return object[index] ?? null;
      throw new Error(`cannot index ${node.text}`);
    }
    case 'call_expression': {
      const name = node.childForFieldName('function')?.text ?? '';
      const args = node.childForFieldName('arguments');
      const argNodes = args === null ? [] : named(args);
      if (LAMBDA_FUNCTIONS[name] !== undefined) return lambdaCall(file, name, argNodes, scope);
      const fn = FUNCTIONS[name];
      if (fn === undefined) throw new Error(`${file.path}: the test evaluator has no function ${name}()`);
      return fn(...argNodes.map(ev));
    }
    case 'ternary_expression':
      return ev(node.childForFieldName('condition') as Node) === true
        ? ev(node.childForFieldName('consequence') as Node)
        : ev(node.childForFieldName('alternative') as Node);
    case 'unary_expression': {
      const operator = node.children[0]?.type;
      const argument = ev(node.childForFieldName('argument') as Node);
      if (operator === '!') return argument !== true;
      if (operator === '-') return -(argument as number);
      throw new Error(`unexpected operator ${String(operator)}`);
    }
    case 'binary_expression':
      return binary(file, node, scope);
    default:
      throw new Error(`${file.path}: the test evaluator does not handle ${node.type}: ${node.text.slice(0, 60)}`);
  }
}

function binary(file: BicepFile, node: Node, scope: Scope): Value {
  const left = evaluate(file, node.childForFieldName('left') as Node, scope);
  const operator = node.children.find((c) => !c.isNamed)?.type;
  const right = () => evaluate(file, node.childForFieldName('right') as Node, scope);
  switch (operator) {
    case '&&': return left === true && right() === true;
    case '||': return left === true || right() === true;
    case '??': return left ?? right();
    case '==': return JSON.stringify(left) === JSON.stringify(right());
    case '!=': return JSON.stringify(left) !== JSON.stringify(right());
    case '<': return (left as number) < (right() as number);
    case '<=': return (left as number) <= (right() as number);
    case '>': return (left as number) > (right() as number);
    case '>=': return (left as number) >= (right() as number);
    case '+': return (left as number) + (right() as number);
    case '-': return (left as number) - (right() as number);
    default: throw new Error(`unexpected operator ${String(operator)} in ${node.text}`);
  }
}

function identifier(file: BicepFile, name: string, scope: Scope): Value {
  if (name === 'true' || name === 'false') return name === 'true';
  const given = scope.params?.[name];
  if (given !== undefined) return given;
  if (hasVariable(file, name)) return evaluate(file, variable(file, name), scope);
  const runtime = scope.runtime?.[name];
  const isResource = resources(file).some((r) => r.symbol === name);
  if (runtime !== undefined) return isResource ? { ...(resourceValue(file, name, scope) as Record<string, Value>), ...(runtime as Record<string, Value>) } : runtime;
  if (isResource) return resourceValue(file, name, scope);
  const declared = param(file, name);
  if (declared.defaultValue === undefined) throw new Error(`${file.path}: param ${name} has no default and no value was given`);
  return evaluate(file, declared.defaultValue, scope);
}

/**
 * A resource declared at the top of the file, as a reference: `{ id, name, type }`, the id built
 * the way Azure Resource Manager builds it (in the resource group DEPLOYMENT names, under its
 * `parent` when it has one). Its runtime properties are unknown here unless Scope.runtime states them.
 */
function resourceValue(file: BicepFile, symbol: string, scope: Scope): Value {
  const declared = resources(file).find((r) => r.symbol === symbol);
  if (declared === undefined || declared.loop !== undefined) throw new Error(`${file.path}: ${symbol} is not a single resource`);
  const type = declared.target.split('@')[0] ?? '';
  const name = str(evaluate(file, requireProp(declared.body, 'name'), scope));
  const parentNode = prop(declared.body, 'parent');
  if (parentNode !== undefined) {
    const parent = evaluate(file, parentNode, scope) as { id: string };
    return { id: `${parent.id}/${type.split('/').at(-1) ?? ''}/${name}`, name, type };
  }
  const group = `/subscriptions/${DEPLOYMENT.subscriptionId}/resourceGroups`;
  if (type === 'Microsoft.Resources/resourceGroups') return { id: `${group}/${name}`, name, type };
  const [namespace, ...types] = type.split('/');
  const names = name.split('/');
  if (names.length !== types.length) throw new Error(`${file.path}: ${symbol}'s name ${name} does not fit its type ${type}`);
  const path = types.map((t, i) => `${t}/${names[i] ?? ''}`).join('/');
  return { id: `${group}/${DEPLOYMENT.resourceGroup}/providers/${namespace ?? ''}/${path}`, name, type };
}

/** A var of the file, evaluated. */
export function evalVar(file: BicepFile, name: string, scope: Scope = {}): Value {
  return evaluate(file, variable(file, name), scope);
}

/** An expression that must evaluate to a string. */
export function evalString(file: BicepFile, node: Node, scope: Scope = {}): string {
  return str(evaluate(file, node, scope));
}
