import { parseIsoDuration } from '../checks/support/iso-duration.js';
import { parseCommand, readFlags, UsageError, type ParsedCommand } from '../cli/command-line.js';
import { sourceArg } from '../cli/source-args.js';
import { isGuidText } from '../guid.js';
import { APPROVAL_REQUIREMENTS_STAGE, EXPIRATION_STAGES, REQUEST_STAGES, type Relay, type RequestStage } from './graph-shapes.js';
import type { Desired } from './register-model.js';
import { TENANT_SOURCE_OPTIONS, type TenantSource } from '../tenant-source.js';

/** Where the command reads and writes: the tenant emulator in-process, or a real tenant. */
export type RegisterSource = TenantSource;

export interface RegisterArgs {
  readonly desired: Desired;
  readonly whatIf: boolean;
  readonly json: boolean;
  readonly source: RegisterSource;
}

export type ParsedRegisterArgs = ParsedCommand<RegisterArgs>;

/** The azd outputs (infra/main.bicep) the relay and the identity default to; names agreed with the infra. */
export const ENV = {
  subscription: 'AZURE_SUBSCRIPTION_ID',
  resourceGroup: 'RELAY_RESOURCE_GROUP',
  logicApp: 'RELAY_LOGIC_APP_NAME',
  functionIdentity: 'FUNCTION_IDENTITY_PRINCIPAL_ID',
  functionClientId: 'FUNCTION_IDENTITY_CLIENT_ID',
  /** `false` when the deployment opted into the broad grant (infra/main.bicep `leastPrivilege`). */
  leastPrivilege: 'LEAST_PRIVILEGE',
} as const;

