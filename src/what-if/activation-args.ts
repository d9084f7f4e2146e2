import { addIsoDuration, parseIsoDuration } from '../checks/support/iso-duration.js';
import { parseInstant } from '../checks/support/instant.js';
import { UsageError } from '../cli/command-line.js';
import { parseGuid, type Guid } from '../guid.js';
import type { PimActivation, PimTarget } from '../pim/activation.js';

/** What a PIM what-if asks about, besides the user: the role or group, and what the activation carries. */
export interface ActivationAsk {
  readonly target: PimTarget;
  readonly justification: string | undefined;
  readonly ticket: PimActivation['ticket'];
  /** An ISO 8601 duration, upper-case (PT8H). */
  readonly duration: string;
  /** An instant in UTC (toISOString); undefined: now, when the what-if runs. */
  readonly start: string | undefined;
}

/** The flags of a PIM what-if, for node:util parseArgs. */
export const ACTIVATION_OPTIONS = {
  role: { type: 'string' },
  scope: { type: 'string' },
  group: { type: 'string' },
  access: { type: 'string' },
  'azure-role': { type: 'string' },
  'azure-scope': { type: 'string' },
  justification: { type: 'string' },
  ticket: { type: 'string' },
  duration: { type: 'string' },
  start: { type: 'string' },
} as const;

export type ActivationFlags = { readonly [K in keyof typeof ACTIVATION_OPTIONS]?: string | undefined };

/** What PIM's parser (src/pim/parse-activation.ts) takes at most. */
const MAX_JUSTIFICATION = 4096;
const MAX_SHORT = 256;
const MAX_ARM_PATH = 1024;
const DIRECTORY_SCOPE = /^\/(?:administrativeUnits\/[0-9a-f-]{36}|[0-9a-f-]{36})?$/i;
const ARM_ROLE_DEFINITION = /^(?:\/[^/]+)*\/providers\/microsoft\.authorization\/roledefinitions\/([0-9a-f-]{36})$/i;

/** The flags that only a PIM activation takes, besides the one naming what is activated. */
export const ACTIVATION_ONLY = ['justification', 'ticket', 'duration', 'start'] as const;

function guid(value: string, flag: string, what: string): Guid {
  const id = parseGuid(value);
  if (id === undefined) throw new UsageError(`${flag} must be ${what} (GUID), not "${value}"`);
  return id;
}

