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
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { TableClient } from '@azure/data-tables';
import { TenantEmulator } from '../emulator/index.js';
import { parseCommand, readFlags, type ParsedCommand } from '../src/cli/command-line.js';
import { isEntryScript, runCommand, STDIO, type CommandIo } from '../src/cli/run-command.js';
import { byDecidedAt, decisionsBrief } from '../src/ledger/decisions-cli/format.js';
import type { LedgerEntry } from '../src/ledger/ledger.js';
import { createTableLedger } from '../src/ledger/table-ledger.js';
import { startAzuriteTables } from './support/azurite-tables.js';
import { emulatorCredential } from './support/emulator-credential.js';
import { spawnLocalHost } from './support/local-host-process.js';
import { emulatorCa } from './support/trusted-ca.js';
import { DEMO_PIM_DEADLINE_MS, runActivations, type ActivationRow } from './support/pim-demo.js';
import { demoScenarios, findingIds, SAMPLE_POLICY, type Scenario } from './support/scenarios.js';

interface Row {
  readonly scenario: Scenario;
  readonly status: number;
  readonly outcome: string;
  readonly decision: string;
  readonly stage: string;
  readonly findings: string[];
  readonly received: unknown[];
  readonly ok: boolean;
}

const clip = (value: string, width: number): string => (value.length <= width ? value : `${value.slice(0, width - 1)}…`);

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r, n) => {
    const line = r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
    return n === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
  }).join('\n');
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

  --verbose   also the local host's output
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
  const rows: Row[] = [];
  let activations: readonly ActivationRow[];
  const entries: LedgerEntry[] = [];
  let kept = false;
  try {
    console.log(`tenant emulator ${emulator.origin} (tenant ${emulator.tenantId}); decision ledger ${ledgerUrl} (Azurite); local host ${host.url}\n`);
    for (const scenario of demoScenarios()) {
      if (scenario.awaitFirst) emulator.awaitCallout(scenario.body);
      const before = emulator.acceptedResumes().length;
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-ms-workflow-run-id': `demo-${String(rows.length + 1)}` };
      if (scenario.withToken) headers['authorization'] = `Bearer ${await emulator.mintCallerToken()}`;
      const response = await fetch(`${host.url}/api/callout`, { method: 'POST', headers, body: JSON.stringify(scenario.body) });
      const json = (await response.json()) as Record<string, unknown>;
      const received = emulator.acceptedResumes().slice(before).map((c) => c.body);
      const outcome = text(json['outcome']) ?? text(json['code']) ?? '-';
      const callout = json['callout'] as Record<string, unknown> | undefined;
      const decision = text(json['decision']) ?? '-';
      const findings = findingIds(json);
      const { expect } = scenario;
      rows.push({
        scenario,
        status: response.status,
        outcome,
        decision,
        stage: text(callout?.['stage']) ?? (callout?.['kind'] === 'lcw-task' ? 'lcw custom task' : '-'),
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
  console.log(
    table([
      ['#', 'callout', 'stage', 'decision', 'findings', 'HTTP', 'outcome', 'resumes', 'ok'],
      ...rows.map((r, i) => [String(i + 1), r.scenario.name, r.stage, r.decision, r.findings.join(' ') || '-', String(r.status), r.outcome, String(r.received.length), r.ok ? 'yes' : 'NO']),
    ]),
  );
  console.log(`\nPIM role activations (the emulator plays PIM: POST /api/pim, PIM_DEADLINE_MS ${String(DEMO_PIM_DEADLINE_MS)}):\n`);
  console.log(
    table([
      ['#', 'activation', 'outcome', 'first reason (PIM shows the reasons of a denial)', 'ms', 'ok'],
      ...activations.map((a, i) => [`P${String(i + 1)}`, a.activation.name, a.result.outcome, clip(a.result.reasons[0] ?? '-', 100), String(Math.round(a.result.totalMs)), a.ok ? 'yes' : 'NO']),
    ]),
  );
  console.log('\nResume bodies Graph received:');
  rows.forEach((r, i) => {
    for (const body of r.received) console.log(`  #${String(i + 1)} ${JSON.stringify(body)}`);
  });
  const states = new Map<string, number>();
  for (const entry of entries) states.set(entry.state, (states.get(entry.state) ?? 0) + 1);
  console.log(`\nDecision ledger: ${String(entries.length)} entries (${[...states].map(([state, count]) => `${String(count)} ${state}`).join(', ')}), one per callout Entra waited for and per activation answered; every resume and answer above is one of them.`);
  console.log(`\n${decisionsBrief(entries.sort(byDecidedAt), '  ')}`);
  if (!kept) console.log("The ledger lived in this run's Azurite, in memory: npm run demo -- --keep keeps it to read with npm run decisions.");
  const failed = [...rows.filter((r) => !r.ok).map((r) => r.scenario.name), ...activations.filter((a) => !a.ok).map((a) => a.activation.name)];
  if (verbose || failed.length > 0) console.log(`\nLocal host output:\n${host.output.join('\n')}`);
  console.log(
    failed.length === 0
      ? `\nAll ${String(rows.length)} callouts and ${String(activations.length)} activations got their expected outcome.`
      : `\n${String(failed.length)} did not: ${failed.join(', ')}`,
  );
  if (kept) {
    console.log(`\nThe ledger stays in Azurite until you press Enter. Meanwhile, in another terminal:`);
    console.log(`  export NODE_EXTRA_CA_CERTS=${join(dir, 'ca.pem')}\n  npm run decisions -- --ledger ${ledgerUrl}`);
    await untilEnter();
    await azurite.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return failed.length === 0 ? 0 : 1;
}

/** The command: its line read before anything starts (`job` stands in for the demo in tests). */
export function main(argv: readonly string[], io: CommandIo = STDIO, job: (args: DemoArgs) => Promise<number> = demo): Promise<number> {
  return runCommand('demo', DEMO_USAGE, parseDemoArgs(argv), io, job);
}

if (isEntryScript(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
