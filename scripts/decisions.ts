/**
 * `npm run decisions -- [--ledger <table URL>] [--request <id>] [--user <id | UPN>] [--package <id>]
 * [--decision <kind>] [--from <date>] [--to <date>] [--json | --csv]`: the decision ledger for
 * auditors, read-only, with the operator's own sign-in (see scripts/decisions/decisions-cli.ts and
 * src/ledger/decisions-cli/).
 *
 * A --user UPN is resolved through Graph, by default in the tenant emulator, which serves HTTPS
 * from a CA made for the run; Node trusts extra CAs only from NODE_EXTRA_CA_CERTS read at
 * start-up, so then this script makes the CA and runs itself again with the CA trusted. A CA the
 * operator trusts through NODE_EXTRA_CA_CERTS (a local Azurite's: npm run demo -- --keep) is
 * carried past that rerun, for the table's client.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { needsGraph, parseDecisionsArgs } from '../src/ledger/decisions-cli/parse-args.js';
import { decisionsCli } from './decisions/decisions-cli.js';
import { emulatorCa } from './common/trusted-ca.js';

/** The operator's NODE_EXTRA_CA_CERTS, kept for the rerun (which sets its own). */
const OPERATOR_CA = 'EG_DECISIONS_OPERATOR_CA';

function operatorCa(): { ledgerCa?: string } {
  const file = process.env[OPERATOR_CA];
  try {
    return file === undefined || file === '' ? {} : { ledgerCa: readFileSync(file, 'utf8') };
  } catch {
    return {};
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseDecisionsArgs(argv, process.env);
  const io = { out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text) };
  if (parsed.kind === 'run' && needsGraph(parsed.args) && parsed.args.source.kind === 'emulator') {
    const extra = process.env['NODE_EXTRA_CA_CERTS'];
    if (extra !== undefined && process.env[OPERATOR_CA] === undefined) process.env[OPERATOR_CA] = extra;
    const trust = await emulatorCa(fileURLToPath(import.meta.url), argv, 'decisions');
    if ('rerun' in trust) return trust.rerun;
    return decisionsCli(argv, io, { env: process.env, emulatorCa: trust.ca, ...operatorCa() });
  }
  return decisionsCli(argv, io, { env: process.env });
}

process.exitCode = await main(process.argv.slice(2));
