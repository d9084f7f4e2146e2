/**
 * `npm run bundle`: writes dist-deploy/, the directory to deploy (README, Deploy): the entry and
 * every runtime dependency bundled by esbuild, the start-up validators precompiled, host.json,
 * policy/, .funcignore and a package.json whose "main" is the bundle.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isEntryScript, parseHelpOnly, runCommand, STDIO, type CommandIo } from '../src/cli/run-command.js';
import { buildDeployBundle } from './bundle/deploy-bundle.js';
import { repositoryRoot } from './demo/scenarios.js';

export const BUNDLE_USAGE = `Usage: npm run bundle

Writes dist-deploy/, the directory to deploy: the entry and every runtime dependency bundled by
esbuild, the start-up validators precompiled, host.json, policy/, .funcignore and a package.json
whose "main" is the bundle. Takes no options but --help.`;

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => statSync(join(dir, name)).isFile()).sort();
}

async function bundle(): Promise<number> {
  const built = await buildDeployBundle(join(repositoryRoot(), 'dist-deploy'));
  console.log(`wrote ${relative(process.cwd(), built.dir) || '.'}/ (deploy this directory):`);
  for (const name of files(built.dir)) console.log(`  ${name.padEnd(40)} ${(statSync(join(built.dir, name)).size / 1024).toFixed(1).padStart(8)} KiB`);
  return 0;
}

/** The command: its line read before anything is written (`job` stands in for the bundle in tests). */
export function main(argv: readonly string[], io: CommandIo = STDIO, job: () => Promise<number> = bundle): Promise<number> {
  return runCommand('bundle', BUNDLE_USAGE, parseHelpOnly(argv), io, job);
}

if (isEntryScript(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
