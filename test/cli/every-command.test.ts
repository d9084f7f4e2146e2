// Issue 16, items 7 and 8: every command in package.json, one row each, run in-process as
// `npm run <name> -- <line>` runs it but with what it would start (its job, the emulator, the
// tenant) replaced by a spy: --help (-h) prints the usage on stdout and does nothing; an unknown
// flag or a stray argument is one line naming it, a blank line and the usage, exit 2; a bad
// number is one line naming the flag or setting, exit 2; a busy port is one line naming the port
// and the setting that moves it, exit 1. Nothing started, no stack trace. A command added to
// package.json without a row here fails the first test.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { TenantEmulator } from '../../emulator/index.js';
import { start } from '../../host/main.js';
import { main as bench } from '../../scripts/bench.js';
import { main as bundle } from '../../scripts/bundle.js';
import { decisionsCli } from '../../scripts/decisions/decisions-cli.js';
import { main as demo } from '../../scripts/demo.js';
import { main as emulator } from '../../scripts/emulator.js';
import { grantCli } from '../../scripts/provision/grant-cli.js';
import { registerCli } from '../../scripts/register/register-cli.js';
import { scanCli } from '../../scripts/scan/scan-cli.js';
import { main as soak } from '../../scripts/soak.js';
import { whatIfCli } from '../../scripts/what-if/what-if-cli.js';
import { main as graphTypes } from '../../scripts/write-graph-type-index.js';
import { main as schema } from '../../scripts/write-policy-schema.js';
import type { CommandIo } from '../../src/cli/run-command.js';
import { loadConfig } from '../../src/config.js';
import { resumeCli } from '../../src/operator/resume-cli.js';
import { requestsCli } from '../../src/requests/requests-cli.js';

type Env = Readonly<Record<string, string>>;
interface Ran { readonly code: number; readonly out: string; readonly err: string; readonly started: number }
/** Runs the command with a line and settings; `spy` stands for what it would start. */
type Run = (argv: readonly string[], io: CommandIo, env: Env, spy: () => Promise<never>) => Promise<unknown>;
/** A bad number: the line (and settings), and the flag or setting the one line names. */
interface BadNumber { readonly argv: readonly string[]; readonly env?: Env; readonly names: string }
interface Row {
  /** The built script package.json runs (dist/<entry>.js). */
  readonly entry: string;
  readonly run: Run;
  /** Lines that are --help besides --help and -h (register's PIM mode). */
  readonly help?: readonly (readonly string[])[];
  readonly badNumbers: readonly BadNumber[] | { readonly none: string };
  /** The line and settings on a busy port, and the setting the one line names. */
  readonly busyPort: ((port: number) => { readonly run: (io: CommandIo) => Promise<unknown>; readonly setting: string }) | { readonly none: string };
}

/** package.json's scripts that are not commands of the project. */
const NOT_COMMANDS = ['build', 'test', 'test:node22', 'lint', 'typecheck'];
const USER = 'avery@contoso.example';
const ID = '26803898-8c26-4ca8-ba50-15552ecd4c9d';
const EPHEMERAL = { none: 'listens only on free ports it picks (the emulator, Azurite, local hosts)' };
const NO_PORT = { none: 'listens on no port' };
const numbers = (names: string, values: readonly string[], line: (value: string) => readonly string[] = (v) => [`${names}=${v}`]): BadNumber[] => values.map((v) => ({ argv: line(v), names }));
const settings = (names: string, values: readonly string[], argv: readonly string[] = []): BadNumber[] => values.map((v) => ({ argv, env: { [names]: v }, names }));

