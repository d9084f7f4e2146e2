// `npm run register` when it cannot do what is asked: one line on stderr saying why, the exit code, and no write made before it knew.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { SAMPLE_TENANT_FILE, type TenantEmulator } from '../../emulator/index.js';
import { registerCli } from '../../scripts/register/register-cli.js';
import { miToken } from '../emulator/graph-calls.js';
import { extensionBody, EXTENSIONS, graphSend, without } from '../emulator/graph-writes.js';
import { EMPLOYEES, FINANCE, freshEmulator, register } from './register-run.js';

let emulator: TenantEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(tenant?: object): Promise<TenantEmulator> {
  emulator = await freshEmulator(tenant);
  return emulator;
}

const UNKNOWN = '99999999-9999-4999-8999-999999999999';
const ATTACH = ['--catalog', FINANCE, '--policy', EMPLOYEES, '--stage', 'assignmentRequestCreated'];
const ELM_ROLES = ['EntitlementManagement.Read.All', 'EntitlementManagement.ReadWrite.All'];

/** The sample tenant with more in it. */
function sample(change: (t: Record<string, unknown[]>) => void): object {
  const tenant = JSON.parse(readFileSync(SAMPLE_TENANT_FILE, 'utf8')) as Record<string, unknown[]>;
  change(tenant);
  return tenant;
}

describe('what does not exist', () => {
  test('a missing catalog: exit 2, one line naming it, nothing but that read', async () => {
    const e = await start();
    const run = await register(e, ['--catalog', UNKNOWN, '--policy', EMPLOYEES, '--stage', 'assignmentRequestCreated']);
    expect([run.code, run.out, run.err]).toEqual([2, '', `register: catalog ${UNKNOWN} does not exist in this tenant\n`]);
    expect(run.calls.map((c) => [c.method, c.status])).toEqual([['GET', 404]]);
  });

  test('a missing policy: exit 2 before the extension is created', async () => {
    const e = await start();
    const run = await register(e, ['--catalog', FINANCE, '--policy', UNKNOWN, '--stage', 'assignmentRequestCreated']);
    expect([run.code, run.err]).toEqual([2, `register: assignment policy ${UNKNOWN} does not exist in this tenant\n`]);
    expect(run.writes).toEqual([]);
    expect(e.registry.extensionsOf(FINANCE)).toEqual([]);
  });

  test('a policy of another catalog: exit 2, its extensions are not ours to use', async () => {
    const SALES = '5a1e5000-0000-4000-8000-000000000001';
    const e = await start(sample((t) => {
      t['catalogs']?.push({ id: SALES, displayName: 'Sales' });
      t['accessPackages']?.push({ id: '5a1e5000-0000-4000-8000-000000000002', displayName: 'CRM', catalog: { id: SALES, displayName: 'Sales' } });
      t['assignmentPolicies']?.push({ id: '5a1e5000-0000-4000-8000-000000000003', displayName: 'Sales staff', accessPackage: '5a1e5000-0000-4000-8000-000000000002', catalog: SALES });
    }));
    const run = await register(e, ['--catalog', FINANCE, '--policy', '5a1e5000-0000-4000-8000-000000000003', '--stage', 'assignmentRequestCreated']);
    expect([run.code, run.err]).toEqual([2, `register: assignment policy "Sales staff" (5a1e5000-0000-4000-8000-000000000003) belongs to catalog ${SALES}, not ${FINANCE}: a policy can only use its own catalog's custom extensions\n`]);
    expect(run.writes).toEqual([]);
  });

  test('a tenant file that does not load: exit 2', async () => {
    const err: string[] = [];
    const code = await registerCli(['--catalog', FINANCE, '--broad-permissions', '--tenant', '/nonexistent/tenant.json'], { out: () => undefined, err: (t) => err.push(t) }, { env: { AZURE_SUBSCRIPTION_ID: UNKNOWN, RELAY_RESOURCE_GROUP: 'rg', RELAY_LOGIC_APP_NAME: 'relay' } });
    expect(code).toBe(2);
    expect(err.join('')).toMatch(/^register: tenant file \/nonexistent\/tenant\.json cannot be read/);
  });
});

describe('permissions', () => {
  test('no entitlement management permission: exit 1 at the first read, naming the permission and the roles', async () => {
    const e = await start();
    e.managedIdentityRoles = e.managedIdentityRoles.filter((r) => !ELM_ROLES.includes(r));
    const run = await register(e, ATTACH);
    expect(run.code).toBe(1);
    expect(run.err).toBe(`register: Graph refused to read catalog ${FINANCE} (403 Authorization_RequestDenied): the signed-in identity needs EntitlementManagement.ReadWrite.All, and signed in as a user a role such as Catalog owner of the catalog, or Identity Governance Administrator\n`);
  });

  test('read but not write: the reads pass, the first write is refused naming EntitlementManagement.ReadWrite.All', async () => {
    const e = await start();
    e.managedIdentityRoles = [...e.managedIdentityRoles.filter((r) => !ELM_ROLES.includes(r)), 'EntitlementManagement.Read.All'];
    const run = await register(e, ATTACH);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^register: Graph refused to create custom extension "entitlement-guard" in catalog Finance .* \(403 Authorization_RequestDenied\): the signed-in identity needs EntitlementManagement\.ReadWrite\.All/);
    expect(e.registry.extensionsOf(FINANCE)).toEqual([]);
  });

  test('no Lifecycle Workflows write: the extension is made, the task extension refused, the line says how far it got', async () => {
    const e = await start();
    e.managedIdentityRoles = [...e.managedIdentityRoles.filter((r) => r !== 'LifecycleWorkflows.ReadWrite.All'), 'LifecycleWorkflows.Read.All'];
    const run = await register(e, ['--catalog', FINANCE, '--lcw']);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/needs LifecycleWorkflows\.ReadWrite\.All \(or LifecycleWorkflows-CustomExt\.ReadWrite\.All\), and signed in as a user a role such as Lifecycle Workflows Administrator \(2 of 3 writes were made before it; running again finishes the rest\)\n$/);
    e.managedIdentityRoles.push('LifecycleWorkflows.ReadWrite.All');
    const again = await register(e, ['--catalog', FINANCE, '--lcw']);
    expect([again.code, again.writes.map((w) => w.method)]).toEqual([0, ['POST']]);
    expect(e.registry.extensionsOf(FINANCE)).toHaveLength(1);
  });
});

