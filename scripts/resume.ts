/**
 * `npm run resume -- --request <id> --decision continue|deny [options]`: one assignment request
 * resumed by hand through the decision ledger, as Resume-MgEntitlementManagementAssignmentRequest
 * would, with the body printed first and nothing sent without --yes or a "y" at the prompt (see
 * src/operator/ and docs/operations.md).
 *
 * The tenant emulator serves HTTPS from a CA made for the run, and Node trusts extra CAs only from
 * NODE_EXTRA_CA_CERTS read at start-up; so against the emulator this script makes the CA and runs
 * itself again with the CA trusted (the terminal inherited, for the prompt).
 */
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import type { PemPair } from '../emulator/index.js';
import { operatorFromToken } from '../src/operator/operator-identity.js';
import { parseResumeArgs } from '../src/operator/resume-args.js';
import { resumeCli, type ResumeIo, type ResumeSource } from '../src/operator/resume-cli.js';
import { ResumeError } from '../src/operator/resume-error.js';
import type { TenantSource } from '../src/tenant-source.js';
import { openLedgerSource } from './common/ledger-source.js';
import { emulatorCaFor } from './common/trusted-ca.js';

/**
 * The emulator (the ledger names --operator, or no one), or a real tenant under the operator's
 * own sign-in, whose token's claims name the operator.
 */
async function openSource(source: TenantSource, ca: PemPair | undefined): Promise<ResumeSource> {
  const opened = await openLedgerSource(source, ca, ResumeError);
  if (source.kind === 'emulator') return { ...opened, operator: undefined };
  const operator = opened.token === undefined ? undefined : operatorFromToken(opened.token);
  if (operator === undefined) throw new ResumeError(1, 'the signed-in token names no upn, unique_name or oid: the ledger cannot say who resumed');
  return { ...opened, operator };
}

/** The prompt, on stderr, read from the terminal. */
async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const trust = await emulatorCaFor(parseResumeArgs(argv, process.env), fileURLToPath(import.meta.url), argv, 'resume');
  if ('rerun' in trust) return trust.rerun;
  const io: ResumeIo = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    interactive: process.stdin.isTTY,
    ask,
  };
  return resumeCli(argv, io, { env: process.env, openSource: (source) => openSource(source, trust.ca) });
}

process.exitCode = await main(process.argv.slice(2));
