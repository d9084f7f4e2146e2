import type { Node } from 'web-tree-sitter';
import { typesFile, vendoredIndex, type Property, type Ref, type ResourceTypeNode, type TypeNode } from './azure-type-files.js';
import { evaluate } from './bicep-eval.js';
import { extensionAliases, hasVariable, named, nestedResources, params, resources, unwrapAny, variable, type Declared } from './bicep-query.js';
import { isDisabled } from './bicep-pragmas.js';
import type { BicepFile } from './bicep-tree.js';

/**
 * Checks resource declarations against the Azure resource type definitions the Bicep compiler
 * uses (vendored under test/infra/azure-types, see its README): the type@apiVersion exists, every
 * property written exists in that version and is not read-only, required properties are there,
 * and each value that can be known without deploying has the right kind (string, int, bool,
 * object, array) and keeps to the allowed literals, lengths, patterns and bounds. An expression
 * whose value is only known at deployment (a resource's runtime property, a loop variable) is
 * checked as far as its form tells, never guessed.
 */

const FLAG = { required: 1, readOnly: 2, identifier: 16 } as const;

/** Keys of a resource body that are Bicep's own, not the resource type's. */
const BICEP_KEYWORDS = new Set(['parent', 'scope', 'dependsOn']);

interface Context {
  readonly file: BicepFile;
  readonly types: readonly TypeNode[];
  readonly resource: string;
  readonly problems: string[];
  /** Vars being followed, against cycles. */
  readonly following: ReadonlySet<string>;
}

function resolve(ctx: Context, ref: Ref): TypeNode {
  const i = Number(ref.$ref.replace('#/', ''));
  const t = ctx.types[i];
  if (t === undefined) throw new Error(`${ctx.resource}: no type #${String(i)}`);
  return t;
}

/** The compiler's code for a problem of a property's value (what `#disable-next-line <code>` names). */
function codeOf(message: string): string {
  if (message.startsWith('no such property')) return 'BCP037';
  if (message === 'read-only') return 'BCP073';
  if (message === 'required, missing') return 'BCP035';
  return 'BCP036';
}

function report(ctx: Context, node: Node, path: string, message: string): void {
  if (isDisabled(ctx.file, node, codeOf(message))) return;
  ctx.problems.push(`${ctx.file.path}:${String(node.startPosition.row + 1)} ${ctx.resource} ${path}: ${message}`);
}

type Kind = 'string' | 'int' | 'bool' | 'object' | 'array';

/** Whether a value of this kind can have this type (a union: any of its members). */
function accepts(ctx: Context, t: TypeNode, kind: Kind): boolean {
  switch (t.$type) {
    case 'AnyType': return true;
    case 'StringType':
    case 'StringLiteralType': return kind === 'string';
    case 'IntegerType': return kind === 'int';
    case 'BooleanType': return kind === 'bool';
    case 'ObjectType':
    case 'DiscriminatedObjectType': return kind === 'object';
    case 'ArrayType': return kind === 'array';
    case 'UnionType': return t.elements.some((e) => accepts(ctx, resolve(ctx, e), kind));
    default: return false;
  }
}

function describe(ctx: Context, t: TypeNode): string {
  switch (t.$type) {
    case 'StringLiteralType': return `'${t.value}'`;
    case 'UnionType': return t.elements.map((e) => describe(ctx, resolve(ctx, e))).join(' | ');
    case 'ObjectType':
    case 'DiscriminatedObjectType': return t.name;
    case 'ArrayType': return `${describe(ctx, resolve(ctx, t.itemType))}[]`;
    case 'IntegerType': return 'int';
    case 'BooleanType': return 'bool';
    default: return t.$type.replace('Type', '').toLowerCase();
  }
}

