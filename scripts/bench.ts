/**
 * `npm run bench`: one table, each figure the median of repeated runs in this one command, each
 * compared in the same run with its floor, all on loopback against the tenant emulator:
 *  - callout→answer latency through the local host (its own process, recording in the ledger on
 *    Azurite) with Graph at 0 and 50 ms per call and no policy, and per scenario of the sample
 *    policy at 50 ms; the floor is the calls the decision cannot do without, made raw (no SDK) in
 *    the decision's order and rhythm: one round of reads when it reads, the ledger insert, then
 *    the resume; and a PIM activation→answer on the sample policy at 50 ms over one round of
 *    reads and the ledger insert (an activation is answered, not resumed);
 *  - decisions per second on one core with Graph at 0 ms, over a raw Node HTTP server doing a
 *    JSON echo and one outbound HTTPS call (the floor of the same I/O);
 *  - cold start: a fresh process importing the deployed bundle and answering its first callout,
 *    over a fresh process importing @azure/functions alone;
 *  - the separation-of-duties evaluation at 10,000 groups × 2,000 rules (over its index lookups
 *    alone) and its growth when both double.
 * `--more` adds the tenant scan at 25,000 and 50,000 users and the bundle variants' cold imports.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TenantEmulator } from '../emulator/index.js';
import { isEntryScript, runCommand, STDIO, type CommandIo } from '../src/cli/run-command.js';
import { failedRow, Progress, rowOf } from './bench/answers.js';
import { BENCH_USAGE, parseBenchArgs, type BenchArgs } from './bench/bench-args.js';
import { coldImportRows } from './bench/bundle-bench.js';
import { coldStarts } from './bench/cold-start-bench.js';
import { noPolicyLatencies, policyScenarioLatencies } from './bench/latency-bench.js';
import { activationLatencies } from './bench/pim-bench.js';
import { POLICY_SCENARIOS } from './bench/policy-bench.js';
import { benchScan } from './bench/scan-bench.js';
import type { SodFigures } from './bench/sod-bench.js';
import { median, ms, percentile, table } from './bench/stats.js';
import { CAN_PIN, decisionsPerSecond, type BatchFigures } from './bench/throughput-bench.js';

const GRAPH_LATENCY_MS = 50;
const COLD_STARTS = 15;
const THROUGHPUT = { runs: 7, callouts: 2000, concurrency: 16 };

const HEADER = ['measure', 'ours (median)', 'p99 or range', 'runs', 'floor', 'floor (median)', 'ratio'];
const ratio = (ours: number, floor: number): string => (ours / floor).toFixed(2);
const range = (values: readonly number[], format: (n: number) => string): string => `${format(Math.min(...values))}–${format(Math.max(...values))}`;
const rate = (n: number): string => `${n.toFixed(0)}/s`;
const plural = (n: number, noun: string): string => `${String(n)} ${noun}${n === 1 ? '' : 's'}`;

/** The measurements the progress lines count: two without a policy, the policy scenarios, PIM, throughput, cold start, SoD. */
const STEPS = 2 + POLICY_SCENARIOS.length + 1 + 1 + 1 + 1;

/** What the sections share: progress on stderr, and the rows that got bad answers. */
interface Run {
  readonly progress: Progress;
  readonly failures: string[];
}

async function noPolicyRows({ callouts }: BenchArgs, { progress, failures }: Run): Promise<string[][]> {
  return (await noPolicyLatencies(callouts, [0, GRAPH_LATENCY_MS], progress)).map((f) => {
    const floor = median(f.floor);
    return rowOf([`callout→answer, no policy, Graph ${String(f.graphMs)} ms`, ms(median(f.samples)), ms(percentile(f.samples, 99)), String(f.samples.length), 'ledger insert, then the resume, raw', ms(floor), ratio(median(f.samples), floor)], f.bad, failures);
  });
}

