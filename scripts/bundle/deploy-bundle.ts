import { build, type Metafile, type Plugin } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PRECOMPILED_MODULES } from './precompile-validators.js';
import { repositoryRoot } from '../demo/scenarios.js';

export interface BundleOptions {
  /** Validators generated at build time (ajv standalone code) instead of compiled at start-up. */
  readonly precompiledValidators: boolean;
  /** Leave @azure/functions in node_modules instead of inlining it. */
  readonly externalFunctionsPackage: boolean;
  /**
   * Minified names and whitespace. Measured no faster to import (README, Figures), and it would
   * garble the stack traces and the error names (jose names its errors after their class) the
   * logs show, so the shipped bundle is not minified.
   */
  readonly minify: boolean;
}

/** What `npm run bundle` ships: the fastest cold import measured (README, Deploy). */
export const SHIPPED_BUNDLE: BundleOptions = { precompiledValidators: true, externalFunctionsPackage: false, minify: false };

export interface DeployBundle {
  readonly dir: string;
  /** The entry the Functions host loads (package.json "main"). */
  readonly entry: string;
  /** Source files the bundle was built from, relative to the repository (node_modules/… for packages). */
  readonly inputs: readonly string[];
  /** Those of them in the files the entry imports statically: what every cold start evaluates. */
  readonly startupInputs: readonly string[];
}

/** The entry inside the deployment directory. */
export const BUNDLE_MAIN = 'app/index.js';

/**
 * Provided by the Functions worker at run time (it intercepts `require`), never installed. The
 * banner gives the ESM bundle a real `require`, so @azure/functions' `require` of it reaches the
 * worker's hook: esbuild's own stand-in would throw, and @azure/functions would fall silently
 * into its "test mode" and register nothing.
 */
const WORKER_MODULE = '@azure/functions-core';
const REQUIRE_BANNER = "import { createRequire as __egCreateRequire } from 'node:module'; const require = __egCreateRequire(import.meta.url);";

/** Swaps each module that compiles schemas at start-up (PRECOMPILED_MODULES) for its generated code. */
function precompiledValidators(root: string, swapped: Set<string>): Plugin {
  const names = Object.keys(PRECOMPILED_MODULES);
  const file = new RegExp(`/(${names.join('|')})\\.js$`);
  return {
    name: 'precompiled-validators',
    setup(plugin) {
      plugin.onResolve({ filter: file }, (args) => ({ path: file.exec(args.path)?.[1] ?? '', namespace: 'precompiled' }));
      plugin.onLoad({ filter: /.*/, namespace: 'precompiled' }, (args) => {
        const generate = PRECOMPILED_MODULES[args.path];
        if (generate === undefined) throw new Error(`no generated validators for ${args.path}`);
        swapped.add(args.path);
        // Resolved from the repository: the generated code requires ajv's runtime helpers.
        return { contents: generate(), loader: 'js', resolveDir: root };
      });
    },
  };
}

/**
 * Writes the deployment directory: the bundled entry and its lazily loaded chunks (the scan
 * timer's code and @azure/storage-blob are a chunk of their own, imported only when the timer is
 * configured), host.json, policy/ (the default policy is found beside package.json, as
 * read-policy-file.ts looks for it), .funcignore, and a package.json whose "main" is the bundle
 * and whose dependencies are only what stays external.
 */
export async function buildDeployBundle(to: string, options: BundleOptions = SHIPPED_BUNDLE): Promise<DeployBundle> {
  const root = repositoryRoot();
  const dir = resolve(to);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string; engines: object; dependencies: Record<string, string> };
  const external = [WORKER_MODULE, ...(options.externalFunctionsPackage ? ['@azure/functions'] : [])];
  const swapped = new Set<string>();
  rmSync(dir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { index: join(root, 'functions', 'index.ts') },
    absWorkingDir: root,
    outdir: join(dir, 'app'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: options.minify,
    external,
    banner: { js: REQUIRE_BANNER },
    plugins: options.precompiledValidators ? [precompiledValidators(root, swapped)] : [],
    metafile: true,
    logLevel: 'silent',
  });
  const missed = Object.keys(PRECOMPILED_MODULES).filter((name) => !swapped.has(name));
  if (options.precompiledValidators && missed.length > 0) throw new Error(`the bundle no longer imports ${missed.join(', ')}: precompile-validators.ts must follow`);
  const dependencies = Object.fromEntries(external.flatMap((name) => (manifest.dependencies[name] === undefined ? [] : [[name, manifest.dependencies[name]]])));
  const deployed = { name: manifest.name, version: manifest.version, private: true, type: 'module', main: BUNDLE_MAIN, engines: manifest.engines, dependencies };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(deployed, null, 2)}\n`);
  copyFileSync(join(root, 'host.json'), join(dir, 'host.json'));
  // The root file must not exclude node_modules (azd would then refuse remoteBuild: false); the
  // deployed directory's copy does, so a stray node_modules never reaches the package.
  writeFileSync(join(dir, '.funcignore'), `${readFileSync(join(root, '.funcignore'), 'utf8').trimEnd()}\n# Nothing is installed: the bundle inlines its dependencies (remote build is off)\nnode_modules/\n`);
  mkdirSync(join(dir, 'policy'));
  for (const name of readdirSync(join(root, 'policy'))) copyFileSync(join(root, 'policy', name), join(dir, 'policy', name));
  return { dir, entry: join(dir, BUNDLE_MAIN), inputs: Object.keys(result.metafile.inputs).sort(), startupInputs: staticallyImported(result.metafile, root, join(dir, BUNDLE_MAIN)) };
}

/** Inputs of the output files reached from `entry` through static imports (dynamic imports load on demand). Paths in the metafile are relative to `root`. */
function staticallyImported(metafile: Metafile, root: string, entry: string): string[] {
  const outputs = new Map(Object.entries(metafile.outputs).map(([path, output]) => [resolve(root, path), output]));
  const seen = new Set<string>();
  const visit = (path: string): void => {
    const output = outputs.get(path);
    if (output === undefined || seen.has(path)) return;
    seen.add(path);
    for (const imported of output.imports) if (imported.kind === 'import-statement' && !imported.external) visit(resolve(root, imported.path));
  };
  visit(entry);
  return [...new Set([...seen].flatMap((path) => Object.keys(outputs.get(path)?.inputs ?? {})))].sort();
}
