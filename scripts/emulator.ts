/**
 * `npm run emulator [-- --tenant <file>]`: a standalone tenant emulator for development. Prints
 * the environment that points `npm start` (or anything else) at it, and a token the relay would
 * send, then serves until stopped. The tenant waits for every fixture in test/fixtures; its
 * directory and requests come from the tenant file (default: emulator/tenants/contoso.json).
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SAMPLE_TENANT_FILE, TenantEmulator, TenantFileError } from '../emulator/index.js';
import { demoScenarios } from './support/scenarios.js';

const { values } = parseArgs({ options: { tenant: { type: 'string' } } });
const tenant = values.tenant ?? SAMPLE_TENANT_FILE;
const port = Number(process.env['EMULATOR_PORT'] ?? '8443');
let emulator: TenantEmulator;
try {
  emulator = await TenantEmulator.start({ port, tenant });
} catch (error) {
  if (!(error instanceof TenantFileError)) throw error;
  console.error(error.message);
  process.exit(2);
}
const caFile = join(tmpdir(), 'entitlement-guard-emulator-ca.pem');
writeFileSync(caFile, emulator.caCertPem);
for (const scenario of demoScenarios()) if (scenario.awaitFirst) emulator.awaitCallout(scenario.body);
const env = { ...emulator.appEnv(), NODE_EXTRA_CA_CERTS: caFile };
console.log(`Tenant emulator on ${emulator.origin}, tenant file ${tenant} (${emulator.directory.all().length} users). Point the local host at it:\n`);
console.log(Object.entries(env).map(([k, v]) => `export ${k}='${v}'`).join('\n'));
console.log(`\nA relay token (valid 1 h):\n${await emulator.mintCallerToken()}\n`);
console.log('Then: npm start, and POST a fixture to http://127.0.0.1:7071/api/callout. Ctrl-C stops.');
const stop = () => {
  void emulator.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
