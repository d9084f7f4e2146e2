/**
 * `npm run schema`: writes policy/policy.schema.json from the check registry, so editors complete
 * and validate policy documents. A test fails when the committed file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHECK_LIST } from '../src/checks/index.js';
import { isEntryScript, parseHelpOnly, runCommand, STDIO, type CommandIo } from '../src/cli/run-command.js';
import { buildPolicySchema } from '../src/policy/policy-schema.js';

const SCHEMA_FILE = fileURLToPath(new URL('../../policy/policy.schema.json', import.meta.url));

export const SCHEMA_USAGE = `Usage: npm run schema

Writes policy/policy.schema.json from the check registry, so editors complete and validate policy
documents (a test fails when the committed file is out of date). Takes no options but --help.`;

export function policySchemaText(): string {
  return `${JSON.stringify(buildPolicySchema(CHECK_LIST), null, 2)}\n`;
}

function writeSchema(io: CommandIo): Promise<number> {
  writeFileSync(SCHEMA_FILE, policySchemaText());
  io.out(`wrote ${SCHEMA_FILE}\n`);
  return Promise.resolve(0);
}

/** The command: its line read before anything is written (`job` stands in for the write in tests). */
export function main(argv: readonly string[], io: CommandIo = STDIO, job: () => Promise<number> = () => writeSchema(io)): Promise<number> {
  return runCommand('schema', SCHEMA_USAGE, parseHelpOnly(argv), io, job);
}

if (isEntryScript(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
