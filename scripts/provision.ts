/**
 * `npm run grant-permissions`: azd's postprovision hook (azure.yaml). Grants the deployment's
 * managed identities their app roles once the directory knows them (scripts/provision/grant-cli.ts,
 * src/provision/). See infra/README.md, "First deployment".
 */
import { isEntryScript, STDIO } from '../src/cli/run-command.js';
import { grantCli } from './provision/grant-cli.js';

if (isEntryScript(import.meta.url)) process.exitCode = await grantCli(process.argv.slice(2), STDIO, { env: process.env });
