import { createHash } from 'node:crypto';
import type { Node } from 'web-tree-sitter';
import { hasVariable, named, param, variable } from './bicep-query.js';
import type { BicepFile } from './bicep-tree.js';

/**
 * Evaluates the small part of Bicep that names, settings and conditions are written in: literals,
 * interpolation, params and vars of the same file, member and index access, ternaries, boolean and
 * comparison operators, and a handful of functions. Anything else throws, so a test never passes
 * on a guess. Deployment functions return fixed, recognisable values (see DEPLOYMENT).
 */

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

const FUNCTIONS: Record<string, (...args: Value[]) => Value> = {
  subscription: () => ({ subscriptionId: DEPLOYMENT.subscriptionId, id: `/subscriptions/${DEPLOYMENT.subscriptionId}` }),
  tenant: () => ({ tenantId: DEPLOYMENT.tenantId }),
  resourceGroup: () => ({ name: DEPLOYMENT.resourceGroup }),
  environment: () => environment,
  // uniqueString always yields 13 characters; the content does not matter here.
  uniqueString: () => 'u'.repeat(13),
  toLower: (s) => str(s).toLowerCase(),
  take: (s, n) => str(s).slice(0, n as number),
  length: (v) => (typeof v === 'string' || Array.isArray(v) ? v.length : Object.keys(v as object).length),
  empty: (v) => v === null || v === '' || (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && Object.keys(v).length === 0),
  substring: (s, start, count) => str(s).slice(start as number, (start as number) + (count as number)),
  split: (s, sep) => str(s).split(str(sep)),
  string: (v) => (typeof v === 'string' ? v : JSON.stringify(v)),
  union: (...objects) => Object.assign({}, ...(objects as object[])) as Value,
  // Deterministic like Bicep's guid(): the same arguments give the same id.
  guid: (...parts) => {
    const hex = createHash('sha256').update(parts.map(text).join('|')).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  },
};

export interface Scope {
  /** Values of the file's params; a param not given takes its default. */
  readonly params?: Readonly<Record<string, Value>>;
}

export function evaluate(file: BicepFile, node: Node, scope: Scope = {}): Value {
  const ev = (n: Node): Value => evaluate(file, n, scope);
  switch (node.type) {
    case 'string':
      return named(node)
        .map((part) => {
          if (part.type === 'string_content') return part.text;
          if (part.type === 'escape_sequence') return part.text === "\\'" ? "'" : JSON.parse(`"${part.text}"`) as string;
          if (part.type === 'interpolation') return text(ev(named(part)[0] as Node));
          throw new Error(`unexpected ${part.type} in a string`);
        })
        .join('');
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
        named(node).filter((p) => p.type === 'object_property').map((p) => {
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
      const fn = FUNCTIONS[name];
      if (fn === undefined) throw new Error(`${file.path}: the test evaluator has no function ${name}()`);
      const args = node.childForFieldName('arguments');
      return fn(...(args === null ? [] : named(args)).map(ev));
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
  const declared = param(file, name);
  if (declared.defaultValue === undefined) throw new Error(`${file.path}: param ${name} has no default and no value was given`);
  return evaluate(file, declared.defaultValue, scope);
}

/** A var of the file, evaluated. */
export function evalVar(file: BicepFile, name: string, scope: Scope = {}): Value {
  return evaluate(file, variable(file, name), scope);
}

/** An expression that must evaluate to a string. */
export function evalString(file: BicepFile, node: Node, scope: Scope = {}): string {
  return str(evaluate(file, node, scope));
}
