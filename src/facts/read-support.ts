import type { CheckedCallout } from '../checks/define-check.js';
import type { GraphCall } from '../graph/graph-http.js';
import { graphPath, type Query, type Segment } from '../graph/graph-path.js';
import type { Guid } from '../guid.js';
import type { AnswerValidators } from './answer-schemas.js';
import type { AnswerTypes } from './answer-validators.js';
import type { DirectoryRef } from './fact-types.js';

/** Helpers the fact reads share: validation of answers, plain values, the subjects of a callout. */

export class InvalidAnswer extends Error {
  override readonly name = 'InvalidAnswer';
}

/** The answer the validator `name` accepts, as the type its schema checks (AnswerTypes); throws InvalidAnswer. */
export function validated<K extends keyof AnswerValidators>(json: unknown, validators: AnswerValidators, name: K, what: string): AnswerTypes[K] {
  const validate = validators[name];
  if (!validate(json)) {
    const error = validate.errors?.[0];
    throw new InvalidAnswer(`Graph's ${what} is not valid at ${error?.instancePath || '/'}: ${error?.message ?? 'invalid'}`);
  }
  // AnswerTypes[K] is derived from this very validator's schema (graph-types.ts, Answer).
  return json as AnswerTypes[K];
}

export const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
/** Any answer naming an object by id and display name, as a group reference does. */
export const toRef = (json: AnswerTypes['groupRef']): DirectoryRef => ({ id: json.id.toLowerCase(), displayName: str(json.displayName) });

/** Whom the callout is about: the target of a request, the subject of a task, the user activating a PIM role (not a group activating). */
export function targetOf(callout: CheckedCallout): Guid | undefined {
  if (callout.kind === 'lcw-task') return callout.subject?.objectId;
  if (callout.kind === 'pim-activation') return callout.principalType === undefined || callout.principalType.toLowerCase() === 'user' ? callout.principalId : undefined;
  return callout.target?.objectId;
}
/** A v1.0 read of the path built from `segments` and `query` (see graph-path.ts). */
export const get = (segments: readonly Segment[], query?: Query, headers?: Readonly<Record<string, string>>): GraphCall => ({
  method: 'GET',
  version: 'v1.0',
  path: graphPath(segments, query),
  ...(headers ? { headers } : {}),
});
