// Ports and files (issue 16, item 8), besides the table of every command (every-command.test.ts):
// EMULATOR_PORT names itself when its port is busy; --port and EMULATOR_PORT, exactly; the
// emulator's CA lives in a directory of its own run, removed on stop (and none left on a busy port).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SAMPLE_TENANT_FILE } from '../../emulator/index.js';
import { main as emulator, startEmulator, type EmulatorArgs } from '../../scripts/emulator.js';
import type { CommandIo } from '../../src/cli/run-command.js';

function buffers(): CommandIo & { out_: () => string; err_: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => (out += t), err: (t) => (err += t), out_: () => out, err_: () => err };
}

let busy: Server;
let port: number;

beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  port = (busy.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => busy.close(() => { resolve(); }));
});

afterEach(() => {
  vi.unstubAllEnvs();
});

const emulatorDirs = () => readdirSync(tmpdir()).filter((f) => f.startsWith('eg-emulator-'));

describe('a busy port', () => {
  // npm start's PORT and the emulator's --port: test/cli/every-command.test.ts, with every command.
  it('emulator with EMULATOR_PORT: the line names EMULATOR_PORT, no CA directory left', async () => {
    const before = emulatorDirs();
    vi.stubEnv('EMULATOR_PORT', String(port));
    const io = buffers();
    expect(await emulator([], io)).toBe(1);
    expect(io.err_()).toBe(`emulator: port ${String(port)} is in use; set EMULATOR_PORT to another\n`);
    expect(io.out_()).toBe('');
    expect(emulatorDirs()).toEqual(before);
  });
});

describe('emulator --port', () => {
  it.each([['abc'], ['0'], ['65536'], ['-1'], ['1.5'], ['']])('--port %j is refused: one line naming --port and the usage, exit 2', async (bad) => {
    const io = buffers();
    const job = vi.fn(() => Promise.resolve(0));
    expect(await emulator([`--port=${bad}`], io, job)).toBe(2);
    expect(io.err_().split('\n')[0]).toBe(`emulator: --port must be a whole number from 1 to 65535, not "${bad}"`);
    expect(io.err_()).toContain('Usage: npm run emulator');
    expect(job).not.toHaveBeenCalled();
  });

  it('a bad EMULATOR_PORT is refused naming it, exit 2', async () => {
    vi.stubEnv('EMULATOR_PORT', 'x');
    const io = buffers();
    const job = vi.fn(() => Promise.resolve(0));
    expect(await emulator([], io, job)).toBe(2);
    expect(io.err_().split('\n')[0]).toBe('emulator: EMULATOR_PORT must be a whole number from 1 to 65535, not "x"');
  });

  it('--port wins over EMULATOR_PORT, which wins over 8443', async () => {
    const job = vi.fn<(args: EmulatorArgs) => Promise<number>>(() => Promise.resolve(0));
    vi.stubEnv('EMULATOR_PORT', '9000');
    await emulator(['--port', '9001'], buffers(), job);
    await emulator([], buffers(), job);
    vi.stubEnv('EMULATOR_PORT', undefined);
    await emulator([], buffers(), job);
    expect(job.mock.calls.map(([args]) => args)).toEqual([
      { tenant: SAMPLE_TENANT_FILE, port: 9001, portSetting: '--port' },
      { tenant: SAMPLE_TENANT_FILE, port: 9000, portSetting: 'EMULATOR_PORT' },
      { tenant: SAMPLE_TENANT_FILE, port: 8443, portSetting: '--port' },
    ]);
  });
});

describe("the emulator's CA file", () => {
  it('is in a fresh directory of its own run, printed as NODE_EXTRA_CA_CERTS, removed on stop', async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const io = buffers();
      const running = await startEmulator({ tenant: SAMPLE_TENANT_FILE, port: 0, portSetting: '--port' }, io);
      if (typeof running === 'number') throw new Error(`emulator did not start: ${io.err_()}`);
      runs.push({ running, out: io.out_() });
    }
    try {
      const [a, b] = runs.map(({ running, out }) => {
        const { caFile, emulator: em } = running;
        expect(dirname(dirname(caFile))).toBe(tmpdir());
        expect(basename(dirname(caFile))).toMatch(/^eg-emulator-/);
        expect(readFileSync(caFile, 'utf8')).toBe(em.caCertPem);
        expect(out).toContain(`export NODE_EXTRA_CA_CERTS='${caFile}'`);
        return caFile;
      });
      expect(dirname(a ?? '')).not.toBe(dirname(b ?? ''));
    } finally {
      await Promise.all(runs.map(({ running }) => running.stop()));
    }
    for (const { running } of runs) expect(existsSync(dirname(running.caFile))).toBe(false);
  });
});
