import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { AZURITE_ACCOUNT, AZURITE_KEY } from '../../src/ledger/decisions-cli/local-azurite.js';

/** Azurite's published development account and its public key. */
const DEV_ACCOUNT = AZURITE_ACCOUNT;
const DEV_KEY = AZURITE_KEY;

export interface Azurite {
  /** A new, created container on this Azurite, signed with the development key. */
  container(name: string): Promise<ContainerClient>;
  stop(): Promise<void>;
}

/**
 * Azurite's blob service as a child process on a free loopback port, in memory (64 MB), telemetry
 * off, started in a temporary directory removed at stop.
 */
export async function startAzurite(): Promise<Azurite> {
  const main = createRequire(import.meta.url).resolve('azurite/dist/src/blob/main.js');
  const cwd = mkdtempSync(join(tmpdir(), 'eg-azurite-'));
  const args = ['--blobHost', '127.0.0.1', '--blobPort', '0', '--inMemoryPersistence', '--extentMemoryLimit', '64', '--disableTelemetry', '--skipApiVersionCheck'];
  const child = spawn(process.execPath, [main, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const started = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`Azurite did not start:\n${output.join('')}`)); }, 20_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      const match = /listens on (http:\/\/127\.0\.0\.1:\d+)/.exec(output.join(''));
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with ${String(code)}:\n${output.join('')}`));
    });
  });
  let origin: string;
  try {
    origin = await started;
  } catch (error) {
    rmSync(cwd, { recursive: true, force: true });
    throw error;
  }
  const credential = new StorageSharedKeyCredential(DEV_ACCOUNT, DEV_KEY);
  return {
    async container(name) {
      const client = new ContainerClient(`${origin}/${DEV_ACCOUNT}/${name}`, credential);
      await client.create();
      return client;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => {
          rmSync(cwd, { recursive: true, force: true });
          resolve();
        });
        if (child.exitCode !== null) child.emit('exit', child.exitCode);
        else child.kill('SIGTERM');
      }),
  };
}
