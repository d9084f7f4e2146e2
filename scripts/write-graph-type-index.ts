/**
 * `npm run graph-types`: writes emulator/graph-type-index.json from Microsoft's published Graph
 * types (the devDependencies @microsoft/microsoft-graph-types and -beta), so the emulator checks
 * writes and its own answers against Graph's schema without reading node_modules at run time.
 * Run it after updating either package; a test fails when the committed file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildGraphTypeIndex, graphTypeIndexText } from './support/graph-type-index.js';

const INDEX_FILE = fileURLToPath(new URL('../../emulator/graph-type-index.json', import.meta.url));

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const index = buildGraphTypeIndex();
  writeFileSync(INDEX_FILE, graphTypeIndexText(index));
  console.log(`wrote ${INDEX_FILE} from ${Object.entries(index.generatedFrom).map(([name, version]) => `${name}@${version}`).join(', ')}`);
}
