import { renderMessage, type MessageData } from '../checks/define-check.js';
import type { Mode } from '../policy/policy-types.js';
import type { Selection } from '../policy/select-scopes.js';
import { requestTypeOf } from '../request-types.js';
import type { Finding } from './run-checks.js';

/** The `checkId` of findings the engine makes itself, about how the policy applied (no check has this id). */
export const POLICY_FINDING_ID = 'policy';

export const POLICY_MESSAGES = {
  unknownRequestType: 'The request type "{{requestType}}" is not one entitlement-guard knows; the checks of every scope whose other match keys fit ran ({{scopes}}).',
  unspecifiedRequestType: 'The request type is {{requestType}}, which does not say what the request does; the checks of every scope whose other match keys fit ran ({{scopes}}).',
  missingRequestType: 'The callout names no request type; the checks of every scope whose other match keys fit ran ({{scopes}}).',
} as const;

/**
 * The notice that scopes filtering on request types applied by their other keys, because the
 * callout names no request type entitlement-guard knows (select-scopes.ts). Recorded and listed
 * after `Noted:`; it decides nothing.
 */
export function requestTypeNotice(selection: Selection, mode: Mode): Finding | undefined {
  const unknown = selection.unknownRequestType;
  if (unknown === undefined) return undefined;
  const scopes = unknown.scopes.join(', ');
  const { requestType } = unknown;
  const [messageId, data]: [keyof typeof POLICY_MESSAGES, MessageData] =
    requestType === undefined
      ? ['missingRequestType', { scopes }]
      : requestTypeOf(requestType) === undefined
        ? ['unknownRequestType', { requestType, scopes }]
        : ['unspecifiedRequestType', { requestType, scopes }];
  return {
    checkId: POLICY_FINDING_ID,
    scope: scopes,
    kind: 'notice',
    messageId,
    message: renderMessage(POLICY_MESSAGES[messageId], data),
    data,
    severity: 'low',
    action: 'flag',
    enforced: mode === 'enforce',
  };
}
