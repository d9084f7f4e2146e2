// The register command line: defaults from azd's outputs, and every mistake refused in one line.
import { describe, expect, test } from 'vitest';
import { parseRegisterArgs } from '../../src/register/register-args.js';
import { REGISTER_USAGE } from '../../src/register/register-usage.js';
import { registerCli } from '../../scripts/register/register-cli.js';
import { AZD_ENV, EMPLOYEES, FINANCE, FUNCTION_CLIENT_ID, FUNCTION_IDENTITY } from './register-run.js';

const run = (argv: readonly string[], env: Record<string, string> = AZD_ENV) => parseRegisterArgs(argv, env);
const args = (argv: readonly string[], env?: Record<string, string>) => {
  const parsed = run(argv, env);
  if (parsed.kind !== 'run') throw new Error(`not run: ${JSON.stringify(parsed)}`);
  return parsed.args;
};

describe('what is read', () => {
  test('azd\'s outputs give the relay and the identity; defaults for the rest; ids lower-cased', () => {
    expect(args(['--catalog', FINANCE.toUpperCase(), '--policy', EMPLOYEES, '--stage', 'assignmentrequestcreated', '--least-privilege'])).toEqual({
      desired: {
        mode: 'register', catalogId: FINANCE, name: 'entitlement-guard',
        relay: { subscriptionId: AZD_ENV.AZURE_SUBSCRIPTION_ID, resourceGroupName: 'rg-entitlement-guard', logicAppWorkflowName: 'eg-relay' },
        callback: 'PT1H', policies: [EMPLOYEES], stages: ['assignmentRequestCreated'], dynamicApproval: false, functionIdentity: FUNCTION_IDENTITY, lcw: undefined,
      },
      whatIf: false, json: false, source: { kind: 'emulator', tenantFile: undefined },
    });
  });

  test('flags win over the environment; repeated policies and stages count once', () => {
    const a = args(['--catalog', FINANCE, '--relay-subscription', FUNCTION_IDENTITY, '--relay-resource-group', 'rg2', '--relay-name', 'relay2', '--policy', EMPLOYEES, '--policy', EMPLOYEES,
      '--stage', 'assignmentRequestCreated', '--stage', 'assignmentRequestCreated', '--stage', 'assignmentRequestRemoved', '--callback', 'p14d', '--lcw', '--lcw-callback', 'PT3H', '--name', ' eg ']);
    expect(a.desired).toMatchObject({ relay: { subscriptionId: FUNCTION_IDENTITY, resourceGroupName: 'rg2', logicAppWorkflowName: 'relay2' }, policies: [EMPLOYEES], stages: ['assignmentRequestCreated', 'assignmentRequestRemoved'], callback: 'P14D', lcw: { callback: 'PT3H', authorizedApp: FUNCTION_CLIENT_ID }, name: 'eg' });
  });

  test('least privilege is the default: the identity and, with --lcw, its app id from azd\'s outputs; --least-privilege says the same', () => {
    const least = { functionIdentity: FUNCTION_IDENTITY, lcw: { callback: 'PT1H', authorizedApp: FUNCTION_CLIENT_ID } };
    expect(args(['--catalog', FINANCE, '--lcw']).desired).toMatchObject(least);
    expect(args(['--catalog', FINANCE, '--lcw', '--least-privilege']).desired).toMatchObject(least);
    expect(args(['--catalog', FINANCE, '--lcw'], { ...AZD_ENV, LEAST_PRIVILEGE: 'True' }).desired).toMatchObject(least);
    expect(args(['--catalog', FINANCE, '--lcw', '--function-identity', FINANCE.toUpperCase(), '--function-client-id', EMPLOYEES.toUpperCase()]).desired).toMatchObject({ functionIdentity: FINANCE, lcw: { authorizedApp: EMPLOYEES } });
    // --least-privilege wins over the deployment's LEAST_PRIVILEGE=false.
    expect(args(['--catalog', FINANCE, '--least-privilege'], { ...AZD_ENV, LEAST_PRIVILEGE: 'false' }).desired.functionIdentity).toBe(FUNCTION_IDENTITY);
  });

  test('the broad grant, by --broad-permissions or LEAST_PRIVILEGE=false: no identity, no app id, none needed', () => {
    const bare = { AZURE_SUBSCRIPTION_ID: AZD_ENV.AZURE_SUBSCRIPTION_ID, RELAY_RESOURCE_GROUP: 'rg', RELAY_LOGIC_APP_NAME: 'r' };
    const broad = { functionIdentity: undefined, lcw: { callback: 'PT1H', authorizedApp: undefined } };
    expect(args(['--catalog', FINANCE, '--lcw', '--broad-permissions'], bare).desired).toMatchObject(broad);
    expect(args(['--catalog', FINANCE, '--lcw'], { ...bare, LEAST_PRIVILEGE: 'FALSE' }).desired).toMatchObject(broad);
    expect(args(['--catalog', FINANCE, '--lcw'], { ...AZD_ENV, LEAST_PRIVILEGE: ' false ' }).desired).toMatchObject(broad);
  });

  test('--unregister --lcw needs the identity (to remove its role) but not the app id (the task extension goes)', () => {
    expect(args(['--catalog', FINANCE, '--lcw', '--unregister'], { FUNCTION_IDENTITY_PRINCIPAL_ID: FUNCTION_IDENTITY }).desired).toMatchObject({ functionIdentity: FUNCTION_IDENTITY, lcw: { authorizedApp: undefined } });
  });

  test('--unregister needs no relay; --live reads a real tenant', () => {
    expect(args(['--catalog', FINANCE, '--unregister', '--live', '--tenant-id', FINANCE], { FUNCTION_IDENTITY_PRINCIPAL_ID: FUNCTION_IDENTITY })).toMatchObject({ desired: { mode: 'unregister', relay: undefined }, source: { kind: 'live', tenantId: FINANCE, graphBaseUrl: 'https://graph.microsoft.com' } });
    expect(args(['--catalog', FINANCE, '--live', '--tenant-id', FINANCE, '--graph', 'https://graph.microsoft.us/']).source).toEqual({ kind: 'live', tenantId: FINANCE, graphBaseUrl: 'https://graph.microsoft.us' });
  });

  test('--help', () => {
    expect(run(['--help'])).toEqual({ kind: 'help' });
  });
});

