/**
 * Decisions per second on one core: the local host (no policy: verify, parse, decide, resume)
 * and the floor server (parse, one HTTPS call, echo) each pinned to CPU 0; the load generator, the
 * tenant emulator (signing keys and the managed identity's token, fetched once) and a null Graph
 * (the resume answered 204 at once) pinned to CPU 1, so the two servers get the same single core
 * and the same Graph. Runs alternate between them; each run is a batch of callouts at a fixed
 * concurrency. Its figures: callouts over the batch's wall time, and callouts over the CPU time the
 * server used in it (from /proc): what one fully busy core does, whichever side set the pace. The
 * floor server is light enough that the load generator, on its own core, cannot keep it busy.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TenantEmulator } from '../../emulator/index.js';
import { createCertificateAuthority } from '../../emulator/identity/tls.js';
import { freshCallout, managedIdentityToken } from './graph-floor.js';
import { spawnListening, spawnLocalHost, type LocalHostProcess } from '../common/local-host-process.js';
import { startNullGraph } from './null-graph.js';
import { AnswerTally, jsonOf, RESUMED, type Answer, type BadAnswers, type Progress } from './answers.js';

const FLOOR_SERVER = fileURLToPath(new URL('./floor-server.js', import.meta.url));

export interface ThroughputOptions {
  readonly runs: number;
  readonly callouts: number;
  readonly concurrency: number;
  /** Where the CA file is written. */
  readonly dir: string;
}

/** One batch: callouts per second of wall time, and per second of the server's own CPU time. */
export interface BatchFigures {
  readonly perSecond: number;
  readonly perCpuSecond: number;
  /** The share of its core the server used (CPU time over wall time). */
  readonly busy: number;
}

export interface ThroughputFigures {
  readonly host: BatchFigures[];
  readonly floor: BatchFigures[];
  /** Answers of the host or the floor that were not what each must answer, if any. */
  readonly bad: BadAnswers | undefined;
}

/** CPU time (user + system) a process has used so far, in ms, from /proc. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${String(pid)}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // After "pid (comm) ": state is field 3, utime 14 and stime 15 (1-based), so 11 and 12 here.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/**
 * Sends `callouts` fresh callouts, `concurrency` at a time; each answer is checked with `good`,
 * a bad one counted in `tally` (the batch goes on).
 */
async function batch(emulator: TenantEmulator, server: LocalHostProcess, url: string, headers: Record<string, string>, callouts: number, concurrency: number, good: (answer: Answer) => boolean, tally: AnswerTally): Promise<BatchFigures> {
  const bodies = Array.from({ length: callouts }, () => JSON.stringify(freshCallout(emulator, 'dddddddd')));
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let body = bodies[next++]; body !== undefined; body = bodies[next++]) {
      try {
        const response = await fetch(url, { method: 'POST', headers, body });
        const answer = { status: response.status, text: await response.text() };
        tally.record(answer, good(answer));
      } catch (error) {
        tally.recordError(error);
      }
    }
  };
  const cpuBefore = cpuMs(server.pid);
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wall = performance.now() - started;
  const cpu = cpuMs(server.pid) - cpuBefore;
  return { perSecond: callouts / (wall / 1000), perCpuSecond: callouts / (cpu / 1000), busy: cpu / wall };
}

/** Pins every thread of this process to the given CPUs (`taskset -a`). */
function pinSelf(cpus: string): void {
  execFileSync('taskset', ['-a', '-c', '-p', cpus, String(process.pid)], { stdio: 'ignore' });
}

/** Two CPUs at least: one for the server under test, one for the load and Graph. */
export const CAN_PIN = availableParallelism() >= 2;

export async function decisionsPerSecond(options: ThroughputOptions, progress?: Progress): Promise<ThroughputFigures> {
  const ca = await createCertificateAuthority();
  const emulator = await TenantEmulator.start({ ca });
  const graph = await startNullGraph(ca);
  writeFileSync(join(options.dir, 'ca.pem'), emulator.caCertPem);
  const trust = { NODE_EXTRA_CA_CERTS: join(options.dir, 'ca.pem') };
  const server = CAN_PIN ? { cpu: 0 } : {};
  const host = await spawnLocalHost({ ...emulator.appEnv(), GRAPH_BASE_URL: graph.origin, ...trust }, server);
  const floor = await spawnListening(FLOOR_SERVER, { ...trust, GRAPH_ORIGIN: graph.origin, GRAPH_TOKEN: await managedIdentityToken(emulator, graph.origin) }, server);
  if (CAN_PIN) pinSelf('1');
  try {
    const token = await emulator.mintCallerToken();
    const tally = new AnswerTally();
    const hostRun = () => batch(emulator, host, `${host.url}/api/callout`, { 'content-type': 'application/json', authorization: `Bearer ${token}` }, options.callouts, options.concurrency, RESUMED, tally);
    const floorRun = () => batch(emulator, floor, floor.url, { 'content-type': 'application/json' }, options.callouts, options.concurrency, (answer) => answer.status === 200 && jsonOf(answer.text)['status'] === 204, tally);
    await hostRun(); // warm: keys, token, JIT, connections
    await floorRun();
    const figures = { host: [] as BatchFigures[], floor: [] as BatchFigures[] };
    const tick = progress?.start(`decisions per second, ours and the floor alternating, ${String(options.callouts)} callouts a run`, options.runs, 'runs');
    for (let run = 0; run < options.runs; run++) {
      figures.host.push(await hostRun());
      figures.floor.push(await floorRun());
      tick?.();
    }
    return { ...figures, bad: tally.result() };
  } finally {
    if (CAN_PIN) pinSelf(`0-${String(availableParallelism() - 1)}`);
    await host.stop();
    await floor.stop();
    await emulator.close();
    await graph.close();
  }
}
