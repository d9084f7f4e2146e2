import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HttpFunctionOptions } from '@azure/functions';
import type { TenantEmulator } from '../../emulator/index.js';
import { startLocalHost, type LocalHost } from '../../host/local-host.js';
import { buildDeployBundle, type DeployBundle } from '../../scripts/bundle/deploy-bundle.js';
import { findingIds, readFixture, SAMPLE_POLICY } from '../../scripts/demo/scenarios.js';
import { startTestEmulator } from '../support/emulator.js';
import { BAD_POLICIES } from '../support/startup-cases.js';

let bundle: DeployBundle;
let emulator: TenantEmulator;
const dir = mkdtempSync(join(tmpdir(), 'eg-bundle-'));

beforeAll(async () => {
  bundle = await buildDeployBundle(join(dir, 'deploy')); // esbuild: well under a second
  emulator = await startTestEmulator();
}, 60_000);
afterAll(async () => {
  try {
    await emulator.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

type Started = { started: true; functions: string[] } | { started: false; name: string; code: string; message: string };

/**
 * Imports a bundled entry the way the Functions worker does: a fresh `node`, only PATH, the test
 * CA and `settings` in the environment, and a working directory with no node_modules above it.
 * `prelude` runs first (the worker's own set-up).
 */
function start(settings: Record<string, string>, entry = bundle.entry, prelude = ''): Started & Record<string, unknown> {
  const script = `${prelude}
let outcome;
try {
  const app = await import(${JSON.stringify(pathToFileURL(entry).href)});
  outcome = { started: true, functions: Object.keys(app.httpFunctions), ...(globalThis.worker ?? {}) };
} catch (error) {
  outcome = { started: false, name: error.name, code: error.code, message: error.message };
}
process.stdout.write(JSON.stringify(outcome));
process.exit(0);`;
  const env = { PATH: process.env['PATH'] ?? '', NODE_EXTRA_CA_CERTS: process.env['NODE_EXTRA_CA_CERTS'] ?? '', ...settings };
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] }).toString()) as Started & Record<string, unknown>;
}