/** Problems of a known string value against a type that accepts strings; empty: it fits. */
function stringProblems(ctx: Context, t: TypeNode, value: string): string[] {
  switch (t.$type) {
    case 'AnyType': return [];
    case 'StringLiteralType': return t.value === value ? [] : [`'${value}' is not '${t.value}'`];
    case 'StringType': {
      const problems: string[] = [];
      if (t.minLength !== undefined && value.length < t.minLength) problems.push(`'${value}' is shorter than ${String(t.minLength)}`);
      if (t.maxLength !== undefined && value.length > t.maxLength) problems.push(`'${value}' is longer than ${String(t.maxLength)}`);
      if (t.pattern !== undefined && !new RegExp(t.pattern).test(value)) problems.push(`'${value}' does not match ${t.pattern}`);
      return problems;
    }
    case 'UnionType': {
      const members = t.elements.map((e) => resolve(ctx, e)).filter((e) => accepts(ctx, e, 'string'));
      const each = members.map((m) => stringProblems(ctx, m, value));
      return each.some((p) => p.length === 0) ? [] : [`'${value}' is none of ${describe(ctx, t)}`];
    }
    default: return [`a string is not ${describe(ctx, t)}`];
  }
}

function intProblems(t: TypeNode, value: number): string[] {
  if (t.$type !== 'IntegerType') return [];
  if (!Number.isInteger(value)) return [`${String(value)} is not a whole number`];
  if (t.minValue !== undefined && value < t.minValue) return [`${String(value)} is below ${String(t.minValue)}`];
  if (t.maxValue !== undefined && value > t.maxValue) return [`${String(value)} is above ${String(t.maxValue)}`];
  return [];
}

/** The member of a union an object or array literal is checked against (the first that takes the kind). */
function memberFor(ctx: Context, t: TypeNode, kind: Kind): TypeNode | undefined {
  if (t.$type !== 'UnionType') return accepts(ctx, t, kind) ? t : undefined;
  for (const e of t.elements) {
    const found = memberFor(ctx, resolve(ctx, e), kind);
    if (found !== undefined) return found;
  }
  return undefined;
}

const FUNCTION_KINDS: Readonly<Record<string, Kind>> = {
  guid: 'string', string: 'string', toLower: 'string', toUpper: 'string', uniqueString: 'string', format: 'string', replace: 'string',
  trim: 'string', substring: 'string', subscriptionResourceId: 'string', resourceId: 'string', tenantResourceId: 'string', uri: 'string',
  base64: 'string', dataUri: 'string', utcNow: 'string', newGuid: 'string',
  empty: 'bool', contains: 'bool', startsWith: 'bool', endsWith: 'bool', bool: 'bool',
  length: 'int', int: 'int', indexOf: 'int', lastIndexOf: 'int',
  split: 'array', range: 'array', items: 'array',
  union: 'object', environment: 'object', subscription: 'object', tenant: 'object', resourceGroup: 'object', deployment: 'object',
};

const PARAM_KINDS: Readonly<Record<string, Kind>> = { string: 'string', int: 'int', bool: 'bool', object: 'object', array: 'array' };

function checkKind(ctx: Context, node: Node, t: TypeNode, path: string, kind: Kind | undefined): void {
  if (kind !== undefined && !accepts(ctx, t, kind)) report(ctx, node, path, `${kind} where the type wants ${describe(ctx, t)}`);
}

