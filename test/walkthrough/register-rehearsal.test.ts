// docs/register.md's "Emulator rehearsal", as written there: `npm run emulator` (in-process), the
// export lines it prints set as the shell would, then each `npm run register -- …` line of the
// doc's block run in-process against that emulator. Each exits 0, and says what the doc shows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_TENANT_FILE } from '../../emulator/index.js';
import { startEmulator, type RunningEmulator } from '../../scripts/emulator.js';
import { repositoryRoot } from '../../scripts/demo/scenarios.js';
import { registerCli } from '../../scripts/register/register-cli.js';
import { exportsOf } from './printed.js';

const DOC = readFileSync(join(repositoryRoot(), 'docs', 'register.md'), 'utf8');

/** The rehearsal section: from its heading to the next `## `. */
function section(): string {
  const start = DOC.indexOf('\n## Emulator rehearsal\n');
  if (start < 0) throw new Error('docs/register.md has no "## Emulator rehearsal"');
  const end = DOC.indexOf('\n## ', start + 1);
  return DOC.slice(start, end < 0 ? undefined : end);
}

/** The command lines of the section's ```sh block. */
function commandLines(): string[] {
  const block = /```sh\n([\s\S]*?)```/.exec(section())?.[1] ?? '';
  return block.split('\n').filter((l) => l.trim() !== '');
}

/** A line as the shell reads it: `"$NAME"` from the environment, words split on spaces (the block uses no other quoting). */
function argvOf(line: string, env: Record<string, string | undefined>): string[] {
  const prefix = 'npm run register -- ';
  if (!line.startsWith(prefix)) throw new Error(`not an npm run register line: ${line}`);
  return line.slice(prefix.length).trim().split(/\s+/).map((word) =>
    word.replace(/^"\$([A-Z_][A-Z0-9_]*)"$/, (_all, name: string) => {
      const value = env[name];
      if (value === undefined) throw new Error(`${name} is not among the emulator's export lines`);
      return value;
    }),
  );
}

let running: RunningEmulator | undefined;
let exported: Record<string, string> = {};
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  const dir = process.env['EG_TEST_CA_DIR'] ?? '';
  const ca = { certPem: readFileSync(join(dir, 'ca.pem'), 'utf8'), keyPem: readFileSync(join(dir, 'ca-key.pem'), 'utf8') };
  let printed = '';
  const started = await startEmulator({ tenant: SAMPLE_TENANT_FILE, port: 0, portSetting: '--port' }, { out: (t) => { printed += t; }, err: (t) => { printed += t; } }, ca);
  if (typeof started === 'number') throw new Error(`the emulator did not start: ${printed}`);
  running = started;
  // Both blocks pasted into the shell; this process already trusts the CA (the run's own, see global-setup.ts).
  exported = exportsOf(printed);
  for (const [name, value] of Object.entries(exported)) {
    if (name === 'NODE_EXTRA_CA_CERTS') continue;
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});

afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) Reflect.deleteProperty(process.env, name);
    else process.env[name] = value;
  }
  await running?.stop();
});

describe('docs/register.md: the emulator rehearsal runs as printed', () => {
  it('has the four lines: what-if, register, again, unregister, with no relay flag', () => {
    const lines = commandLines();
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).not.toMatch(/--relay-|--function-identity/);
  });

  it('each line exits 0 against the emulator and ends as the doc shows', { timeout: 60_000 }, async () => {
    const text = section();
    running?.emulator.clearCalls();
    for (const line of commandLines()) {
      let out = '';
      let err = '';
      const code = await registerCli(argvOf(line, process.env), { out: (t) => { out += t; }, err: (t) => { err += t; } }, { env: process.env, settleMs: 10 });
      expect({ line, code, err }).toEqual({ line, code: 0, err: '' });
      // The summary line (`What if: …`, `Graph writes made …`, `Nothing to change …`) is in the doc's output.
      const summary = out.split('\n').find((l) => /^(What if:|Graph writes made|Nothing to change)/.test(l));
      expect(summary).toBeDefined();
      expect(text).toContain(summary ?? '');
    }
    // Through the running emulator's Graph (the writes land there), not one of the command's own.
    expect(running?.emulator.calls({ method: 'DELETE' }).length).toBeGreaterThan(0);
  });
});
