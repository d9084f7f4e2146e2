/**
 * JSON Schemas of the Graph answers separation-of-duties facts are read from: the types of the
 * fields used, sizes bounded; other fields allowed. Items of collections are validated one by one.
 */
const text = (maxLength = 1024) => ({ type: ['string', 'null'], maxLength }) as const;
const guid = { type: 'string', pattern: '^[0-9a-fA-F-]{36}$' } as const;
/** Role assignment and schedule ids are not GUIDs in Graph. */
const opaqueId = { type: 'string', minLength: 1, maxLength: 256 } as const;
const ref = { type: 'object', required: ['id'], properties: { id: guid, displayName: text() } } as const;

export const packageAssignmentSchema = {
  $id: 'graph/access-package-assignment',
  type: 'object',
  required: ['id', 'state', 'accessPackage'],
  properties: { id: opaqueId, state: { type: 'string', maxLength: 64 }, accessPackage: ref },
} as const;

export const packageRequestSchema = {
  $id: 'graph/access-package-assignment-request',
  type: 'object',
  required: ['id', 'state', 'requestType', 'accessPackage'],
  properties: { id: guid, state: { type: 'string', maxLength: 64 }, requestType: { type: 'string', maxLength: 64 }, accessPackage: ref },
} as const;

const originRef = {
  type: 'object',
  required: ['originId', 'originSystem'],
  properties: { id: opaqueId, displayName: text(), originId: { type: 'string', maxLength: 256 }, originSystem: { type: 'string', maxLength: 64 } },
} as const;

export const accessPackageSchema = {
  $id: 'graph/access-package',
  type: 'object',
  required: ['id', 'resourceRoleScopes'],
  properties: {
    id: guid,
    displayName: text(),
    resourceRoleScopes: { type: 'array', maxItems: 1000, items: { type: 'object', required: ['role', 'scope'], properties: { role: originRef, scope: originRef } } },
  },
} as const;

export const roleAssignmentSchema = {
  $id: 'graph/role-assignment',
  type: 'object',
  required: ['id', 'roleDefinitionId'],
  properties: {
    id: opaqueId,
    roleDefinitionId: guid,
    directoryScopeId: text(256),
    scheduleInfo: {
      type: ['object', 'null'],
      properties: { startDateTime: text(64), expiration: { type: ['object', 'null'], properties: { endDateTime: text(64), type: text(64) } } },
    },
  },
} as const;

export const appRoleAssignmentSchema = {
  $id: 'graph/app-role-assignment',
  type: 'object',
  required: ['id', 'appRoleId', 'resourceId', 'principalId'],
  properties: {
    id: opaqueId,
    appRoleId: guid,
    resourceId: guid,
    resourceDisplayName: text(),
    principalId: guid,
    principalType: text(64),
    principalDisplayName: text(),
  },
} as const;

export const groupRefSchema = { $id: 'graph/group-ref', ...ref } as const;
