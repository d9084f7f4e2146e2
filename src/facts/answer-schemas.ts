import type { ValidateFunction } from 'ajv';
import {
  accessPackageSchema, appRoleAssignmentSchema, groupRefSchema, packageAssignmentSchema, packageRequestSchema, roleAssignmentSchema,
} from './holding-schemas.js';

/**
 * JSON Schemas of the Graph answers facts are read from. They check the types of the fields
 * checks use and bound their sizes; other fields are allowed (Graph adds properties over time).
 */
const text = (maxLength = 1024) => ({ type: ['string', 'null'], maxLength }) as const;
const guid = { type: 'string', pattern: '^[0-9a-fA-F-]{36}$' } as const;
const flag = { type: ['boolean', 'null'] } as const;

const extensionAttributes = {
  type: ['object', 'null'],
  patternProperties: { '^extensionAttribute([1-9]|1[0-5])$': text() },
} as const;

export const userAnswerSchema = {
  $id: 'graph/user',
  type: 'object',
  required: ['id'],
  properties: {
    id: guid,
    displayName: text(),
    accountEnabled: flag,
    userType: text(64),
    employeeType: text(),
    department: text(),
    companyName: text(),
    jobTitle: text(),
    country: text(),
    usageLocation: text(8),
    officeLocation: text(),
    employeeId: text(),
    employeeHireDate: text(64),
    employeeLeaveDateTime: text(64),
    onPremisesExtensionAttributes: extensionAttributes,
  },
} as const;

export const directoryObjectSchema = {
  $id: 'graph/directory-object',
  type: 'object',
  required: ['id'],
  properties: { id: guid, displayName: text(), accountEnabled: flag },
} as const;

export const collectionPageSchema = {
  $id: 'graph/collection-page',
  type: 'object',
  required: ['value'],
  properties: {
    value: { type: 'array', maxItems: 1000, items: { type: 'object' } },
    '@odata.nextLink': { type: 'string', maxLength: 4096 },
  },
} as const;

export const riskyUserSchema = {
  $id: 'graph/risky-user',
  type: 'object',
  required: ['riskLevel', 'riskState'],
  properties: {
    id: guid,
    riskLevel: { type: 'string', maxLength: 64 },
    riskState: { type: 'string', maxLength: 64 },
    riskDetail: text(128),
    riskLastUpdatedDateTime: text(64),
  },
} as const;

export const assignmentRequestSchema = {
  $id: 'graph/assignment-request',
  type: 'object',
  required: ['id'],
  properties: {
    id: guid,
    justification: text(8192),
    createdDateTime: text(64),
    schedule: {
      type: ['object', 'null'],
      properties: {
        startDateTime: text(64),
        expiration: {
          type: ['object', 'null'],
          properties: { endDateTime: text(64), duration: text(64), type: text(64) },
        },
      },
    },
  },
} as const;

/** Every Graph answer schema by the name its validator has in `AnswerValidators`. */
export const ANSWER_SCHEMAS = {
  user: userAnswerSchema,
  directoryObject: directoryObjectSchema,
  page: collectionPageSchema,
  riskyUser: riskyUserSchema,
  request: assignmentRequestSchema,
  packageAssignment: packageAssignmentSchema,
  packageRequest: packageRequestSchema,
  accessPackage: accessPackageSchema,
  roleAssignment: roleAssignmentSchema,
  appRoleAssignment: appRoleAssignmentSchema,
  groupRef: groupRefSchema,
} as const;

export type AnswerValidators = { readonly [K in keyof typeof ANSWER_SCHEMAS]: ValidateFunction };
