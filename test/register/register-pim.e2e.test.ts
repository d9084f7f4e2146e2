// `npm run register -- --pim` in-process against the tenant emulator: create, re-run, drift, what-if, linking a role's settings, unregister, and each refusal.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { CUSTOM_EXTENSION_RULE, PRE_APPROVAL_RULE_ID, type TenantEmulator } from '../../emulator/index.js';
import { PIM_REGISTER_USAGE } from '../../src/register/pim/pim-usage.js';
import { SOD } from '../emulator/graph-calls.js';
import { freshEmulator, lines, register } from './register-run.js';

let emulator: TenantEmulator;

const HOST = 'eg-func.azurewebsites.net';
const CLIENT = '7b3c2d1e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
const ENV = { FUNCTION_APP_URL: `https://${HOST}`, API_CLIENT_ID: CLIENT };
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const EXTENSIONS = '/beta/identityGovernance/privilegedAccess/customExtensions';
const ROLES = ['--pim', '--resource-type', 'entraRoles'] as const;
const LINK = [...ROLES, '--link', USER_ADMIN] as const;
const pim = (argv: readonly string[], env: Record<string, string> = ENV) => register(emulator, argv, env);
const ours = () => emulator.pimExtensions.list();
const rolePolicy = () => emulator.pimPolicies.policyFor({ scopeType: 'DirectoryRole', scopeId: '/', roleDefinitionId: USER_ADMIN });

/** A fresh sample tenant for each test that writes. */
function freshEach(): void {
  beforeEach(async () => {
    emulator = await freshEmulator();
  });
  afterEach(() => emulator.close());
}

describe('the PIM custom extension', () => {
  freshEach();

  test('is created in beta as the how-to writes it, for the function\'s /api/pim and api://<host>/<client id>; no --link: the portal steps', async () => {
    const run = await pim(ROLES);
    expect([run.code, run.err]).toEqual([0, '']);
    expect(lines(run.writes)).toEqual([`POST ${EXTENSIONS}`]);
    expect(ours().map((e) => e.body)).toEqual([{
      '@odata.type': '#microsoft.graph.roleManagementCustomCalloutExtension',
      displayName: 'entitlement-guard (entraRoles)',
      description: 'entitlement-guard: policy on PIM role activations (POST /api/pim).',
      endpointConfiguration: { '@odata.type': '#microsoft.graph.httpRequestEndpoint', targetUrl: `https://${HOST}/api/pim` },
      clientConfiguration: { '@odata.type': '#microsoft.graph.customExtensionClientConfiguration', timeoutInMilliseconds: 10000, maximumRetries: 3 },
      authenticationConfiguration: { '@odata.type': '#microsoft.graph.azureAdTokenAuthentication', resourceId: `api://${HOST}/${CLIENT}` },
      resourceType: 'entraRoles',
      customAttributes: [],
    }]);
    expect(run.out).toContain('PIM custom extension "entitlement-guard (entraRoles)" (entraRoles): create');
    expect(run.out).toContain('Graph writes made (1), each read back and found as written:');
    expect(run.out).toContain('No --link was given: link the extension to each role in the portal');
    expect(run.out).toContain('Select the checkbox "Require pre-approval custom extension to activate".');
  });

  test('a second run reads, writes nothing and says unchanged; a drifted timeout is one PATCH; --timeout-ms and --retries change it', async () => {
    await pim(ROLES);
    const again = await pim(ROLES);
    expect([again.code, again.writes, again.calls.length > 0]).toEqual([0, [], true]);
    expect(again.out).toContain('Nothing to change: everything is as asked (unchanged). Only reads were made.');
    const id = ours()[0]?.id ?? '';
    emulator.pimExtensions.update(id, { clientConfiguration: { timeoutInMilliseconds: 5000, maximumRetries: 3 } });
    const fixed = await pim(ROLES);
    expect(lines(fixed.writes)).toEqual([`PATCH ${EXTENSIONS}/${id}`]);
    expect(fixed.out).toContain('update (timeout 5000 → 10000)');
    const changed = await pim([...ROLES, '--timeout-ms', '12000', '--retries', '1']);
    expect(changed.out).toContain('update (timeout 10000 → 12000; retries 3 → 1)');
    expect(emulator.pimExtensions.callSettings(id)).toMatchObject({ timeoutInMilliseconds: 12000, maximumRetries: 1 });
  });

  test('--what-if reads, prints the writes and makes none', async () => {
    const run = await pim([...LINK, '--what-if']);
    expect([run.code, run.writes]).toEqual([0, []]);
    expect(run.out).toContain('What if: 2 Graph write(s) would be made; none was');
    expect(run.out).toContain(`PATCH beta /policies/roleManagementPolicies/${rolePolicy()?.id ?? ''}/rules/${PRE_APPROVAL_RULE_ID}`);
    expect(run.out).toContain('"customExtensionId": "{id of the new custom extension}"');
    expect(ours()).toEqual([]);
  });

  test('--json gives one object with the calls and no portal steps once linked', async () => {
    const run = await pim([...LINK, '--json']);
    const json = JSON.parse(run.out) as Record<string, unknown>;
    expect(json).toMatchObject({ mode: 'register', pim: true, whatIf: false, changed: true, resourceType: 'entraRoles', portalSteps: null, endpoint: { host: HOST, targetUrl: `https://${HOST}/api/pim`, resourceId: `api://${HOST}/${CLIENT}` } });
    expect((json['calls'] as Record<string, unknown>[]).map((c) => [c['method'], c['status'], c['readBack']])).toEqual([['POST', 201, 'as written'], ['PATCH', 204, 'as written']]);
  });
});