/** Checks a value expression against a type. */
function check(ctx: Context, raw: Node, ref: Ref, path: string): void {
  const t = resolve(ctx, ref);
  if (t.$type === 'AnyType') return;
  const node = unwrapParentheses(raw);
  // any(x) is Bicep's own way out of type checking: nothing to check.
  if (unwrapAny(node) !== node) return;
  switch (node.type) {
    case 'ternary_expression':
      check(ctx, node.childForFieldName('consequence') as Node, ref, path);
      check(ctx, node.childForFieldName('alternative') as Node, ref, path);
      return;
    case 'string': {
      checkKind(ctx, node, t, path, 'string');
      if (!accepts(ctx, t, 'string')) return;
      const literal = !named(node).some((p) => p.type === 'interpolation');
      if (literal) for (const p of stringProblems(ctx, t, evaluate(ctx.file, node) as string)) report(ctx, node, path, p);
      else if (t.$type === 'StringLiteralType') report(ctx, node, path, `an interpolated string cannot be proven to be '${t.value}'`);
      return;
    }
    case 'number': {
      checkKind(ctx, node, t, path, 'int');
      const member = memberFor(ctx, t, 'int');
      if (member !== undefined) for (const p of intProblems(member, Number(node.text))) report(ctx, node, path, p);
      return;
    }
    case 'unary_expression': {
      const operator = node.children[0]?.type;
      if (operator === '-' && node.childForFieldName('argument')?.type === 'number') {
        checkKind(ctx, node, t, path, 'int');
        const member = memberFor(ctx, t, 'int');
        if (member !== undefined) for (const p of intProblems(member, -Number(node.childForFieldName('argument')?.text))) report(ctx, node, path, p);
        return;
      }
      checkKind(ctx, node, t, path, operator === '!' ? 'bool' : 'int');
      return;
    }
    case 'boolean':
      checkKind(ctx, node, t, path, 'bool');
      return;
    case 'null':
      return;
    case 'object': {
      checkKind(ctx, node, t, path, 'object');
      const member = memberFor(ctx, t, 'object');
      if (member !== undefined) checkObject(ctx, node, member, path, false);
      return;
    }
    case 'array': {
      checkKind(ctx, node, t, path, 'array');
      const member = memberFor(ctx, t, 'array');
      if (member?.$type === 'ArrayType') {
        const items = named(node);
        if (member.minLength !== undefined && items.length < member.minLength) report(ctx, node, path, `fewer than ${String(member.minLength)} items`);
        if (member.maxLength !== undefined && items.length > member.maxLength) report(ctx, node, path, `more than ${String(member.maxLength)} items`);
        items.forEach((item, i) => { check(ctx, item, member.itemType, `${path}[${String(i)}]`); });
      }
      return;
    }
    case 'for_statement': {
      checkKind(ctx, node, t, path, 'array');
      const member = memberFor(ctx, t, 'array');
      const body = node.childForFieldName('body');
      if (member?.$type === 'ArrayType' && body !== null) check(ctx, body, member.itemType, `${path}[*]`);
      return;
    }
    case 'identifier':
      identifier(ctx, node, ref, t, path);
      return;
    case 'call_expression':
      checkKind(ctx, node, t, path, FUNCTION_KINDS[node.childForFieldName('function')?.text ?? '']);
      return;
    case 'binary_expression': {
      const operator = node.children.find((c) => !c.isNamed)?.type ?? '';
      if (['&&', '||', '==', '!=', '<', '<=', '>', '>=', '=~', '!~'].includes(operator)) checkKind(ctx, node, t, path, 'bool');
      else if (['+', '-', '*', '/', '%'].includes(operator)) checkKind(ctx, node, t, path, 'int');
      return;
    }
    default:
      // member and index access, resource references, lambdas: known at deployment only.
      return;
  }
}

function identifier(ctx: Context, node: Node, ref: Ref, t: TypeNode, path: string): void {
  const name = node.text;
  if (name === 'true' || name === 'false') {
    checkKind(ctx, node, t, path, 'bool');
    return;
  }
  if (hasVariable(ctx.file, name)) {
    // A var is checked as if it were written here (once per path: vars do not recurse).
    if (!ctx.following.has(name)) check({ ...ctx, following: new Set([...ctx.following, name]) }, variable(ctx.file, name), ref, path);
    return;
  }
  const declared = params(ctx.file).find((p) => p.name === name);
  if (declared !== undefined) {
    checkKind(ctx, node, t, path, PARAM_KINDS[declared.type]);
    return;
  }
  // A resource symbol or a loop variable: its value is known at deployment only.
}

function unwrapParentheses(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression') current = named(current)[0] as Node;
  return current;
}

function keyOf(property: Node): string {
  const key = named(property)[0] as Node;
  return key.type === 'string' ? key.text.slice(1, -1) : key.text;
}

