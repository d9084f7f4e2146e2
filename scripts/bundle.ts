/**
 * `npm run bundle`: writes dist-deploy/, the directory to deploy (README, Deploy): the entry and
 * every runtime dependency bundled by esbuild, the start-up validators precompiled, host.json,
 * policy/, .funcignore and a package.json whose "main" is the bundle.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildDeployBundle } from './support/deploy-bundle.js';
import { repositoryRoot } from './support/scenarios.js';

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => statSync(join(dir, name)).isFile()).sort();
}

const bundle = await buildDeployBundle(join(repositoryRoot(), 'dist-deploy'));
console.log(`wrote ${relative(process.cwd(), bundle.dir) || '.'}/ (deploy this directory):`);
for (const name of files(bundle.dir)) console.log(`  ${name.padEnd(40)} ${(statSync(join(bundle.dir, name)).size / 1024).toFixed(1).padStart(8)} KiB`);
