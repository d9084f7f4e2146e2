/**
 * `npm run bench`: figures measured on loopback against the tenant emulator, each compared in
 * the same run with its floor. Prints one table.
 *  - callout→200 latency through the local host (a separate process) with Graph at 0 ms and at
 *    50 ms per call, against the floor of one Graph round trip at that latency (the only Graph
 *    call a callout without checks needs: the resume);
 *  - per demo scenario under the sample policy, with Graph at 50 ms per call: the Graph calls and
 *    the rounds of them a decision takes, and the latency against its floor (one round of reads,
 *    then the resume: two Graph round trips at that latency; one when nothing is read);
 *  - cold import of the built entry and of the deployment bundle (and the variants it was chosen
 *    over), against importing @azure/functions alone;
 *  - the separation-of-duties evaluation for 10,000 group memberships × 2,000 rules, and how it
 *    grows when both double (linear: 2×);
 *  - the tenant scan for 25,000 and 50,000 generated users.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TenantEmulator } from '../emulator/index.js';
import { coldImportRows } from './support/bundle-bench.js';
import { spawnLocalHost } from './support/local-host-process.js';
import { floorRounds, measureScenario, POLICY_SCENARIOS, ratio } from './support/policy-bench.js';
import { readFixture, SAMPLE_POLICY, withFreshIds } from './support/scenarios.js';
import { benchScan } from './support/scan-bench.js';
import { median, ms, percentile, table } from './support/stats.js';

const CALLOUTS = Number(process.env['BENCH_CALLOUTS'] ?? '300');
const GRAPH_LATENCY_MS = 50;
const IMPORT_RUNS = 15;

const created = readFixture('elm-request-created.wire.json');
let sequence = 0;
function freshCallout(emulator: TenantEmulator): Record<string, unknown> {
  const body = withFreshIds(created, 'cccccccc', ++sequence);
  emulator.awaitCallout(body);
  return body;
}

async function calloutLatencies(emulator: TenantEmulator, url: string, n: number): Promise<number[]> {
  const token = await emulator.mintCallerToken();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const body = JSON.stringify(freshCallout(emulator));
    const started = performance.now();
    const response = await fetch(`${url}/api/callout`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
    await response.arrayBuffer();
    samples.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`callout answered ${String(response.status)}`);
  }
  return samples;
}

/** One Graph round trip as the app makes it: HTTPS, keep-alive, bearer token, JSON answer. */
async function graphRoundTrips(emulator: TenantEmulator, n: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, ca: emulator.caCertPem });
  const get = (path: string, headers: Record<string, string>) =>
    new Promise<string>((resolve, reject) => {
      const req = request(`${emulator.origin}${path}`, { agent, headers }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          resolve(text);
        });
      });
      req.on('error', reject);
      req.end();
    });
  const identity = JSON.parse(
    await get(`/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(emulator.origin)}&client_id=${emulator.managedIdentityClientId}`, { 'x-identity-header': emulator.identityHeader }),
  ) as { access_token: string };
  const body = freshCallout(emulator);
  const path = `/v1.0/identityGovernance/entitlementManagement/assignmentRequests/${String(body['AccessPackageAssignmentRequestId'])}`;
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await get(path, { authorization: `Bearer ${identity.access_token}` });
    samples.push(performance.now() - started);
  }
  agent.destroy();
  return samples;
}

