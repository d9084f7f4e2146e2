import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LocalHostProcess {
  readonly url: string;
  /** The host's process id, for sampling its memory from outside. */
  readonly pid: number;
  /** Everything the host printed (its structured callout events among it). */
  readonly output: string[];
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('../../host/main.js', import.meta.url));

export interface SpawnOptions {
  readonly nodePath?: string;
  /** Pin the process (every thread of it) to this CPU with `taskset`. */
  readonly cpu?: number;
}

/**
 * Starts the built local host (`dist/host/main.js`) as its own process, configured only from the
 * given environment (plus PATH), on a free port, and waits until it listens.
 */
export function spawnLocalHost(env: Record<string, string>, options: SpawnOptions = {}): Promise<LocalHostProcess> {
  return spawnListening(MAIN, env, options);
}

/** Starts a built script that prints `listening on http://…` once it serves, and waits for that line. */
export async function spawnListening(script: string, env: Record<string, string>, options: SpawnOptions = {}): Promise<LocalHostProcess> {
  const node = options.nodePath ?? process.execPath;
  const [command, args] = options.cpu === undefined ? [node, [script]] : ['taskset', ['-c', String(options.cpu), node, script]];
  const child = spawn(command, args, {
    env: { PATH: process.env['PATH'] ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${script} did not start:\n${output.join('\n')}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter((l) => l !== '')) {
        output.push(line);
        const match = /listening on (http:\/\/\S+)/.exec(line);
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${String(code)}:\n${output.join('\n')}`));
    });
  });
  return {
    url,
    pid: child.pid ?? 0,
    output,
    stop: () =>
      new Promise<void>((resolve) => {
        // Ended already (by itself, or killed by a signal from outside).
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => {
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
