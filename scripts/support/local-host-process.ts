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

/**
 * Starts the built local host (`dist/host/main.js`) as its own process, configured only from the
 * given environment (plus PATH), on a free port, and waits until it listens.
 */
export async function spawnLocalHost(env: Record<string, string>, nodePath = process.execPath): Promise<LocalHostProcess> {
  const child = spawn(nodePath, [MAIN], {
    env: { PATH: process.env['PATH'] ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`local host did not start:\n${output.join('\n')}`));
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
      reject(new Error(`local host exited with ${String(code)}:\n${output.join('\n')}`));
    });
  });
  return {
    url,
    pid: child.pid ?? 0,
    output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
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
