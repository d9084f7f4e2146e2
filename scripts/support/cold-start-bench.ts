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
import { buildDeployBundle, SHIPPED_BUNDLE } from './deploy-bundle.js';
import { freshCallout } from './graph-floor.js';
import { importTimes } from './import-times.js';
import { repositoryRoot } from './scenarios.js';

const PROBE = fileURLToPath(new URL('./cold-start-probe.js', import.meta.url));

export interface ColdStartFigures {
  /** Importing @azure/functions alone, ms. */
  readonly floor: number[];
  /** The shipped bundle: import, and import + first answer, ms. */
  readonly bundle: { readonly importMs: number[]; readonly answerMs: number[] };
  /** dist/functions/index.js with node_modules. */
  readonly entry: { readonly importMs: number[]; readonly answerMs: number[] };
}

interface ProbeResult {
  readonly importMs: number;
  readonly answerMs: number;
  readonly status: number;
  readonly outcome: unknown;
}

/** One probe process; awaited (not run synchronously), so the emulator in this process can answer it. */
async function probe(emulator: TenantEmulator, entry: string, env: Record<string, string>, token: string): Promise<ProbeResult> {
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
  const result = (code === 0 ? JSON.parse(output) : {}) as Partial<ProbeResult>;
  if (result.status !== 200 || result.outcome !== 'resumed' || result.importMs === undefined || result.answerMs === undefined) {
    throw new Error(`cold start of ${entry} (exit ${String(code)}) answered ${output.slice(0, 300)}`);
  }
  return { importMs: result.importMs, answerMs: result.answerMs, status: result.status, outcome: result.outcome };
}

/** Runs `runs` rounds: the floor, the bundle, the built entry, one each per round. */
export async function coldStarts(runs: number): Promise<ColdStartFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'eg-cold-start-'));
  const emulator = await TenantEmulator.start();
  try {
    writeFileSync(join(dir, 'ca.pem'), emulator.caCertPem);
    const env = { ...emulator.appEnv(), NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') };
    const bundle = pathToFileURL((await buildDeployBundle(join(dir, 'bundle'), SHIPPED_BUNDLE)).entry).href;
    const entry = pathToFileURL(join(repositoryRoot(), 'dist', 'functions', 'index.js')).href;
    const token = await emulator.mintCallerToken();
    const figures: ColdStartFigures = { floor: [], bundle: { importMs: [], answerMs: [] }, entry: { importMs: [], answerMs: [] } };
    for (let run = 0; run < runs; run++) {
      figures.floor.push(...importTimes('@azure/functions', env, 1));
      for (const [specifier, into] of [[bundle, figures.bundle], [entry, figures.entry]] as const) {
        const result = await probe(emulator, specifier, env, token);
        into.importMs.push(result.importMs);
        into.answerMs.push(result.answerMs);
      }
    }
    return figures;
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