/** An ARM path as PIM's parser takes one: from the root, non-empty segments, no `.` or `..`, printable, bounded. */
function isArmPath(value: string): boolean {
  if (value === '/') return true;
  const segments = value.split('/').slice(1);
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  return value.startsWith('/') && value.length <= MAX_ARM_PATH && !segments.some((s) => s === '' || s === '.' || s === '..') && !/[?#%\\\u0000-\u001f\u007f]/.test(value);
}

/**
 * The Azure role definition's ARM id and GUID: a full id as given, or a GUID made into the id
 * under the scope's subscription (at the tenant root, /providers/…, when the scope is no
 * subscription's), as PIM sends it.
 */
function azureTarget(role: string, scope: string): PimTarget {
  const notRole = `--azure-role must be an Azure role definition id (…/providers/Microsoft.Authorization/roleDefinitions/<guid>) or its GUID, not "${role}"`;
  if (!isArmPath(scope)) throw new UsageError(`--azure-scope must be an Azure Resource Manager scope such as /subscriptions/<id>/resourceGroups/<name>, not "${scope}"`);
  const given = parseGuid(role);
  if (given !== undefined) {
    const subscription = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
    const root = subscription === undefined ? '' : `/subscriptions/${subscription}`;
    return { kind: 'azure-role', roleDefinitionId: `${root}/providers/Microsoft.Authorization/roleDefinitions/${given}`, roleDefinitionGuid: given, scope };
  }
  const inId = parseGuid(ARM_ROLE_DEFINITION.exec(role)?.[1]);
  if (inId === undefined || !isArmPath(role)) throw new UsageError(notRole);
  return { kind: 'azure-role', roleDefinitionId: role, roleDefinitionGuid: inId, scope };
}

function targetOf(flags: ActivationFlags): PimTarget | undefined {
  const named = (['role', 'group', 'azure-role'] as const).filter((flag) => flags[flag] !== undefined);
  if (named.length > 1) throw new UsageError(`give one of --role, --group and --azure-role, not ${named.map((f) => `--${f}`).join(' and ')}: an activation is of one role or group`);
  if (flags.scope !== undefined && flags.role === undefined) throw new UsageError('--scope goes with --role (the scope of an Azure role is --azure-scope)');
  if (flags.access !== undefined && flags.group === undefined) throw new UsageError('--access goes with --group');
  if (flags['azure-scope'] !== undefined && flags['azure-role'] === undefined) throw new UsageError('--azure-scope goes with --azure-role');
  if (flags.role !== undefined) {
    const scope = flags.scope ?? '/';
    if (!DIRECTORY_SCOPE.test(scope)) throw new UsageError(`--scope must be a directory scope: /, /administrativeUnits/<id> or /<application id>, not "${scope}"`);
    return { kind: 'directory-role', roleDefinitionId: guid(flags.role, '--role', 'a role definition id'), directoryScopeId: scope };
  }
  if (flags.group !== undefined) {
    const access = (flags.access ?? 'member').toLowerCase();
    if (access !== 'member' && access !== 'owner') throw new UsageError(`--access must be member or owner, not "${flags.access ?? ''}"`);
    return { kind: 'group', groupId: guid(flags.group, '--group', 'a group id'), access };
  }
  if (flags['azure-role'] !== undefined) {
    if (flags['azure-scope'] === undefined) throw new UsageError('--azure-role needs --azure-scope <ARM scope>');
    return azureTarget(flags['azure-role'], flags['azure-scope']);
  }
  return undefined;
}

/** `<system>:<number>`, split at the first colon; a number alone names no system. */
function ticketOf(value: string | undefined): PimActivation['ticket'] {
  if (value === undefined) return undefined;
  const colon = value.indexOf(':');
  const [system, number] = colon === -1 ? [undefined, value.trim()] : [value.slice(0, colon).trim(), value.slice(colon + 1).trim()];
  if (number === '' || system === '' || number.length > MAX_SHORT || (system?.length ?? 0) > MAX_SHORT) {
    throw new UsageError(`--ticket must be <system>:<number> (ServiceNow:CHG0012345) or a number alone, not "${value}"`);
  }
  return { system, number };
}

function durationOf(value: string | undefined): string {
  if (value === undefined) return 'PT8H';
  const parsed = parseIsoDuration(value);
  if (parsed === undefined || !(addIsoDuration(0, parsed) > 0)) throw new UsageError(`--duration must be an ISO 8601 duration longer than nothing, such as PT8H or PT30M, not "${value}"`);
  return value.trim().toUpperCase();
}

function startOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = /T.*(Z|[+-]\d\d:?\d\d)$/i.test(value.trim()) ? parseInstant(value) : undefined;
  if (ms === undefined) throw new UsageError(`--start must be an ISO 8601 date-time with Z or an offset, such as 2031-01-07T10:00:00Z, not "${value}"`);
  return new Date(ms).toISOString();
}

/**
 * The PIM activation the flags ask about, or undefined when they name none (then none of its
 * other flags may be given). One line of usage error for anything PIM would not send.
 */
export function activationAsk(flags: ActivationFlags): ActivationAsk | undefined {
  const target = targetOf(flags);
  if (target === undefined) {
    const stray = ACTIVATION_ONLY.find((flag) => flags[flag] !== undefined);
    if (stray !== undefined) throw new UsageError(`--${stray} is for a PIM activation (--role, --group or --azure-role)`);
    return undefined;
  }
  const { justification } = flags;
  if (justification !== undefined && justification.length > MAX_JUSTIFICATION) throw new UsageError(`--justification must be at most ${MAX_JUSTIFICATION} characters`);
  return { target, justification: justification === '' ? undefined : justification, ticket: ticketOf(flags.ticket), duration: durationOf(flags.duration), start: startOf(flags.start) };
}
