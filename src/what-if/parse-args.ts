import { parseCommand, readFlags, UsageError, type ParsedCommand } from '../cli/command-line.js';
import { sourceArg } from '../cli/source-args.js';
import { isGuidText, parseGuid, type Guid } from '../guid.js';
import { REQUEST_TYPES, requestTypeOf, type RequestType } from '../request-types.js';
import { stageCapabilities, type ElmStage } from '../stages.js';
import { TENANT_SOURCE_OPTIONS, type TenantSource } from '../tenant-source.js';

/** Where the directory is read: the tenant emulator in-process, or a real tenant, read-only. */
export type WhatIfSource = TenantSource;

export interface WhatIfArgs {
  /** An object id (lower-cased) or a user principal name, as given. */
  readonly user: string;
  readonly packageId: Guid;
  readonly stage: ElmStage;
  readonly requestType: RequestType;
  /** undefined: POLICY_PATH, else the policy deployed with the app (as the function reads it). */
  readonly policyPath: string | undefined;
  /** The package's catalog when Graph cannot expand it; given, the package read does not ask for it. */
  readonly catalogId: Guid | undefined;
  /** The assignment policy the request would come through; scopes may match on it. */
  readonly assignmentPolicyId: Guid | undefined;
  readonly json: boolean;
  readonly source: WhatIfSource;
  /** ALLOW_DENY_AT_APPROVED_STAGE, read as the function reads it. */
  readonly allowDenyAtApprovedStage: boolean;
}

export type ParsedArgs = ParsedCommand<WhatIfArgs>;

/** The request types for the usage, a few to a line under the option's description. */
const REQUEST_TYPE_USAGE = ['userAdd (default)', ...REQUEST_TYPES.filter((t) => t !== 'userAdd')]
  .map((t, i, all) => `${t}${i === all.length - 1 ? ' (any casing)' : ','}${i % 5 === 4 ? '\n                              ' : ''}`)
  .join(' ');

export const USAGE = `Usage: npm run what-if -- --user <object id or UPN> --package <access package id> [options]

Evaluates the policy for a user requesting an access package, without any callout: builds the
callout Entra would send, reads the directory as the function does, runs the checks, and prints
what the stage would answer. Nothing is resumed or written.

  --user <id | UPN>            the user who would request (target and requestor)
  --package <id>               the access package
  --stage <stage>              assignmentRequestCreated (default), assignmentRequestDeterminingApprovalRequirements,
                               assignmentRequestApproved, assignmentRequestGranted or assignmentRequestRemoved
  --request-type <type>        ${REQUEST_TYPE_USAGE}
  --policy <file>              the policy (default: POLICY_PATH, else policy/policy.json)
  --catalog <id>               the package's catalog, when Graph cannot expand it on the package
  --assignment-policy <id>     the assignment policy the request comes through (for scopes that match on it)
  --json                       print the evaluation as JSON
  --tenant <file>              tenant file for the in-process tenant emulator (default: emulator/tenants/contoso.json)
  --live --tenant-id <id>      read a real tenant instead, read-only, with your own credential (DefaultAzureCredential)
  --graph <origin>             Graph origin for --live (default https://graph.microsoft.com)
  --help                       this text

Exit codes: 0 evaluated, 1 Graph or the credential failed, 2 bad arguments, unknown user or package, bad policy.`;

const OPTIONS = {
  user: { type: 'string' },
  package: { type: 'string' },
  stage: { type: 'string' },
  'request-type': { type: 'string' },
  policy: { type: 'string' },
  catalog: { type: 'string' },
  'assignment-policy': { type: 'string' },
  json: { type: 'boolean' },
  ...TENANT_SOURCE_OPTIONS,
  help: { type: 'boolean' },
} as const;

function guid(value: string, flag: string): Guid {
  const id = parseGuid(value);
  if (id === undefined) throw new UsageError(`${flag} must be a GUID, not "${value}"`);
  return id;
}

function optionalGuid(value: string | undefined, flag: string): Guid | undefined {
  return value === undefined ? undefined : guid(value, flag);
}

/** Graph's /users/{id | userPrincipalName}: an object id, or a name with an @. */
function userOf(value: string): string {
  if (isGuidText(value)) return value.toLowerCase();
  if (/^[^@\s/?]+@[^@\s/?]+$/.test(value)) return value;
  throw new UsageError(`--user must be an object id (GUID) or a user principal name (name@domain), not "${value}"`);
}

/** The request stages only: the others send no request to evaluate (PROTOCOL.md §5). */
function stageOf(value: string | undefined): ElmStage {
  if (value === undefined) return 'assignmentRequestCreated';
  const caps = stageCapabilities(value);
  if (caps?.calloutKind !== 'elm-request') throw new UsageError(`--stage must be a request stage (assignmentRequestCreated, …, assignmentRequestRemoved), not "${value}"`);
  return caps.stage;
}

/** One of REQUEST_TYPES in any casing (`UserExtend`), in Graph's spelling. */
function requestTypeArg(value: string | undefined): RequestType {
  if (value === undefined) return 'userAdd';
  const found = requestTypeOf(value);
  if (found === undefined) throw new UsageError(`--request-type must be one of ${REQUEST_TYPES.join(', ')}, not "${value}"`);
  return found;
}

/** ALLOW_DENY_AT_APPROVED_STAGE with the function's reading: true/1, false/0, unset is false. */
function allowDenyOf(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env['ALLOW_DENY_AT_APPROVED_STAGE']?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new UsageError('ALLOW_DENY_AT_APPROVED_STAGE must be true or false');
}

/** The command line (after `--`) and the environment → what to evaluate, or why not. */
export function parseWhatIfArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedArgs {
  return parseCommand(() => {
    const values = readFlags(argv, OPTIONS);
    if (values.help === true) return { kind: 'help' };
    if (values.user === undefined) throw new UsageError('--user is required');
    if (values.package === undefined) throw new UsageError('--package is required');
    const policyPath = values.policy ?? env['POLICY_PATH']?.trim();
    return {
      kind: 'run',
      args: {
        user: userOf(values.user),
        packageId: guid(values.package, '--package'),
        stage: stageOf(values.stage),
        requestType: requestTypeArg(values['request-type']),
        policyPath: policyPath === '' ? undefined : policyPath,
        catalogId: optionalGuid(values.catalog, '--catalog'),
        assignmentPolicyId: optionalGuid(values['assignment-policy'], '--assignment-policy'),
        json: values.json === true,
        source: sourceArg(values),
        allowDenyAtApprovedStage: allowDenyOf(env),
      },
    };
  });
}