const COMMANDS: Readonly<Record<string, Row>> = {
  start: {
    entry: 'host/main',
    run: (argv, io, env, spy) => start({ argv, io, env, load: spy, report: false }),
    badNumbers: settings('PORT', ['abc', '-1', '70000', '1.5', '']),
    busyPort: (port) => ({ run: (io) => start({ io, env: { PORT: String(port) }, load: () => Promise.resolve({}), report: false }), setting: 'PORT' }),
  },
  emulator: {
    entry: 'scripts/emulator',
    run: (argv, io, _env, spy) => emulator(argv, io, spy),
    badNumbers: [...numbers('--port', ['abc', '0', '65536', '-1', '1.5', '']), ...settings('EMULATOR_PORT', ['x', '0'])],
    busyPort: (port) => ({ run: (io) => emulator(['--port', String(port)], io), setting: '--port' }),
  },
  demo: { entry: 'scripts/demo', run: (argv, io, _env, spy) => demo(argv, io, spy), badNumbers: { none: 'takes no number (--verbose, --keep)' }, busyPort: EPHEMERAL },
  bench: {
    entry: 'scripts/bench',
    run: (argv, io, _env, spy) => bench(argv, io, spy),
    badNumbers: [...settings('BENCH_CALLOUTS', ['abc', '0']), ...settings('BENCH_POLICY_CALLOUTS', ['0', '1e3'])],
    busyPort: EPHEMERAL,
  },
  soak: {
    entry: 'scripts/soak',
    run: (argv, io, _env, spy) => soak(argv, io, spy),
    badNumbers: [
      ...numbers('--callouts', ['abc', '1.5', '0']),
      ...numbers('--concurrency', ['x', '']),
      ...numbers('--fault-rate', ['2', 'lots']),
      ...numbers('--repeat-rate', ['-0.1']),
      ...numbers('--hosts', ['9', 'two']),
    ],
    busyPort: EPHEMERAL,
  },
  bundle: { entry: 'scripts/bundle', run: (argv, io, _env, spy) => bundle(argv, io, spy), badNumbers: { none: 'takes no option' }, busyPort: NO_PORT },
  schema: { entry: 'scripts/write-policy-schema', run: (argv, io, _env, spy) => schema(argv, io, spy), badNumbers: { none: 'takes no option' }, busyPort: NO_PORT },
  'graph-types': { entry: 'scripts/write-graph-type-index', run: (argv, io, _env, spy) => graphTypes(argv, io, spy), badNumbers: { none: 'takes no option' }, busyPort: NO_PORT },
  'what-if': {
    entry: 'scripts/what-if',
    run: (argv, io, env, spy) => whatIfCli(argv, io, { env, openEmulator: spy }),
    badNumbers: numbers('--duration', ['8', 'PT0S', 'eight hours'], (v) => ['--user', USER, '--role', ID, `--duration=${v}`]),
    busyPort: NO_PORT,
  },
  register: {
    entry: 'scripts/register',
    run: (argv, io, env, spy) => registerCli(argv, io, { env, openEmulator: spy }),
    help: [['--pim', '--help'], ['--pim', '-h']],
    badNumbers: [
      ...numbers('--callback', ['60', 'PT1M'], (v) => ['--catalog', ID, '--relay-subscription', ID, '--relay-resource-group', 'rg', '--relay-name', 'relay', '--broad-permissions', `--callback=${v}`]),
      ...numbers('--timeout-ms', ['abc', '9000', '1e5'], (v) => ['--pim', '--resource-type', 'entraRoles', `--timeout-ms=${v}`]),
      ...numbers('--retries', ['-1', 'three'], (v) => ['--pim', '--resource-type', 'entraRoles', '--function-host', 'eg.example.net', '--client-id', ID, `--retries=${v}`]),
      ...settings('PIM_DEADLINE_MS', ['abc', '100', '120001'], ['--pim', '--resource-type', 'entraRoles']),
    ],
    busyPort: NO_PORT,
  },
  decisions: {
    entry: 'scripts/decisions',
    run: (argv, io, env, spy) => decisionsCli(argv, io, { env, openEmulator: spy }),
    badNumbers: { none: 'takes no number: its filters are ids, a decision kind and dates' },
    busyPort: NO_PORT,
  },
  scan: {
    entry: 'scripts/scan',
    run: (argv, io) => scanCli(argv, io, {}),
    badNumbers: numbers('--concurrency', ['0', '33', 'x', '1.5', '0x10']),
    busyPort: NO_PORT,
  },
  requests: {
    entry: 'scripts/requests',
    run: (argv, io, env, spy) => requestsCli(argv, io, { env, openSource: spy }),
    badNumbers: numbers('--older-than', ['30', 'thirty minutes']),
    busyPort: NO_PORT,
  },
  resume: {
    entry: 'scripts/resume',
    run: (argv, io, env, spy) => resumeCli(argv, { ...io, interactive: false, ask: spy }, { env, openSource: spy }),
    badNumbers: { none: 'takes no number: ids, a decision, a stage and texts (whose lengths are checked)' },
    busyPort: NO_PORT,
  },
  'grant-permissions': {
    entry: 'scripts/provision',
    run: (argv, io, env, spy) => grantCli(argv, io, { env, credential: spy as never, openGraph: spy as never }),
    badNumbers: numbers('--wait', ['0', '3601', 'ten', '']),
    busyPort: NO_PORT,
  },
};

