import type * as V1 from '@microsoft/microsoft-graph-types';
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import type { Answer, Unchecked } from '../graph/graph-types.js';
import type { GraphPage } from '../graph/paging.js';
import {
  ANSWER_SCHEMAS, type AnswerValidators, type assignmentRequestSchema, type directoryObjectSchema, type riskyUserSchema, type userAnswerSchema,
} from './answer-schemas.js';
import type {
  accessPackageSchema, appRoleAssignmentSchema, groupRefSchema, packageAssignmentSchema, packageRequestSchema, roleAssignmentSchema,
} from './holding-schemas.js';

/**
 * ajv's options for the Graph answer schemas. The deployment bundle replaces this module with
 * validators generated at build time from the same schemas and options
 * (scripts/bundle/precompile-validators.ts), so the deployed app compiles nothing at start-up.
 */
export const ANSWER_AJV_OPTIONS = { allErrors: false, allowUnionTypes: true, strict: true } as const satisfies Options;

/** Compiled once, in the composition root. */
export function compileAnswerValidators(): AnswerValidators {
  const ajv = new Ajv(ANSWER_AJV_OPTIONS);
  const compiled = Object.entries(ANSWER_SCHEMAS).map(([name, schema]) => [name, ajv.compile(schema)] as const);
  return Object.fromEntries(compiled) as Record<keyof AnswerValidators, ValidateFunction>;
}

/**
 * What each validator narrows `unknown` to: Graph's published type of the answer, as far as the
 * validator's own schema checks it (graph-types.ts, Answer). One entry per validator.
 */
export interface AnswerTypes extends Readonly<Record<keyof AnswerValidators, unknown>> {
  readonly user: Answer<V1.User, typeof userAnswerSchema>;
  /**
   * A manager or sponsor: Graph answers with its concrete type (a user; a sponsor may be a group),
   * since directoryObject itself declares neither displayName nor accountEnabled. The chain's
   * nested `manager` is validated level by level, as the next manager.
   */
  readonly directoryObject: Answer<V1.User, typeof directoryObjectSchema> & Unchecked<V1.User, 'manager'>;
  /** A page of a collection: OData's `value` and `@odata.nextLink`, which no Graph type declares. */
  readonly page: GraphPage;
  readonly riskyUser: Answer<V1.RiskyUser, typeof riskyUserSchema>;
  readonly request: Answer<V1.AccessPackageAssignmentRequest, typeof assignmentRequestSchema>;
  readonly packageAssignment: Answer<V1.AccessPackageAssignment, typeof packageAssignmentSchema>;
  readonly packageRequest: Answer<V1.AccessPackageAssignmentRequest, typeof packageRequestSchema>;
  readonly accessPackage: Answer<V1.AccessPackage, typeof accessPackageSchema>;
  /** One schema for active assignments (unifiedRoleAssignment) and eligibility schedules, which add scheduleInfo. */
  readonly roleAssignment: Answer<V1.UnifiedRoleAssignment & Pick<V1.UnifiedRoleEligibilitySchedule, 'scheduleInfo'>, typeof roleAssignmentSchema>;
  readonly appRoleAssignment: Answer<V1.AppRoleAssignment, typeof appRoleAssignmentSchema>;
  readonly groupRef: Answer<V1.Group, typeof groupRefSchema>;
}
