/**
 * `npm run graph-types`: writes emulator/graph/graph-type-index.json from Microsoft's published Graph
 * types (the devDependencies @microsoft/microsoft-graph-types and -beta), so the emulator checks
 * writes and its own answers against Graph's schema without reading node_modules at run time.
 * Run it after updating either package; a test fails when the committed file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isEntryScript, parseHelpOnly, runCommand, STDIO, type CommandIo } from '../src/cli/run-command.js';
import { buildGraphTypeIndex, graphTypeIndexText } from './graph-types/graph-type-index.js';

const INDEX_FILE = fileURLToPath(new URL('../../emulator/graph/graph-type-index.json', import.meta.url));

export const GRAPH_TYPES_USAGE = `Usage: npm run graph-types

Writes emulator/graph/graph-type-index.json from Microsoft's published Graph types (the
devDependencies @microsoft/microsoft-graph-types and -beta), which the emulator checks writes and
its own answers against. Run it after updating either package (a test fails when the committed
file is out of date). Takes no options but --help.`;

function writeIndex(io: CommandIo): Promise<number> {
  const index = buildGraphTypeIndex();
  writeFileSync(INDEX_FILE, graphTypeIndexText(index));
  io.out(`wrote ${INDEX_FILE} from ${Object.entries(index.generatedFrom).map(([name, version]) => `${name}@${version}`).join(', ')}\n`);
  return Promise.resolve(0);
}

/** The command: its line read before anything is written (`job` stands in for the write in tests). */
export function main(argv: readonly string[], io: CommandIo = STDIO, job: () => Promise<number> = () => writeIndex(io)): Promise<number> {
  return runCommand('graph-types', GRAPH_TYPES_USAGE, parseHelpOnly(argv), io, job);
}

if (isEntryScript(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
