import type { Node } from 'web-tree-sitter';
import type { BicepFile } from './bicep-tree.js';

/** Finds declarations and properties in a Bicep syntax tree, by name rather than by text. */

/** Named children without comments (the parser keeps comments as nodes wherever they stand). */
export function named(node: Node): Node[] {
  return node.namedChildren.filter((c) => c.type !== 'comment');
}

function nameOf(declaration: Node): string {
  const id = named(declaration).find((c) => c.type === 'identifier');
  if (id === undefined) throw new Error(`a ${declaration.type} without a name`);
  return id.text;
}

function declarations(file: BicepFile, type: string): Node[] {
  return named(file.root).filter((n) => n.type === type);
}

function one(file: BicepFile, type: string, name: string): Node {
  const found = declarations(file, type).find((d) => nameOf(d) === name);
  if (found === undefined) throw new Error(`${file.path}: no ${type.replace('_declaration', '')} named ${name}`);
  return found;
}

/** The expression a declaration ends with (a var's value, an output's value, a param's default). */
function trailingExpression(declaration: Node): Node | undefined {
  const children = named(declaration);
  const last = children.at(-1);
  // The declaration's own name is its first identifier; a later one is a value (`output x string = y`).
  return last === undefined || last === children.find((c) => c.type === 'identifier') || last.type === 'type' ? undefined : last;
}

export function variable(file: BicepFile, name: string): Node {
  const value = trailingExpression(one(file, 'variable_declaration', name));
  if (value === undefined) throw new Error(`${file.path}: var ${name} has no value`);
  return value;
}

export function hasVariable(file: BicepFile, name: string): boolean {
  return declarations(file, 'variable_declaration').some((d) => nameOf(d) === name);
}

export interface Param {
  readonly name: string;
  readonly type: string;
  readonly defaultValue: Node | undefined;
  /** Decorator name → its argument nodes, e.g. maxLength → [24]. */
  readonly decorators: ReadonlyMap<string, readonly Node[]>;
}

function decoratorsBefore(declaration: Node): Map<string, Node[]> {
  const result = new Map<string, Node[]>();
  let previous = declaration.previousNamedSibling;
  while (previous?.type === 'comment') previous = previous.previousNamedSibling;
  if (previous?.type !== 'decorators') return result;
  for (const decorator of named(previous)) {
    const call = named(decorator)[0];
    const fn = call?.childForFieldName('function')?.text;
    const argList = call?.childForFieldName('arguments');
    const args = argList === null || argList === undefined ? [] : named(argList);
    if (fn !== undefined) result.set(fn, args);
  }
  return result;
}

export function params(file: BicepFile): Param[] {
  return declarations(file, 'parameter_declaration').map((d) => ({
    name: nameOf(d),
    type: named(d).find((c) => c.type === 'type')?.text ?? '',
    defaultValue: trailingExpression(d),
    decorators: decoratorsBefore(d),
  }));
}

export function param(file: BicepFile, name: string): Param {
  const found = params(file).find((p) => p.name === name);
  if (found === undefined) throw new Error(`${file.path}: no param named ${name}`);
  return found;
}

export function outputs(file: BicepFile): Map<string, Node> {
  return new Map(declarations(file, 'output_declaration').map((d) => [nameOf(d), trailingExpression(d) as Node]));
}

export interface Declared {
  readonly symbol: string;
  /** Resource type with API version, or a module's path; a nested resource's is relative to its parent's (`tables`). */
  readonly target: string;
  readonly body: Node;
  readonly condition: Node | undefined;
  readonly loop: Node | undefined;
  /** `resource x '…' existing = {…}`: a reference to a resource deployed elsewhere. */
  readonly existing: boolean;
  /** The declaration itself, for positions. */
  readonly node: Node;
}

function declared(d: Node): Declared {
  const target = named(d).find((c) => c.type === 'string')?.text.slice(1, -1) ?? '';
  const last = named(d).at(-1) as Node;
  const common = { symbol: nameOf(d), target, existing: d.children.some((c) => c.type === 'existing'), node: d };
  if (last.type === 'if_statement') {
    return { ...common, body: named(last).at(-1) as Node, condition: named(last)[0], loop: undefined };
  }
  if (last.type === 'for_statement') {
    return { ...common, body: last.childForFieldName('body') as Node, condition: undefined, loop: last };
  }
  return { ...common, body: last, condition: undefined, loop: undefined };
}

export function resources(file: BicepFile): Declared[] {
  return declarations(file, 'resource_declaration').map(declared);
}

export function resource(file: BicepFile, symbol: string): Declared {
  return declared(one(file, 'resource_declaration', symbol));
}

/** Resources declared inside a resource's body (`resource tables 'tableServices' = {…}`). */
export function nestedResources(body: Node): Declared[] {
  if (body.type !== 'object') return [];
  return named(body)
    .filter((c) => c.type === 'object_property')
    .map((c) => named(c)[0])
    .filter((c): c is Node => c?.type === 'resource_declaration')
    .map(declared);
}

export function modules(file: BicepFile): Declared[] {
  return declarations(file, 'module_declaration').map(declared);
}

export function moduleDeclaration(file: BicepFile, symbol: string): Declared {
  return declared(one(file, 'module_declaration', symbol));
}

function keyOf(property: Node): string {
  const key = named(property)[0] as Node;
  return key.type === 'string' ? key.text.slice(1, -1) : key.text;
}

function isProperty(c: Node): boolean {
  return c.type === 'object_property' && named(c)[0]?.type !== 'resource_declaration';
}

/** The keys of an object literal, in order (nested resource declarations are not keys). */
export function keys(object: Node): string[] {
  return named(object).filter(isProperty).map(keyOf);
}

/** The properties of an object literal: key and value node, in order. */
export function entries(object: Node): [string, Node][] {
  return named(object).filter(isProperty).map((p) => [keyOf(p), named(p).at(-1) as Node]);
}

/** A property's value by dotted path (`properties.siteConfig.minTlsVersion`), through any(...). */
export function prop(object: Node, path: string): Node | undefined {
  let current: Node | undefined = object;
  for (const key of path.split('.')) {
    current = current === undefined ? undefined : unwrapAny(current);
    if (current?.type !== 'object') return undefined;
    const property: Node | undefined = named(current).find((c) => isProperty(c) && keyOf(c) === key);
    current = property === undefined ? undefined : named(property).at(-1);
  }
  return current === undefined ? undefined : unwrapAny(current);
}

export function requireProp(object: Node, path: string): Node {
  const value = prop(object, path);
  if (value === undefined) throw new Error(`no property ${path} in ${object.text.slice(0, 80)}…`);
  return value;
}

/** `any(x)` is x: a type escape hatch, not a change of value. */
export function unwrapAny(node: Node): Node {
  if (node.type !== 'call_expression' || node.childForFieldName('function')?.text !== 'any') return node;
  const args = node.childForFieldName('arguments');
  return (args === null ? undefined : named(args)[0]) ?? node;
}

/**
 * What a file's `extension` statements name: a bicepconfig.json alias, or a registry reference
 * written inline (`extension 'br:…'`, unquoted here). The parser does not know them: read from the text.
 */
export function extensionAliases(file: BicepFile): string[] {
  return [...file.text.matchAll(/^[ \t]*extension[ \t]+(\w+|'[^'\r\n]+')/gm)].map((m) => (m[1] ?? '').replace(/^'(.*)'$/, '$1'));
}

/** Text with runs of whitespace collapsed, for comparing short expressions. */
export function squeeze(node: Node): string {
  return node.text.replace(/\s+/g, ' ').trim();
}