const OPTIONS = {
  catalog: { type: 'string' },
  'relay-subscription': { type: 'string' },
  'relay-resource-group': { type: 'string' },
  'relay-name': { type: 'string' },
  name: { type: 'string' },
  callback: { type: 'string' },
  policy: { type: 'string', multiple: true },
  stage: { type: 'string', multiple: true },
  'dynamic-approval': { type: 'boolean' },
  'least-privilege': { type: 'boolean' },
  'broad-permissions': { type: 'boolean' },
  'function-identity': { type: 'string' },
  'function-client-id': { type: 'string' },
  lcw: { type: 'boolean' },
  'lcw-callback': { type: 'string' },
  unregister: { type: 'boolean' },
  'what-if': { type: 'boolean' },
  json: { type: 'boolean' },
  ...TENANT_SOURCE_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

type Env = Readonly<Record<string, string | undefined>>;

const MINUTE = 60_000;
const ELM_WINDOW = { min: 5 * MINUTE, max: 14 * 24 * 60 * MINUTE, text: 'PT5M to P14D' };
const LCW_WINDOW = { min: 5 * MINUTE, max: 3 * 60 * MINUTE, text: 'PT5M to PT3H' };
/** Azure's resource group and Logic App names: letters, digits, `-_.()`, not ending in a period. */
const RESOURCE_GROUP = /^[-\w.()]{0,89}[-\w()]$/;
const LOGIC_APP = /^[-\w.()]{0,79}[-\w()]$/;
/** The longest Logic App resource path a custom extension may name (docs/protocol.md §8). */
const MAX_LOGIC_APP_PATH = 150;

function guid(value: string, flag: string): string {
  if (!isGuidText(value)) throw new UsageError(`${flag} must be a GUID, not "${value}"`);
  return value.toLowerCase();
}

/** A flag's value, else the environment's (named in the complaint when neither is there or it is empty). */
function valueOf(flag: string | undefined, env: Env, name: string): string | undefined {
  const value = flag ?? env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** A callback window: an ISO 8601 duration of days and time (no years or months), within the range. */
function window(value: string, flag: string, range: typeof ELM_WINDOW): string {
  const d = parseIsoDuration(value);
  const ms = d === undefined || d.years !== 0 || d.months !== 0 ? undefined : d.days * 1440 * MINUTE + d.milliseconds;
  if (ms === undefined) throw new UsageError(`${flag} must be an ISO 8601 duration such as PT1H or P2D, not "${value}"`);
  if (ms < range.min || ms > range.max) throw new UsageError(`${flag} ${value} is outside ${range.text}`);
  return value.toUpperCase();
}

function stageOf(value: string): RequestStage {
  const found = REQUEST_STAGES.find((s) => s.toLowerCase() === value.toLowerCase());
  if (found !== undefined) return found;
  if (value.toLowerCase() === APPROVAL_REQUIREMENTS_STAGE.toLowerCase()) throw new UsageError(`--stage ${APPROVAL_REQUIREMENTS_STAGE}: give --dynamic-approval instead (it also adds the dynamic approval stage)`);
  if ((EXPIRATION_STAGES as readonly string[]).some((s) => s.toLowerCase() === value.toLowerCase())) {
    throw new UsageError(`--stage ${value}: the pre-expiration stages take an accessPackageAssignmentWorkflowExtension (no callback), which register does not create`);
  }
  throw new UsageError(`--stage must be one of ${REQUEST_STAGES.join(', ')}, not "${value}"`);
}

function relayOf(values: Record<string, unknown>, env: Env): Relay {
  const text = (flag: string, name: string): string => {
    const value = valueOf(values[flag] as string | undefined, env, name);
    if (value === undefined) throw new UsageError(`--${flag} is required (or set ${name}, as azd does)`);
    return value;
  };
  const subscriptionId = guid(text('relay-subscription', ENV.subscription), '--relay-subscription');
  const resourceGroupName = text('relay-resource-group', ENV.resourceGroup);
  if (!RESOURCE_GROUP.test(resourceGroupName)) throw new UsageError(`--relay-resource-group "${resourceGroupName}" is not a resource group name`);
  const logicAppWorkflowName = text('relay-name', ENV.logicApp);
  if (!LOGIC_APP.test(logicAppWorkflowName)) throw new UsageError(`--relay-name "${logicAppWorkflowName}" is not a Logic App name`);
  const path = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.Logic/workflows/${logicAppWorkflowName}`;
  if (path.length > MAX_LOGIC_APP_PATH) throw new UsageError(`the relay's resource path is ${path.length} characters; Entra takes at most ${MAX_LOGIC_APP_PATH}: shorten the resource group or Logic App name`);
  return { subscriptionId, resourceGroupName, logicAppWorkflowName };
}

/**
 * Least privilege (the catalog role, and with --lcw the task extension's authorizedApps) unless
 * the broad grant was chosen: --broad-permissions, or azd's LEAST_PRIVILEGE=false when neither
 * flag is given. --least-privilege is the default said out loud (and wins over the environment).
 */
function leastPrivilegeOf(values: Record<string, unknown>, env: Env): boolean {
  const least = values['least-privilege'] === true;
  const broad = values['broad-permissions'] === true;
  if (least && broad) throw new UsageError('--least-privilege and --broad-permissions contradict each other: give one (least privilege is the default)');
  if (least || broad) return least;
  const deployed = env[ENV.leastPrivilege]?.trim().toLowerCase();
  if (deployed === undefined || deployed === '' || deployed === 'true') return true;
  if (deployed === 'false') return false;
  throw new UsageError(`${ENV.leastPrivilege} must be true or false, as azd sets it, not "${env[ENV.leastPrivilege] ?? ''}"`);
}

/** A GUID from a flag, else from the environment: a bad one is named by where it came from. */
function guidFrom(values: Record<string, unknown>, flag: string, env: Env, name: string): string | undefined {
  const given = values[flag] as string | undefined;
  const value = valueOf(given, env, name);
  return value === undefined ? undefined : guid(value, given === undefined ? name : `--${flag}`);
}

const BROAD = `--broad-permissions (or ${ENV.leastPrivilege}=false)`;

/** The function identity's object id (catalog role) and, with --lcw, its app id (authorizedApps); both undefined with the broad grant. */
function identitiesOf(values: Record<string, unknown>, env: Env, lcw: boolean, unregister: boolean): { functionIdentity: string | undefined; authorizedApp: string | undefined } {
  if (!lcw && values['function-client-id'] !== undefined) throw new UsageError('--function-client-id goes with --lcw (the task extension authorizes that app to resume)');
  if (!leastPrivilegeOf(values, env)) {
    for (const flag of ['function-identity', 'function-client-id']) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} is for least privilege, which ${BROAD} turns off: leave one out`);
    }
    return { functionIdentity: undefined, authorizedApp: undefined };
  }
  const functionIdentity = guidFrom(values, 'function-identity', env, ENV.functionIdentity);
  if (functionIdentity === undefined) {
    throw new UsageError(`least privilege (the default) gives the function's identity the catalog role: give --function-identity <object id> (or ${ENV.functionIdentity}, as azd sets it), or ${BROAD} if the deployment granted EntitlementManagement.ReadWrite.All`);
  }
  // Unregistering deletes the task extension, authorizedApps with it: no app id needed.
  const authorizedApp = lcw && !unregister ? guidFrom(values, 'function-client-id', env, ENV.functionClientId) : undefined;
  if (lcw && !unregister && authorizedApp === undefined) {
    throw new UsageError(`--lcw with least privilege lists the function's app in the task extension's authorizedApps: give --function-client-id <app id> (or ${ENV.functionClientId}, as azd sets it), or ${BROAD} if the deployment granted LifecycleWorkflows.ReadWrite.All`);
  }
  return { functionIdentity, authorizedApp };
}

function desiredOf(values: Record<string, unknown>, env: Env): Desired {
  const unregister = values['unregister'] === true;
  const catalog = values['catalog'] as string | undefined;
  if (catalog === undefined) throw new UsageError('--catalog is required');
  const policies = [...new Set(((values['policy'] as string[] | undefined) ?? []).map((p) => guid(p, '--policy')))];
  const stages = [...new Set(((values['stage'] as string[] | undefined) ?? []).map(stageOf))];
  const dynamicApproval = values['dynamic-approval'] === true;
  if (policies.length === 0 && (stages.length > 0 || dynamicApproval)) throw new UsageError(`${stages.length > 0 ? '--stage' : '--dynamic-approval'} needs the --policy it applies to`);
  if (!unregister && policies.length > 0 && stages.length === 0 && !dynamicApproval) throw new UsageError('--policy needs the stages that call the extension: --stage <stage> (repeat for more) and/or --dynamic-approval');
  const name = (values['name'] as string | undefined)?.trim() ?? 'entitlement-guard';
  if (name === '' || name.length > 256) throw new UsageError('--name must be 1 to 256 characters');
  const lcw = values['lcw'] === true;
  if (!lcw && values['lcw-callback'] !== undefined) throw new UsageError('--lcw-callback goes with --lcw');
  const relay = unregister ? undefined : relayOf(values, env);
  const { functionIdentity, authorizedApp } = identitiesOf(values, env, lcw, unregister);
  return {
    mode: unregister ? 'unregister' : 'register',
    catalogId: guid(catalog, '--catalog'),
    name,
    relay,
    callback: window((values['callback'] as string | undefined) ?? 'PT1H', '--callback', ELM_WINDOW),
    policies,
    stages,
    dynamicApproval,
    functionIdentity,
    lcw: lcw ? { callback: window((values['lcw-callback'] as string | undefined) ?? 'PT1H', '--lcw-callback', LCW_WINDOW), authorizedApp } : undefined,
  };
}

/**
 * The command line (after `--`) and the environment (azd's outputs) → what to register, or why
 * not. Every mistake is one line saying what to change.
 */
export function parseRegisterArgs(argv: readonly string[], env: Env): ParsedRegisterArgs {
  return parseCommand(() => {
    const values: Record<string, unknown> = readFlags(argv, OPTIONS, { firstLine: true });
    if (values['help'] === true) return { kind: 'help' };
    const empty = Object.entries(values).find(([, v]) => typeof v === 'string' && v.trim() === '');
    if (empty !== undefined) throw new UsageError(`--${empty[0]} needs a value`);
    return { kind: 'run', args: { desired: desiredOf(values, env), whatIf: values['what-if'] === true, json: values['json'] === true, source: sourceArg(values) } };
  });
}
