// `npm run register` in-process against the tenant emulator (sample tenant): create, re-run, update, stages, what-if, unregister, role (least privilege, the default), LCW.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { ASSIGNMENT_MANAGER, ATTACH, AZD_ENV, BASE, EMPLOYEES, FINANCE, freshEmulator, FUNCTION_CLIENT_ID, FUNCTION_IDENTITY, lines, register } from './register-run.js';

let emulator: TenantEmulator;
beforeEach(async () => {
  emulator = await freshEmulator();
});
afterEach(() => emulator.close());

const ELM = '/v1.0/identityGovernance/entitlementManagement';
const ours = () => emulator.registry.extensionsOf(FINANCE);
/** The catalog role's create: least privilege is the default. */
const ROLE = 'POST /v1.0/roleManagement/entitlementManagement/roleAssignments';
const TASKS = '/v1.0/identityGovernance/lifecycleWorkflows/customTaskExtensions';
/** azd's outputs of a deployment that opted into the broad grant. */
const BROAD_ENV = { ...AZD_ENV, LEAST_PRIVILEGE: 'false' };

describe('the custom extension', () => {
  test('is created in the catalog pointing at the relay from azd\'s outputs: PoP, the callback window, one POST (and the catalog role)', async () => {
    const run = await register(emulator, BASE);
    expect([run.code, run.err]).toEqual([0, '']);
    expect(lines(run.writes)).toEqual([`POST ${ELM}/catalogs/${FINANCE}/customWorkflowExtensions`, ROLE]);
    expect(ours().map((e) => e.body)).toEqual([{
      '@odata.type': '#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension',
      displayName: 'entitlement-guard',
      description: 'entitlement-guard: policy on access requests, through its relay Logic App.',
      endpointConfiguration: {
        '@odata.type': '#microsoft.graph.logicAppTriggerEndpointConfiguration', subscriptionId: AZD_ENV.AZURE_SUBSCRIPTION_ID, resourceGroupName: 'rg-entitlement-guard', logicAppWorkflowName: 'eg-relay',
      },
      authenticationConfiguration: { '@odata.type': '#microsoft.graph.azureAdPopTokenAuthentication' },
      callbackConfiguration: { '@odata.type': '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration', timeoutDuration: 'PT1H' },
    }]);
    expect(run.out).toContain('custom extension "entitlement-guard" in catalog Finance (26803898-8c26-4ca8-ba50-15552ecd4c9d): create');
    expect(run.out).toContain('Graph writes made (2), each read back and found as written:');
  });

  test('a second run reads, writes nothing, and says unchanged', async () => {
    await register(emulator, ATTACH);
    const again = await register(emulator, ATTACH);
    expect(again.code).toBe(0);
    expect(again.writes).toEqual([]);
    expect(again.calls.length).toBeGreaterThan(0);
    expect(again.out).toContain('Nothing to change: everything is as asked (unchanged). Only reads were made.');
    expect(again.out).toMatch(/custom extension .*: unchanged/);
    expect(again.out).toMatch(/assignment policy "Employees" .*: unchanged \(assignmentRequestCreated call entitlement-guard\)/);
  });

  test('a changed callback window is one PUT of the extension (PT60M is the PT1H it has: unchanged)', async () => {
    await register(emulator, BASE);
    expect((await register(emulator, [...BASE, '--callback', 'PT60M'])).writes).toEqual([]);
    const run = await register(emulator, [...BASE, '--callback', 'P2D']);
    const id = ours()[0]?.id ?? '';
    expect(lines(run.writes)).toEqual([`PUT ${ELM}/catalogs/${FINANCE}/customWorkflowExtensions/${id}`]);
    expect(run.out).toContain('update (callback window PT1H → P2D)');
    expect(ours()[0]?.body['callbackConfiguration']).toEqual({ '@odata.type': '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration', timeoutDuration: 'P2D' });
  });

  test('a moved relay is an update too; flags win over azd\'s outputs', async () => {
    await register(emulator, BASE);
    const run = await register(emulator, [...BASE, '--relay-name', 'eg-relay-2']);
    expect(run.out).toContain('relay 6d1f7a52-2c0b-4e0e-9a55-7d2d5c1b9e41/rg-entitlement-guard/eg-relay → 6d1f7a52-2c0b-4e0e-9a55-7d2d5c1b9e41/rg-entitlement-guard/eg-relay-2');
    expect(ours()[0]?.body['endpointConfiguration']).toMatchObject({ logicAppWorkflowName: 'eg-relay-2' });
  });

  test('--name names another extension, found by that name', async () => {
    await register(emulator, BASE);
    await register(emulator, [...BASE, '--name', 'eg-staging']);
    expect(ours().map((e) => e.body['displayName'])).toEqual(['entitlement-guard', 'eg-staging']);
  });
});