describe('Graph failing', () => {
  test('a transient failure is retried (Retry-After honoured), then the run goes on', async () => {
    const e = await start();
    e.faults.add({ service: 'graph', method: 'GET', path: `/catalogs/${FINANCE}`, times: 2, action: { status: 503, retryAfter: 0 } });
    e.faults.add({ service: 'graph', method: 'POST', path: '/customWorkflowExtensions', action: { status: 429, retryAfter: 0 } });
    const run = await register(e, ATTACH);
    expect([run.code, run.err]).toEqual([0, '']);
    expect(run.calls.filter((c) => c.path.endsWith(`/catalogs/${FINANCE}`)).map((c) => c.status)).toEqual([503, 503, 200]);
    expect(run.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/customWorkflowExtensions')).map((c) => c.status)).toEqual([429, 201]);
  });

  test('a failure that lasts: exit 1 once the budget is spent, saying what could not be done', async () => {
    const e = await start();
    e.faults.add({ service: 'graph', method: 'GET', path: '/customWorkflowExtensions', times: Infinity, action: { status: 503, retryAfter: 1 } });
    const run = await register(e, ATTACH, undefined, { budgetMs: 1500 });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^register: could not list the custom extensions of catalog 26803898-8c26-4ca8-ba50-15552ecd4c9d: Graph answered 503; gave up after 2 attempt\(s\)\.\n$/);
    expect(run.writes).toEqual([]);
  });

  test('a create whose answer is lost is not repeated blindly: exit 1; the next run finds the extension and goes on', async () => {
    const e = await start();
    e.faults.add({ service: 'graph', method: 'POST', path: '/customWorkflowExtensions', action: { drop: 'after-handling' } });
    const run = await register(e, ATTACH);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^register: no answer to the request to create custom extension .*; it may have been made: run the command again, it reads what exists before writing\n$/);
    const again = await register(e, ATTACH);
    // The policy, then the catalog role (least privilege, the default) the first run stopped before.
    expect([again.code, again.writes.map((w) => w.method)]).toEqual([0, ['PUT', 'POST']]);
    expect(e.registry.extensionsOf(FINANCE)).toHaveLength(1);
    expect(again.out).toMatch(/custom extension .*: unchanged/);
  });
});

describe('what a policy cannot take', () => {
  test('a stage another extension already has: exit 2, nothing written', async () => {
    const e = await start();
    await register(e, ['--catalog', FINANCE, '--name', 'other', '--policy', EMPLOYEES, '--stage', 'assignmentRequestCreated']);
    const run = await register(e, ATTACH);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^register: stage assignmentRequestCreated of policy "Employees" \(94f213d6-cfa4-4bda-86f9-6bb659b87cb0\) already calls custom extension [0-9a-f-]{36}: take it off first\n$/);
    expect(run.writes).toEqual([]);
  });

  test('taking off a dynamic stage that is the only approver: exit 2, nothing written', async () => {
    const e = await start(sample((t) => {
      t['assignmentPolicies'] = (t['assignmentPolicies'] ?? []).map((p) => without(p as Record<string, unknown>, 'requestApprovalSettings'));
    }));
    expect((await register(e, [...ATTACH, '--dynamic-approval'])).code).toBe(0);
    const run = await register(e, ['--catalog', FINANCE, '--policy', EMPLOYEES, '--unregister']);
    expect(run.code).toBe(2);
    expect(run.err).toBe(`register: taking the dynamic approval stage off policy "Employees" (${EMPLOYEES}) would leave it without any approver: give it another approval stage (Entra admin center) first, then run again\n`);
    expect(run.writes).toEqual([]);
    expect(e.registry.extensionsOf(FINANCE)).toHaveLength(1);
  });

  test('two extensions of our name in the catalog: exit 2, choose', async () => {
    const e = await start();
    const token = await miToken(e);
    for (let i = 0; i < 2; i++) expect((await graphSend(e, 'POST', EXTENSIONS, token, extensionBody())).status).toBe(201);
    const run = await register(e, ATTACH);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^register: catalog Finance has 2 entries named "entitlement-guard" \([0-9a-f-]{36}, [0-9a-f-]{36}\): delete the extra ones or choose another --name\n$/);
  });

  test('an extension of our name of the other kind: exit 2', async () => {
    const e = await start();
    const token = await miToken(e);
    await graphSend(e, 'POST', EXTENSIONS, token, without(extensionBody({ '@odata.type': '#microsoft.graph.accessPackageAssignmentWorkflowExtension' }), 'callbackConfiguration'));
    const run = await register(e, ATTACH);
    expect(run.code).toBe(2);
    expect(run.err).toContain('is a #microsoft.graph.accessPackageAssignmentWorkflowExtension, not an access package assignment request workflow extension: choose another --name');
  });
});
