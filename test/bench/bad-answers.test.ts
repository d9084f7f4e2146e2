// A bad answer does not end the bench: the measurement counts it, keeps its status and body
// (trimmed), goes on, and its row of the table says so. Progress lines name the measurement and
// how far it is. Against a fake target on loopback, not a bench run.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { AnswerTally, describeBad, failedRow, Progress, RESUMED, rowOf, timedAnswers, trimBody } from '../../scripts/bench/answers.js';
import { calloutLatencies } from '../../scripts/bench/latency-bench.js';
import { activateOnce } from '../../scripts/bench/pim-bench.js';
import { measureScenario, POLICY_SCENARIOS } from '../../scripts/bench/policy-bench.js';
import { startTestEmulator } from '../support/emulator.js';

const FAILURE = JSON.stringify({ code: 'CALLOUT.INTERNAL', message: `Something broke ${'and kept breaking '.repeat(10)}` });

/** Answers 500 with FAILURE, except the requests numbered in `good` (from 1), which get 200 `resumed`. */
function fakeTarget(good: ReadonlySet<number> = new Set()): Promise<{ url: string; server: Server; requests: () => number }> {
  let requests = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      const ok = good.has(requests);
      res.writeHead(ok ? 200 : 500, { 'content-type': 'application/json' }).end(ok ? '{"outcome":"resumed"}' : FAILURE);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`, server, requests: () => requests });
    });
  });
}

let emulator: TenantEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => {
  await emulator.close();
});

describe('a measurement that gets bad answers', () => {
  test('goes on to the end, times only the good ones and keeps the first bad status and body, trimmed', async () => {
    const target = await fakeTarget(new Set([2, 4]));
    try {
      const tally = new AnswerTally();
      const samples = await timedAnswers(5, () => fetch(target.url, { method: 'POST', body: '{}' }), RESUMED, tally);
      expect(target.requests()).toBe(5);
      expect(samples).toHaveLength(2);
      const bad = tally.result();
      expect(bad).toEqual({ count: 3, of: 5, status: 500, body: `${FAILURE.slice(0, 79)}…` });
      expect(describeBad(bad ?? { count: 0, of: 0, status: 0, body: '' })).toBe(`3 of 5 answered 500: ${FAILURE.slice(0, 79)}…`);
    } finally {
      target.server.close();
    }
  });

  test('a 200 whose body says something else is a bad answer too; a refused connection is one with status 0', async () => {
    const tally = new AnswerTally();
    expect(tally.record({ status: 200, text: '{"outcome":"already-resumed"}' }, RESUMED({ status: 200, text: '{"outcome":"already-resumed"}' }))).toBe(false);
    const samples = await timedAnswers(1, () => fetch('http://127.0.0.1:1/'), RESUMED, tally);
    expect(samples).toEqual([]);
    expect(tally.result()).toMatchObject({ count: 2, of: 2, status: 200, body: '{"outcome":"already-resumed"}' });
  });

  test('callout→answer latency through a host answering 500: every callout sent, none timed, the 500 kept', async () => {
    const target = await fakeTarget();
    try {
      const tally = new AnswerTally();
      const ticks: number[] = [];
      const samples = await calloutLatencies(emulator, target.url, 4, tally, () => ticks.push(1));
      expect({ samples, requests: target.requests(), ticks: ticks.length }).toEqual({ samples: [], requests: 4, ticks: 4 });
      expect(tally.result()).toMatchObject({ count: 4, of: 4, status: 500 });
      expect(tally.result()?.body).toMatch(/^\{"code":"CALLOUT\.INTERNAL"/);
    } finally {
      target.server.close();
    }
  });

  test('a policy scenario and a PIM activation answered 500 are counted, not thrown', async () => {
    const target = await fakeTarget();
    try {
      const [scenario] = POLICY_SCENARIOS;
      const figures = await measureScenario(emulator, target.url, scenario, 3, 'eeeeeee0');
      expect(figures).toMatchObject({ samples: [], bad: { count: 3, of: 3, status: 500 } });
      const tally = new AnswerTally();
      expect(await activateOnce(`${target.url}/api/pim`, 'token', tally)).toBeUndefined();
      expect(tally.result()).toMatchObject({ count: 1, of: 1, status: 500 });
    } finally {
      target.server.close();
    }
  });
});

describe('the table and the exit', () => {
  const cells = ['callout→answer, no policy, Graph 0 ms', '-', '-', '0', 'ledger insert, then the resume, raw', '4.45 ms', 'NaN'];

  test('a row with bad answers says in its ratio cell what it got, and is listed as a failure', () => {
    const failures: string[] = [];
    const row = rowOf(cells, { count: 300, of: 300, status: 500, body: trimBody(FAILURE) }, failures);
    expect(row.slice(0, -1)).toEqual(cells.slice(0, -1));
    expect(row.at(-1)).toBe(`BAD: 300 of 300 answered 500: ${FAILURE.slice(0, 79)}…`);
    expect(failures).toEqual([`callout→answer, no policy, Graph 0 ms: 300 of 300 answered 500: ${FAILURE.slice(0, 79)}…`]);
    expect(rowOf(cells, undefined, failures)).toEqual(cells);
    expect(failures).toHaveLength(1);
  });

  test('a section that throws is one row of its own, as wide as the table', () => {
    const failures: string[] = [];
    expect(failedRow('cold start', new Error('spawn node ENOENT\n  at …'), 7, failures)).toEqual(['cold start', '-', '-', '-', '-', '-', 'FAILED: spawn node ENOENT at …']);
    expect(failures).toEqual(['cold start: failed: spawn node ENOENT at …']);
  });

  test('a body is trimmed to one line', () => {
    expect(trimBody('')).toBe('(empty body)');
    expect(trimBody('<html>\n  <body>Bad gateway</body>\n</html>')).toBe('<html> <body>Bad gateway</body> </html>');
    expect(trimBody('x'.repeat(100))).toHaveLength(80);
  });
});

describe('progress', () => {
  test('names the measurement and its place, then n of N at most every few seconds and at the end', () => {
    const lines: string[] = [];
    let now = 0;
    const progress = new Progress(12, (line) => lines.push(line), 5000, () => now);
    const tick = progress.start('callout→answer, no policy, Graph 0 ms', 3, 'callouts');
    tick();
    now = 6000;
    tick();
    tick();
    progress.start('sample policy: clean request (created)', 60, 'callouts');
    expect(lines).toEqual([
      'bench 1/12 callout→answer, no policy, Graph 0 ms: 3 callouts',
      'bench 1/12   … 2 of 3 callouts',
      'bench 1/12   … 3 of 3 callouts',
      'bench 2/12 sample policy: clean request (created): 60 callouts',
    ]);
  });
});
