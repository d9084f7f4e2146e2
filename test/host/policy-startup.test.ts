import { mkdtempSync, writeFileSync } from 'node:fs';
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
