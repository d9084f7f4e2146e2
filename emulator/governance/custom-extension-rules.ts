import { GUID, isObject, unknownProperty } from '../graph/graph-errors.js';
import type { GraphVersion } from '../graph/graph-types.js';

/** The two kinds of an entitlement-management custom extension (Graph's customWorkflowExtensions of a catalog). */
export const REQUEST_EXTENSION = '#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension';
export const ASSIGNMENT_EXTENSION = '#microsoft.graph.accessPackageAssignmentWorkflowExtension';
export const EXTENSION_TYPES: readonly string[] = [REQUEST_EXTENSION, ASSIGNMENT_EXTENSION];

const LOGIC_APP = '#microsoft.graph.logicAppTriggerEndpointConfiguration';
const POP = '#microsoft.graph.azureAdPopTokenAuthentication';
const TOKEN = '#microsoft.graph.azureAdTokenAuthentication';
const CLIENT = '#microsoft.graph.customExtensionClientConfiguration';
const TASK_CALLBACK = '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration';
/**
 * customExtensionCallbackConfiguration is abstract in Graph's metadata: a callback window names a concrete
 * type derived from it. v1.0 has one, the Lifecycle Workflows one; beta adds an entitlement-management one,
 * accessPackageRequestApprovalStageCallbackConfiguration, which v1.0's metadata does not have.
 */
const ELM_CALLBACK_TYPES: Readonly<Record<GraphVersion, readonly string[]>> = {
  'v1.0': [TASK_CALLBACK],
  beta: [TASK_CALLBACK, '#microsoft.graph.accessPackageRequestApprovalStageCallbackConfiguration'],
};
const ABSTRACT_CALLBACK = '#microsoft.graph.customExtensionCallbackConfiguration';
/** The longest Logic App resource path Entra accepts (docs/protocol.md §8). */
const MAX_LOGIC_APP_PATH = 150;

const MINUTE = 60_000;
/** Callback windows: 5 minutes to 14 days for entitlement management, 5 minutes to 3 hours for Lifecycle Workflows (docs/protocol.md §1). */
export const ELM_CALLBACK_RANGE = { min: 5 * MINUTE, max: 14 * 24 * 60 * MINUTE, text: 'PT5M to P14D' } as const;
export const LCW_CALLBACK_RANGE = { min: 5 * MINUTE, max: 3 * 60 * MINUTE, text: 'PT5M to PT3H' } as const;

