// README "Running locally" as a new user follows it: `npm run emulator` (in-process, its own CA as
// when run by hand), its printed export lines as the whole environment of `npm start` (the local
// host, a real process), then its printed curl; the answer is the one the emulator's text promises.
import { execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_TENANT_FILE } from '../../emulator/index.js';
import { startEmulator, WALKTHROUGH_FIXTURE, type RunningEmulator } from '../../scripts/emulator.js';
import type { LocalHostProcess } from '../../scripts/common/local-host-process.js';
import { spawnListening } from '../../scripts/common/local-host-process.js';
import { bundleLocalHost } from '../support/host-process.js';
import { exportsOf, printedBlock } from './printed.js';

let running: RunningEmulator | undefined;
let printed = '';
let host: LocalHostProcess | undefined;
let bundle: Awaited<ReturnType<typeof bundleLocalHost>> | undefined;

beforeAll(async () => {
  const started = await startEmulator({ tenant: SAMPLE_TENANT_FILE, port: 0, portSetting: '--port' }, { out: (t) => { printed += t; }, err: (t) => { printed += t; } });
  if (typeof started === 'number') throw new Error(`the emulator did not start: ${printed}`);
  running = started;
  bundle = await bundleLocalHost();
  // Exactly what the user pastes: the printed exports, nothing of this process's environment (spawnListening adds PATH and PORT=0).
  host = await spawnListening(bundle.entry, exportsOf(printedBlock(printed, 'For npm start')));
});

afterAll(async () => {
  await host?.stop();
  bundle?.remove();
  await running?.stop();
});

const hasCurl = (() => {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The first line the host printed that starts with `prefix`, waited for: the host prints it just after it listens. */
async function hostLine(output: readonly string[], prefix: string): Promise<string | undefined> {
  for (let waited = 0; waited < 5000; waited += 20) {
    const line = output.find((l) => l.startsWith(prefix));
    if (line !== undefined) return line;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

/** Runs the printed curl line as a shell would, PORT set to where the host listens. */
function runCurl(line: string, port: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', line], { env: { PATH: process.env['PATH'] ?? '', PORT: port }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString('utf8'); });
    child.stderr.on('data', (c: Buffer) => { err += c.toString('utf8'); });
    child.once('exit', (code) => { if (code === 0) resolve(out); else reject(new Error(`curl exited ${String(code)}: ${err}`)); });
  });
}

describe('npm run emulator prints what npm start needs', () => {
  it('the host settings, the sample policy as POLICY_PATH, its CA; the register settings; a curl; then what to do', () => {
    const start = exportsOf(printedBlock(printed, 'For npm start'));
    expect(Object.keys(start)).toEqual(expect.arrayContaining(['AZURE_TENANT_ID', 'AZURE_AUTHORITY_HOST', 'CALLOUT_AUDIENCE', 'ALLOWED_CALLER_APP_IDS', 'GRAPH_BASE_URL', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'NODE_EXTRA_CA_CERTS', 'POLICY_PATH']));
    expect(start['POLICY_PATH']).toMatch(/[/\\]policy[/\\]sample\.policy\.json$/);
    expect(start['NODE_EXTRA_CA_CERTS']).toBe(running?.caFile);
    expect(Object.keys(exportsOf(printedBlock(printed, 'For npm run register')))).toEqual(expect.arrayContaining(['AZURE_SUBSCRIPTION_ID', 'RELAY_RESOURCE_GROUP', 'RELAY_LOGIC_APP_NAME', 'FUNCTION_IDENTITY_PRINCIPAL_ID']));
    expect(printed).toMatch(new RegExp(`^curl -sS "http://127\\.0\\.0\\.1:\\$\\{PORT:-7071\\}/api/callout" .*--data '@.*${WALKTHROUGH_FIXTURE.replace(/\./g, '\\.')}'$`, 'm'));
    expect(printed).toMatch(/^Then: in another terminal, paste the export lines and run npm start/m);
    expect(printed.trimEnd().split('\n').at(-1)).toBe('Ctrl-C stops the emulator.');
  });

  it('npm start with exactly those exports says which policy it applies', async () => {
    expect(await hostLine(host?.output ?? [], 'policy: ')).toBe('policy: policy/sample.policy.json (POLICY_PATH)');
  });

  it('npm start without POLICY_PATH says it applies the deployed default', async () => {
    const rest = exportsOf(printedBlock(printed, 'For npm start'));
    delete rest['POLICY_PATH'];
    const plain = await spawnListening(bundle?.entry ?? '', rest);
    try {
      expect(await hostLine(plain.output, 'policy: ')).toBe('policy: policy/policy.json (the default: POLICY_PATH is not set)');
    } finally {
      await plain.stop();
    }
  });

  it.skipIf(!hasCurl)('the printed curl, as printed, gets the answer the text promises: denied, the requestor at high risk', async () => {
    const curl = printed.split('\n').find((l) => l.startsWith('curl '));
    const answer = JSON.parse(await runCurl(curl ?? 'false', new URL(host?.url ?? 'http://127.0.0.1:1').port)) as Record<string, unknown>;
    expect(answer).toMatchObject({ outcome: 'resumed', decision: 'deny' });
    expect(printed).toContain('{"outcome":"resumed","decision":"deny",...}');
    expect(String(answer['detail'])).toMatch(/high risk/);
  });
});
