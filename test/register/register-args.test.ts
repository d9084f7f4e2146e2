// The register command line: defaults from azd's outputs, and every mistake refused in one line.
import { describe, expect, test } from 'vitest';
import { parseRegisterArgs } from '../../src/register/register-args.js';
import { registerCli } from '../../scripts/support/register-cli.js';
import { AZD_ENV, EMPLOYEES, FINANCE, FUNCTION_IDENTITY } from './register-run.js';

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
    expect(a.desired).toMatchObject({ relay: { subscriptionId: FUNCTION_IDENTITY, resourceGroupName: 'rg2', logicAppWorkflowName: 'relay2' }, policies: [EMPLOYEES], stages: ['assignmentRequestCreated', 'assignmentRequestRemoved'], callback: 'P14D', lcw: { callback: 'PT3H' }, name: 'eg' });
  });

  test('--unregister needs no relay; --live reads a real tenant', () => {
    expect(args(['--catalog', FINANCE, '--unregister', '--live', '--tenant-id', FINANCE], {})).toMatchObject({ desired: { mode: 'unregister', relay: undefined }, source: { kind: 'live', tenantId: FINANCE, graphBaseUrl: 'https://graph.microsoft.com' } });
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
    ['least privilege without an identity', ['--catalog', FINANCE, '--least-privilege'], { ...AZD_ENV, FUNCTION_IDENTITY_PRINCIPAL_ID: '' }, '--least-privilege needs --function-identity <object id> (or FUNCTION_IDENTITY_PRINCIPAL_ID, as azd sets it)'],
    ['an identity that is not a GUID', ['--catalog', FINANCE, '--least-privilege', '--function-identity', 'func'], AZD_ENV, '--function-identity must be a GUID, not "func"'],
    ['an identity without least privilege', ['--catalog', FINANCE, '--function-identity', FUNCTION_IDENTITY], AZD_ENV, '--function-identity goes with --least-privilege'],
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

  test('the command prints the mistake in one line and exits 2; --help prints the usage and exits 0', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    expect(await registerCli(['--catalog', 'Finance'], io, { env: AZD_ENV })).toBe(2);
    expect(err).toEqual(['register: --catalog must be a GUID, not "Finance" (npm run register -- --help)\n']);
    expect(await registerCli(['--help'], io, { env: {} })).toBe(0);
    expect(out.join('')).toMatch(/^Usage: npm run register -- --catalog <catalog id>/);
  });
});
