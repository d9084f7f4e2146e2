import type * as V1 from '@microsoft/microsoft-graph-types';
import { describe, expectTypeOf, test } from 'vitest';
import type { Answer } from '../../src/graph/graph-types.js';

// Type-level: `npm run typecheck` checks these (schemas written as the types `as const` gives them).
type RequestSchema = {
  type: 'object';
  required: ['id'];
  properties: {
    id: { type: 'string' };
    state: { type: 'string' };
    schedule: { type: ['object', 'null']; properties: { expiration: { type: ['object', 'null']; properties: { type: { type: ['string', 'null'] } } } } };
    answers: { type: 'array'; items: { type: 'object'; required: ['displayValue']; properties: { displayValue: { type: 'string' } } } };
  };
};
type Misspelt = { type: 'object'; properties: { justifcation: { type: 'string' } } };
type MisspeltNested = { type: 'object'; properties: { schedule: { type: 'object'; properties: { startDate: { type: 'string' } } } } };
type OtherKind = { type: 'object'; properties: { accountEnabled: { type: 'string' } } };

describe('a Graph answer typed from its schema and the published type', () => {
  test('holds what the schema checks: required where required, null where allowed, enums as any string', () => {
    type Request = Answer<V1.AccessPackageAssignmentRequest, RequestSchema>;
    expectTypeOf<Request['id']>().toEqualTypeOf<string>();
    expectTypeOf<Request['state']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<NonNullable<NonNullable<Request['schedule']>['expiration']>['type']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<NonNullable<Request['answers']>[number]['displayValue']>().toEqualTypeOf<string>();
    expectTypeOf<Request>().not.toHaveProperty('justification');
  });

  test('a schema property Graph does not have, or checked as another kind, does not compile', () => {
    // @ts-expect-error -- accessPackageAssignmentRequest has justification, not justifcation
    expectTypeOf<Answer<V1.AccessPackageAssignmentRequest, Misspelt>>().toBeObject();
    // @ts-expect-error -- entitlementManagementSchedule has startDateTime
    expectTypeOf<Answer<V1.AccessPackageAssignmentRequest, MisspeltNested>>().toBeObject();
    // @ts-expect-error -- user.accountEnabled is a boolean
    expectTypeOf<Answer<V1.User, OtherKind>>().toBeObject();
  });
});
