// `npm run what-if` for a PIM activation: --role, --group, --azure-role and what an activation carries.
import { describe, expect, it } from 'vitest';
import { parseWhatIfArgs, USAGE, type ActivationArgs } from '../../src/what-if/parse-args.js';

const ROWAN = '3727fd38-c06b-42a6-b984-0344779555f6';
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const GROUP = '1a2b3c4d-0002-4000-8000-00000000a002';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const SUBSCRIPTION = '/subscriptions/3f2e1d0c-0001-4b5a-9c8d-7e6f5a4b3c2d';
const RG = `${SUBSCRIPTION}/resourceGroups/rg-payments`;
const ARM_ID = `${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`;
const role = ['--user', ROWAN, '--role', USER_ADMIN];

function activation(argv: string[]): ActivationArgs {
  const parsed = parseWhatIfArgs(argv, {});
  if (parsed.kind !== 'run' || parsed.args.kind !== 'activation') throw new Error(`expected an activation, got ${JSON.stringify(parsed)}`);
  return parsed.args;
}

const problem = (argv: string[]): string => {
  const parsed = parseWhatIfArgs(argv, {});
  return parsed.kind === 'usage-error' ? parsed.message : `not rejected: ${parsed.kind}`;
};

describe('what-if arguments for a PIM activation', () => {
  it('--role: a directory role at the whole directory, PT8H from now, no justification or ticket', () => {
    expect(activation(role)).toEqual({
      kind: 'activation',
      user: ROWAN,
      policyPath: undefined,
      policyOrigin: 'default',
      json: false,
      source: { kind: 'emulator', tenantFile: undefined },
      allowDenyAtApprovedStage: false,
      target: { kind: 'directory-role', roleDefinitionId: USER_ADMIN, directoryScopeId: '/' },
      justification: undefined,
      ticket: undefined,
      duration: 'PT8H',
      start: undefined,
    });
  });

  it('--role with --scope, and every activation option: the start in UTC, the duration upper-case, the ticket split at its first colon', () => {
    const args = activation([
      ...role.slice(0, 2), '--role', USER_ADMIN.toUpperCase(), '--scope', '/administrativeUnits/5b0a1c2d-0000-4000-8000-000000000001', '--justification', 'Reset passwords, see CHG0012345',
      '--ticket', 'ServiceNow:CHG:0012345', '--duration', 'pt90m', '--start', '2031-01-07T11:00:00+01:00', '--json',
    ]);
    expect(args).toMatchObject({
      target: { kind: 'directory-role', roleDefinitionId: USER_ADMIN, directoryScopeId: '/administrativeUnits/5b0a1c2d-0000-4000-8000-000000000001' },
      justification: 'Reset passwords, see CHG0012345',
      ticket: { system: 'ServiceNow', number: 'CHG:0012345' },
      duration: 'PT90M',
      start: '2031-01-07T10:00:00.000Z',
      json: true,
    });
  });

  it('--ticket with a number alone names no system', () => {
    expect(activation([...role, '--ticket', 'INC0000042']).ticket).toEqual({ system: undefined, number: 'INC0000042' });
  });

  it('--group: membership by default, ownership with --access owner (any casing)', () => {
    expect(activation(['--user', ROWAN, '--group', GROUP]).target).toEqual({ kind: 'group', groupId: GROUP, access: 'member' });
    expect(activation(['--user', ROWAN, '--group', GROUP, '--access', 'Owner']).target).toEqual({ kind: 'group', groupId: GROUP, access: 'owner' });
  });

  it('--azure-role as a GUID: made into the ARM id under the scope\'s subscription', () => {
    expect(activation(['--user', ROWAN, '--azure-role', CONTRIBUTOR, '--azure-scope', RG]).target).toEqual({ kind: 'azure-role', roleDefinitionId: ARM_ID, roleDefinitionGuid: CONTRIBUTOR, scope: RG });
  });

  it('--azure-role as a GUID at a management group: the tenant-level ARM id', () => {
    const scope = '/providers/Microsoft.Management/managementGroups/finance';
    expect(activation(['--user', ROWAN, '--azure-role', CONTRIBUTOR, '--azure-scope', scope]).target).toMatchObject({ roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`, scope });
  });

  it('--azure-role as an ARM id: kept as given, its GUID read from it', () => {
    expect(activation(['--user', ROWAN, '--azure-role', ARM_ID, '--azure-scope', RG]).target).toEqual({ kind: 'azure-role', roleDefinitionId: ARM_ID, roleDefinitionGuid: CONTRIBUTOR, scope: RG });
  });

  it('the usage documents every new flag', () => {
    for (const flag of ['--role', '--scope', '--group', '--access member|owner', '--azure-role', '--azure-scope', '--justification', '--ticket <system>:<number>', '--duration', '(default PT8H)', '--start', '(default now)']) expect(USAGE).toContain(flag);
  });

  it.each([
    ['--role with --group', [...role, '--group', GROUP], 'give one of --role, --group and --azure-role, not --role and --group: an activation is of one role or group'],
    ['--group with --azure-role', ['--user', ROWAN, '--group', GROUP, '--azure-role', CONTRIBUTOR, '--azure-scope', RG], 'give one of --role, --group and --azure-role, not --group and --azure-role'],
    ['--access without --group', [...role, '--access', 'member'], '--access goes with --group'],
    ['--scope without --role', ['--user', ROWAN, '--group', GROUP, '--scope', '/'], '--scope goes with --role (the scope of an Azure role is --azure-scope)'],
    ['--azure-scope without --azure-role', [...role, '--azure-scope', RG], '--azure-scope goes with --azure-role'],
    ['--azure-role without --azure-scope', ['--user', ROWAN, '--azure-role', CONTRIBUTOR], '--azure-role needs --azure-scope <ARM scope>'],
    ['a role id that is not a GUID', ['--user', ROWAN, '--role', 'User Administrator'], '--role must be a role definition id (GUID), not "User Administrator"'],
    ['an Azure role that is neither a GUID nor an ARM role definition id', ['--user', ROWAN, '--azure-role', 'Contributor', '--azure-scope', RG], '--azure-role must be an Azure role definition id (…/providers/Microsoft.Authorization/roleDefinitions/<guid>) or its GUID, not "Contributor"'],
    ['an ARM id that is no role definition', ['--user', ROWAN, '--azure-role', `${SUBSCRIPTION}/providers/Microsoft.Authorization/roleAssignments/${CONTRIBUTOR}`, '--azure-scope', RG], '--azure-role must be an Azure role definition id'],
    ['an Azure scope that is no ARM path', ['--user', ROWAN, '--azure-role', CONTRIBUTOR, '--azure-scope', 'subscriptions/x'], '--azure-scope must be an Azure Resource Manager scope such as /subscriptions/<id>/resourceGroups/<name>, not "subscriptions/x"'],
    ['an Azure scope with ..', ['--user', ROWAN, '--azure-role', CONTRIBUTOR, '--azure-scope', `${SUBSCRIPTION}/../x`], '--azure-scope must be an Azure Resource Manager scope'],
    ['a group id that is not a GUID', ['--user', ROWAN, '--group', 'Vendor Master Editors'], '--group must be a group id (GUID), not "Vendor Master Editors"'],
    ['an access that is neither member nor owner', ['--user', ROWAN, '--group', GROUP, '--access', 'admin'], '--access must be member or owner, not "admin"'],
    ['a directory scope that is none', [...role, '--scope', '/subscriptions/x'], '--scope must be a directory scope: /, /administrativeUnits/<id> or /<application id>, not "/subscriptions/x"'],
    ['a duration that is not ISO 8601', [...role, '--duration', '8h'], '--duration must be an ISO 8601 duration longer than nothing, such as PT8H or PT30M, not "8h"'],
    ['a duration of nothing', [...role, '--duration', 'PT0H'], '--duration must be an ISO 8601 duration longer than nothing, such as PT8H or PT30M, not "PT0H"'],
    ['a start without a zone', [...role, '--start', '2031-01-07T10:00:00'], '--start must be an ISO 8601 date-time with Z or an offset, such as 2031-01-07T10:00:00Z, not "2031-01-07T10:00:00"'],
    ['a start that is a date', [...role, '--start', '2031-01-07'], '--start must be an ISO 8601 date-time with Z or an offset'],
    ['a start that is no date', [...role, '--start', 'tomorrow'], '--start must be an ISO 8601 date-time with Z or an offset'],
    ['a ticket without a number', [...role, '--ticket', 'ServiceNow:'], '--ticket must be <system>:<number> (ServiceNow:CHG0012345) or a number alone, not "ServiceNow:"'],
    ['a ticket without a system before its colon', [...role, '--ticket', ':CHG0012345'], '--ticket must be <system>:<number>'],
    ['a justification longer than PIM\'s parser takes', [...role, '--justification', 'x'.repeat(4097)], '--justification must be at most 4096 characters'],
    ['--package with --role', [...role, '--package', '97979783-38c5-40ae-b74e-404935a04ffd'], '--package is for an access package request, not a PIM activation'],
    ['--stage with --group', ['--user', ROWAN, '--group', GROUP, '--stage', 'assignmentRequestCreated'], '--stage is for an access package request, not a PIM activation'],
    ['--catalog with --azure-role', ['--user', ROWAN, '--azure-role', CONTRIBUTOR, '--azure-scope', RG, '--catalog', '26803898-8c26-4ca8-ba50-15552ecd4c9d'], '--catalog is for an access package request, not a PIM activation'],
    ['--justification with --package', ['--user', ROWAN, '--package', '97979783-38c5-40ae-b74e-404935a04ffd', '--justification', 'because'], '--justification is for a PIM activation (--role, --group or --azure-role)'],
    ['--duration without anything to activate', ['--user', ROWAN, '--duration', 'PT1H'], '--duration is for a PIM activation (--role, --group or --azure-role)'],
  ])('rejects %s', (_name, argv, message) => {
    expect(problem(argv)).toContain(message);
  });
});
