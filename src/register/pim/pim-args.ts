import { parseCommand, readFlags, UsageError, type ParsedCommand } from '../../cli/command-line.js';
import { wholeNumber } from '../../cli/number-flags.js';
import { PIM_DEADLINE_MS_RANGE } from '../../config.js';
import { sourceArg } from '../../cli/source-args.js';
import { isGuidText } from '../../guid.js';
import { TENANT_SOURCE_OPTIONS, type TenantSource } from '../../tenant-source.js';
import type { PimDesired } from './pim-model.js';
import { DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS, FUNCTION_PIM_DEADLINE_MS, PIM_RESOURCE_TYPES, type PimEndpoint, type PimLinkTarget, type PimResourceType } from './pim-shapes.js';

export interface PimRegisterArgs {
  readonly desired: PimDesired;
  readonly whatIf: boolean;
  readonly json: boolean;
  readonly source: TenantSource;
}

/** The azd outputs (infra/main.bicep) the endpoint defaults to, and the function's own deadline setting. */
export const PIM_ENV = {
  functionUrl: 'FUNCTION_APP_URL',
  clientId: 'API_CLIENT_ID',
  resourceId: 'API_PIM_IDENTIFIER_URI',
  deadline: 'PIM_DEADLINE_MS',
} as const;

const OPTIONS = {
  pim: { type: 'boolean' },
  'resource-type': { type: 'string' },
  'function-host': { type: 'string' },
  'client-id': { type: 'string' },
  'resource-id': { type: 'string' },
  name: { type: 'string' },
  'timeout-ms': { type: 'string' },
  retries: { type: 'string' },
  link: { type: 'string', multiple: true },
  access: { type: 'string' },
  unregister: { type: 'boolean' },
  'what-if': { type: 'boolean' },
  json: { type: 'boolean' },
  ...TENANT_SOURCE_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/** Whether a command line asks for the PIM mode (`--pim` before any `--`). */
export function isPimCommand(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--pim');
}

const valueOf = (flag: string | undefined, env: Env, name: string): string | undefined => {
  const value = flag ?? env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
};

function resourceTypeOf(value: string | undefined): PimResourceType {
  if (value === undefined) throw new UsageError(`--pim needs --resource-type: one of ${PIM_RESOURCE_TYPES.join(', ')}`);
  const found = PIM_RESOURCE_TYPES.find((t) => t === value);
  if (found === undefined) throw new UsageError(`--resource-type must be one of ${PIM_RESOURCE_TYPES.join(', ')}, not "${value}"`);
  return found;
}

/** The function app's host: a host name, or its https URL with no path (FUNCTION_APP_URL, as azd gives it). */
function hostOf(value: string, from: string): string {
  const url = URL.canParse(value.includes('://') ? value : `https://${value}`) ? new URL(value.includes('://') ? value : `https://${value}`) : undefined;
  if (url?.protocol !== 'https:' || url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new UsageError(`${from} must be the function app's host name (or its https:// URL without a path), not "${value}"`);
  }
  return url.host;
}

/** The API's application ID URI: given, or `api://<host>/<client id>`; either way its host must be the endpoint's and it must end with the client id (the how-to). */
function resourceIdOf(values: Record<string, unknown>, env: Env, host: string): string {
  const clientFlag = valueOf(values['client-id'] as string | undefined, env, PIM_ENV.clientId);
  if (clientFlag !== undefined && !isGuidText(clientFlag)) throw new UsageError(`--client-id must be a GUID, not "${clientFlag}"`);
  const clientId = clientFlag?.toLowerCase();
  const given = valueOf(values['resource-id'] as string | undefined, env, PIM_ENV.resourceId);
  if (given === undefined) {
    if (clientId === undefined) throw new UsageError(`--pim needs --client-id <the API app's client id> (or ${PIM_ENV.clientId}, as azd sets it), or --resource-id`);
    return `api://${host}/${clientId}`;
  }
  const url = URL.canParse(given) ? new URL(given) : undefined;
  const last = url?.pathname.split('/').at(-1)?.toLowerCase() ?? '';
  const endsRight = clientId === undefined ? isGuidText(last) && url?.pathname === `/${last}` : url?.pathname.toLowerCase() === `/${clientId}`;
  if (url?.protocol !== 'api:' || url.host.toLowerCase() !== host.toLowerCase() || !endsRight) {
    throw new UsageError(`--resource-id "${given}" must be api://${host}/<client id>${clientId === undefined ? '' : ` (${clientId})`}: PIM requires the application ID URI's host to be the endpoint's host and the URI to end with the client id`);
  }
  return given;
}

function endpointOf(values: Record<string, unknown>, env: Env): PimEndpoint {
  const flag = values['function-host'] as string | undefined;
  const text = valueOf(flag, env, PIM_ENV.functionUrl);
  if (text === undefined) throw new UsageError(`--pim needs --function-host <host> (or ${PIM_ENV.functionUrl}, as azd sets it)`);
  const host = hostOf(text, flag === undefined ? PIM_ENV.functionUrl : '--function-host');
  return { host, targetUrl: `https://${host}/api/pim`, resourceId: resourceIdOf(values, env, host) };
}

function linksOf(values: Record<string, unknown>, type: PimResourceType): PimLinkTarget[] {
  const ids = [...new Set(((values['link'] as string[] | undefined) ?? []).map((v) => v.trim().toLowerCase()))];
  const access = values['access'] as string | undefined;
  if (access !== undefined && type !== 'entraGroups') throw new UsageError('--access is for --resource-type entraGroups (a group\'s member or owner role)');
  if (access !== undefined && access !== 'member' && access !== 'owner') throw new UsageError(`--access must be member or owner, not "${access}"`);
  if (ids.length > 0 && type === 'azureResources') throw new UsageError('--link: Azure resource roles keep their settings in Azure Resource Manager, not Graph; link them in the portal (the run prints the steps)');
  const bad = ids.find((id) => !isGuidText(id));
  if (bad !== undefined) throw new UsageError(`--link must be a ${type === 'entraRoles' ? 'role definition' : 'group'} id (GUID), not "${bad}"`);
  return ids.map((id) => (type === 'entraRoles' ? { kind: 'role', roleDefinitionId: id } : { kind: 'group', groupId: id, access: access === 'owner' ? 'owner' : 'member' }));
}

function desiredOf(values: Record<string, unknown>, env: Env): PimDesired {
  const resourceType = resourceTypeOf(values['resource-type'] as string | undefined);
  const unregister = values['unregister'] === true;
  const name = (values['name'] as string | undefined)?.trim() ?? `entitlement-guard (${resourceType})`;
  if (name === '' || name.length > 256) throw new UsageError('--name must be 1 to 256 characters');
  const deadlineText = env[PIM_ENV.deadline]?.trim();
  // A deadline the function would refuse at start-up is refused here too.
  const deadline = deadlineText === undefined || deadlineText === '' ? FUNCTION_PIM_DEADLINE_MS : wholeNumber(deadlineText, PIM_ENV.deadline, PIM_DEADLINE_MS_RANGE);
  const timeoutText = values['timeout-ms'] as string | undefined;
  const why = ` (the function's ${PIM_ENV.deadline} is ${deadline} ms: PIM must wait longer than the function takes)`;
  const timeoutMs = timeoutText === undefined ? Math.max(DEFAULT_TIMEOUT_MS, deadline + 1000) : wholeNumber(timeoutText, '--timeout-ms', { min: deadline + 1, why });
  const retriesText = values['retries'] as string | undefined;
  return {
    mode: unregister ? 'unregister' : 'register',
    resourceType,
    name,
    endpoint: unregister ? undefined : endpointOf(values, env),
    timeoutMs,
    maximumRetries: retriesText === undefined ? DEFAULT_RETRIES : wholeNumber(retriesText, '--retries', { min: 0 }),
    links: linksOf(values, resourceType),
  };
}

/**
 * `register --pim`: the command line (after `--`) and the environment (azd's outputs) → the PIM
 * custom extension to register, or why not. Every mistake is one line saying what to change.
 */
export function parsePimArgs(argv: readonly string[], env: Env): ParsedCommand<PimRegisterArgs> {
  return parseCommand(() => {
    const values: Record<string, unknown> = readFlags(argv, OPTIONS, { firstLine: true });
    if (values['help'] === true) return { kind: 'help' };
    const empty = Object.entries(values).find(([, v]) => typeof v === 'string' && v.trim() === '');
    if (empty !== undefined) throw new UsageError(`--${empty[0]} needs a value`);
    return { kind: 'run', args: { desired: desiredOf(values, env), whatIf: values['what-if'] === true, json: values['json'] === true, source: sourceArg(values) } };
  });
}
