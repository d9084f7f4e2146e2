import { asciiLower } from '../ascii.js';
import { AppError } from '../errors.js';
import { parseGuid, type Guid } from '../guid.js';
import { isJsonObject, lowerCaseKeys, type JsonObject, type JsonValue } from '../ingress/canonical-keys.js';
import type { PimActivation, PimSchedule, PimTarget } from './activation.js';

/** Bounds on what PIM sends: a justification PIM itself caps far lower, ticket fields, ARM paths. */
const MAX_JUSTIFICATION = 4096;
const MAX_SHORT = 256;
const MAX_ARM_PATH = 1024;

const GROUP_TYPE = '#microsoft.graph.privilegedaccessgroupassignmentschedulerequest';
const ROLE_TYPE = '#microsoft.graph.unifiedroleassignmentschedulerequest';
/** An Azure role definition's id: any ARM scope, then the provider's roleDefinitions/{guid}. */
const ARM_ROLE_DEFINITION = /^(?:\/[^/]+)*\/providers\/microsoft\.authorization\/roledefinitions\/([0-9a-f-]{36})$/i;
/** A directory scope: the tenant (`/`), an administrative unit, or an application (`/{id}`). */
const DIRECTORY_SCOPE = /^\/(?:administrativeUnits\/[0-9a-f-]{36}|[0-9a-f-]{36})?$/i;

function invalid(message: string, field: string): AppError {
  return new AppError('CALLOUT.INVALID_BODY', `The PIM activation request ${message}.`, { details: { field } });
}

/** A text field: absent or null is undefined; anything but a string, or one too long, is refused naming the field. */
function text(object: JsonObject, key: string, field: string, max: number): string | undefined {
  const value = object[asciiLower(key)];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`has ${field} that is not a string`, field);
  if (value.length > max) throw invalid(`has ${field} of ${String(value.length)} characters; at most ${String(max)}`, field);
  return value === '' ? undefined : value;
}

function guid(object: JsonObject, key: string, field: string, required: true): Guid;
function guid(object: JsonObject, key: string, field: string, required: false): Guid | undefined;
function guid(object: JsonObject, key: string, field: string, required: boolean): Guid | undefined {
  const value = text(object, key, field, 64);
  if (value === undefined) {
    if (required) throw invalid(`has no ${field}`, field);
    return undefined;
  }
  const id = parseGuid(value);
  if (id === undefined) throw invalid(`has ${field} that is not a GUID`, field);
  return id;
}

function child(object: JsonObject, key: string, field: string): JsonObject | undefined {
  const value: JsonValue | undefined = object[asciiLower(key)];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw invalid(`has ${field} that is not an object`, field);
  return value;
}

