import type { Node } from 'web-tree-sitter';
import { SCOPE, scopeNames, scopesOf, type ScopeName } from './azure-type-files.js';
import type { ResourceCheck } from './azure-types.js';
import { evalString } from './bicep-eval.js';
import { named, prop, resources } from './bicep-query.js';
import type { BicepFile } from './bicep-tree.js';

/**
 * Where resources and modules are deployed, as the compiler checks it: a file deploys at its
 * targetScope (resourceGroup unless it says otherwise); `scope:` names a deployment scope
 * (resourceGroup(…), a resource group's symbol, subscription(…), tenant(), managementGroup(…)) or
 * a resource, which only an extension resource (a role assignment) can be deployed on. A scope
 * only known at deployment (a param) is not guessed.
 */

const TARGET_SCOPES: Readonly<Record<string, ScopeName>> = {
  resourceGroup: 'resourceGroup', subscription: 'subscription', managementGroup: 'managementGroup', tenant: 'tenant',
};

/** A file's `targetScope`. */
export function targetScope(file: BicepFile): ScopeName {
  const assignment = named(file.root).find((n) => n.type === 'target_scope_assignment');
  const value = assignment === undefined ? undefined : named(assignment).at(-1);
  if (value === undefined) return 'resourceGroup';
  const scope = TARGET_SCOPES[evalString(file, value)];
  if (scope === undefined) throw new Error(`${file.path}: targetScope ${value.text} is none of ${Object.keys(TARGET_SCOPES).join(', ')}`);
  return scope;
}

/** The resource types whose symbols, as a scope, are a deployment scope rather than a resource. */
const SCOPE_RESOURCES: Readonly<Record<string, ScopeName>> = {
  'Microsoft.Resources/resourceGroups': 'resourceGroup',
  'Microsoft.Resources/subscriptions': 'subscription',
  'Microsoft.Management/managementGroups': 'managementGroup',
};

const SCOPE_FUNCTIONS: Readonly<Record<string, ScopeName>> = {
  resourceGroup: 'resourceGroup', subscription: 'subscription', managementGroup: 'managementGroup', tenant: 'tenant',
};

/** Where a scope function without arguments is valid: the scope it names must be the file's own, or contain it. */
const ZERO_ARGUMENT_SCOPES: Readonly<Record<string, readonly ScopeName[]>> = {
  resourceGroup: ['resourceGroup'],
  subscription: ['resourceGroup', 'subscription'],
  managementGroup: ['managementGroup'],
  tenant: ['resourceGroup', 'subscription', 'managementGroup', 'tenant'],
};

export interface ScopeValue {
  readonly scope: ScopeName | undefined;
  /** The file's own deployment scope (`resourceGroup()` in a resource-group file), not another of the same kind. */
  readonly own: boolean;
  readonly problems: readonly string[];
}

/** The scope a `scope:` expression names; undefined: only known at deployment. */
export function scopeOf(file: BicepFile, raw: Node): ScopeValue {
  let node = raw;
  while (node.type === 'parenthesized_expression') node = named(node)[0] as Node;
  const at = `${file.path}:${String(node.startPosition.row + 1)}`;
  switch (node.type) {
    case 'call_expression': {
      const fn = node.childForFieldName('function')?.text ?? '';
      const scope = SCOPE_FUNCTIONS[fn];
      const args = node.childForFieldName('arguments');
      const problems: string[] = [];
      const own = targetScope(file);
      if (scope !== undefined && (args === null || named(args).length === 0) && !(ZERO_ARGUMENT_SCOPES[fn] ?? []).includes(own)) {
        problems.push(`${at} scope: ${fn}() without arguments is not valid in a ${own}-scoped file (targetScope): name the ${scope}, or use a symbol`);
      }
      return { scope, own: scope === own && (args === null || named(args).length === 0), problems };
    }
    case 'identifier':
    case 'subscript_expression': {
      const symbol = (node.type === 'identifier' ? node : node.childForFieldName('object'))?.text ?? '';
      const declared = resources(file).find((r) => r.symbol === symbol);
      if (declared === undefined) return { scope: undefined, own: false, problems: [] };
      return { scope: SCOPE_RESOURCES[declared.target.split('@')[0] ?? ''] ?? 'resource', own: false, problems: [] };
    }
    case 'resource_expression':
      return { scope: 'resource', own: false, problems: [] };
    case 'ternary_expression': {
      const a = scopeOf(file, node.childForFieldName('consequence') as Node);
      const b = scopeOf(file, node.childForFieldName('alternative') as Node);
      return { scope: a.scope === b.scope ? a.scope : undefined, own: a.own && b.own, problems: [...a.problems, ...b.problems] };
    }
    default:
      return { scope: undefined, own: false, problems: [] };
  }
}

/** Where a resource is deployed (or, `existing`, looked up): its parent's scope, its `scope:`, or the file's. */
function effectiveScope(file: BicepFile, check: ResourceCheck, checks: readonly ResourceCheck[], problems: string[], seen: ReadonlySet<string>): Omit<ScopeValue, 'problems'> {
  const parentSymbol = check.enclosing ?? prop(check.declared.body, 'parent')?.text;
  if (parentSymbol !== undefined) {
    const parent = checks.find((c) => c.symbol === parentSymbol && c.enclosing === undefined) ?? checks.find((c) => c.symbol === parentSymbol);
    if (parent === undefined || seen.has(parentSymbol)) return { scope: undefined, own: false };
    return effectiveScope(file, parent, checks, [], new Set([...seen, check.symbol]));
  }
  const scope = prop(check.declared.body, 'scope');
  if (scope === undefined) return { scope: targetScope(file), own: true };
  const value = scopeOf(file, scope);
  problems.push(...value.problems);
  return value;
}

/** What the compiler refuses about where the file's resources go (BCP135, BCP139 and the like). */
export function resourceScopeProblems(file: BicepFile, checks: readonly ResourceCheck[]): string[] {
  const problems: string[] = [];
  const own = targetScope(file);
  for (const check of checks) {
    if (check.resourceType === undefined) continue;
    const at = `${file.path}:${String(check.declared.node.startPosition.row + 1)} ${check.target}`;
    const { readable, writable } = scopesOf(check.resourceType);
    if (!check.existing && writable === 0) {
      problems.push(`${at}: read-only resource type, it can only be referenced with \`existing\``);
      continue;
    }
    const { scope, own: isOwn } = effectiveScope(file, check, checks, problems, new Set());
    if (scope === undefined) continue;
    const written = prop(check.declared.body, 'scope') !== undefined && check.enclosing === undefined;
    const allowed = check.existing ? readable : writable;
    if (written && !check.existing && scope !== 'resource' && !isOwn && scope !== 'tenant') {
      const which = scope === own ? `another ${scope} than the file's own` : `a ${scope}, but this file deploys at its targetScope ${own}`;
      problems.push(`${at}: scope: ${which}: a resource's scope must match the file's (use a module to deploy elsewhere)`);
    } else if ((allowed & SCOPE[scope]) === 0) {
      const what = scope === 'resource' ? 'scope: a resource, but this type is no extension resource' : `deployed at ${scope} (${written ? 'its scope' : 'the file\'s targetScope'})`;
      problems.push(`${at}: ${what}; permitted scopes: ${scopeNames(allowed)}`);
    }
  }
  return problems;
}
