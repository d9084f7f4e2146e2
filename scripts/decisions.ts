/**
 * `npm run decisions -- [--ledger <table URL>] [--request <id>] [--user <id | UPN>] [--package <id>]
 * [--decision <kind>] [--from <date>] [--to <date>] [--json | --csv]`: the decision ledger for
 * auditors, read-only, with the operator's own sign-in (see scripts/support/decisions-cli.ts and
 * src/ledger/decisions-cli/).
 *
 * A --user UPN is resolved through Graph, by default in the tenant emulator, which serves HTTPS
 * from a CA made for the run; Node trusts extra CAs only from NODE_EXTRA_CA_CERTS read at
 * start-up, so then this script makes the CA and runs itself again with the CA trusted.
 */
import { fileURLToPath } from 'node:url';
import { needsGraph, parseDecisionsArgs } from '../src/ledger/decisions-cli/parse-args.js';
import { decisionsCli } from './support/decisions-cli.js';
import { emulatorCa } from './support/trusted-ca.js';

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseDecisionsArgs(argv, process.env);
  const io = { out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text) };
  if (parsed.kind === 'run' && needsGraph(parsed.args) && parsed.args.source.kind === 'emulator') {
    const trust = await emulatorCa(fileURLToPath(import.meta.url), argv, 'decisions');
    if ('rerun' in trust) return trust.rerun;
    return decisionsCli(argv, io, { env: process.env, emulatorCa: trust.ca });
  }
  return decisionsCli(argv, io, { env: process.env });
}

process.exitCode = await main(process.argv.slice(2));