const ROWS = Object.entries(COMMANDS);
let emulatorStarts: MockInstance;

beforeEach(() => {
  // Whatever a row's spy does not see: no command line that is refused starts an emulator.
  emulatorStarts = vi.spyOn(TenantEmulator, 'start');
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

async function run(name: string, argv: readonly string[], env: Env = {}): Promise<Ran> {
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  let out = '';
  let err = '';
  const spy = vi.fn(() => Promise.reject(new Error('started')));
  const row = COMMANDS[name];
  if (row === undefined) throw new Error(`no row for ${name}`);
  const code = await row.run(argv, { out: (t) => (out += t), err: (t) => (err += t) }, env, spy);
  if (typeof code !== 'number') throw new Error(`${name} ${argv.join(' ')} ran instead of stopping: ${err}`);
  return { code, out, err, started: spy.mock.calls.length + emulatorStarts.mock.calls.length };
}

const escape = (text: string) => text.replace(/[-.*+?^${}()|[\]\\]/g, '\\$&');
const NO_STACK = /\n\s+at /;

it('every command in package.json has a row, and its row names the script package.json runs', () => {
  const scripts = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const commands = Object.keys(scripts).filter((name) => !NOT_COMMANDS.includes(name));
  expect(Object.keys(COMMANDS).sort()).toEqual(commands.sort());
  for (const [name, row] of ROWS) expect(scripts[name], name).toMatch(new RegExp(`node dist/${escape(row.entry)}\\.js$`));
});

describe.each(ROWS)('npm run %s', (name, row) => {
  const usagePrefix = new RegExp(`^Usage: npm ${name === 'start' ? 'start' : `run ${escape(name)}`}\\b`);

  it('--help and -h print the usage on stdout, exit 0, and start nothing', async () => {
    for (const help of [['--help'], ['-h'], ...(row.help ?? [])]) {
      const { code, out, err, started } = await run(name, help);
      expect({ help, code, err, started }).toEqual({ help, code: 0, err: '', started: 0 });
      expect(out).toMatch(usagePrefix);
      expect(out).toContain('--help');
    }
  });

  it('refuses an unknown flag or a stray argument: one line naming it, a blank line and the usage, exit 2', async () => {
    const { out: usage } = await run(name, ['--help']);
    for (const [argv, named] of [[['--nope'], "'--nope'"], [['stray'], "'stray'"], [['--help=yes'], "--help'"]] as const) {
      const { code, out, err, started } = await run(name, argv);
      expect({ argv, code, out, started }).toEqual({ argv, code: 2, out: '', started: 0 });
      const [line, blank, ...rest] = err.split('\n');
      expect(line).toMatch(new RegExp(`^${escape(name)}: .*${escape(named)}`));
      expect(blank).toBe('');
      expect(rest.join('\n')).toBe(usage);
    }
  });

  const { badNumbers } = row;
  if ('none' in badNumbers) it(`a bad number: none, ${badNumbers.none}`, () => { expect(badNumbers.none).not.toBe(''); });
  else {
    it.each(badNumbers.map((c) => [c.names, c.env === undefined ? c.argv : c.env, c] as const))('a bad number: %s (%j) is one line naming it, exit 2, nothing started', async (_names, _shown, c) => {
      const { code, out, err, started } = await run(name, c.argv, c.env);
      expect({ code, out, started }).toEqual({ code: 2, out: '', started: 0 });
      const [line, ...rest] = err.split('\n');
      expect(line).toMatch(new RegExp(`^${escape(name)}: ${escape(c.names)}[ :]`));
      expect(err).not.toMatch(NO_STACK);
      // A flag is a mistake in the line: a blank line and the usage follow; a setting's line may stand alone.
      if (rest.join('\n') !== '' || c.names.startsWith('--')) expect(rest.join('\n')).toMatch(new RegExp(`^\\n${usagePrefix.source.slice(1)}[^]*\\n$`));
    });
  }

  const { busyPort } = row;
  if ('none' in busyPort) it(`a busy port: none, ${busyPort.none}`, () => { expect(busyPort.none).not.toBe(''); });
  else {
    describe('a busy port', () => {
      let busy: Server;
      let port: number;
      beforeAll(async () => {
        busy = createServer();
        await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
        port = (busy.address() as { port: number }).port;
      });
      afterAll(() => new Promise<void>((resolve) => busy.close(() => { resolve(); })));

      it('is one line naming the port and the setting that moves it, exit 1, no stack trace', async () => {
        let out = '';
        let err = '';
        const { run: runBusy, setting } = busyPort(port);
        const code = await runBusy({ out: (t) => (out += t), err: (t) => (err += t) });
        expect({ code, out, err }).toEqual({ code: 1, out: '', err: `${name}: port ${String(port)} is in use; set ${setting} to another\n` });
      });
    });
  }
});

describe('what runs', () => {
  it('npm start: a setting the app refuses (a timeout that is not a number) is its one line, exit 2', async () => {
    let err = '';
    const load = () => Promise.resolve().then(() => loadConfig({ GRAPH_TIMEOUT_SECONDS: 'ten' }) as never);
    expect(await start({ io: { out: () => undefined, err: (t) => (err += t) }, env: { PORT: '0' }, load, report: false })).toBe(2);
    expect(err).toMatch(/^entitlement-guard cannot start: .*GRAPH_TIMEOUT_SECONDS must be a number of seconds/);
    expect(err.split('\n')).toHaveLength(2);
  });

  it.each([
    [['--callouts'], "Option '--callouts <value>' argument missing"],
    [['--policy', 'no/such/policy.json'], '--policy: no file at no/such/policy.json'],
  ])('soak %j is refused before anything starts', async (argv, line) => {
    const { code, err, started } = await run('soak', argv);
    expect({ code, started, line: err.split('\n')[0] }).toEqual({ code: 2, started: 0, line: `soak: ${line}` });
  });

  it('soak runs what it was given', async () => {
    const job = vi.fn(() => Promise.resolve(0));
    expect(await soak(['--callouts', '5', '--concurrency=2', '--fault-rate', '0', '--repeat-rate', '1', '--hosts', '1'], { out: () => undefined, err: () => undefined }, job)).toBe(0);
    expect(job.mock.calls).toEqual([[{ callouts: 5, concurrency: 2, faultRate: 0, repeatRate: 1, policy: undefined, hosts: 1 }]]);
  });

  it('bench runs what it was given', async () => {
    vi.stubEnv('BENCH_CALLOUTS', '12');
    const job = vi.fn(() => Promise.resolve(0));
    await bench(['--more'], { out: () => undefined, err: () => undefined }, job);
    expect(job.mock.calls).toEqual([[{ callouts: 12, policyCallouts: 60, more: true }]]);
  });
});
