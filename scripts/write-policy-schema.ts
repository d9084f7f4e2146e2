/**
 * `npm run schema`: writes policy/policy.schema.json from the check registry, so editors complete
 * and validate policy documents. A test fails when the committed file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHECK_LIST } from '../src/checks/index.js';
import { buildPolicySchema } from '../src/policy/policy-schema.js';

const SCHEMA_FILE = fileURLToPath(new URL('../../policy/policy.schema.json', import.meta.url));

export function policySchemaText(): string {
  return `${JSON.stringify(buildPolicySchema(CHECK_LIST), null, 2)}\n`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, policySchemaText());
  console.log(`wrote ${SCHEMA_FILE}`);
}