/** The properties an object of this type may have: a discriminated type's by its discriminator's literal value. */
function propertiesOf(ctx: Context, node: Node, t: TypeNode, path: string): { properties: Readonly<Record<string, Property>>; additional: Ref | undefined; complete: boolean } {
  if (t.$type === 'ObjectType') return { properties: t.properties, additional: t.additionalProperties, complete: true };
  if (t.$type !== 'DiscriminatedObjectType') return { properties: {}, additional: undefined, complete: false };
  const property = named(node).find((c) => c.type === 'object_property' && keyOf(c) === t.discriminator);
  const value = property === undefined ? undefined : named(property).at(-1);
  if (value?.type === 'string' && !named(value).some((p) => p.type === 'interpolation')) {
    const chosen = t.elements[evaluate(ctx.file, value) as string];
    if (chosen === undefined) {
      report(ctx, value, path === '' ? t.discriminator : `${path}.${t.discriminator}`, `${value.text} is none of ${Object.keys(t.elements).join(', ')}`);
      return { properties: t.baseProperties, additional: undefined, complete: false };
    }
    const element = resolve(ctx, chosen);
    const own = element.$type === 'ObjectType' ? element.properties : {};
    return { properties: { ...t.baseProperties, ...own }, additional: element.$type === 'ObjectType' ? element.additionalProperties : undefined, complete: true };
  }
  // The discriminator is not a literal: any element's property may be meant; required ones cannot be told.
  const all = Object.values(t.elements).map((e) => resolve(ctx, e)).flatMap((e) => (e.$type === 'ObjectType' ? Object.entries(e.properties) : []));
  return { properties: { ...Object.fromEntries(all), ...t.baseProperties }, additional: undefined, complete: false };
}

function checkObject(ctx: Context, node: Node, t: TypeNode, path: string, resourceBody: boolean): void {
  const { properties, additional, complete } = propertiesOf(ctx, node, t, path);
  const written = new Set<string>();
  for (const p of named(node).filter((c) => c.type === 'object_property')) {
    if (named(p)[0]?.type === 'resource_declaration') continue; // checked as a resource of its own
    const key = keyOf(p);
    written.add(key);
    const value = named(p).at(-1) as Node;
    const where = path === '' ? key : `${path}.${key}`;
    if (resourceBody && BICEP_KEYWORDS.has(key)) continue;
    const property = properties[key];
    if (property === undefined) {
      if (additional !== undefined) check(ctx, value, additional, where);
      else report(ctx, p, where, `no such property in ${t.$type === 'ObjectType' || t.$type === 'DiscriminatedObjectType' ? t.name : 'this type'}`);
      continue;
    }
    if (((property.flags ?? 0) & FLAG.readOnly) !== 0) {
      report(ctx, p, where, 'read-only');
      continue;
    }
    check(ctx, value, property.type, where);
  }
  if (!complete) return;
  for (const [key, property] of Object.entries(properties)) {
    if (((property.flags ?? 0) & FLAG.required) !== 0 && ((property.flags ?? 0) & FLAG.readOnly) === 0 && !written.has(key)) {
      report(ctx, node, path === '' ? key : `${path}.${key}`, 'required, missing');
    }
  }
}

/** A declaration's type@apiVersion; a nested one takes its parent's type as prefix and its API version. */
export function fullTarget(target: string, parent: string | undefined): string {
  if (target.includes('/') || parent === undefined) return target;
  const [parentType = '', parentVersion = ''] = parent.split('@');
  const [child = '', version] = target.split('@');
  return `${parentType}/${child}@${version ?? parentVersion}`;
}

export interface ResourceCheck {
  /** type@apiVersion. */
  readonly target: string;
  readonly symbol: string;
  readonly existing: boolean;
  readonly vendored: boolean;
  readonly problems: readonly string[];
  /** The declaration, and its type's definition when vendored (for the scope checks). */
  readonly declared: Declared;
  readonly resourceType: ResourceTypeNode | undefined;
  /** The enclosing declaration's symbol, for a resource declared inside another. */
  readonly enclosing: string | undefined;
}

/** Alias (`extension <alias>`) → the types.json of the extension bicepconfig.json names (undefined: none vendored). */
export type Extensions = ReadonlyMap<string, string | undefined>;

function problemAt(file: BicepFile, node: Node, target: string, message: string): string {
  return `${file.path}:${String(node.startPosition.row + 1)} ${target}: ${message}`;
}