/** Whether the text holds a control character (C0 or DEL). */
function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** An ARM path: from the root, non-empty segments, no `.` or `..`, printable, bounded. */
function armPath(value: string | undefined, field: string): string {
  if (value === undefined) throw invalid(`has no ${field}`, field);
  const segments = value.split('/').slice(1);
  const bad = !value.startsWith('/') || value.length > MAX_ARM_PATH || segments.some((s) => s === '' || s === '.' || s === '..') || /[?#%\\]/.test(value) || hasControl(value);
  if (bad && value !== '/') throw invalid(`has ${field} that is not an Azure Resource Manager path`, field);
  return value;
}

function schedule(object: JsonObject, prefix: string): PimSchedule | undefined {
  const info = child(object, 'scheduleInfo', `${prefix}scheduleInfo`);
  if (info === undefined) return undefined;
  const expiration = child(info, 'expiration', `${prefix}scheduleInfo.expiration`);
  const at = (o: JsonObject | undefined, key: string) => (o === undefined ? undefined : text(o, key, `${prefix}scheduleInfo.${o === info ? '' : 'expiration.'}${key}`, 64));
  return { startDateTime: at(info, 'startDateTime'), expirationType: at(expiration, 'type'), duration: at(expiration, 'duration'), endDateTime: at(expiration, 'endDateTime') };
}

function ticket(object: JsonObject, prefix: string): PimActivation['ticket'] {
  const info = child(object, 'ticketInfo', `${prefix}ticketInfo`);
  if (info === undefined) return undefined;
  const found = { number: text(info, 'ticketNumber', `${prefix}ticketInfo.ticketNumber`, MAX_SHORT), system: text(info, 'ticketSystem', `${prefix}ticketInfo.ticketSystem`, MAX_SHORT) };
  return found.number === undefined && found.system === undefined ? undefined : found;
}

function common(object: JsonObject, prefix = ''): Omit<PimActivation, 'kind' | 'model' | 'requestId' | 'action' | 'status' | 'principalType' | 'target'> {
  return {
    principalId: guid(object, 'principalId', `${prefix}principalId`, true),
    justification: text(object, 'justification', `${prefix}justification`, MAX_JUSTIFICATION),
    ticket: ticket(object, prefix),
    schedule: schedule(object, prefix),
  };
}

function groupTarget(body: JsonObject): PimTarget {
  const access = text(body, 'accessId', 'accessId', MAX_SHORT);
  const folded = access === undefined ? undefined : asciiLower(access);
  if (folded !== 'member' && folded !== 'owner') throw invalid(access === undefined ? 'has no accessId' : 'has accessId that is neither member nor owner', 'accessId');
  return { kind: 'group', groupId: guid(body, 'groupId', 'groupId', true), access: folded };
}

function roleTarget(body: JsonObject): PimTarget {
  const scope = text(body, 'directoryScopeId', 'directoryScopeId', MAX_SHORT) ?? '/';
  if (!DIRECTORY_SCOPE.test(scope)) throw invalid('has directoryScopeId that is not a directory scope (/, /administrativeUnits/{id} or /{id})', 'directoryScopeId');
  return { kind: 'directory-role', roleDefinitionId: guid(body, 'roleDefinitionId', 'roleDefinitionId', true), directoryScopeId: scope };
}

function azureActivation(properties: JsonObject): PimActivation {
  const definition = armPath(text(properties, 'roleDefinitionId', 'properties.roleDefinitionId', MAX_ARM_PATH), 'properties.roleDefinitionId');
  const definitionGuid = parseGuid(ARM_ROLE_DEFINITION.exec(definition)?.[1]);
  if (definitionGuid === undefined) throw invalid('has properties.roleDefinitionId that is not an Azure role definition id (…/providers/Microsoft.Authorization/roleDefinitions/{guid})', 'properties.roleDefinitionId');
  const scope = armPath(text(properties, 'scope', 'properties.scope', MAX_ARM_PATH), 'properties.scope');
  return {
    kind: 'pim-activation',
    model: 'azure-resource-request',
    requestId: undefined,
    action: text(properties, 'requestType', 'properties.requestType', MAX_SHORT),
    status: text(properties, 'status', 'properties.status', MAX_SHORT),
    principalType: text(properties, 'principalType', 'properties.principalType', MAX_SHORT),
    target: { kind: 'azure-role', roleDefinitionId: definition, roleDefinitionGuid: definitionGuid, scope },
    ...common(properties, 'properties.'),
  };
}

/**
 * Normalizes the body PIM's custom extension sends during a role activation (PIM for Groups:
 * `privilegedAccessGroupAssignmentScheduleRequest`; Microsoft Entra roles:
 * `unifiedRoleAssignmentScheduleRequest`; Azure resources: a role assignment schedule request in
 * a `properties` wrapper). Keys are read in any ASCII casing; unknown fields are ignored; ids must
 * be GUIDs and ARM ids paths; texts are bounded. Anything else is CALLOUT.INVALID_BODY (400)
 * naming the field, before any read.
 */
export function parseActivation(parsed: unknown): PimActivation {
  const body = lowerCaseKeys(parsed);
  if (!isJsonObject(body)) throw invalid('is not a JSON object', '$');
  const properties = child(body, 'properties', 'properties');
  const type = text(body, '@odata.type', '@odata.type', MAX_SHORT);
  if (properties !== undefined && type === undefined) return azureActivation(properties);
  const model = type === undefined ? undefined : asciiLower(type.startsWith('#') ? type : `#${type}`);
  if (model !== GROUP_TYPE && model !== ROLE_TYPE) {
    throw invalid(
      type === undefined
        ? 'names no model: @odata.type privilegedAccessGroupAssignmentScheduleRequest or unifiedRoleAssignmentScheduleRequest, or an Azure request in properties'
        : `is of a model PIM does not send (${JSON.stringify(type.slice(0, 80))})`,
      '@odata.type',
    );
  }
  return {
    kind: 'pim-activation',
    model: model === GROUP_TYPE ? 'group-request' : 'directory-role-request',
    requestId: guid(body, 'id', 'id', false),
    action: text(body, 'action', 'action', MAX_SHORT),
    status: text(body, 'status', 'status', MAX_SHORT),
    principalType: undefined,
    target: model === GROUP_TYPE ? groupTarget(body) : roleTarget(body),
    ...common(body),
  };
}
