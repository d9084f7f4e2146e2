import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';

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

const scope = (fields: Record<string, unknown>) => JSON.stringify({ scopes: [{ name: 'finance', ...fields }] });

/** Imports the entry the Functions host loads, in a fresh module graph, with POLICY_PATH set. */
async function startWith(name: string, text: string): Promise<unknown> {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, text);
  process.env['POLICY_PATH'] = path;
  vi.resetModules();
  return import('../../functions/index.js').then(() => undefined, (e: unknown) => e);
}

describe('a bad policy stops start-up with a message pointing at the place', () => {
  test.each([
    ['invalid JSON', '{ "scopes": [\n  { "name": "x", }\n] }', /is invalid: not valid JSON at line 2, column \d+\./],
    ['an unknown check', scope({ checks: [{ id: 'no-such-check', action: 'deny' }] }), /invalid at \/scopes\/0\/checks\/0\/id: unknown check; known checks: justification, manager-or-sponsor, max-duration, risky-user, separation-of-duties, user-attributes\./],
    ['bad options', scope({ checks: [{ id: 'max-duration', action: 'deny', options: { maxDays: 'ninety' } }] }), /invalid at \/scopes\/0\/checks\/0\/options\/maxDays: must be integer\./],
    ['an unknown option', scope({ checks: [{ id: 'risky-user', action: 'deny', options: { maxLevel: 'low' } }] }), /invalid at \/scopes\/0\/checks\/0\/options: unknown field "maxLevel"\./],
    ['an unknown field', scope({ matches: {} }), /invalid at \/scopes\/0: unknown field "matches"\./],
    ['a deny where the stage cannot deny', scope({ match: { stages: ['assignmentRequestGranted'] }, checks: [{ id: 'risky-user', action: 'deny' }] }), /invalid at \/scopes\/0\/checks\/0\/action: deny is impossible at assignmentRequestGranted/],
    ['a bad regex in options', scope({ checks: [{ id: 'justification', action: 'flag', options: { pattern: 'CHG(' } }] }), /invalid at \/scopes\/0\/checks\/0\/options\/pattern: /],
  ])('%s', async (name, text, message) => {
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