describe('mistakes', () => {
  test.each([
    ['no catalog', [], AZD_ENV, '--catalog is required'],
    ['a catalog that is not a GUID', ['--catalog', 'Finance'], AZD_ENV, '--catalog must be a GUID, not "Finance"'],
    ['no relay name', ['--catalog', FINANCE], { ...AZD_ENV, RELAY_LOGIC_APP_NAME: '' }, '--relay-name is required (or set RELAY_LOGIC_APP_NAME, as azd does)'],
    ['no relay resource group', ['--catalog', FINANCE], { AZURE_SUBSCRIPTION_ID: FINANCE, RELAY_LOGIC_APP_NAME: 'r' }, '--relay-resource-group is required (or set RELAY_RESOURCE_GROUP, as azd does)'],
    ['no subscription', ['--catalog', FINANCE], { RELAY_RESOURCE_GROUP: 'rg', RELAY_LOGIC_APP_NAME: 'r' }, '--relay-subscription is required (or set AZURE_SUBSCRIPTION_ID, as azd does)'],
    ['a subscription that is not a GUID', ['--catalog', FINANCE, '--relay-subscription', 'prod'], AZD_ENV, '--relay-subscription must be a GUID, not "prod"'],
    ['a resource group with a slash', ['--catalog', FINANCE, '--relay-resource-group', 'rg/../x'], AZD_ENV, '--relay-resource-group "rg/../x" is not a resource group name'],
    ['a relay path over 150 characters', ['--catalog', FINANCE, '--relay-name', 'r'.repeat(80)], AZD_ENV, "the relay's resource path is 204 characters; Entra takes at most 150: shorten the resource group or Logic App name"],
    ['a Logic App name ending in a period', ['--catalog', FINANCE, '--relay-name', 'relay.'], AZD_ENV, '--relay-name "relay." is not a Logic App name'],
    ['a policy that is not a GUID', ['--catalog', FINANCE, '--policy', 'Employees', '--stage', 'assignmentRequestCreated'], AZD_ENV, '--policy must be a GUID, not "Employees"'],
    ['a policy without stages', ['--catalog', FINANCE, '--policy', EMPLOYEES], AZD_ENV, '--policy needs the stages that call the extension'],
    ['a stage without a policy', ['--catalog', FINANCE, '--stage', 'assignmentRequestCreated'], AZD_ENV, '--stage needs the --policy it applies to'],
    ['dynamic approval without a policy', ['--catalog', FINANCE, '--dynamic-approval'], AZD_ENV, '--dynamic-approval needs the --policy it applies to'],
    ['an unknown stage', ['--catalog', FINANCE, '--policy', EMPLOYEES, '--stage', 'assignmentRequestDenied'], AZD_ENV, '--stage must be one of assignmentRequestCreated, assignmentRequestApproved, assignmentRequestGranted, assignmentRequestRemoved, not "assignmentRequestDenied"'],
    ['the approval-requirements stage', ['--catalog', FINANCE, '--policy', EMPLOYEES, '--stage', 'assignmentRequestDeterminingApprovalRequirements'], AZD_ENV, 'give --dynamic-approval instead'],
    ['a pre-expiration stage', ['--catalog', FINANCE, '--policy', EMPLOYEES, '--stage', 'assignmentOneDayBeforeExpiration'], AZD_ENV, 'the pre-expiration stages take an accessPackageAssignmentWorkflowExtension (no callback), which register does not create'],
    ['a callback under 5 minutes', ['--catalog', FINANCE, '--callback', 'PT4M'], AZD_ENV, '--callback PT4M is outside PT5M to P14D'],
    ['a callback over 14 days', ['--catalog', FINANCE, '--callback', 'P15D'], AZD_ENV, '--callback P15D is outside PT5M to P14D'],
    ['a callback in months', ['--catalog', FINANCE, '--callback', 'P1M'], AZD_ENV, '--callback must be an ISO 8601 duration such as PT1H or P2D, not "P1M"'],
    ['a callback that is not a duration', ['--catalog', FINANCE, '--callback', '1h'], AZD_ENV, '--callback must be an ISO 8601 duration'],
    ['an LCW callback over 3 hours', ['--catalog', FINANCE, '--lcw', '--lcw-callback', 'PT4H'], AZD_ENV, '--lcw-callback PT4H is outside PT5M to PT3H'],
    ['an LCW callback without --lcw', ['--catalog', FINANCE, '--lcw-callback', 'PT1H'], AZD_ENV, '--lcw-callback goes with --lcw'],
    ['least privilege (the default) without an identity', ['--catalog', FINANCE], { ...AZD_ENV, FUNCTION_IDENTITY_PRINCIPAL_ID: '' }, "least privilege (the default) gives the function's identity the catalog role: give --function-identity <object id> (or FUNCTION_IDENTITY_PRINCIPAL_ID, as azd sets it), or --broad-permissions (or LEAST_PRIVILEGE=false) if the deployment granted EntitlementManagement.ReadWrite.All"],
    ['--least-privilege without an identity', ['--catalog', FINANCE, '--least-privilege'], { ...AZD_ENV, FUNCTION_IDENTITY_PRINCIPAL_ID: '' }, "least privilege (the default) gives the function's identity the catalog role"],
    ['--unregister without an identity', ['--catalog', FINANCE, '--unregister'], {}, 'give --function-identity <object id>'],
    ['an identity that is not a GUID', ['--catalog', FINANCE, '--least-privilege', '--function-identity', 'func'], AZD_ENV, '--function-identity must be a GUID, not "func"'],
    ["azd's identity that is not a GUID", ['--catalog', FINANCE], { ...AZD_ENV, FUNCTION_IDENTITY_PRINCIPAL_ID: 'func' }, 'FUNCTION_IDENTITY_PRINCIPAL_ID must be a GUID, not "func"'],
    ['--lcw without the app id', ['--catalog', FINANCE, '--lcw'], { ...AZD_ENV, FUNCTION_IDENTITY_CLIENT_ID: ' ' }, "--lcw with least privilege lists the function's app in the task extension's authorizedApps: give --function-client-id <app id> (or FUNCTION_IDENTITY_CLIENT_ID, as azd sets it), or --broad-permissions (or LEAST_PRIVILEGE=false) if the deployment granted LifecycleWorkflows.ReadWrite.All"],
    ['an app id that is not a GUID', ['--catalog', FINANCE, '--lcw', '--function-client-id', 'func-app'], AZD_ENV, '--function-client-id must be a GUID, not "func-app"'],
    ["azd's app id that is not a GUID", ['--catalog', FINANCE, '--lcw'], { ...AZD_ENV, FUNCTION_IDENTITY_CLIENT_ID: 'func-app' }, 'FUNCTION_IDENTITY_CLIENT_ID must be a GUID, not "func-app"'],
    ['an app id without --lcw', ['--catalog', FINANCE, '--function-client-id', FUNCTION_CLIENT_ID], AZD_ENV, '--function-client-id goes with --lcw (the task extension authorizes that app to resume)'],
    ['both permission flags', ['--catalog', FINANCE, '--least-privilege', '--broad-permissions'], AZD_ENV, '--least-privilege and --broad-permissions contradict each other: give one (least privilege is the default)'],
    ['an identity with --broad-permissions', ['--catalog', FINANCE, '--broad-permissions', '--function-identity', FUNCTION_IDENTITY], AZD_ENV, '--function-identity is for least privilege, which --broad-permissions (or LEAST_PRIVILEGE=false) turns off: leave one out'],
    ['an identity with LEAST_PRIVILEGE=false', ['--catalog', FINANCE, '--function-identity', FUNCTION_IDENTITY], { ...AZD_ENV, LEAST_PRIVILEGE: 'false' }, '--function-identity is for least privilege'],
    ['an app id with --broad-permissions', ['--catalog', FINANCE, '--lcw', '--broad-permissions', '--function-client-id', FUNCTION_CLIENT_ID], AZD_ENV, '--function-client-id is for least privilege, which --broad-permissions (or LEAST_PRIVILEGE=false) turns off: leave one out'],
    ['a LEAST_PRIVILEGE that is not a boolean', ['--catalog', FINANCE], { ...AZD_ENV, LEAST_PRIVILEGE: 'maybe' }, 'LEAST_PRIVILEGE must be true or false, as azd sets it, not "maybe"'],
    ['an empty app id', ['--catalog', FINANCE, '--lcw', '--function-client-id', ''], AZD_ENV, '--function-client-id needs a value'],
    ['an empty name', ['--catalog', FINANCE, '--name', ' '], AZD_ENV, '--name needs a value'],
    ['a name over 256 characters', ['--catalog', FINANCE, '--name', 'x'.repeat(257)], AZD_ENV, '--name must be 1 to 256 characters'],
    ['an unknown flag', ['--catalog', FINANCE, '--force'], AZD_ENV, "Unknown option '--force'"],
    ['a positional', ['--catalog', FINANCE, 'now'], AZD_ENV, 'Unexpected argument'],
    ['--live without a tenant', ['--catalog', FINANCE, '--live'], AZD_ENV, '--live needs --tenant-id <tenant id>'],
    ['--live with a tenant file', ['--catalog', FINANCE, '--live', '--tenant-id', FINANCE, '--tenant', 'x.json'], AZD_ENV, '--tenant names a tenant file for the emulator; with --live give --tenant-id'],
    ['--tenant-id without --live', ['--catalog', FINANCE, '--tenant-id', FINANCE], AZD_ENV, '--tenant-id and --graph are for --live'],
    ['a Graph with a path', ['--catalog', FINANCE, '--live', '--tenant-id', FINANCE, '--graph', 'https://graph.microsoft.com/v1.0'], AZD_ENV, '--graph must be an https origin such as https://graph.microsoft.com (no path)'],
    ['a Graph over http', ['--catalog', FINANCE, '--live', '--tenant-id', FINANCE, '--graph', 'http://graph.microsoft.com'], AZD_ENV, '--graph must be an https origin'],
  ])('%s', (_, argv, env, message) => {
    const parsed = run(argv, env);
    expect(parsed.kind).toBe('usage-error');
    expect(parsed.kind === 'usage-error' ? parsed.message : '').toContain(message);
  });

  test('the command prints the mistake in one line and the usage and exits 2; --help prints the usage and exits 0', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    expect(await registerCli(['--catalog', 'Finance'], io, { env: AZD_ENV })).toBe(2);
    expect(err).toEqual([`register: --catalog must be a GUID, not "Finance"\n\n${REGISTER_USAGE}\n`]);
    expect(await registerCli(['--help'], io, { env: {} })).toBe(0);
    expect(out.join('')).toMatch(/^Usage: npm run register -- --catalog <catalog id>/);
  });
});
