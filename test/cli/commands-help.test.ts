// The commands without a parser of their own (bench, soak, emulator, demo, bundle, schema), run as
// `npm run <name> -- <line>` runs them but in-process, the job itself replaced by a spy: --help
// prints the usage and does nothing; an unknown flag or a bad number is one line naming it, then
// the usage, exit 2, before anything starts.
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main as bench } from '../../scripts/bench.js';
import { main as bundle } from '../../scripts/bundle.js';
import { main as demo } from '../../scripts/demo.js';
import { main as emulator } from '../../scripts/emulator.js';
import { main as soak } from '../../scripts/soak.js';
import { main as schema } from '../../scripts/write-policy-schema.js';
import type { CommandIo } from '../../src/cli/run-command.js';

type Main = (argv: readonly string[], io: CommandIo, job: (...args: unknown[]) => Promise<number>) => Promise<number>;

const COMMANDS: readonly (readonly [string, Main])[] = [
  ['bench', bench],
  ['bundle', bundle],
  ['demo', demo],
  ['emulator', emulator],
  ['soak', soak],
  ['schema', schema],
];

async function run(command: Main, argv: readonly string[]) {
  let out = '';
  let err = '';
  const job = vi.fn(() => Promise.resolve(0));
  const code = await command(argv, { out: (t) => (out += t), err: (t) => (err += t) }, job);
  return { code, out, err, job };
}

/** One line naming what to change, a blank line, then the usage --help prints. */
async function expectRefused(name: string, command: Main, argv: readonly string[], named: string) {
  const { out: usage } = await run(command, ['--help']);
  const { code, out, err, job } = await run(command, argv);
  expect({ code, out, started: job.mock.calls.length }).toEqual({ code: 2, out: '', started: 0 });
  const [line, blank, ...rest] = err.split('\n');
  expect(line).toMatch(new RegExp(`^${name}: .*${named.replace(/[-.]/g, '\\$&')}`));
  expect(blank).toBe('');
  expect(rest.join('\n')).toBe(usage);
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe.each(COMMANDS)('npm run %s', (name, command) => {
  it('--help prints the usage on stdout, exit 0, and does nothing', async () => {
    for (const help of ['--help', '-h']) {
      const { code, out, err, job } = await run(command, [help]);
      expect({ code, err, started: job.mock.calls.length }).toEqual({ code: 0, err: '', started: 0 });
      expect(out).toMatch(new RegExp(`^Usage: npm run ${name}\\b`));
      expect(out).toContain('--help');
    }
  });

  it('refuses an unknown flag or a stray argument: one line naming it and the usage, exit 2', async () => {
    await expectRefused(name, command, ['--nope'], "'--nope'");
    await expectRefused(name, command, ['--help=yes'], "--help'");
    await expectRefused(name, command, ['stray'], "'stray'");
  });
});

describe('numbers', () => {
  it.each([
    [['--callouts', 'abc'], '--callouts'],
    [['--callouts', '1.5'], '--callouts'],
    [['--callouts=0'], '--callouts'],
    [['--concurrency', 'x'], '--concurrency'],
    [['--concurrency', ''], '--concurrency'],
    [['--fault-rate', '2'], '--fault-rate'],
    [['--fault-rate', 'lots'], '--fault-rate'],
    [['--repeat-rate=-0.1'], '--repeat-rate'],
    [['--hosts', '9'], '--hosts'],
    [['--hosts', 'two'], '--hosts'],
    [['--callouts'], '--callouts'],
    [['--policy', 'no/such/policy.json'], '--policy'],
  ])('soak %j is refused before anything starts', async (argv, flag) => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('eg-soak-'));
    await expectRefused('soak', soak, argv, flag);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('eg-soak-'))).toEqual(before);
  });

  it('soak runs what it was given', async () => {
    const { code, job } = await run(soak, ['--callouts', '5', '--concurrency=2', '--fault-rate', '0', '--repeat-rate', '1', '--hosts', '1']);
    expect(code).toBe(0);
    expect(job.mock.calls).toEqual([[{ callouts: 5, concurrency: 2, faultRate: 0, repeatRate: 1, policy: undefined, hosts: 1 }]]);
  });

  it.each([['BENCH_CALLOUTS', 'abc'], ['BENCH_POLICY_CALLOUTS', '0']])('bench with %s=%s is refused before anything starts', async (setting, value) => {
    vi.stubEnv(setting, value);
    await expectRefused('bench', bench, [], setting);
  });

  it('bench runs what it was given', async () => {
    vi.stubEnv('BENCH_CALLOUTS', '12');
    const { job } = await run(bench, ['--more']);
    expect(job.mock.calls).toEqual([[{ callouts: 12, policyCallouts: 60, more: true }]]);
  });
});