async function policyRows({ policyCallouts }: BenchArgs, { progress, failures }: Run): Promise<string[][]> {
  return (await policyScenarioLatencies(policyCallouts, GRAPH_LATENCY_MS, progress)).map((f) => {
    const floor = f.reads > 0 ? `1 read round trip (${plural(f.reads, 'read')} at once), ledger insert, resume, raw` : 'ledger insert, then the resume, raw';
    return rowOf([`… sample policy: ${f.name}, ${plural(f.rounds, 'round')}`, ms(median(f.samples)), ms(percentile(f.samples, 99)), String(f.samples.length), floor, ms(f.floorMs), ratio(median(f.samples), f.floorMs)], f.bad, failures);
  });
}

async function pimRows({ policyCallouts }: BenchArgs, { progress, failures }: Run): Promise<string[][]> {
  const pim = await activationLatencies(policyCallouts, GRAPH_LATENCY_MS, progress);
  const pimFloor = median(pim.floor);
  return [rowOf([`PIM activation→answer, sample policy, Graph ${String(pim.graphMs)} ms`, ms(median(pim.samples)), ms(percentile(pim.samples, 99)), String(pim.samples.length), `its ${plural(pim.reads, 'read')} at once, ledger insert, raw`, ms(pimFloor), ratio(median(pim.samples), pimFloor)], pim.bad, failures)];
}

async function throughputRows(dir: string, { progress, failures }: Run, notes: string[]): Promise<string[][]> {
  const figures = await decisionsPerSecond({ ...THROUGHPUT, dir }, progress);
  const perCpu = (runs: readonly BatchFigures[]) => runs.map((r) => r.perCpuSecond);
  const ours = median(perCpu(figures.host));
  const floor = median(perCpu(figures.floor));
  const core = CAN_PIN ? 'one core' : 'one process (not pinned: fewer than 2 CPUs)';
  const wall = (runs: readonly BatchFigures[]) => `${rate(median(runs.map((r) => r.perSecond)))} at ${(median(runs.map((r) => r.busy)) * 100).toFixed(0)}% of its core`;
  notes.push(`Decisions per second of wall time (${String(THROUGHPUT.concurrency)} in flight): ours ${wall(figures.host)}, the floor ${wall(figures.floor)}.`);
  return [rowOf([`decisions per CPU-second, ${core}, no policy, Graph 0 ms`, rate(ours), range(perCpu(figures.host), rate), `${String(THROUGHPUT.runs)} × ${String(THROUGHPUT.callouts)}`, 'raw Node: JSON echo + 1 HTTPS call', rate(floor), `${ratio(floor, ours)} (cost)`], figures.bad, failures)];
}

async function coldStartRows({ progress, failures }: Run): Promise<string[][]> {
  const f = await coldStarts(COLD_STARTS, progress);
  const floor = median(f.floor);
  const label = '@azure/functions import alone';
  const row = (name: string, samples: readonly number[]) => [name, ms(median(samples)), ms(percentile(samples, 99)), String(samples.length), label, ms(floor), ratio(median(samples), floor)];
  return [
    rowOf(row('cold start: bundle import + first callout', f.bundle.answerMs), f.bad, failures),
    row('  … of which the import', f.bundle.importMs),
    row('cold start: built entry + node_modules, same', f.entry.answerMs),
  ];
}

/** The SoD evaluation in its own process: the heap the sections above leave would weigh on its collections. */
function sodRows({ progress }: Run): string[][] {
  progress.start('SoD evaluation, 10,000 groups × 2,000 rules and doubled, in its own process', 1, 'process');
  const module = new URL('./bench/sod-bench.js', import.meta.url).href;
  const script = `const m=await import(${JSON.stringify(module)});process.stdout.write(JSON.stringify(m.sodEvaluationFigures()))`;
  const [base, doubled] = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script]).toString()) as [SodFigures, SodFigures];
  const name = (f: SodFigures) => `SoD evaluation, ${f.groups.toLocaleString('en-US')} groups × ${f.rules.toLocaleString('en-US')} rules`;
  return [
    [name(base), ms(median(base.samples)), ms(percentile(base.samples, 99)), String(base.samples.length), `its ${String(base.lookups)} index lookups alone`, ms(median(base.floor)), ratio(median(base.samples), median(base.floor))],
    [`${name(doubled)} (growth; linear = 2)`, ms(median(doubled.samples)), ms(percentile(doubled.samples, 99)), String(doubled.samples.length), 'the 10,000 × 2,000 evaluation', ms(median(base.samples)), ratio(median(doubled.samples), median(base.samples))],
  ];
}

