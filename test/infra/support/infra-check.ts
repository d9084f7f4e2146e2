import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extensionTypes } from './azure-type-files.js';
import { checkResources, type Extensions } from './azure-types.js';
import { moduleProblems } from './bicep-modules.js';
import { extensionAliases } from './bicep-query.js';
import { resourceScopeProblems } from './bicep-scopes.js';
import { INFRA, bicepFile, bicepPaths, parseBicepText, type BicepFile } from './bicep-tree.js';

/**
 * What the Bicep compiler would check of infra/ as a whole, against the vendored type definitions:
 * bicepconfig.json's extensions, every file's extension statements, resources (types, properties,
 * scopes) and modules (files, params, scopes, outputs). Every problem starts with its file (and
 * line), as the compiler's would.
 */

export const CONFIG = 'bicepconfig.json';
/** Extensions every Bicep file may name without bicepconfig.json. */
const BUILT_IN_EXTENSIONS = new Set(['az', 'sys']);

export interface Infra {
  /** Every .bicep file, by its path in infra/. */
  readonly files: ReadonlyMap<string, BicepFile>;
  /** bicepconfig.json's text. */
  readonly config: string;
}

/** infra/ as it is on disk (each file parsed once per test file). */
export async function loadInfra(): Promise<Infra> {
  const paths = bicepPaths();
  const files = new Map(await Promise.all(paths.map(async (p) => [p, await bicepFile(p)] as const)));
  return { files, config: readFileSync(join(INFRA, CONFIG), 'utf8') };
}

/** infra/ with one file's text replaced (in memory: nothing is written). */
export async function withText(infra: Infra, pathInInfra: string, text: string): Promise<Infra> {
  if (pathInInfra === CONFIG) return { ...infra, config: text };
  if (!infra.files.has(pathInInfra)) throw new Error(`no file infra/${pathInInfra}`);
  const file = await parseBicepText(`infra/${pathInInfra}`, text);
  return { ...infra, files: new Map([...infra.files, [pathInInfra, file]]) };
}

/** bicepconfig.json's extensions: alias → vendored types.json, and what is wrong with any. */
export function configExtensions(configText: string): { extensions: Extensions; problems: string[] } {
  const at = `infra/${CONFIG}`;
  let config: unknown;
  try {
    config = JSON.parse(configText);
  } catch (error) {
    return { extensions: new Map(), problems: [`${at}: not JSON: ${(error as Error).message}`] };
  }
  const declared: unknown = typeof config === 'object' && config !== null ? (config as { extensions?: unknown }).extensions : undefined;
  if (declared === undefined) return { extensions: new Map(), problems: [] };
  if (typeof declared !== 'object' || declared === null || Array.isArray(declared)) return { extensions: new Map(), problems: [`${at}: extensions is not an object`] };
  const extensions = new Map<string, string | undefined>();
  const problems: string[] = [];
  for (const [alias, reference] of Object.entries(declared as Record<string, unknown>)) {
    const found = typeof reference === 'string' ? extensionTypes(reference) : { problem: 'not a string' };
    if ('problem' in found) problems.push(`${at}: extensions.${alias}: ${found.problem}`);
    extensions.set(alias, 'path' in found ? found.path : undefined);
  }
  return { extensions, problems };
}

/** The file's extensions: bicepconfig.json's, and any registry reference its `extension` statements write inline; with what is wrong with them. */
function fileExtensions(file: BicepFile, config: Extensions): { extensions: Extensions; problems: string[] } {
  const extensions = new Map(config);
  const problems: string[] = [];
  for (const alias of extensionAliases(file)) {
    if (config.has(alias) || BUILT_IN_EXTENSIONS.has(alias)) continue;
    const row = file.text.split('\n').findIndex((l) => /^\s*extension\s/.test(l) && l.includes(alias));
    const at = `${file.path}:${String(row + 1)} extension ${alias}`;
    if (!alias.includes(':')) {
      problems.push(`${at}: bicepconfig.json names no such extension (it has ${[...config.keys()].join(', ') || 'none'})`);
      continue;
    }
    const found = extensionTypes(alias);
    if ('problem' in found) problems.push(`${at}: ${found.problem}`);
    extensions.set(alias, 'path' in found ? found.path : undefined);
  }
  return { extensions, problems };
}

/** Every problem the compiler would report in infra/, file by file (`only`: of these files, and bicepconfig.json). */
export function checkInfra(infra: Infra, only?: readonly string[]): string[] {
  const { extensions, problems } = configExtensions(infra.config);
  for (const [path, file] of infra.files) {
    if (only !== undefined && !only.includes(path)) continue;
    const own = fileExtensions(file, extensions);
    const checks = checkResources(file, own.extensions);
    problems.push(
      ...own.problems,
      ...checks.flatMap((c) => c.problems),
      ...resourceScopeProblems(file, checks),
      ...moduleProblems(path, infra.files),
    );
  }
  return problems;
}
