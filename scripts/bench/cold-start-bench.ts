/**
 * Cold start, as a fresh Functions worker pays it: a new `node` process imports the entry and
 * answers its first callout (token verified against keys it must first fetch, a managed identity
 * token, the resume), against the floor of a new process importing `@azure/functions` alone.
 * The deployed bundle and the built entry (with node_modules) are measured, all round-robin, one
 * of each per round, so that drift of a shared machine weighs on all alike.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TenantEmulator } from '../../emulator/index.js';
import { buildDeployBundle, SHIPPED_BUNDLE } from '../bundle/deploy-bundle.js';
import { freshCallout } from './graph-floor.js';
import { importTimes } from './import-times.js';
import { repositoryRoot } from '../demo/scenarios.js';
import { AnswerTally, jsonOf, type BadAnswers, type Progress } from './answers.js';

const PROBE = fileURLToPath(new URL('./cold-start-probe.js', import.meta.url));

export interface ColdStartFigures {
  /** Importing @azure/functions alone, ms. */
  readonly floor: number[];
  /** The shipped bundle: import, and import + first answer, ms. */
  readonly bundle: { readonly importMs: number[]; readonly answerMs: number[] };
  /** dist/functions/index.js with node_modules. */
  readonly entry: { readonly importMs: number[]; readonly answerMs: number[] };
  /** Probes that did not answer 200 `resumed` (their status and what they printed), if any. */
  readonly bad: BadAnswers | undefined;
}

interface ProbeResult {
  readonly importMs: number;
  readonly answerMs: number;
  readonly status: number;
  readonly outcome: unknown;
}

/**
 * One probe process; awaited (not run synchronously), so the emulator in this process can answer
 * it. Undefined when it did not answer 200 `resumed` (counted in `tally`, with what it printed).
 */
async function probe(emulator: TenantEmulator, entry: string, env: Record<string, string>, token: string, tally: AnswerTally): Promise<ProbeResult | undefined> {
  const child = spawn(process.execPath, [PROBE, entry], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    cwd: repositoryRoot(),
    stdio: ['pipe', 'pipe', 'ignore'], // the runtime's "test mode" warnings
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.stdin.end(JSON.stringify({ authorization: `Bearer ${token}`, body: JSON.stringify(freshCallout(emulator, 'abababab')) }));
  const code = await exited;
  const output = Buffer.concat(chunks).toString();
  const result = (code === 0 ? jsonOf(output) : {}) as Partial<ProbeResult>;
  const good = result.status === 200 && result.outcome === 'resumed' && result.importMs !== undefined && result.answerMs !== undefined;
  tally.record({ status: result.status ?? 0, text: code === 0 ? output : `exit ${String(code)}: ${output}` }, good);
  return good ? { importMs: result.importMs ?? 0, answerMs: result.answerMs ?? 0, status: 200, outcome: result.outcome } : undefined;
}

/** Runs `runs` rounds: the floor, the bundle, the built entry, one each per round. */
export async function coldStarts(runs: number, progress?: Progress): Promise<ColdStartFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'eg-cold-start-'));
  const emulator = await TenantEmulator.start();
  try {
    writeFileSync(join(dir, 'ca.pem'), emulator.caCertPem);
    const env = { ...emulator.appEnv(), NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') };
    const bundle = pathToFileURL((await buildDeployBundle(join(dir, 'bundle'), SHIPPED_BUNDLE)).entry).href;
    const entry = pathToFileURL(join(repositoryRoot(), 'dist', 'functions', 'index.js')).href;
    const token = await emulator.mintCallerToken();
    const figures = { floor: [] as number[], bundle: { importMs: [] as number[], answerMs: [] as number[] }, entry: { importMs: [] as number[], answerMs: [] as number[] } };
    const tally = new AnswerTally();
    const tick = progress?.start('cold start: the floor, the bundle and the built entry, one each a round', runs, 'rounds');
    for (let run = 0; run < runs; run++) {
      figures.floor.push(...importTimes('@azure/functions', env, 1));
      for (const [specifier, into] of [[bundle, figures.bundle], [entry, figures.entry]] as const) {
        const result = await probe(emulator, specifier, env, token, tally);
        if (result === undefined) continue;
        into.importMs.push(result.importMs);
        into.answerMs.push(result.answerMs);
      }
      tick?.();
    }
    return { ...figures, bad: tally.result() };
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