const EXACT_DURATION = /^P(?!$)(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** An ISO 8601 duration of weeks, days, hours, minutes and seconds, in milliseconds; undefined for anything else (years and months have no fixed length). */
export function exactDurationMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = EXACT_DURATION.exec(value);
  if (match === null) return undefined;
  const [weeks, days, hours, minutes, seconds] = (match.slice(1) as (string | undefined)[]).map((part) => Number(part ?? 0)) as [number, number, number, number, number];
  return ((((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
}

const text = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** What Graph would refuse in a logicAppTriggerEndpointConfiguration, or undefined. */
export function endpointProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'endpointConfiguration is required and must be an object';
  if (value['@odata.type'] !== LOGIC_APP) return `endpointConfiguration.@odata.type must be ${LOGIC_APP}`;
  const unknown = unknownProperty(value, ['@odata.type', 'subscriptionId', 'resourceGroupName', 'logicAppWorkflowName', 'url']);
  if (unknown !== undefined) return `endpointConfiguration has an unknown property ${unknown}`;
  const { subscriptionId, resourceGroupName, logicAppWorkflowName } = value;
  if (typeof subscriptionId !== 'string' || !GUID.test(subscriptionId)) return 'endpointConfiguration.subscriptionId must be a subscription id (GUID)';
  if (!text(resourceGroupName)) return 'endpointConfiguration.resourceGroupName is required';
  if (!text(logicAppWorkflowName)) return 'endpointConfiguration.logicAppWorkflowName is required';
  const path = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.Logic/workflows/${logicAppWorkflowName}`;
  return path.length > MAX_LOGIC_APP_PATH ? `the Logic App's resource path is ${path.length} characters; at most ${MAX_LOGIC_APP_PATH} are accepted` : undefined;
}

/** PoP tokens bound to the Logic App, or plain Entra tokens for a resource. */
export function authenticationProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'authenticationConfiguration is required and must be an object';
  if (value['@odata.type'] === POP) return unknownProperty(value, ['@odata.type']) === undefined ? undefined : 'authenticationConfiguration of azureAdPopTokenAuthentication takes no other property';
  if (value['@odata.type'] === TOKEN) {
    if (typeof value['resourceId'] !== 'string' || !GUID.test(value['resourceId'])) return 'authenticationConfiguration.resourceId must be an application id (GUID)';
    return unknownProperty(value, ['@odata.type', 'resourceId']) === undefined ? undefined : 'authenticationConfiguration has an unknown property';
  }
  return `authenticationConfiguration.@odata.type ${JSON.stringify(value['@odata.type'] ?? null)} is not one of ${POP}, ${TOKEN}`;
}

/** HTTP settings of the call to the Logic App: 200-2000 ms, 0 or 1 retry. */
export function clientProblem(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) return 'clientConfiguration must be an object';
  if (value['@odata.type'] !== undefined && value['@odata.type'] !== CLIENT) return `clientConfiguration.@odata.type must be ${CLIENT}`;
  const unknown = unknownProperty(value, ['@odata.type', 'timeoutInMilliseconds', 'maximumRetries']);
  if (unknown !== undefined) return `clientConfiguration has an unknown property ${unknown}`;
  const timeout = value['timeoutInMilliseconds'];
  if (timeout !== undefined && (!Number.isInteger(timeout) || (timeout as number) < 200 || (timeout as number) > 2000)) return 'clientConfiguration.timeoutInMilliseconds must be 200 to 2000';
  const retries = value['maximumRetries'];
  return retries !== undefined && retries !== 0 && retries !== 1 ? 'clientConfiguration.maximumRetries must be 0 or 1' : undefined;
}

function windowProblem(where: string, value: unknown, range: { min: number; max: number; text: string }): string | undefined {
  const ms = exactDurationMs(value);
  if (ms === undefined) return `${where} must be an ISO 8601 duration such as PT1H`;
  return ms < range.min || ms > range.max ? `${where} ${String(value)} is outside ${range.text}` : undefined;
}

/** `#` is optional in an `@odata.type` Graph reads. */
const hashed = (type: unknown): unknown => (typeof type === 'string' && !type.startsWith('#') ? `#${type}` : type);

/**
 * An entitlement-management callback window in a call of `version`: `{ @odata.type, timeoutDuration }`
 * (Graph's metadata; no other property), of a type that version has.
 */
export function callbackProblem(value: unknown, version: GraphVersion): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) return 'callbackConfiguration must be an object';
  const types = ELM_CALLBACK_TYPES[version];
  const type = hashed(value['@odata.type']);
  if (type === undefined || type === ABSTRACT_CALLBACK) return `callbackConfiguration: cannot create an instance of the abstract type ${ABSTRACT_CALLBACK.slice(1)}; name ${types.length === 1 ? '' : 'one of '}${types.join(', ')} (${version})`;
  if (typeof type !== 'string' || !types.includes(type)) return `callbackConfiguration.@odata.type must be ${types.length === 1 ? '' : 'one of '}${types.join(', ')} (${version})`;
  const unknown = unknownProperty(value, type === TASK_CALLBACK ? ['@odata.type', 'timeoutDuration', 'authorizedApps'] : ['@odata.type', 'timeoutDuration']);
  if (unknown !== undefined) return `The property '${unknown}' does not exist on type '${type.slice(1)}'. Make sure to only use property names that are defined by the type or mark the type as open type.`;
  return windowProblem('callbackConfiguration.timeoutDuration', value['timeoutDuration'], ELM_CALLBACK_RANGE);
}

/** A Lifecycle Workflows callback window: `{ timeoutDuration, authorizedApps? }`, each authorized app `{ id: <app id> }`. */
export function taskCallbackProblem(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) return 'callbackConfiguration must be an object';
  if (value['@odata.type'] !== TASK_CALLBACK) return `callbackConfiguration.@odata.type must be ${TASK_CALLBACK}`;
  const unknown = unknownProperty(value, ['@odata.type', 'timeoutDuration', 'authorizedApps']);
  if (unknown !== undefined) return `callbackConfiguration has an unknown property ${unknown}`;
  const apps = value['authorizedApps'];
  if (apps !== undefined && apps !== null) {
    if (!Array.isArray(apps)) return 'callbackConfiguration.authorizedApps must be a list';
    // Graph's reference: "a collection of unique identifiers or appIds of the applications" allowed to resume.
    if (!apps.every((a) => isObject(a) && typeof a['id'] === 'string' && GUID.test(a['id']))) return 'callbackConfiguration.authorizedApps entries must be { "id": "<application (client) id>" }';
  }
  return windowProblem('callbackConfiguration.timeoutDuration', value['timeoutDuration'], LCW_CALLBACK_RANGE);
}

