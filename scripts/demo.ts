/**
 * `npm run demo`: the main job on its embedded default. Starts the tenant emulator and the local
 * host (a separate process, configured only from its environment) wired together, replays the
 * sample callouts, then plays PIM for a few role activations, and prints what each got, what
 * Graph received and the decision ledger's entries. Exits 0 when every callout and activation got
 * its expected outcome. The ledger lives in Azurite's
 * memory: `--keep` keeps Azurite running after the run, until Enter, for `npm run decisions`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { TableClient } from '@azure/data-tables';
import { SAMPLE_TENANT_FILE, TenantEmulator } from '../emulator/index.js';
import { parseCommand, readFlags, type ParsedCommand } from '../src/cli/command-line.js';
import { isEntryScript, runCommand, STDIO, type CommandIo } from '../src/cli/run-command.js';
import type { LedgerEntry } from '../src/ledger/ledger.js';
import { createTableLedger } from '../src/ledger/table-ledger.js';
import { startAzuriteTables } from './common/azurite-tables.js';
import { emulatorCredential } from './common/emulator-credential.js';
import { spawnLocalHost } from './common/local-host-process.js';
import { emulatorCa } from './common/trusted-ca.js';
import { DEMO_PIM_DEADLINE_MS, demoActivations, runActivations, type ActivationRow } from './demo/pim-demo.js';
import { demoReport, type CalloutResult } from './demo/report.js';
import { demoScenarios, findingIds, repositoryRoot, SAMPLE_POLICY } from './demo/scenarios.js';

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Until a line (Enter), the end of stdin or Ctrl-C; then stdin is let go, so the process can end. */
function untilEnter(): Promise<void> {
  const lines = createInterface({ input: process.stdin });
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      lines.close();
      process.stdin.destroy();
      resolve();
    };
    lines.once('line', done).once('close', done);
    process.once('SIGINT', done);
  });
}

interface DemoArgs {
  readonly verbose: boolean;
  readonly keep: boolean;
}

export const DEMO_USAGE = `Usage: npm run demo [-- [--verbose] [--keep]]

Starts the tenant emulator, Azurite and the local host wired together, replays the sample
callouts and a few PIM role activations, and prints what each got, what Graph received and the
decision ledger's entries. Exits 0 when every one got its expected outcome.

  --verbose   the resume bodies Graph received in full (one short line each without it), and the
              local host's output
  --keep      keep Azurite (the ledger) running after the run, until Enter, for npm run decisions
  --help      this text`;

function parseDemoArgs(argv: readonly string[]): ParsedCommand<DemoArgs> {
  return parseCommand(() => {
    const flags = readFlags(argv, { verbose: { type: 'boolean' }, keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, { firstLine: true });
    return flags.help === true ? { kind: 'help' } : { kind: 'run', args: { verbose: flags.verbose === true, keep: flags.keep === true } };
  });
}

async function demo({ verbose, keep }: DemoArgs): Promise<number> {
  // One CA for the emulator and Azurite, trusted by this process (it reads the ledger) and the host.
  const trust = await emulatorCa(fileURLToPath(import.meta.url), process.argv.slice(2), 'demo');
  if ('rerun' in trust) return trust.rerun;
  const { ca } = trust;
  const [emulator, azurite] = await Promise.all([TenantEmulator.start({ ca }), startAzuriteTables({ ca })]);
  const ledgerUrl = azurite.tableUrl('decisions');
  const ledger = new TableClient(azurite.accountUrl, 'decisions', emulatorCredential(emulator));
  await ledger.createTable();
  const dir = mkdtempSync(join(tmpdir(), 'eg-demo-'));
  writeFileSync(join(dir, 'ca.pem'), emulator.caCertPem);
  const host = await spawnLocalHost({ ...emulator.appEnv(), NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'), POLICY_PATH: SAMPLE_POLICY, DECISION_LEDGER_URL: ledgerUrl, PIM_DEADLINE_MS: String(DEMO_PIM_DEADLINE_MS) });
  const rows: CalloutResult[] = [];
  let activations: readonly ActivationRow[];
  const entries: LedgerEntry[] = [];
  let kept = false;
  try {
    const scenarios = demoScenarios();
    console.log(`Replaying ${String(scenarios.length)} callouts, then ${String(demoActivations().length)} PIM activations, through the local host…\n`);
    for (const scenario of scenarios) {
      if (scenario.awaitFirst) emulator.awaitCallout(scenario.body);
      const before = emulator.acceptedResumes().length;
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-ms-workflow-run-id': `demo-${String(rows.length + 1)}` };
      if (scenario.withToken) headers['authorization'] = `Bearer ${await emulator.mintCallerToken()}`;
      const response = await fetch(`${host.url}/api/callout`, { method: 'POST', headers, body: JSON.stringify(scenario.body) });
      const json = (await response.json()) as Record<string, unknown>;
      const received = emulator.acceptedResumes().slice(before).map((c) => c.body);
      const outcome = text(json['outcome']) ?? text(json['code']) ?? '-';
      const decision = text(json['decision']) ?? '-';
      const findings = findingIds(json);
      const { expect } = scenario;
      rows.push({
        scenario,
        status: response.status,
        outcome,
        decision,
        findings,
        received,
        ok:
          response.status === expect.status &&
          received.length === expect.resumes &&
          (expect.outcome === undefined || expect.outcome === outcome) &&
          (expect.decision === undefined || expect.decision === decision) &&
          (expect.findings === undefined || expect.findings.join() === findings.join()),
      });
    }
    activations = await runActivations(emulator, host.url);
    await host.stop();
    for await (const entry of createTableLedger({ accountUrl: azurite.accountUrl, table: 'decisions' }, ledger).list({})) entries.push(entry);
    kept = keep;
  } finally {
    await host.stop();
    await Promise.all([emulator.close(), kept ? undefined : azurite.stop()]);
    if (!kept) rmSync(dir, { recursive: true, force: true });
  }
  const report = demoReport(
    {
      policyFile: relative(repositoryRoot(), SAMPLE_POLICY),
      tenantFile: relative(repositoryRoot(), SAMPLE_TENANT_FILE),
      tenantId: emulator.tenantId,
      emulatorOrigin: emulator.origin,
      hostUrl: host.url,
      ledgerUrl,
      pimDeadlineMs: DEMO_PIM_DEADLINE_MS,
      callouts: rows,
      activations: activations.map((a) => ({ name: a.activation.name, expect: a.activation.expect, outcome: a.result.outcome, reasons: a.result.reasons, ms: a.result.totalMs, ok: a.ok })),
      ledger: entries,
      kept,
      hostOutput: host.output,
    },
    verbose,
  );
  console.log(report.text);
  if (kept) {
    console.log(`\nThe ledger stays in Azurite until you press Enter. Meanwhile, in another terminal:`);
    console.log(`  export NODE_EXTRA_CA_CERTS=${join(dir, 'ca.pem')}\n  npm run decisions -- --ledger ${ledgerUrl}`);
    await untilEnter();
    await azurite.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return report.failed.length === 0 ? 0 : 1;
}

/** The command: its line read before anything starts (`job` stands in for the demo in tests). */
export function main(argv: readonly string[], io: CommandIo = STDIO, job: (args: DemoArgs) => Promise<number> = demo): Promise<number> {
  return runCommand('demo', DEMO_USAGE, parseDemoArgs(argv), io, job);
}

if (isEntryScript(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
