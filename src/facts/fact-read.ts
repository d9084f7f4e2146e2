import type { CheckedCallout } from '../checks/define-check.js';
import type { GraphCall } from '../graph/graph-http.js';
import type { Guid } from '../guid.js';
import type { AnswerValidators } from './answer-schemas.js';
import type { FactName, FactValues } from './fact-types.js';

/** How one fact is read: which Graph call, which permission it takes, how the answer reads. */
export interface FactRead<K extends FactName = FactName> {
  readonly fact: K;
  /** The least-privileged application permission the read needs, named when Graph refuses. */
  readonly permission: string;
  /** The object the read is about (user or request id), or undefined when the callout has none. */
  subjectOf(callout: CheckedCallout): Guid | undefined;
  call(subjectId: Guid): GraphCall;
  /** Collections: follow `@odata.nextLink` and hand `parse` every item. */
  readonly paged: boolean;
  /**
   * Another fact whose read answers this one too: when both are needed for the same object, this
   * fact is parsed from that read instead of reading the object twice.
   */
  readonly sharesReadWith?: FactName;
  /** What a 404 means, when it means something (no manager, never risky). */
  readonly onNotFound?: () => FactValues[K];
  /** Validated answer (or every page's items) → the fact; throws InvalidAnswer. */
  parse(json: unknown, validators: AnswerValidators): FactValues[K];
}
