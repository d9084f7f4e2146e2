import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ignore from 'ignore';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildDeployBundle, type DeployBundle } from '../../scripts/bundle/deploy-bundle.js';

let bundle: DeployBundle;
const dir = mkdtempSync(join(tmpdir(), 'eg-funcignore-'));

beforeAll(async () => {
  bundle = await buildDeployBundle(join(dir, 'deploy'));
}, 60_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function files(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((name) => statSync(join(root, name)).isFile()).sort();
}

/** What the deployment tools zip from `root`: every file its .funcignore (gitignore rules) does not exclude. */
function zipped(root: string): string[] {
  const rules = ignore().add(readFileSync(join(root, '.funcignore'), 'utf8'));
  return files(root).filter((name) => !rules.ignores(name));
}

/** Files that must never be deployed, as they would land in the directory by mistake. */
const STRAYS = [
  'test/host/local-host.test.ts', 'emulator/index.js', 'emulator/tenants/contoso.json', 'host/main.js', 'scripts/bench.js', 'src/config.ts',
  'functions/index.ts', 'dist/functions/index.js', 'infra/main.bicep', 'docs/policy.md', 'README.md', '.ci/run', 'coverage/index.html',
  '.env', '.env.production', 'local.settings.json', 'app/index.js.map', 'node_modules/vitest/package.json', 'node_modules/@azure/identity/package.json',
  'tsconfig.json', 'eslint.config.js', 'vitest.config.ts', 'package-lock.json', '.vscode/settings.json', 'azure.yaml', 'ca-key.pem',
];

describe('.funcignore and the deployed package', () => {
  test('the deployment directory zips to the bundle, host.json, package.json and policy/ only', () => {
    const deployed = zipped(bundle.dir);
    expect(deployed.filter((name) => !/^(app\/[\w-]+\.js|host\.json|package\.json|policy\/[\w.-]+\.json)$/.test(name))).toEqual([]);
    expect(deployed).toEqual(expect.arrayContaining(['app/index.js', 'host.json', 'package.json', 'policy/policy.json']));
  });

  test('tests, the emulator, tools, infra, docs, CI, secrets, source maps and node_modules stay out even when present', () => {
    const copy = join(dir, 'with-strays');
    cpSync(bundle.dir, copy, { recursive: true });
    for (const name of STRAYS) {
      mkdirSync(dirname(join(copy, name)), { recursive: true });
      writeFileSync(join(copy, name), 'stray');
    }
    expect(files(copy)).toEqual(expect.arrayContaining(STRAYS));
    expect(zipped(copy)).toEqual(zipped(bundle.dir));
  });
});
