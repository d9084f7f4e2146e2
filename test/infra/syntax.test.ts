import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import ignore from 'ignore';
import { parse as parseYaml } from 'yaml';
import { evalVar } from './support/bicep-eval.js';
import { keys, modules, params, requireProp } from './support/bicep-query.js';
import { INFRA, REPO, bicepFile, bicepPaths, parseBicepText, readInfraJson } from './support/bicep-tree.js';

// No Bicep compiler is published on npm: tree-sitter-bicep checks the syntax, and the wiring
// checks below (modules, params, loaded files, extensions) stand in for the compiler's.

const paths = bicepPaths();

describe('infra: syntax', () => {
  it('finds the azd layout', () => {
    expect(paths).toContain('main.bicep');
    expect(paths.filter((p) => p.startsWith('app/')).length).toBeGreaterThanOrEqual(8);
  });

  it.each(paths)('%s parses without errors', async (path) => {
    const file = await bicepFile(path);
    expect(file.problems, file.problems.join('\n')).toEqual([]);
  });

  it('reports a syntax error with its file, line and column', async () => {
    const broken = await parseBicepText('broken.bicep', "param ok string\nresource r 'A/b@2024-01-01' = {\n  name: \n}\n");
    expect(broken.problems).toHaveLength(1);
    expect(broken.problems[0]).toMatch(/^broken\.bicep:3:\d+ /);
    const extension = await parseBicepText('ext.bicep', 'extension microsoftGraphV1 with {\n');
    expect(extension.problems[0]).toBe('ext.bicep:1:1 malformed extension statement');
  });

  it('the test evaluator reads strings as Bicep does: every character kept, escapes, interpolation, verbatim multi-line strings', async () => {
    const file = await parseBicepText('strings.bicep', [
      'param a string',
      "var heading = '## ${a}\\n# x  ${a} #'",
      "var escaped = 'it\\'s \\${a} \\\\'",
      "var multi = '''",
      '  AppTraces | where x == "y" and z == \'${a}\'',
      "'''",
      '',
    ].join('\n'));
    expect(file.problems).toEqual([]);
    const scope = { params: { a: 'A' } };
    expect(evalVar(file, 'heading', scope)).toBe('## A\n# x  A #');
    expect(evalVar(file, 'escaped', scope)).toBe("it's ${a} \\");
    expect(evalVar(file, 'multi', scope)).toBe('  AppTraces | where x == "y" and z == \'${a}\'\n');
  });

  it('declares the Microsoft Graph extension every file that uses it names', async () => {
    const config = readInfraJson('bicepconfig.json') as { extensions: Record<string, string> };
    expect(config.extensions['microsoftGraphV1']).toMatch(/^br:mcr\.microsoft\.com\/bicep\/extensions\/microsoftgraph\/v1\.0:\d+\.\d+\.\d+$/);
    for (const path of paths) {
      const { text } = await bicepFile(path);
      for (const [, alias] of text.matchAll(/^extension\s+(\w+)/gm)) expect(Object.keys(config.extensions), path).toContain(alias);
      if (/'Microsoft\.Graph\//.test(text)) expect(text, path).toMatch(/^extension microsoftGraphV1$/m);
    }
  });

  it('azure.yaml deploys the bundle (dist-deploy, built by the prepackage hook) as the function app `api`, as built: remote build off, stated', () => {
    const azure = parseYaml(readFileSync(join(REPO, 'azure.yaml'), 'utf8')) as {
      infra: { provider: string; path: string; module: string };
      services: Record<string, { project: string; dist: string; language: string; host: string; remoteBuild?: unknown; hooks: { prepackage: Record<string, { run: string }> } }>;
    };
    expect(Object.keys(azure.services)).toEqual(['api']);
    expect(azure.services['api']).toMatchObject({ project: '.', dist: 'dist-deploy', language: 'js', host: 'function', remoteBuild: false });
    // azd reads the service's .funcignore (project root): remoteBuild false is refused when it
    // excludes node_modules, and unset, remote build is turned on when it does.
    const rules = ignore().add(readFileSync(join(REPO, '.funcignore'), 'utf8'));
    expect(rules.ignores('node_modules/')).toBe(false);
    expect(rules.ignores('node_modules')).toBe(false);
    const hooks = azure.services['api']?.hooks.prepackage ?? {};
    expect(Object.values(hooks).map((h) => h.run)).toEqual(['npm run bundle', 'npm run bundle']);
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['bundle']).toBeDefined();
    expect(azure.infra).toEqual({ provider: 'bicep', path: 'infra', module: 'main' });
  });

  it('main.parameters.json gives every required param of main.bicep, from azd variables, and nothing unknown', async () => {
    const main = await bicepFile('main.bicep');
    const declared = params(main);
    const given = (readInfraJson('main.parameters.json') as { parameters: Record<string, { value: string }> }).parameters;
    for (const name of Object.keys(given)) expect(declared.map((p) => p.name)).toContain(name);
    for (const p of declared.filter((d) => d.defaultValue === undefined)) expect(Object.keys(given)).toContain(p.name);
    expect(given['environmentName']?.value).toBe('${AZURE_ENV_NAME}');
    expect(given['location']?.value).toBe('${AZURE_LOCATION}');
    expect(given['principalId']?.value).toBe('${AZURE_PRINCIPAL_ID}');
    for (const { value } of Object.values(given)) expect(value).toMatch(/^\$\{[A-Z_]+(=[^}]*)?\}$/);
  });

  it('every module main.bicep uses exists and receives exactly the params it declares', async () => {
    const main = await bicepFile('main.bicep');
    for (const module of modules(main)) {
      expect(existsSync(join(INFRA, module.target)), module.target).toBe(true);
      const declared = params(await bicepFile(module.target));
      const passed = keys(requireProp(module.body, 'params'));
      for (const name of passed) expect(declared.map((p) => p.name), `${module.symbol}.${name}`).toContain(name);
      for (const p of declared.filter((d) => d.defaultValue === undefined)) expect(passed, `${module.symbol} needs ${p.name}`).toContain(p.name);
    }
  });

  // That nothing points outside the repository is test/docs/stands-alone.test.ts's, for every file.
  it('infra/README.md links only what a clone has: docs/ and the repository', () => {
    const readme = readFileSync(join(INFRA, 'README.md'), 'utf8');
    for (const [, target] of readme.matchAll(/\]\((\.\.\/[^)#]+)(?:#[^)]*)?\)/g)) expect(existsSync(join(INFRA, target ?? '')), target).toBe(true);
  });

  it('every file a Bicep file loads exists and is valid JSON', async () => {
    for (const path of paths) {
      const { text } = await bicepFile(path);
      for (const [, loaded] of text.matchAll(/loadJsonContent\('([^']+)'\)/g)) {
        const target = join(INFRA, dirname(path), loaded ?? '');
        expect(() => JSON.parse(readFileSync(target, 'utf8')) as unknown, target).not.toThrow();
      }
    }
  });
});