/** The types.json a type@apiVersion is defined in, for this file: Graph types through its extension. */
function definitionOf(file: BicepFile, declared: Declared, target: string, extensions: Extensions, problems: string[]): string | undefined {
  const [type = '', version = ''] = target.split('@');
  if (type.startsWith('Microsoft.Graph/')) {
    const aliases = extensionAliases(file).filter((a) => extensions.has(a));
    if (aliases.length === 0) {
      problems.push(problemAt(file, declared.node, target, 'a Microsoft Graph type in a file without `extension` of the Graph extension (bicepconfig.json)'));
      return undefined;
    }
    const paths = aliases.map((a) => extensions.get(a)).filter((p): p is string => p !== undefined);
    // No vendored version behind the alias: bicepconfig.json's problem, reported there.
    if (paths.length === 0) return undefined;
    const path = paths.find((p) => typesFile(p).resourceTypes.has(target));
    if (path === undefined) {
      const defined = paths.flatMap((p) => [...typesFile(p).resourceTypes.keys()]).filter((t) => t.startsWith(`${type}@`));
      problems.push(problemAt(file, declared.node, target, `the Graph extension (${aliases.join(', ')}) defines no such type${defined.length > 0 ? ` (it has ${defined.join(', ')})` : ''}`));
    }
    return path;
  }
  const path = vendoredIndex()[type]?.[version];
  if (path === undefined) {
    const versions = Object.keys(vendoredIndex()[type] ?? {});
    const known = versions.length > 0 ? `vendored: ${versions.join(', ')}` : 'no version of this type is vendored';
    problems.push(problemAt(file, declared.node, target, `no type definitions for this API version (${known}): a nonexistent version, or one to vendor from Azure/bicep-types-az`));
  }
  return path;
}

function checkDeclaration(file: BicepFile, declared: Declared, parent: { target: string; symbol: string } | undefined, extensions: Extensions, out: ResourceCheck[]): void {
  const target = fullTarget(declared.target, parent?.target);
  const problems: string[] = [];
  const path = definitionOf(file, declared, target, extensions, problems);
  let resourceType: ResourceTypeNode | undefined;
  if (path !== undefined) {
    const { types, resourceTypes } = typesFile(path);
    resourceType = resourceTypes.get(target);
    if (resourceType === undefined) throw new Error(`${path} does not define ${target}, though index.json says so`);
    const ctx: Context = { file, types, resource: target, problems, following: new Set() };
    const body = resolve(ctx, resourceType.body);
    if (declared.body.type !== 'object') report(ctx, declared.body, '', `a ${declared.body.type} where a resource body is expected`);
    else if (declared.existing) {
      // A reference: only how to find the resource is written, its name (Azure) or a property the
      // type flags as an identifier (the Graph extension's uniqueName, appId, userPrincipalName).
      // A name-discriminated type (sites/config) has the properties of the body its name selects.
      const { properties } = propertiesOf(ctx, declared.body, body, '');
      for (const p of named(declared.body).filter((c) => c.type === 'object_property' && named(c)[0]?.type !== 'resource_declaration')) {
        const key = keyOf(p);
        const property = properties[key];
        if (property !== undefined && (key === 'name' || ((property.flags ?? 0) & FLAG.identifier) !== 0)) check(ctx, named(p).at(-1) as Node, property.type, key);
        else if (!BICEP_KEYWORDS.has(key)) report(ctx, p, key, 'an existing resource takes only its name (or identifier), parent and scope');
      }
    } else checkObject(ctx, declared.body, body, '', true);
  }
  out.push({ target, symbol: declared.symbol, existing: declared.existing, vendored: path !== undefined, problems, declared, resourceType, enclosing: parent?.symbol });
  for (const nested of nestedResources(declared.body)) checkDeclaration(file, nested, { target, symbol: declared.symbol }, extensions, out);
}

/** Every resource a Bicep file declares (nested ones too), each checked against its vendored type. */
export function checkResources(file: BicepFile, extensions: Extensions): ResourceCheck[] {
  const out: ResourceCheck[] = [];
  for (const declared of resources(file)) checkDeclaration(file, declared, undefined, extensions, out);
  return out;
}
