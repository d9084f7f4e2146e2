import { describe, expect, it } from 'vitest';
import { REQUEST_TYPES } from '../../src/request-types.js';
import { parseWhatIfArgs, USAGE, type PackageArgs, type ParsedArgs } from '../../src/what-if/parse-args.js';

const AVERY = 'a7529cd7-a86d-4455-8c43-00e7495481b0';
const PAYMENTS = '97979783-38c5-40ae-b74e-404935a04ffd';
const TENANT = '0c6f5d3e-8a57-4f4e-9b1a-2d7c1a3e5f00';
const base = ['--user', AVERY, '--package', PAYMENTS];

function run(argv: string[], env: Record<string, string> = {}): PackageArgs {
  const parsed = parseWhatIfArgs(argv, env);
  if (parsed.kind !== 'run' || parsed.args.kind !== 'package') throw new Error(`expected a package run, got ${JSON.stringify(parsed)}`);
  return parsed.args;
}

const problem = (argv: string[], env: Record<string, string> = {}): string => {
  const parsed: ParsedArgs = parseWhatIfArgs(argv, env);
  return parsed.kind === 'usage-error' ? parsed.message : `not rejected: ${parsed.kind}`;
};

describe('what-if arguments', () => {
  it('defaults: created stage, userAdd, the emulator with its sample tenant, the policy the function reads', () => {
    expect(run(base)).toEqual({
      kind: 'package',
      user: AVERY,
      packageId: PAYMENTS,
      stage: 'assignmentRequestCreated',
      requestType: 'userAdd',
      policyPath: undefined,
      policyOrigin: 'default',
      catalogId: undefined,
      assignmentPolicyId: undefined,
      json: false,
      source: { kind: 'emulator', tenantFile: undefined },
      allowDenyAtApprovedStage: false,
    });
  });

  it('reads every option; stage and request type without case, ids lower-cased; a UPN as given', () => {
    const args = run([
      '--user', 'Avery@Contoso.example', '--package', PAYMENTS.toUpperCase(), '--stage', 'ASSIGNMENTREQUESTAPPROVED', '--request-type', 'adminadd',
      '--policy', 'p.json', '--catalog', '26803898-8C26-4CA8-BA50-15552ECD4C9D', '--assignment-policy', '94f213d6-cfa4-4bda-86f9-6bb659b87cb0', '--json', '--tenant', 't.json',
    ]);
    expect(args).toMatchObject({
      user: 'Avery@Contoso.example', packageId: PAYMENTS, stage: 'assignmentRequestApproved', requestType: 'adminAdd', policyPath: 'p.json',
      catalogId: '26803898-8c26-4ca8-ba50-15552ecd4c9d', assignmentPolicyId: '94f213d6-cfa4-4bda-86f9-6bb659b87cb0', json: true, source: { kind: 'emulator', tenantFile: 't.json' },
    });
  });

  it.each([...REQUEST_TYPES, 'UserExtend', 'APPROVERREMOVE'])('--request-type %s: every documented request type, in any casing, in Graph\'s spelling', (given) => {
    expect(REQUEST_TYPES).toContain(run([...base, '--request-type', given]).requestType);
    expect(run([...base, '--request-type', given]).requestType.toLowerCase()).toBe(given.toLowerCase());
  });

  it('the usage lists every request type', () => {
    for (const type of REQUEST_TYPES) expect(USAGE).toContain(type);
  });

  it('a guest UPN with #EXT# is a user principal name', () => {
    expect(run(['--user', 'casey_fabrikam.example#EXT#@contoso.example', '--package', PAYMENTS]).user).toBe('casey_fabrikam.example#EXT#@contoso.example');
  });

  it('POLICY_PATH and ALLOW_DENY_AT_APPROVED_STAGE are read as the function reads them; --policy wins', () => {
    expect(run(base, { POLICY_PATH: 'env.json', ALLOW_DENY_AT_APPROVED_STAGE: 'true' })).toMatchObject({ policyPath: 'env.json', policyOrigin: 'POLICY_PATH', allowDenyAtApprovedStage: true });
    expect(run([...base, '--policy', 'flag.json'], { POLICY_PATH: 'env.json', ALLOW_DENY_AT_APPROVED_STAGE: '0' })).toMatchObject({ policyPath: 'flag.json', policyOrigin: '--policy', allowDenyAtApprovedStage: false });
  });

  it('--live with a tenant id, Graph defaulting to the public cloud', () => {
    expect(run([...base, '--live', '--tenant-id', TENANT]).source).toEqual({ kind: 'live', tenantId: TENANT, graphBaseUrl: 'https://graph.microsoft.com' });
    expect(run([...base, '--live', '--tenant-id', TENANT, '--graph', 'https://graph.microsoft.us']).source).toEqual({ kind: 'live', tenantId: TENANT, graphBaseUrl: 'https://graph.microsoft.us' });
  });

  it('--help', () => {
    expect(parseWhatIfArgs(['--help'], {})).toEqual({ kind: 'help' });
  });

  it.each([
    ['no --user', ['--package', PAYMENTS], '--user is required'],
    ['no --package', ['--user', AVERY], '--package is required (or --role, --group or --azure-role for a PIM activation)'],
    ['a user that is neither an id nor a UPN', ['--user', 'avery', '--package', PAYMENTS], '--user must be an object id (GUID) or a user principal name (name@domain), not "avery"'],
    ['a package id that is not a GUID', ['--user', AVERY, '--package', 'payments'], '--package must be a GUID, not "payments"'],
    ['a catalog id that is not a GUID', [...base, '--catalog', 'finance'], '--catalog must be a GUID, not "finance"'],
    ['an assignment policy that is not a GUID', [...base, '--assignment-policy', 'x'], '--assignment-policy must be a GUID, not "x"'],
    ['an unknown stage', [...base, '--stage', 'assignmentRequestMade'], '--stage must be a request stage (assignmentRequestCreated, …, assignmentRequestRemoved), not "assignmentRequestMade"'],
    ['a stage that sends no request', [...base, '--stage', 'assignmentOneDayBeforeExpiration'], '--stage must be a request stage (assignmentRequestCreated, …, assignmentRequestRemoved), not "assignmentOneDayBeforeExpiration"'],
    ['the connection test', [...base, '--stage', 'customExtensionConnectionTest'], '--stage must be a request stage (assignmentRequestCreated, …, assignmentRequestRemoved), not "customExtensionConnectionTest"'],
    ['an unknown request type', [...base, '--request-type', 'userGrab'], '--request-type must be one of notSpecified, userAdd, userExtend, userUpdate, userRemove, adminAdd, adminUpdate, adminRemove, systemAdd, systemUpdate, systemRemove, onBehalfAdd, approverRemove, unknownFutureValue, not "userGrab"'],
    ['--live without a tenant id', [...base, '--live'], '--live needs --tenant-id <tenant id>'],
    ['--live with a tenant file', [...base, '--live', '--tenant-id', TENANT, '--tenant', 't.json'], '--tenant names a tenant file for the emulator; with --live give --tenant-id'],
    ['a tenant id that is not a GUID', [...base, '--live', '--tenant-id', 'contoso'], '--tenant-id must be a GUID, not "contoso"'],
    ['--tenant-id without --live', [...base, '--tenant-id', TENANT], '--tenant-id and --graph are for --live'],
    ['--graph without --live', [...base, '--graph', 'https://graph.microsoft.com'], '--tenant-id and --graph are for --live'],
    ['--graph over http', [...base, '--live', '--tenant-id', TENANT, '--graph', 'http://graph.microsoft.com'], '--graph must be an https origin such as https://graph.microsoft.com (no path), not "http://graph.microsoft.com"'],
    ['--graph with a path', [...base, '--live', '--tenant-id', TENANT, '--graph', 'https://graph.microsoft.com/v1.0'], '(no path), not "https://graph.microsoft.com/v1.0"'],
    ['--graph that is no URL', [...base, '--live', '--tenant-id', TENANT, '--graph', 'graph'], '--graph must be an https origin such as https://graph.microsoft.com (no path), not "graph"'],
    ['an unknown option', [...base, '--dry-run'], "Unknown option '--dry-run'"],
    ['a positional argument', [...base, 'extra'], "Unexpected argument 'extra'"],
    ['an option without its value', ['--package', PAYMENTS, '--user'], "Option '--user <value>' argument missing"],
  ])('rejects %s', (_name, argv, message) => {
    expect(problem(argv)).toContain(message);
  });

  it('rejects an ALLOW_DENY_AT_APPROVED_STAGE that is not a boolean', () => {
    expect(problem(base, { ALLOW_DENY_AT_APPROVED_STAGE: 'sometimes' })).toBe('ALLOW_DENY_AT_APPROVED_STAGE must be true or false');
  });
});