describe('linking role settings', () => {
  freshEach();
  test('--link a directory role: create, then its custom extension rule names it, enabled; a second run is unchanged', async () => {
    const run = await pim(LINK);
    expect(run.code).toBe(0);
    const id = ours()[0]?.id ?? '';
    const policy = rolePolicy()?.id ?? '';
    expect(lines(run.writes)).toEqual([`POST ${EXTENSIONS}`, `PATCH /beta/policies/roleManagementPolicies/${policy}/rules/${PRE_APPROVAL_RULE_ID}`]);
    expect(run.writes[1]?.body).toMatchObject({ '@odata.type': CUSTOM_EXTENSION_RULE, id: PRE_APPROVAL_RULE_ID, customExtensionId: id, isEnabled: true, target: { caller: 'EndUser', level: 'Assignment' } });
    expect(emulator.pimPolicies.linkedExtension({ scopeType: 'DirectoryRole', scopeId: '/', roleDefinitionId: USER_ADMIN })).toBe(id);
    expect(run.out).not.toContain('portal');
    const again = await pim(LINK);
    expect([again.writes, again.out]).toEqual([[], expect.stringContaining(`rule ${PRE_APPROVAL_RULE_ID} calls "entitlement-guard (entraRoles)" on activation`) as unknown]);
  });

  test('--link a group\'s owner role (entraGroups)', async () => {
    const run = await pim(['--pim', '--resource-type', 'entraGroups', '--link', SOD.paymentApprovers, '--access', 'owner']);
    expect(run.code).toBe(0);
    expect(emulator.pimPolicies.linkedExtension({ scopeType: 'Group', scopeId: SOD.paymentApprovers, roleDefinitionId: 'owner' })).toBe(ours()[0]?.id);
    expect(emulator.pimPolicies.linkedExtension({ scopeType: 'Group', scopeId: SOD.paymentApprovers, roleDefinitionId: 'member' })).toBeUndefined();
  });

  test('a role already calling another extension stops the run before any write (exit 2)', async () => {
    const other = emulator.pimExtensions.create({ displayName: 'other', resourceType: 'entraRoles', endpointConfiguration: { '@odata.type': '#microsoft.graph.httpRequestEndpoint', targetUrl: 'https://x.example/api' }, authenticationConfiguration: { '@odata.type': '#microsoft.graph.azureAdTokenAuthentication', resourceId: 'api://x.example/1' } });
    const otherId = String((other.body as Record<string, unknown>)['id']);
    emulator.pimPolicies.patchRule(rolePolicy()?.id ?? '', PRE_APPROVAL_RULE_ID, { '@odata.type': CUSTOM_EXTENSION_RULE, customExtensionId: otherId, isEnabled: true }, () => 'entraRoles');
    const run = await pim(LINK);
    expect([run.code, run.writes]).toEqual([2, []]);
    expect(run.err).toBe(`register: directory role ${USER_ADMIN} already calls the custom extension ${otherId} on activation (rule ${PRE_APPROVAL_RULE_ID} of policy ${rolePolicy()?.id ?? ''}): unlink it first\n`);
  });

  test('Azure resources: --link is refused (exit 2); the create prints the portal steps', async () => {
    const refused = await pim(['--pim', '--resource-type', 'azureResources', '--link', USER_ADMIN]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/^register: --link: Azure resource roles keep their settings in Azure Resource Manager, not Graph.*\n\nUsage: npm run register -- --pim /);
    const run = await pim(['--pim', '--resource-type', 'azureResources']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('Select Azure resources, then the resource.');
  });
});

describe('--unregister', () => {
  freshEach();
  test('unlinks the --link roles, then deletes the extension; again: nothing to change', async () => {
    await pim(LINK);
    const id = ours()[0]?.id ?? '';
    const run = await pim([...LINK, '--unregister'], {});
    expect(run.code).toBe(0);
    expect(lines(run.writes)).toEqual([`PATCH /beta/policies/roleManagementPolicies/${rolePolicy()?.id ?? ''}/rules/${PRE_APPROVAL_RULE_ID}`, `DELETE ${EXTENSIONS}/${id}`]);
    expect([ours(), emulator.pimPolicies.linkedExtension({ scopeType: 'DirectoryRole', scopeId: '/', roleDefinitionId: USER_ADMIN })]).toEqual([[], undefined]);
    expect((await pim([...LINK, '--unregister'], {})).writes).toEqual([]);
  });

  test('without the --link of a role still calling it: Graph refuses the delete (exit 1) and the hint says what to name', async () => {
    await pim(LINK);
    const run = await pim([...ROLES, '--unregister'], {});
    expect(run.code).toBe(1);
    expect(run.err).toContain('a role still calling it must be named with --link');
  });
});

describe('refusals', () => {
  // None writes: one tenant serves them all.
  let roles: string[];
  beforeAll(async () => {
    emulator = await freshEmulator();
    roles = [...emulator.managedIdentityRoles];
  });
  afterEach(() => {
    emulator.managedIdentityRoles = [...roles];
  });
  afterAll(() => emulator.close());

  test.each([
    ['an unknown resource type', ['--pim', '--resource-type', 'entraRole'], '--resource-type must be one of entraGroups, entraRoles, azureResources, not "entraRole"'],
    ['no resource type', ['--pim'], '--pim needs --resource-type: one of entraGroups, entraRoles, azureResources'],
    ['a resource id on another host', [...ROLES, '--resource-id', `api://other.example.net/${CLIENT}`], `--resource-id "api://other.example.net/${CLIENT}" must be api://${HOST}/<client id> (${CLIENT}): PIM requires`],
    ['a resource id not ending with the client id', [...ROLES, '--resource-id', `api://${HOST}/eg`], 'must be api://'],
    ['a timeout not above the function\'s deadline', [...ROLES, '--timeout-ms', '9000'], "--timeout-ms must be a whole number of at least 9001 (the function's PIM_DEADLINE_MS is 9000 ms"],
    ['--access with roles', [...LINK, '--access', 'owner'], '--access is for --resource-type entraGroups'],
    ['a --link that is not a GUID', [...ROLES, '--link', 'User Administrator'], '--link must be a role definition id (GUID), not "user administrator"'],
  ])('%s: exit 2, one line and the usage, no Graph call', async (_, argv, text) => {
    const run = await pim(argv);
    expect([run.code, run.calls]).toEqual([2, []]);
    const [line, ...usage] = run.err.split('\n');
    expect(line).toContain(text);
    expect(usage.join('\n')).toBe(`\n${PIM_REGISTER_USAGE}\n`);
  });

  test('no function host in the flags or the environment: exit 2 naming FUNCTION_APP_URL', async () => {
    expect((await pim(ROLES, { API_CLIENT_ID: CLIENT })).err).toContain('--pim needs --function-host <host> (or FUNCTION_APP_URL, as azd sets it)');
  });

  test('a group the tenant does not have: exit 2 before any write', async () => {
    const run = await pim(['--pim', '--resource-type', 'entraGroups', '--link', crypto.randomUUID()]);
    expect([run.code, run.writes]).toEqual([2, []]);
    expect(run.err).toContain('has no role management policy in this tenant: is it the id of a group of this tenant?');
  });

  test('a missing permission: exit 1 naming it', async () => {
    emulator.managedIdentityRoles = emulator.managedIdentityRoles.filter((r) => !r.startsWith('PrivilegedAccess'));
    const run = await pim(ROLES);
    expect(run.code).toBe(1);
    expect(run.err).toContain('needs PrivilegedAccess-CustomExt.ReadWrite.All, and signed in as a user a role such as Privileged Role Administrator');
  });

  test('--pim --help prints the PIM usage', async () => {
    const run = await pim(['--pim', '--help']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('must stay above the');
    expect(run.out).toContain("function's PIM_DEADLINE_MS (default 9000 ms");
  });
});