async function main(): Promise<void> {
  const emulator = await TenantEmulator.start();
  const dir = mkdtempSync(join(tmpdir(), 'eg-bench-'));
  writeFileSync(join(dir, 'ca.pem'), emulator.caCertPem);
  const env = { ...emulator.appEnv(), NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') };
  const host = await spawnLocalHost(env);
  const rows: string[][] = [['measure', 'median', 'p99', 'floor (median)', 'ratio']];
  try {
    await calloutLatencies(emulator, host.url, 30); // warm: keys, token, JIT
    const fast = await calloutLatencies(emulator, host.url, CALLOUTS);
    const fastFloor = await graphRoundTrips(emulator, CALLOUTS);
    rows.push(['callout→200, Graph at 0 ms', ms(median(fast)), ms(percentile(fast, 99)), `${ms(median(fastFloor))} (1 Graph round trip)`, (median(fast) / median(fastFloor)).toFixed(2)]);
    emulator.faults.setLatency('graph', GRAPH_LATENCY_MS);
    const slow = await calloutLatencies(emulator, host.url, Math.min(CALLOUTS, 100));
    const slowFloor = await graphRoundTrips(emulator, Math.min(CALLOUTS, 100));
    rows.push([`callout→200, Graph at ${String(GRAPH_LATENCY_MS)} ms`, ms(median(slow)), ms(percentile(slow, 99)), `${ms(median(slowFloor))} (1 Graph round trip)`, (median(slow) / median(slowFloor)).toFixed(2)]);
  } finally {
    await host.stop();
    await emulator.close();
  }
  rows.push(...(await coldImportRows(env, IMPORT_RUNS)));
  const policyRows = await policyScenarios(dir);
  rmSync(dir, { recursive: true, force: true });
  console.log(`entitlement-guard bench — Node ${process.version}, ${String(CALLOUTS)} callouts per row (100 at ${String(GRAPH_LATENCY_MS)} ms), ${String(IMPORT_RUNS)} cold imports\n`);
  console.log(table(rows));
  console.log(`\nSample policy, Graph at ${String(GRAPH_LATENCY_MS)} ms per call, ${String(POLICY_CALLOUTS)} callouts per scenario (floor: one round of reads, then the resume)\n`);
  console.log(table(policyRows));
  console.log('\nSeparation of duties: one check evaluation (holdings collected, rules looked up, evidence written), in a fresh process\n');
  console.log(table(sodEvaluationInOwnProcess()));
  console.log('\nSeparation-of-duties scan of a generated tenant (`npm run scan` on the emulator, its own process), rule by rule\n');
  console.log(table(await scanRows()));
}

/** The SoD evaluation bench in its own process: the heap the sections above leave would weigh on its collections. */
function sodEvaluationInOwnProcess(): string[][] {
  const module = new URL('./support/sod-bench.js', import.meta.url).href;
  const script = `const m=await import(${JSON.stringify(module)});process.stdout.write(JSON.stringify(m.sodEvaluationRows()))`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script]).toString()) as string[][];
}

/** The scan at 25,000 and 50,000 users: the time should grow with the tenant, linearly. */
async function scanRows(): Promise<string[][]> {
  const rows: string[][] = [['tenant', 'rules', 'pages read', 'violations (placed found)', 'scan', 'whole command', 'against 25,000 users']];
  const half = await benchScan({ users: 25_000 });
  const full = await benchScan({ users: 50_000 });
  for (const f of [half, full]) {
    rows.push([`${f.users.toLocaleString('en-US')} users`, String(f.rules), String(f.pages), `${String(f.violations)} (${f.foundPlaced ? 'yes' : 'NO'})`, ms(f.scanMs), ms(f.wallMs), (f.scanMs / half.scanMs).toFixed(2)]);
  }
  return rows;
}

const POLICY_CALLOUTS = Number(process.env['BENCH_POLICY_CALLOUTS'] ?? '60');

/** Each policy scenario through the local host on the sample policy, Graph at a set latency. */
async function policyScenarios(dir: string): Promise<string[][]> {
  const emulator = await TenantEmulator.start();
  writeFileSync(join(dir, 'ca.pem'), emulator.caCertPem);
  const host = await spawnLocalHost({ ...emulator.appEnv(), NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'), POLICY_PATH: SAMPLE_POLICY });
  const rows: string[][] = [['scenario', 'Graph reads', 'resumes', 'rounds (floor)', 'median', 'p99', 'floor (median)', 'ratio']];
  try {
    for (const [i, scenario] of POLICY_SCENARIOS.entries()) await measureScenario(emulator, host.url, scenario, 5, `aaaaaaa${String(i)}`); // warm
    emulator.faults.setLatency('graph', GRAPH_LATENCY_MS);
    const roundTrip = median(await graphRoundTrips(emulator, 30));
    for (const [i, scenario] of POLICY_SCENARIOS.entries()) {
      const figures = await measureScenario(emulator, host.url, scenario, POLICY_CALLOUTS, `bbbbbbb${String(i)}`);
      const floor = floorRounds(figures) * roundTrip;
      rows.push([figures.name, String(figures.reads), String(figures.resumes), `${String(figures.rounds)} (${String(floorRounds(figures))})`, ms(median(figures.samples)), ms(percentile(figures.samples, 99)), ms(floor), ratio(figures.samples, floor)]);
    }
  } finally {
    await host.stop();
    await emulator.close();
  }
  return rows;
}

await main();