describe('stages of a policy', () => {
  test('two stages and the dynamic approval stage: one POST then one beta PUT carrying the new id', async () => {
    const run = await register(emulator, [...ATTACH, '--stage', 'assignmentRequestGranted', '--dynamic-approval']);
    expect(run.code).toBe(0);
    const id = ours()[0]?.id ?? '';
    expect(lines(run.writes)).toEqual([`POST ${ELM}/catalogs/${FINANCE}/customWorkflowExtensions`, `PUT /beta/identityGovernance/entitlementManagement/accessPackageAssignmentPolicies/${EMPLOYEES}`, ROLE]);
    const policy = emulator.registry.policy(EMPLOYEES);
    expect(policy?.stageSettings.map((s) => [s.stage, s.extensionId])).toEqual([
      ['assignmentRequestCreated', id], ['assignmentRequestGranted', id], ['assignmentRequestDeterminingApprovalRequirements', id],
    ]);
    expect(policy?.approval.stages.map((s) => s.kind)).toEqual(['dynamic', 'static']);
    expect(policy?.approval.stages[0]).toEqual({ kind: 'dynamic', extensionId: id });
    expect(run.out).toContain('adds assignmentRequestCreated, assignmentRequestGranted, assignmentRequestDeterminingApprovalRequirements; adds the dynamic approval stage');
    expect((await register(emulator, [...ATTACH, '--stage', 'assignmentRequestGranted', '--dynamic-approval'])).writes).toEqual([]);
  });

  test('stages alone are written in v1.0; asking fewer stages takes the others off; other extensions\' settings are kept', async () => {
    await register(emulator, [...ATTACH, '--stage', 'assignmentRequestApproved']);
    await register(emulator, [...BASE, '--name', 'other', '--policy', EMPLOYEES, '--stage', 'assignmentRequestGranted']);
    const run = await register(emulator, ATTACH);
    expect(lines(run.writes)).toEqual([`PUT ${ELM}/assignmentPolicies/${EMPLOYEES}`]);
    expect(run.out).toContain('removes assignmentRequestApproved');
    const [guard, other] = ours();
    expect(emulator.registry.policy(EMPLOYEES)?.stageSettings.map((s) => [s.stage, s.extensionId])).toEqual([['assignmentRequestGranted', other?.id], ['assignmentRequestCreated', guard?.id]]);
  });

  test('a policy with our dynamic stage is written in beta even when only stages change, so the stage keeps its extension', async () => {
    await register(emulator, [...ATTACH, '--dynamic-approval']);
    const run = await register(emulator, [...ATTACH, '--stage', 'assignmentRequestGranted', '--dynamic-approval']);
    expect(lines(run.writes)).toEqual([`PUT /beta/identityGovernance/entitlementManagement/accessPackageAssignmentPolicies/${EMPLOYEES}`]);
    expect(emulator.registry.policy(EMPLOYEES)?.approval.stages[0]?.kind).toBe('dynamic');
  });
});

