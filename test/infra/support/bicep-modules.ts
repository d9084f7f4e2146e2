import { posix } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { scopeOf, targetScope } from './bicep-scopes.js';
import { entries, modules, outputs, params, prop, type Declared } from './bicep-query.js';
import type { BicepFile } from './bicep-tree.js';

/**
 * How a file uses its modules, as the compiler checks it: the module's file exists, it is given
 * every param it requires and none it does not declare, it is deployed at the scope its file
 * targets, and every `<module>.outputs.<name>` names an output the module's file declares.
 */

/** A module's file, as a path relative to infra/ (undefined: a registry or template spec module). */
export function modulePath(fileInInfra: string, target: string): string | undefined {
  if (target.includes(':')) return undefined;
  return posix.normalize(posix.join(posix.dirname(fileInInfra), target));
}

function line(file: BicepFile, node: Node): string {
  return `${file.path}:${String(node.startPosition.row + 1)}`;
}

/** Every `<symbol>.outputs.<name>` (or `<symbol>.outputs['name']`, through `!`, `.?` and `[i]`) in a file. */
function outputReferences(file: BicepFile, symbols: ReadonlySet<string>): { symbol: string; name: string; node: Node }[] {
  const found: { symbol: string; name: string; node: Node }[] = [];
  const visit = (node: Node): void => {
    if (node.type === 'member_expression' || node.type === 'subscript_expression') {
      const object = node.childForFieldName('object');
      if (object?.type === 'member_expression' && object.childForFieldName('property')?.text === 'outputs') {
        let owner = object.childForFieldName('object');
        if (owner?.type === 'subscript_expression') owner = owner.childForFieldName('object');
        const key = node.type === 'member_expression' ? node.childForFieldName('property') : node.childForFieldName('index');
        const name = key?.type === 'string' ? key.text.slice(1, -1) : key?.text;
        if (owner?.type === 'identifier' && symbols.has(owner.text) && name !== undefined && (key?.type !== 'string' || !name.includes('${'))) {
          found.push({ symbol: owner.text, name, node });
        }
      }
    }
    for (const child of node.namedChildren) visit(child);
  };
  visit(file.root);
  return found;
}

function paramProblems(file: BicepFile, module: Declared, target: BicepFile, targetPath: string): string[] {
  const declared = params(target);
  const given = prop(module.body, 'params');
  if (given !== undefined && given.type !== 'object') return [];
  const passed = given === undefined ? [] : entries(given);
  const problems: string[] = [];
  for (const [name, value] of passed) {
    if (!declared.some((p) => p.name === name)) {
      problems.push(`${line(file, value)} module ${module.symbol} params.${name}: ${targetPath} declares no such param (it has ${declared.map((p) => p.name).join(', ')})`);
    }
  }
  for (const p of declared) {
    const optional = p.defaultValue !== undefined || p.type.endsWith('?');
    if (!optional && !passed.some(([name]) => name === p.name)) {
      problems.push(`${line(file, module.node)} module ${module.symbol} params.${p.name}: required by ${targetPath} (no default), missing`);
    }
  }
  return problems;
}

function scopeProblems(file: BicepFile, module: Declared, target: BicepFile, targetPath: string): string[] {
  const written = prop(module.body, 'scope');
  const value = written === undefined ? { scope: targetScope(file), problems: [] } : scopeOf(file, written);
  const wanted = targetScope(target);
  const problems = [...value.problems];
  if (value.scope === 'resource') problems.push(`${line(file, written ?? module.node)} module ${module.symbol} scope: a resource; a module is deployed at a resource group, subscription, management group or tenant`);
  else if (value.scope !== undefined && value.scope !== wanted) {
    const how = written === undefined ? `no scope, so this file's targetScope ${value.scope}` : `scope: a ${value.scope}`;
    problems.push(`${line(file, written ?? module.node)} module ${module.symbol}: ${how}, but ${targetPath} has targetScope ${wanted}`);
  }
  return problems;
}

/** What the compiler refuses about a file's modules; `files` holds every .bicep file by its path in infra/. */
export function moduleProblems(pathInInfra: string, files: ReadonlyMap<string, BicepFile>): string[] {
  const file = files.get(pathInInfra);
  if (file === undefined) throw new Error(`no file ${pathInInfra}`);
  const problems: string[] = [];
  const declaredOutputs = new Map<string, { path: string; names: string[] }>();
  for (const module of modules(file)) {
    const path = modulePath(pathInInfra, module.target);
    if (path === undefined) continue;
    const target = files.get(path);
    if (target === undefined) {
      problems.push(`${line(file, module.node)} module ${module.symbol}: no file ${path} under infra/`);
      continue;
    }
    problems.push(...paramProblems(file, module, target, path), ...scopeProblems(file, module, target, path));
    declaredOutputs.set(module.symbol, { path, names: [...outputs(target).keys()] });
  }
  for (const ref of outputReferences(file, new Set(declaredOutputs.keys()))) {
    const declared = declaredOutputs.get(ref.symbol);
    if (declared !== undefined && !declared.names.includes(ref.name)) {
      problems.push(`${line(file, ref.node)} ${ref.symbol}.outputs.${ref.name}: ${declared.path} declares no such output (it has ${declared.names.join(', ')})`);
    }
  }
  return problems;
}
