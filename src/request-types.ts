import { asciiLower } from './ascii.js';

/**
 * Entitlement management's request types, in one list: every value Graph documents for an
 * access package assignment request's `requestType` (docs/protocol.md §4, §14), in Graph's camelCase.
 * v1.0's `accessPackageRequestType` enum (metadata, with the evolvable `approverRemove`); the
 * v1.0 and beta reference pages' `UserExtend` (a user extending their assignment); beta adds no
 * other. The policy's `requestTypes`, what-if's `--request-type` and docs/policy.md read this
 * list; a callout may carry anything else, in any casing, or nothing.
 */
export const REQUEST_TYPES = [
  'notSpecified',
  'userAdd',
  'userExtend',
  'userUpdate',
  'userRemove',
  'adminAdd',
  'adminUpdate',
  'adminRemove',
  'systemAdd',
  'systemUpdate',
  'systemRemove',
  'onBehalfAdd',
  'approverRemove',
  'unknownFutureValue',
] as const;

export type RequestType = (typeof REQUEST_TYPES)[number];

/** Values that say nothing of what a request does: "not specified", and Graph's stand-in for a member newer than the reader. */
const PLACEHOLDERS: ReadonlySet<RequestType> = new Set(['notSpecified', 'unknownFutureValue']);

/** Requests that take access away. */
const REMOVALS: ReadonlySet<RequestType> = new Set(['userRemove', 'adminRemove', 'systemRemove', 'approverRemove']);

const BY_LOWER: ReadonlyMap<string, RequestType> = new Map(REQUEST_TYPES.map((t) => [asciiLower(t), t]));

/** The listed request type a value names, compared without case (`UserExtend` → `userExtend`); undefined for anything else. */
export function requestTypeOf(value: string | undefined): RequestType | undefined {
  return value === undefined ? undefined : BY_LOWER.get(asciiLower(value));
}

/**
 * Whether a callout's request type says what the request does: a listed type other than
 * `notSpecified` and `unknownFutureValue`. An absent value, a placeholder or a type not in the
 * list does not, and the policy must not skip a scope for it (select-scopes.ts).
 */
export function isSpecificRequestType(value: string | undefined): boolean {
  const type = requestTypeOf(value);
  return type !== undefined && !PLACEHOLDERS.has(type);
}

/**
 * Whether a request takes access away (nothing to justify, no schedule to bound). Only the listed
 * removals: an extension, an update, a placeholder or an unknown type is judged like a request
 * for access.
 */
export function isRemoval(value: string | undefined): boolean {
  const type = requestTypeOf(value);
  return type !== undefined && REMOVALS.has(type);
}

/** Whether a request extends an assignment the target already holds: it asks for more time. */
export function isExtension(value: string | undefined): boolean {
  return requestTypeOf(value) === 'userExtend';
}

/** Whether a user asked for themselves (userAdd, userUpdate, userRemove, userExtend): the target is the requestor. */
export function isSelfService(value: string | undefined): boolean {
  return requestTypeOf(value)?.startsWith('user') ?? false;
}
