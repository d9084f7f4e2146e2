import { parseCommand, readFlags, UsageError, type ParsedCommand } from '../cli/command-line.js';
import { sourceArg } from '../cli/source-args.js';
import { isGuidText, parseGuid, type Guid } from '../guid.js';
import type { PolicyOrigin } from '../policy/read-policy-file.js';
import { REQUEST_TYPES, requestTypeOf, type RequestType } from '../request-types.js';
import { stageCapabilities, type ElmStage } from '../stages.js';
import { TENANT_SOURCE_OPTIONS, type TenantSource } from '../tenant-source.js';
import { ACTIVATION_OPTIONS, activationAsk, type ActivationAsk } from './activation-args.js';

export { USAGE } from './usage.js';

/** Where the directory is read: the tenant emulator in-process, or a real tenant, read-only. */
export type WhatIfSource = TenantSource;

/** What every what-if takes: who, under which policy, read from where, printed how. */
interface CommonArgs {
  /** An object id (lower-cased) or a user principal name, as given. */
  readonly user: string;
  /** undefined: POLICY_PATH, else the policy deployed with the app (as the function reads it). */
  readonly policyPath: string | undefined;
  /** Where policyPath came from, for the output and the messages. */
  readonly policyOrigin: PolicyOrigin;
  readonly json: boolean;
  readonly source: WhatIfSource;
  /** ALLOW_DENY_AT_APPROVED_STAGE, read as the function reads it (it decides how the policy loads). */
  readonly allowDenyAtApprovedStage: boolean;
}

/** A what-if of an access package request (--package). */
export interface PackageArgs extends CommonArgs {
  readonly kind: 'package';
  readonly packageId: Guid;
  readonly stage: ElmStage;
  readonly requestType: RequestType;
  /** The package's catalog when Graph cannot expand it; given, the package read does not ask for it. */
  readonly catalogId: Guid | undefined;
  /** The assignment policy the request would come through; scopes may match on it. */
  readonly assignmentPolicyId: Guid | undefined;
}

/** A what-if of a PIM role activation (--role, --group or --azure-role). */
export interface ActivationArgs extends CommonArgs, ActivationAsk {
  readonly kind: 'activation';
}

export type WhatIfArgs = PackageArgs | ActivationArgs;

export type ParsedArgs = ParsedCommand<WhatIfArgs>;

const OPTIONS = {
  user: { type: 'string' },
  package: { type: 'string' },
  stage: { type: 'string' },
  'request-type': { type: 'string' },
  policy: { type: 'string' },
  catalog: { type: 'string' },
  'assignment-policy': { type: 'string' },
  json: { type: 'boolean' },
  ...ACTIVATION_OPTIONS,
  ...TENANT_SOURCE_OPTIONS,
  help: { type: 'boolean', short: 'h' },
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

/** The request stages only: the others send no request to evaluate (docs/protocol.md §5). */
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

/** The flags only an access package request takes. */
const PACKAGE_ONLY = ['package', 'stage', 'request-type', 'catalog', 'assignment-policy'] as const;

/** The command line (after `--`) and the environment → what to evaluate, or why not. */
export function parseWhatIfArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedArgs {
  return parseCommand((): ParsedArgs => {
    const values = readFlags(argv, OPTIONS, { firstLine: true });
    if (values.help === true) return { kind: 'help' };
    if (values.user === undefined) throw new UsageError('--user is required');
    const activation = activationAsk(values);
    const policyPath = values.policy ?? env['POLICY_PATH']?.trim();
    const common: CommonArgs = {
      user: userOf(values.user),
      policyPath: policyPath === '' ? undefined : policyPath,
      policyOrigin: values.policy !== undefined ? '--policy' : policyPath === undefined || policyPath === '' ? 'default' : 'POLICY_PATH',
      json: values.json === true,
      source: sourceArg(values),
      allowDenyAtApprovedStage: allowDenyOf(env),
    };
    if (activation !== undefined) {
      const stray = PACKAGE_ONLY.find((flag) => values[flag] !== undefined);
      if (stray !== undefined) throw new UsageError(`--${stray} is for an access package request, not a PIM activation`);
      return { kind: 'run', args: { kind: 'activation', ...common, ...activation } };
    }
    if (values.package === undefined) throw new UsageError('--package is required (or --role, --group or --azure-role for a PIM activation)');
    return {
      kind: 'run',
      args: {
        kind: 'package',
        ...common,
        packageId: guid(values.package, '--package'),
        stage: stageOf(values.stage),
        requestType: requestTypeArg(values['request-type']),
        catalogId: optionalGuid(values.catalog, '--catalog'),
        assignmentPolicyId: optionalGuid(values['assignment-policy'], '--assignment-policy'),
      },
    };
  });
}