/** A section's rows, or one row saying what it threw: a section that fails does not end the run. */
async function section(name: string, run: Run, rows: () => Promise<string[][]> | string[][]): Promise<string[][]> {
  try {
    return await rows();
  } catch (error) {
    return [failedRow(name, error, HEADER.length, run.failures)];
  }
}

/** `--more`: the scan at 25,000 and 50,000 users (linear growth expected). */
async function scanRows(): Promise<string[][]> {
  const rows: string[][] = [['tenant', 'rules', 'pages read', 'violations (placed found)', 'scan', 'whole command', 'against 25,000 users']];
  const half = await benchScan({ users: 25_000 });
  const full = await benchScan({ users: 50_000 });
  for (const f of [half, full]) {
    rows.push([`${f.users.toLocaleString('en-US')} users`, String(f.rules), String(f.pages), `${String(f.violations)} (${f.foundPlaced ? 'yes' : 'NO'})`, ms(f.scanMs), ms(f.wallMs), (f.scanMs / half.scanMs).toFixed(2)]);
  }
  return rows;
}

async function bench(args: BenchArgs): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'eg-bench-'));
  const run: Run = { progress: new Progress(STEPS), failures: [] };
  const notes: string[] = [];
  try {
    const rows = [
      HEADER,
      ...(await section('callout→answer, no policy', run, () => noPolicyRows(args, run))),
      ...(await section('… sample policy', run, () => policyRows(args, run))),
      ...(await section('PIM activation→answer', run, () => pimRows(args, run))),
      ...(await section('decisions per CPU-second', run, () => throughputRows(dir, run, notes))),
      ...(await section('cold start', run, () => coldStartRows(run))),
      ...(await section('SoD evaluation', run, () => sodRows(run))),
    ];
    console.log(`entitlement-guard bench — Node ${process.version}, ${String(args.callouts)} callouts (100 at ${String(GRAPH_LATENCY_MS)} ms), ${String(args.policyCallouts)} per policy scenario, ${String(COLD_STARTS)} cold starts\n`);
    console.log(table(rows));
    for (const note of notes) console.log(`\n${note}`);
    if (args.more) {
      console.log('\nSeparation-of-duties scan of a generated tenant (`npm run scan` on the emulator, its own process), rule by rule\n');
      console.log(table(await scanRows()));
      const emulator = await TenantEmulator.start();
      try {
        console.log('\nCold import (no callout) of the built entry, the bundle, and the bundle variants it was chosen over\n');
        console.log(table([['measure', 'median', 'p99', 'floor (median)', 'ratio'], ...(await coldImportRows(emulator.appEnv(), COLD_STARTS))]));
      } finally {
        await emulator.close();
      }
    }
    if (run.failures.length === 0) return 0;
    console.log(`\n${plural(run.failures.length, 'measurement')} got answers it should not have (their times are left out of the figures):`);
    for (const failure of run.failures) console.log(`  ${failure}`);
    return 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The command: its line read before anything starts (`job` stands in for the bench in tests). */
export function main(argv: readonly string[], io: CommandIo = STDIO, job: (args: BenchArgs) => Promise<number> = bench): Promise<number> {
  return runCommand('bench', BENCH_USAGE, parseBenchArgs(argv, process.env), io, job);
}

if (isEntryScript(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