describe('--what-if', () => {
  test('prints every write it would make with its body, reads the tenant, writes nothing', async () => {
    const run = await register(emulator, [...ATTACH, '--dynamic-approval', '--least-privilege', '--lcw', '--what-if']);
    expect(run.code).toBe(0);
    expect(run.writes).toEqual([]);
    expect(run.calls.every((c) => c.method === 'GET')).toBe(true);
    expect(ours()).toEqual([]);
    expect(run.out).toContain('What if: 4 Graph write(s) would be made; none was (the tenant was read to compute them):');
    for (const call of [
      `POST v1.0 ${ELM.slice(5)}/catalogs/${FINANCE}/customWorkflowExtensions`,
      `PUT beta ${ELM.slice(5)}/accessPackageAssignmentPolicies/${EMPLOYEES}`,
      'POST v1.0 /roleManagement/entitlementManagement/roleAssignments',
      'POST v1.0 /identityGovernance/lifecycleWorkflows/customTaskExtensions',
    ]) expect(run.out).toContain(`  ${call}\n`);
    expect(run.out).toContain('"id": "{id of the new custom extension}"');
    expect(run.out).toContain('"timeoutDuration": "PT1H"');
  });

  test('--json: the planned calls, not made', async () => {
    const run = await register(emulator, [...BASE, '--what-if', '--json']);
    const json = JSON.parse(run.out) as { whatIf: boolean; changed: boolean; calls: { method: string; path: string; status: null }[]; catalog: unknown };
    expect(json).toMatchObject({ whatIf: true, changed: false, leastPrivilege: true, catalog: { id: FINANCE, displayName: 'Finance' } });
    expect(json.calls.map((c) => [c.method, c.path, c.status])).toEqual([['POST', `${ELM.slice(5)}/catalogs/${FINANCE}/customWorkflowExtensions`, null], ['POST', '/roleManagement/entitlementManagement/roleAssignments', null]]);
    expect(run.writes).toEqual([]);
  });
});

describe('--unregister', () => {
  test('takes the stages and the dynamic stage off, then deletes the extension; again, it changes nothing', async () => {
    await register(emulator, [...ATTACH, '--dynamic-approval']);
    const id = ours()[0]?.id ?? '';
    const run = await register(emulator, [...BASE, '--policy', EMPLOYEES, '--unregister']);
    expect(run.code).toBe(0);
    expect(lines(run.writes)).toEqual([
      `PUT /beta/identityGovernance/entitlementManagement/accessPackageAssignmentPolicies/${EMPLOYEES}`,
      `DELETE ${ELM}/catalogs/${FINANCE}/customWorkflowExtensions/${id}`,
      expect.stringMatching(/^DELETE \/v1\.0\/roleManagement\/entitlementManagement\/roleAssignments\//) as unknown,
    ]);
    expect(ours()).toEqual([]);
    const policy = emulator.registry.policy(EMPLOYEES);
    expect([policy?.stageSettings, policy?.approval.stages.map((s) => s.kind)]).toEqual([[], ['static']]);
    const again = await register(emulator, [...BASE, '--policy', EMPLOYEES, '--unregister']);
    expect([again.code, again.writes]).toEqual([0, []]);
    expect(again.out).toContain('custom extension "entitlement-guard" in catalog Finance (26803898-8c26-4ca8-ba50-15552ecd4c9d): absent (not there)');
    expect(again.out).toContain('(unchanged)');
  });

  test('needs no relay: azd\'s outputs may be gone by then (the identity, to remove its role, from the flag)', async () => {
    await register(emulator, BASE);
    const run = await register(emulator, [...BASE, '--unregister', '--function-identity', FUNCTION_IDENTITY], {});
    expect([run.code, run.err, ours(), emulator.registry.roleAssignments()]).toEqual([0, '', [], []]);
  });

  test('an extension still attached to a policy not named is refused by Graph, said in one line', async () => {
    await register(emulator, ATTACH);
    const run = await register(emulator, [...BASE, '--unregister']);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^register: Graph refused to delete custom extension .* \(400 BadRequest\): The custom extension '[0-9a-f-]+' is in use by the assignment policy '94f213d6-cfa4-4bda-86f9-6bb659b87cb0'\.; a policy that still uses it must be named with --policy, so that its stages are taken off first\n$/);
  });
});

