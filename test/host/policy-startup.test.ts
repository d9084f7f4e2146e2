import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { BAD_POLICIES } from '../support/startup-cases.js';

let emulator: TenantEmulator;
let saved: NodeJS.ProcessEnv;
const dir = mkdtempSync(join(tmpdir(), 'eg-startup-'));

beforeAll(async () => {
  emulator = await startTestEmulator();
  saved = { ...process.env };
  Object.assign(process.env, emulator.appEnv());
});
afterAll(async () => {
  process.env = saved;
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Imports the entry the Functions host loads, in a fresh module graph, with POLICY_PATH set. */
async function startWith(name: string, text: string): Promise<unknown> {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, text);
  process.env['POLICY_PATH'] = path;
  vi.resetModules();
  return import('../../functions/index.js').then(() => undefined, (e: unknown) => e);
}

describe('a bad policy stops start-up with a message pointing at the place', () => {
  test.each(BAD_POLICIES)('%s', async (name, text, message) => {
    const error = await startWith(name.replace(/\W+/g, '-'), text);
    // A fresh module graph has its own AppError class: compare by code.
    expect(error).toMatchObject({ name: 'AppError', code: 'CONFIG.INVALID' });
    expect((error as Error).message).toMatch(message);
  });

  test('the deployed default policy starts', async () => {
    delete process.env['POLICY_PATH'];
    vi.resetModules();
    await expect(import('../../functions/index.js')).resolves.toHaveProperty('httpFunctions');
  });
});

describe('a POLICY_PATH that is not a regular file stops start-up at once, saying what it is', () => {
  const fifo = join(dir, 'policy.fifo');
  execFileSync('mkfifo', [fifo]);

  test.each([
    ['/dev/zero', 'a character device'],
    [fifo, 'a FIFO (named pipe)'],
    [dir, 'a directory'],
  ])('%s', { timeout: 10_000 }, async (path, what) => {
    // Were the FIFO opened blocking, this writer (holding it for 1.5 s, then exiting) would release it empty instead of the test hanging.
    const writer = path === fifo ? spawn('sh', ['-c', 'exec 3<>"$0"; sleep 1.5', fifo], { stdio: 'ignore' }) : undefined;
    process.env['POLICY_PATH'] = path;
    vi.resetModules();
    const started = performance.now();
    const error = await import('../../functions/index.js').then(() => undefined, (e: unknown) => e);
    writer?.kill();
    expect(performance.now() - started).toBeLessThan(5000);
    expect(error).toMatchObject({ name: 'AppError', code: 'CONFIG.INVALID', message: `Policy ${path} is ${what}, not a regular file; set POLICY_PATH to the policy document.` });
  });
});
