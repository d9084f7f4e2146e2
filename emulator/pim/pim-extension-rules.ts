import { GUID, isObject, unknownProperty } from '../graph/graph-errors.js';

/**
 * What Graph takes in a PIM custom extension (roleManagementCustomCalloutExtension under
 * /identityGovernance/privilegedAccess/customExtensions). Sources: Microsoft's how-to
 * (MicrosoftDocs/entra-docs, docs/id-governance/privileged-identity-management/
 * privileged-identity-management-custom-extensions.md: the create example, httpRequestEndpoint,
 * azureAdTokenAuthentication with the app ID URI as resourceId) and Graph's reference page
 * (learn.microsoft.com/graph/api/resources/rolemanagementcustomcalloutextension).
 */
export const PIM_EXTENSION_TYPE = '#microsoft.graph.roleManagementCustomCalloutExtension';

/**
 * resourceType, Graph's enum customExtensionResourceType: entraRoles, azureResources, entraGroups
 * (and unknownFutureValue, which no write may use). Read in Graph's v1.0 metadata as Microsoft's
 * generated SDK carries it (microsoftgraph/msgraph-sdk-java,
 * src/main/java/com/microsoft/graph/generated/models/CustomExtensionResourceType.java); the how-to
 * shows entraGroups.
 */
export const PIM_RESOURCE_TYPES = ['entraRoles', 'azureResources', 'entraGroups'] as const;
export type PimResourceType = (typeof PIM_RESOURCE_TYPES)[number];

/** type, Graph's enum customCalloutExtensionType (same source, CustomCalloutExtensionType.java); the how-to's example leaves it out. */
export const PIM_EXTENSION_KINDS = ['preApproval', 'postApproval', 'grant', 'revoke'] as const;

const HTTP_ENDPOINT = '#microsoft.graph.httpRequestEndpoint';
const TOKEN = '#microsoft.graph.azureAdTokenAuthentication';
const CLIENT = '#microsoft.graph.customExtensionClientConfiguration';

/**
 * What a body may write: the type's properties (customCalloutExtension's and its own). `id` is
 * taken on a create when it is a GUID (the how-to's example has none; the entity has one). The
 * others (createdDateTime, lastModifiedDateTime…) are the service's.
 */
const KEYS = ['@odata.type', 'id', 'displayName', 'description', 'endpointConfiguration', 'authenticationConfiguration', 'clientConfiguration', 'resourceType', 'customAttributes', 'type'];

const text = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const hashed = (type: unknown): unknown => (typeof type === 'string' && !type.startsWith('#') ? `#${type}` : type);

/** The endpoint PIM calls: an httpRequestEndpoint whose targetUrl is an absolute https URL (the how-to: "HTTPS endpoint"). */
function endpointProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'endpointConfiguration is required and must be an object';
  if (hashed(value['@odata.type']) !== HTTP_ENDPOINT) return `endpointConfiguration.@odata.type must be ${HTTP_ENDPOINT}`;
  const unknown = unknownProperty(value, ['@odata.type', 'targetUrl']);
  if (unknown !== undefined) return `endpointConfiguration has an unknown property ${unknown}`;
  const url = typeof value['targetUrl'] === 'string' && URL.canParse(value['targetUrl']) ? new URL(value['targetUrl']) : undefined;
  return url?.protocol === 'https:' ? undefined : 'endpointConfiguration.targetUrl must be an absolute https URL';
}

/** Entra tokens for the API: azureAdTokenAuthentication naming its application ID URI (or client id) in resourceId. */
function authenticationProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'authenticationConfiguration is required and must be an object';
  if (hashed(value['@odata.type']) !== TOKEN) return `authenticationConfiguration.@odata.type must be ${TOKEN}`;
  if (unknownProperty(value, ['@odata.type', 'resourceId']) !== undefined) return 'authenticationConfiguration has an unknown property';
  return text(value['resourceId']) ? undefined : "authenticationConfiguration.resourceId must be the API's application ID URI";
}

/** How long PIM waits and how often it retries. Graph's pages give no range; the emulator takes whole numbers, a timeout above zero. */
function clientProblem(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) return 'clientConfiguration must be an object';
  if (value['@odata.type'] !== undefined && hashed(value['@odata.type']) !== CLIENT) return `clientConfiguration.@odata.type must be ${CLIENT}`;
  const unknown = unknownProperty(value, ['@odata.type', 'timeoutInMilliseconds', 'maximumRetries']);
  if (unknown !== undefined) return `clientConfiguration has an unknown property ${unknown}`;
  const { timeoutInMilliseconds: timeout, maximumRetries: retries } = value;
  if (timeout !== undefined && timeout !== null && !(Number.isInteger(timeout) && (timeout as number) > 0)) return 'clientConfiguration.timeoutInMilliseconds must be a whole number above 0';
  return retries !== undefined && retries !== null && !(Number.isInteger(retries) && (retries as number) >= 0) ? 'clientConfiguration.maximumRetries must be a whole number, 0 or more' : undefined;
}

function enumProblem(key: string, value: unknown, members: readonly string[]): string | undefined {
  return typeof value === 'string' && members.includes(value) ? undefined : `${key} ${JSON.stringify(value ?? null)} is not one of ${members.join(', ')}`;
}

/**
 * What Graph would refuse in a PIM custom extension body, or undefined. A create (`update` false)
 * needs displayName, the endpoint, the authentication and resourceType; an update may leave any
 * part out. Graph's schema is checked first (graph-schema-check.ts, with graph-type-lag.ts).
 */
export function pimExtensionProblem(body: unknown, update: boolean): string | undefined {
  if (!isObject(body)) return 'the body must be a JSON object';
  if (body['@odata.type'] !== undefined && hashed(body['@odata.type']) !== PIM_EXTENSION_TYPE) return `@odata.type ${JSON.stringify(body['@odata.type'])} is not ${PIM_EXTENSION_TYPE}`;
  const unknown = unknownProperty(body, KEYS);
  if (unknown !== undefined) return `${unknown} is read-only in microsoft.graph.roleManagementCustomCalloutExtension`;
  if (body['id'] !== undefined && (update || typeof body['id'] !== 'string' || !GUID.test(body['id']))) return update ? 'id is read-only' : 'id must be a GUID';
  const given = (key: string): boolean => !(update && body[key] === undefined);
  if (given('displayName') && !text(body['displayName'])) return 'displayName is required';
  if (body['description'] !== undefined && body['description'] !== null && typeof body['description'] !== 'string') return 'description must be a string';
  if (given('endpointConfiguration')) {
    const found = endpointProblem(body['endpointConfiguration']);
    if (found !== undefined) return found;
  }
  if (given('authenticationConfiguration')) {
    const found = authenticationProblem(body['authenticationConfiguration']);
    if (found !== undefined) return found;
  }
  if (given('resourceType')) {
    const found = enumProblem('resourceType', body['resourceType'], PIM_RESOURCE_TYPES);
    if (found !== undefined) return found;
  }
  if (body['type'] !== undefined && body['type'] !== null) {
    const found = enumProblem('type', body['type'], PIM_EXTENSION_KINDS);
    if (found !== undefined) return found;
  }
  const attributes = body['customAttributes'];
  if (attributes !== undefined && attributes !== null && !(Array.isArray(attributes) && attributes.every((a) => typeof a === 'string'))) return 'customAttributes must be a list of strings';
  return clientProblem(body['clientConfiguration']);
}