describe('least privilege, the default', () => {
  test('assigns the function identity Access package assignment manager on the catalog, once; --unregister removes it', async () => {
    const run = await register(emulator, BASE);
    expect(lines(run.writes)).toEqual([`POST ${ELM}/catalogs/${FINANCE}/customWorkflowExtensions`, ROLE]);
    expect(run.writes[1]?.body).toEqual({ principalId: FUNCTION_IDENTITY, roleDefinitionId: ASSIGNMENT_MANAGER, appScopeId: `/AccessPackageCatalog/${FINANCE}` });
    expect(emulator.registry.roleAssignments()).toEqual([expect.objectContaining({ principalId: FUNCTION_IDENTITY, roleDefinitionId: ASSIGNMENT_MANAGER })]);
    expect(run.out).toContain(`role assignment Access package assignment manager of catalog Finance for ${FUNCTION_IDENTITY}: create (appScopeId /AccessPackageCatalog/${FINANCE})`);
    // --least-privilege is the default said out loud: the same run, nothing left to do.
    expect((await register(emulator, [...BASE, '--least-privilege'])).writes).toEqual([]);
    const removed = await register(emulator, [...BASE, '--unregister']);
    expect(lines(removed.writes)).toEqual([expect.stringMatching(/^DELETE .*customWorkflowExtensions\//) as unknown, expect.stringMatching(/^DELETE \/v1\.0\/roleManagement\/entitlementManagement\/roleAssignments\//) as unknown]);
    expect(emulator.registry.roleAssignments()).toEqual([]);
  });

  test('--what-if shows the role assignment it would make', async () => {
    const run = await register(emulator, [...BASE, '--what-if']);
    expect([run.code, run.writes]).toEqual([0, []]);
    expect(run.out).toContain('  POST v1.0 /roleManagement/entitlementManagement/roleAssignments\n');
    expect(run.out).toContain(`"principalId": "${FUNCTION_IDENTITY}"`);
    expect(run.out).toContain(`"appScopeId": "/AccessPackageCatalog/${FINANCE}"`);
  });

  test('--function-identity wins over FUNCTION_IDENTITY_PRINCIPAL_ID', async () => {
    const other = '0a0b0c0d-1111-4222-8333-444455556666';
    await register(emulator, [...BASE, '--function-identity', other]);
    expect(emulator.registry.roleAssignments().map((r) => r.principalId)).toEqual([other]);
  });

  test('the broad grant, by --broad-permissions or azd\'s LEAST_PRIVILEGE=false: no role is written or removed, and the run says so', async () => {
    for (const [argv, env] of [[[...BASE, '--broad-permissions'], AZD_ENV], [BASE, BROAD_ENV]] as const) {
      const fresh = await freshEmulator();
      try {
        const run = await register(fresh, argv, env);
        expect([run.code, lines(run.writes)]).toEqual([0, [`POST ${ELM}/catalogs/${FINANCE}/customWorkflowExtensions`]]);
        expect(run.calls.some((c) => c.path.includes('roleManagement'))).toBe(false);
        expect(run.out).toContain('permissions: the broad grant (--broad-permissions or LEAST_PRIVILEGE=false)');
        const json = JSON.parse((await register(fresh, [...argv, '--json'], env)).out) as Record<string, unknown>;
        expect(json).toMatchObject({ leastPrivilege: false, unchanged: true });
      } finally {
        await fresh.close();
      }
    }
  });

  test('--least-privilege wins over LEAST_PRIVILEGE=false', async () => {
    const run = await register(emulator, [...BASE, '--least-privilege'], BROAD_ENV);
    expect(lines(run.writes)).toEqual([`POST ${ELM}/catalogs/${FINANCE}/customWorkflowExtensions`, ROLE]);
  });
});

const TASK_BODY = (authorizedApps?: unknown) => ({
  displayName: 'entitlement-guard',
  authenticationConfiguration: { '@odata.type': '#microsoft.graph.azureAdPopTokenAuthentication' },
  clientConfiguration: { '@odata.type': '#microsoft.graph.customExtensionClientConfiguration', maximumRetries: 1, timeoutInMilliseconds: 2000 },
  callbackConfiguration: { '@odata.type': '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration', timeoutDuration: 'PT30M', ...(authorizedApps === undefined ? {} : { authorizedApps }) },
});

describe('--lcw', () => {
  test('creates the custom task extension (PoP, the LCW window, 2000 ms, the function\'s app authorized), then unchanged; an update is a PATCH; --unregister deletes it', async () => {
    const run = await register(emulator, [...BASE, '--lcw', '--lcw-callback', 'PT30M']);
    expect(lines(run.writes)).toEqual([`POST ${ELM}/catalogs/${FINANCE}/customWorkflowExtensions`, ROLE, `POST ${TASKS}`]);
    const [task] = emulator.registry.taskExtensions();
    expect(task?.body).toMatchObject(TASK_BODY([{ id: FUNCTION_CLIENT_ID }]));
    expect(run.out).toContain(`custom task extension "entitlement-guard" (Lifecycle Workflows): create (calls eg-relay, waits PT30M, app ${FUNCTION_CLIENT_ID} may resume)`);
    expect((await register(emulator, [...BASE, '--lcw', '--lcw-callback', 'PT30M'])).writes).toEqual([]);
    const updated = await register(emulator, [...BASE, '--lcw', '--lcw-callback', 'PT3H']);
    expect(lines(updated.writes)).toEqual([`PATCH ${TASKS}/${task?.id ?? ''}`]);
    const removed = await register(emulator, [...BASE, '--lcw', '--unregister']);
    expect(lines(removed.writes)).toContain(`DELETE ${TASKS}/${task?.id ?? ''}`);
    expect(emulator.registry.taskExtensions()).toEqual([]);
    expect((await register(emulator, [...BASE, '--lcw', '--unregister'])).writes).toEqual([]);
  });

  test('a task extension as an older version wrote it (1000 ms, no authorizedApps) is one PATCH to 2000 ms and the function\'s app', async () => {
    await register(emulator, [...BASE, '--lcw', '--lcw-callback', 'PT30M', '--broad-permissions']);
    const [task] = emulator.registry.taskExtensions();
    expect(task?.body).toMatchObject(TASK_BODY());
    expect(task?.body['callbackConfiguration']).not.toHaveProperty('authorizedApps');
    emulator.registry.updateTaskExtension(task?.id ?? '', { clientConfiguration: { '@odata.type': '#microsoft.graph.customExtensionClientConfiguration', maximumRetries: 1, timeoutInMilliseconds: 1000 } });
    const run = await register(emulator, [...BASE, '--lcw', '--lcw-callback', 'PT30M']);
    expect(run.code).toBe(0);
    expect(lines(run.writes)).toEqual([ROLE, `PATCH ${TASKS}/${task?.id ?? ''}`]);
    expect(run.out).toContain(`update (relay answer timeout 1000 ms → 2000 ms; authorized apps none → [${FUNCTION_CLIENT_ID}])`);
    expect(emulator.registry.taskExtensions()[0]?.body).toMatchObject(TASK_BODY([{ id: FUNCTION_CLIENT_ID }]));
  });

  test('--function-client-id wins over FUNCTION_IDENTITY_CLIENT_ID; another app listed is replaced by it', async () => {
    const other = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
    await register(emulator, [...BASE, '--lcw', '--function-client-id', other]);
    expect(emulator.registry.taskExtensions()[0]?.body['callbackConfiguration']).toMatchObject({ authorizedApps: [{ id: other }] });
    const run = await register(emulator, [...BASE, '--lcw']);
    expect(run.out).toContain(`authorized apps [${other}] → [${FUNCTION_CLIENT_ID}]`);
    expect(emulator.registry.taskExtensions()[0]?.body['callbackConfiguration']).toMatchObject({ authorizedApps: [{ id: FUNCTION_CLIENT_ID }] });
  });
});

test('--json after writing: the calls made with their statuses', async () => {
  const run = await register(emulator, [...ATTACH, '--json']);
  const json = JSON.parse(run.out) as Record<string, unknown>;
  expect(json).toMatchObject({ mode: 'register', whatIf: false, changed: true, unchanged: false, name: 'entitlement-guard', source: 'the tenant emulator (contoso.json)' });
  expect(json['leastPrivilege']).toBe(true);
  expect((json['calls'] as { method: string; status: number }[]).map((c) => [c.method, c.status])).toEqual([['POST', 201], ['PUT', 200], ['POST', 201]]);
  expect((json['items'] as { kind: string; status: string }[]).map((i) => [i.kind, i.status])).toEqual([['custom extension', 'create'], ['assignment policy', 'update'], ['role assignment', 'create']]);
});
