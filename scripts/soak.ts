/**
 * `npm run soak -- [--callouts 10000] [--concurrency 32] [--fault-rate 0.1] [--repeat-rate 0.05]
 * [--policy <file>] [--hosts 2]`: distinct callouts through local hosts (separate processes, one
 * decision ledger in Azurite shared by all) against the tenant emulator, which injects Graph
 * faults on about `fault-rate` of Graph calls, delivered with the relay's retry policy (a retry
 * and a repeat land on another host). Verifies that every callout ended with exactly one resume,
 * every repeat was answered already-resumed and every answer carries the body Graph received,
 * prints one table with the first host's memory over the run, and exits non-zero when an
 * invariant fails or the memory is not flat.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, TenantEmulator } from '../emulator/index.js';
import { isEntryScript, runCommand, STDIO, type CommandIo } from '../src/cli/run-command.js';
import { startAzuriteTables } from './common/azurite-tables.js';
import { createTableRaw } from './bench/ledger-floor.js';
import { spawnLocalHost } from './common/local-host-process.js';
import { parseSoakArgs, SOAK_USAGE, type SoakArgs } from './soak/soak-args.js';
import { addSoakFaults } from './soak/soak-faults.js';
import { memoryVerdict, mib, residentBytes } from './soak/soak-memory.js';
import { runSoak } from './soak/soak-run.js';
import { verifySoak } from './soak/soak-verify.js';
import { median, ms, percentile, table } from './bench/stats.js';

/** A short Graph budget, so that some faults outlast it and the relay's retries are exercised. */
const HOST_GRAPH = { GRAPH_RETRY_BUDGET_SECONDS: '1.5', GRAPH_TIMEOUT_SECONDS: '1' };
/** Slow answers come in well under the 1 s client timeout. */
const SLOW_MS = 300;
const SAMPLE_EVERY_MS = 500;

async function soak(args: SoakArgs): Promise<number> {
  const { callouts, concurrency, faultRate, repeatRate, hosts: hostCount } = args;
  const warmUp = Math.min(500, Math.ceil(callouts / 10));
  const ca = await createCertificateAuthority();
  const [emulator, azurite] = await Promise.all([TenantEmulator.start({ ca }), startAzuriteTables({ ca })]);
  await createTableRaw(emulator, azurite.accountUrl, 'decisions');
  const dir = mkdtempSync(join(tmpdir(), 'eg-soak-'));
  writeFileSync(join(dir, 'ca.pem'), emulator.caCertPem);
  const env = { ...emulator.appEnv(), ...HOST_GRAPH, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'), DECISION_LEDGER_URL: azurite.tableUrl('decisions'), ...(args.policy === undefined ? {} : { POLICY_PATH: args.policy }) };
  const hosts = await Promise.all(Array.from({ length: hostCount }, () => spawnLocalHost(env)));
  const host = hosts[0] ?? (await spawnLocalHost(env));
  const urls = hosts.map((h) => h.url);
  const memory: { start?: number | undefined; middle?: number | undefined; end?: number | undefined; all: number[] } = { all: [] };
  const sampler = setInterval(() => {
    const rss = residentBytes(host.pid);
    if (rss !== undefined) memory.all.push(rss);
  }, SAMPLE_EVERY_MS);
  try {
    // Warm-up without faults: keys, tokens and JIT settle before memory is first read.
    await runSoak(emulator, { url: urls, callouts: warmUp, concurrency, repeatRate: 0, tag: 'a0a0a0a0' });
    emulator.clearCalls();
    memory.start = residentBytes(host.pid);
    addSoakFaults(emulator.faults, faultRate, SLOW_MS);
    const run = await runSoak(emulator, {
      url: urls,
      callouts,
      concurrency,
      repeatRate,
      tag: 'b0b0b0b0',
      onProgress: (done) => {
        if (done === Math.ceil(callouts / 2)) memory.middle = residentBytes(host.pid);
      },
    });
    memory.end = residentBytes(host.pid);
    const verdict = verifySoak(emulator, run);
    const mem = memoryVerdict(memory);
    const latencies = run.sent.map((s) => s.delivery.latencyMs);
    const rows: string[][] = [
      ['measure', 'value'],
      ['distinct callouts (repeats)', `${String(verdict.distinct)} (${String(verdict.repeats)})`],
      ['exactly one resume', `${String(verdict.exactlyOnce)} of ${String(run.distinctIds.length)} (${verdict.lostAnswers > 0 ? `${String(verdict.lostAnswers)} with the answer lost` : 'no answer lost'})`],
      ['resumed twice / not resumed', `${String(verdict.resumedTwice.length)} / ${String(verdict.notResumed.length)}`],
      ['distinct not 200 resumed', String(verdict.distinctNot200.length)],
      ['repeats not already-resumed', String(verdict.repeatsNotAlreadyResumed.length)],
      ['answers whose body Graph did not receive', String(verdict.answersNotGraph.length)],
      ['Graph calls (failed by a fault)', `${String(verdict.graphCalls)} (${String(verdict.graphFaults)}, ${((100 * verdict.graphFaults) / Math.max(1, verdict.graphCalls)).toFixed(1)}%)`],
      ['503s to the relay (no answer)', `${String(verdict.answered503)} (${String(verdict.networkErrors)})`],
      ['relay retries', String(verdict.relayRetries)],
      ['latency p50 / p99 (relay retries in)', `${ms(median(latencies))} / ${ms(percentile(latencies, 99))}`],
      ['throughput', `${(run.sent.length / (run.wallMs / 1000)).toFixed(1)} callouts/s (${(run.wallMs / 1000).toFixed(1)} s)`],
      ['host RSS start / middle / end (peak)', `${mib(mem.start)} / ${mib(mem.middle)} / ${mib(mem.end)} (${mib(mem.peak)})`],
      ['memory', mem.flat ? 'flat (end within 20% of middle)' : 'NOT flat'],
      ['invariants', verdict.holds ? 'hold' : 'FAIL'],
    ];
    console.log(`entitlement-guard soak — Node ${process.version}, ${String(hostCount)} host(s) sharing one ledger (Azurite), ${String(callouts)} callouts, concurrency ${String(concurrency)}, Graph faults on ${String(faultRate * 100)}% of calls, ${String(repeatRate * 100)}% repeats, ${args.policy ?? 'no policy'}, host Graph budget ${HOST_GRAPH.GRAPH_RETRY_BUDGET_SECONDS} s (timeout ${HOST_GRAPH.GRAPH_TIMEOUT_SECONDS} s), warm-up ${String(warmUp)} callouts\n`);
    console.log(table(rows));
    for (const line of [...verdict.resumedTwice.map((id) => `resumed twice: ${id}`), ...verdict.notResumed.map((id) => `not resumed: ${id}`), ...verdict.distinctNot200, ...verdict.repeatsNotAlreadyResumed, ...verdict.answersNotGraph].slice(0, 20)) console.error(line);
    return verdict.holds && mem.flat ? 0 : 1;
  } finally {
    clearInterval(sampler);
    await Promise.all(hosts.map((h) => h.stop()));
    await Promise.all([emulator.close(), azurite.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The command: its line read before anything starts (`job` stands in for the soak in tests). */
export function main(argv: readonly string[], io: CommandIo = STDIO, job: (args: SoakArgs) => Promise<number> = soak): Promise<number> {
  return runCommand('soak', SOAK_USAGE, parseSoakArgs(argv), io, job);
}

if (isEntryScript(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