/**
 * What a body may write. Graph's schema is checked first (graph-schema-check.ts); the type's other
 * properties (id, createdBy, createdDateTime, lastModifiedBy, lastModifiedDateTime) are read-only.
 */
const EXTENSION_KEYS = ['@odata.type', 'displayName', 'description', 'endpointConfiguration', 'authenticationConfiguration', 'callbackConfiguration', 'clientConfiguration'];

/**
 * What Graph would refuse in a catalog's custom extension body, written in a call of `version`
 * (the callback window types differ). A create needs every part; an update (`type` of the stored
 * extension given) may leave parts out but not change the kind.
 */
export function workflowExtensionProblem(body: unknown, version: GraphVersion, storedType?: string): string | undefined {
  if (!isObject(body)) return 'the body must be a JSON object';
  const type = body['@odata.type'];
  if (!EXTENSION_TYPES.includes(String(type))) return `@odata.type ${JSON.stringify(type ?? null)} is not one of ${EXTENSION_TYPES.join(', ')}`;
  if (storedType !== undefined && type !== storedType) return `@odata.type cannot change from ${storedType} to ${String(type)}`;
  const unknown = unknownProperty(body, EXTENSION_KEYS);
  if (unknown !== undefined) return `${unknown} is read-only in ${String(type).slice(1)}`;
  const update = storedType !== undefined;
  if (!(update && body['displayName'] === undefined) && !text(body['displayName'])) return 'displayName is required';
  if (body['description'] !== undefined && body['description'] !== null && typeof body['description'] !== 'string') return 'description must be a string';
  const parts: [string, (value: unknown) => string | undefined][] = [['endpointConfiguration', endpointProblem], ['authenticationConfiguration', authenticationProblem]];
  for (const [key, problem] of parts) {
    if (update && body[key] === undefined) continue;
    const found = problem(body[key]);
    if (found !== undefined) return found;
  }
  if (type === ASSIGNMENT_EXTENSION && body['callbackConfiguration'] !== undefined && body['callbackConfiguration'] !== null) {
    return 'callbackConfiguration is supported by accessPackageAssignmentRequestWorkflowExtension only';
  }
  return callbackProblem(body['callbackConfiguration'], version) ?? clientProblem(body['clientConfiguration']);
}

const TASK_KEYS = ['@odata.type', 'displayName', 'description', 'endpointConfiguration', 'authenticationConfiguration', 'callbackConfiguration', 'clientConfiguration'];
const TASK_TYPE = '#microsoft.graph.identityGovernance.customTaskExtension';

/** What Graph would refuse in a Lifecycle Workflows custom task extension body; `update` lets parts be left out. */
export function taskExtensionProblem(body: unknown, update: boolean): string | undefined {
  if (!isObject(body)) return 'the body must be a JSON object';
  if (body['@odata.type'] !== undefined && body['@odata.type'] !== TASK_TYPE) return `@odata.type ${JSON.stringify(body['@odata.type'])} is not ${TASK_TYPE}`;
  const unknown = unknownProperty(body, TASK_KEYS);
  if (unknown !== undefined) return `${unknown} is read-only in microsoft.graph.identityGovernance.customTaskExtension`;
  if (!(update && body['displayName'] === undefined) && !text(body['displayName'])) return 'displayName is required';
  if (body['description'] !== undefined && body['description'] !== null && typeof body['description'] !== 'string') return 'description must be a string';
  if (!(update && body['endpointConfiguration'] === undefined)) {
    const found = endpointProblem(body['endpointConfiguration']);
    if (found !== undefined) return found;
  }
  if (!(update && body['authenticationConfiguration'] === undefined)) {
    const found = authenticationProblem(body['authenticationConfiguration']);
    if (found !== undefined) return found;
  }
  return taskCallbackProblem(body['callbackConfiguration']) ?? clientProblem(body['clientConfiguration']);
}
