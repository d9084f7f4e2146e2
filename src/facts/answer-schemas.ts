import { Ajv, type ValidateFunction } from 'ajv';
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

export interface AnswerValidators {
  readonly user: ValidateFunction;
  readonly directoryObject: ValidateFunction;
  readonly page: ValidateFunction;
  readonly riskyUser: ValidateFunction;
  readonly request: ValidateFunction;
  readonly packageAssignment: ValidateFunction;
  readonly packageRequest: ValidateFunction;
  readonly accessPackage: ValidateFunction;
  readonly roleAssignment: ValidateFunction;
  readonly appRoleAssignment: ValidateFunction;
  readonly groupRef: ValidateFunction;
}

/** Compiled once, in the composition root. */
export function compileAnswerValidators(): AnswerValidators {
  const ajv = new Ajv({ allErrors: false, allowUnionTypes: true, strict: true });
  ajv.addSchema(directoryObjectSchema);
  return {
    user: ajv.compile(userAnswerSchema),
    directoryObject: ajv.getSchema('graph/directory-object') as ValidateFunction,
    page: ajv.compile(collectionPageSchema),
    riskyUser: ajv.compile(riskyUserSchema),
    request: ajv.compile(assignmentRequestSchema),
    packageAssignment: ajv.compile(packageAssignmentSchema),
    packageRequest: ajv.compile(packageRequestSchema),
    accessPackage: ajv.compile(accessPackageSchema),
    roleAssignment: ajv.compile(roleAssignmentSchema),
    appRoleAssignment: ajv.compile(appRoleAssignmentSchema),
    groupRef: ajv.compile(groupRefSchema),
  };
}
