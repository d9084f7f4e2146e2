import type * as V1 from '@microsoft/microsoft-graph-types';
import { Ajv, type ValidateFunction } from 'ajv';
import { collectionPageSchema } from '../../facts/answer-schemas.js';
import type { Answer, ODataTyped } from '../../graph/graph-types.js';
import type { GraphPage } from '../../graph/paging.js';

/**
 * JSON Schemas of the items of the collections a scan reads: the types of the fields it uses,
 * sizes bounded; other fields allowed (Graph adds properties over time). Each item is validated
 * as its page arrives; an item that does not fit stops the scan rather than being skipped.
 */
const text = (maxLength = 1024) => ({ type: ['string', 'null'], maxLength }) as const;
const guid = { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' } as const;
/** Assignment, role assignment and schedule ids are not always GUIDs in Graph. */
const opaqueId = { type: 'string', minLength: 1, maxLength: 256 } as const;

/** accessPackageAssignment with `$expand=target`: the subject is an accessPackageSubject. */
export const scanAssignmentSchema = {
  $id: 'scan/access-package-assignment',
  type: 'object',
  required: ['id', 'state'],
  properties: {
    id: opaqueId,
    state: { type: 'string', maxLength: 64 },
    target: {
      type: ['object', 'null'],
      properties: { objectId: { anyOf: [guid, { type: 'null' }] }, displayName: text(), subjectType: text(64) },
    },
  },
} as const;

/** A user of `/groups/{id}/(transitiveMembers|members)/microsoft.graph.user?$select=id,displayName`. */
export const scanUserSchema = {
  $id: 'scan/user',
  type: 'object',
  required: ['id'],
  properties: { id: guid, displayName: text() },
} as const;

const principal = {
  type: 'object',
  required: ['id', '@odata.type'],
  properties: { id: guid, '@odata.type': { type: 'string', maxLength: 128 }, displayName: text() },
} as const;

/** unifiedRoleAssignment / unifiedRoleEligibilitySchedule with `$expand=principal`. */
export const scanRoleGrantSchema = {
  $id: 'scan/role-grant',
  type: 'object',
  required: ['id', 'principal'],
  properties: {
    id: opaqueId,
    directoryScopeId: text(256),
    principal,
    scheduleInfo: {
      type: ['object', 'null'],
      properties: { startDateTime: text(64), expiration: { type: ['object', 'null'], properties: { endDateTime: text(64), type: text(64) } } },
    },
  },
} as const;

/** appRoleAssignment of `/servicePrincipals/{id}/appRoleAssignedTo`. */
export const scanAppRoleAssignmentSchema = {
  $id: 'scan/app-role-assigned-to',
  type: 'object',
  required: ['id', 'appRoleId', 'principalId', 'principalType'],
  properties: {
    id: opaqueId,
    appRoleId: guid,
    principalId: guid,
    principalType: { type: 'string', maxLength: 64 },
    principalDisplayName: text(),
  },
} as const;

/**
 * A role grant's principal: a user, group or service principal, which Graph returns as its
 * concrete type, named by `@odata.type`; directoryObject itself declares no displayName.
 */
type Principal = V1.DirectoryObject & Pick<V1.User | V1.Group | V1.ServicePrincipal, 'displayName'> & ODataTyped;
/** An active assignment (unifiedRoleAssignment) or an eligibility schedule, which adds scheduleInfo. */
type RoleGrant = Omit<V1.UnifiedRoleAssignment & Pick<V1.UnifiedRoleEligibilitySchedule, 'scheduleInfo'>, 'principal'> & { readonly principal?: Principal | null };

/** The items each schema validates, typed from Graph's published types as far as the schema checks them. */
export type ScanAssignment = Answer<V1.AccessPackageAssignment, typeof scanAssignmentSchema>;
export type ScanUser = Answer<V1.User, typeof scanUserSchema>;
export type ScanRoleGrant = Answer<RoleGrant, typeof scanRoleGrantSchema>;
export type ScanAppRoleAssignment = Answer<V1.AppRoleAssignment, typeof scanAppRoleAssignmentSchema>;

/** Each validator narrows `unknown` to the type of what its schema checks. */
export interface ScanValidators {
  readonly page: ValidateFunction<GraphPage>;
  readonly assignment: ValidateFunction<ScanAssignment>;
  readonly user: ValidateFunction<ScanUser>;
  readonly roleGrant: ValidateFunction<ScanRoleGrant>;
  readonly appRoleAssignment: ValidateFunction<ScanAppRoleAssignment>;
}

/** Compiled once per process (ajv compiles to code). */
export function compileScanValidators(): ScanValidators {
  const ajv = new Ajv({ allErrors: false, allowUnionTypes: true, strict: true });
  return {
    page: ajv.compile<GraphPage>(collectionPageSchema),
    assignment: ajv.compile<ScanAssignment>(scanAssignmentSchema),
    user: ajv.compile<ScanUser>(scanUserSchema),
    roleGrant: ajv.compile<ScanRoleGrant>(scanRoleGrantSchema),
    appRoleAssignment: ajv.compile<ScanAppRoleAssignment>(scanAppRoleAssignmentSchema),
  };
}