describe('the deployment bundle', () => {
  test('holds the product and its production dependencies only; start-up evaluates no ajv compiler', () => {
    const dev = Object.keys((JSON.parse(readFileSync('package.json', 'utf8')) as { devDependencies: Record<string, string> }).devDependencies);
    const outside = bundle.inputs.filter((input) => !/^(functions|src|node_modules)\/|^precompiled:/.test(input));
    expect(outside).toEqual([]);
    expect(bundle.inputs.filter((input) => dev.some((name) => input.startsWith(`node_modules/${name}/`)))).toEqual([]);
    expect(bundle.inputs).toEqual(expect.arrayContaining(['precompiled:answer-validators', 'precompiled:callout-validators', 'precompiled:policy-validators']));
    // The scan's own schemas still compile, in the chunk loaded only when the timer is configured.
    expect(bundle.startupInputs.filter((input) => input.startsWith('node_modules/ajv/') && !input.startsWith('node_modules/ajv/dist/runtime/'))).toEqual([]);
    expect(bundle.startupInputs.some((input) => input.startsWith('node_modules/@azure/storage-blob/'))).toBe(false);
  });

  test('its package.json loads the bundle and installs nothing', () => {
    const manifest = JSON.parse(readFileSync(join(bundle.dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ type: 'module', main: 'app/index.js', dependencies: {} });
    expect(manifest).not.toHaveProperty('devDependencies');
    expect(readFileSync(join(bundle.dir, 'host.json'), 'utf8')).toBe(readFileSync('host.json', 'utf8'));
  });
});

describe('start-up of the bundled entry', () => {
  test('missing settings stop it with a message naming them', () => {
    const settings = { ...emulator.appEnv() } as Record<string, string>;
    delete settings['AZURE_TENANT_ID'];
    delete settings['IDENTITY_HEADER'];
    const outcome = start(settings);
    expect(outcome).toMatchObject({ started: false, name: 'AppError', code: 'CONFIG.INVALID' });
    expect(outcome['message']).toMatch(/missing settings: AZURE_TENANT_ID, IDENTITY_HEADER/);
  });

  test('a scheduled scan with a bad schedule stops it too (from the chunk loaded only when a schedule is set)', () => {
    const outcome = start({ ...emulator.appEnv(), SOD_SCAN_SCHEDULE: '0 2 * * *', SOD_SCAN_BLOB_URL: 'https://account.blob.core.windows.net/reports' });
    expect(outcome).toMatchObject({ started: false, name: 'AppError', code: 'CONFIG.INVALID' });
    expect(outcome['message']).toMatch(/SOD_SCAN_SCHEDULE: "0 2 \* \* \*" has 5 fields/);
  });

  test.each(BAD_POLICIES)('a bad policy stops it: %s (precompiled validators, same messages)', (name, text, message) => {
    const path = join(dir, `${name.replace(/\W+/g, '-')}.json`);
    writeFileSync(path, text);
    const outcome = start({ ...emulator.appEnv(), POLICY_PATH: path });
    expect(outcome).toMatchObject({ started: false, name: 'AppError', code: 'CONFIG.INVALID' });
    expect(outcome['message']).toMatch(message);
  });

  test('good settings start it with the policy deployed beside its package.json', () => {
    expect(start(emulator.appEnv())).toEqual({ started: true, functions: ['callout', 'pim'] });
    // The default policy is the bundle's own policy/policy.json, whatever the working directory.
    const copy = join(dir, 'deploy-with-bad-policy');
    cpSync(bundle.dir, copy, { recursive: true });
    writeFileSync(join(copy, 'policy', 'policy.json'), '{ "scopes": 1 }');
    const outcome = start(emulator.appEnv(), join(copy, 'app', 'index.js'));
    expect(outcome).toMatchObject({ started: false, code: 'CONFIG.INVALID' });
    expect(outcome['message']).toContain(`Policy ${join(copy, 'policy', 'policy.json')} is invalid at /scopes`);
  });

  test('it registers the callout with the Functions worker (whose module the bundle must require, not inline)', () => {
    // What the Node.js worker does before it loads the app: answer require('@azure/functions-core').
    const worker = `
import Module from 'node:module';
globalThis.worker = { registered: [], models: [] };
const core = {
  registerFunction: (metadata) => { globalThis.worker.registered.push(metadata); return { dispose() {} }; },
  setProgrammingModel: (model) => { globalThis.worker.models.push(model.name); },
  registerHook: () => ({ dispose() {} }),
  log: () => {},
};
Module.prototype.require = new Proxy(Module.prototype.require, {
  apply: (target, self, args) => (args[0] === '@azure/functions-core' ? core : Reflect.apply(target, self, args)),
});`;
    const outcome = start(emulator.appEnv(), bundle.entry, worker);
    expect(outcome).toMatchObject({ started: true, models: ['@azure/functions'] });
    const registered = outcome['registered'] as { name: string; bindings: Record<string, unknown> }[];
    expect(registered.map((r) => r.name)).toEqual(['callout', 'pim']);
    const bindings = Object.values(registered[0]?.bindings ?? {});
    expect(bindings).toContainEqual(expect.objectContaining({ type: 'httpTrigger', direction: 'in', methods: ['POST'], authLevel: 'anonymous', route: 'callout' }));
    expect(bindings).toContainEqual(expect.objectContaining({ type: 'http', direction: 'out' }));
    expect(Object.values(registered[1]?.bindings ?? {})).toContainEqual(expect.objectContaining({ type: 'httpTrigger', direction: 'in', methods: ['POST'], authLevel: 'anonymous', route: 'pim' }));
  });
});

describe('the bundled callout handler, end to end against the tenant emulator', () => {
  let host: LocalHost;
  const saved = { ...process.env };

  beforeAll(async () => {
    Object.assign(process.env, emulator.appEnv(), { POLICY_PATH: SAMPLE_POLICY });
    const app = (await import(pathToFileURL(bundle.entry).href)) as { httpFunctions: Record<string, HttpFunctionOptions> };
    host = await startLocalHost(app.httpFunctions, { port: 0 });
  });
  afterAll(async () => {
    await host.close();
    process.env = saved;
  });

  test('a request that creates a separation-of-duties conflict: facts read and validated, checks run, the denial resumed', async () => {
    const body = readFixture('elm-request-created.sod-conflict.wire.json');
    emulator.awaitCallout(body);
    const response = await fetch(`${host.url}/api/callout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await emulator.mintCallerToken()}` },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    const record = (await response.json()) as Record<string, unknown>;
    expect(record).toMatchObject({ outcome: 'resumed', decision: 'deny' });
    expect(findingIds(record)).toEqual(['separation-of-duties/newConflict']);
    expect(emulator.acceptedResumes()).toHaveLength(1);
    expect(emulator.calls({ service: 'graph', method: 'GET' }).length).toBeGreaterThan(5);
  });

  test('a call without a token is answered 401 problem+json', async () => {
    const response = await fetch(`${host.url}/api/callout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});
