import type { HttpResponseInit } from '@azure/functions';
import type { DecisionRecord } from '../src/callout/decision-record.js';
import type { PimAnswer } from '../src/pim/pim-answer.js';
import { AppError, isAppError, type ErrorCode } from '../src/errors.js';

/** The one mapping from error codes to answers for the relay (its status codes are the HTTP contract in README.md). */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  'CALLOUT.MISSING_TOKEN': 401,
  'CALLOUT.INVALID_TOKEN': 401,
  'CALLOUT.CALLER_NOT_ALLOWED': 403,
  'CALLOUT.ROLE_MISSING': 403,
  'CALLOUT.UNSUPPORTED_MEDIA_TYPE': 415,
  'CALLOUT.TOO_LARGE': 413,
  'CALLOUT.INVALID_JSON': 400,
  'CALLOUT.INVALID_BODY': 400,
  'CALLOUT.UNKNOWN_STAGE': 400,
  'CALLOUT.INVALID_CALLBACK_PATH': 400,
  'CALLOUT.ID_MISMATCH': 400,
  'CALLOUT.STAGE_MISMATCH': 400,
  'CALLOUT.ALREADY_DECIDED': 409,
  'AUTH.METADATA_UNAVAILABLE': 503,
  'IDENTITY.UNAVAILABLE': 503,
  'GRAPH.THROTTLED': 503,
  'GRAPH.UNAVAILABLE': 503,
  'LEDGER.UNAVAILABLE': 503,
  'CHECKS.UNAVAILABLE': 503,
  'GRAPH.UNAUTHORIZED': 503,
  'GRAPH.FORBIDDEN': 503,
  'GRAPH.INVALID_RESPONSE': 503,
  'GRAPH.REJECTED': 500,
  'CONFIG.INVALID': 500,
  INTERNAL: 500,
};

const TITLES: Readonly<Record<number, string>> = {
  400: 'Not a callout entitlement-guard can accept',
  401: 'Caller not authenticated',
  403: 'Caller not allowed',
  409: 'Already decided',
  413: 'Callout body too large',
  415: 'Callout body is not JSON',
  500: 'entitlement-guard failed',
  503: 'Try again later',
};

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function decisionAnswer(record: DecisionRecord): HttpResponseInit {
  return { status: 200, headers: JSON_HEADERS, jsonBody: record };
}

/** PIM's answer: exactly the three fields its custom extension reads, nothing of the record beside them. */
export function pimAnswer(answer: PimAnswer): HttpResponseInit {
  return { status: 200, headers: JSON_HEADERS, jsonBody: { evaluationId: answer.evaluationId, evaluationOutcome: answer.evaluationOutcome, reason: [...answer.reason] } };
}

/**
 * problem+json (RFC 9457) for 4xx/5xx. 401s carry WWW-Authenticate, 503s Retry-After. A 500
 * says nothing of its cause beyond the invocation id: the log has the rest.
 */
export function errorAnswer(thrown: unknown, invocationId: string): HttpResponseInit {
  const error = isAppError(thrown) ? thrown : new AppError('INTERNAL', 'unexpected', { cause: thrown });
  const status = STATUS_BY_CODE[error.code];
  const headers: Record<string, string> = { 'content-type': 'application/problem+json; charset=utf-8', 'cache-control': 'no-store' };
  if (status === 401) {
    // RFC 6750: error_description is printable ASCII without quotes or backslashes.
    const description = error.message.replace(/[^\x20-\x7e]/g, ' ').replace(/["\\]/g, "'");
    headers['www-authenticate'] = error.code === 'CALLOUT.MISSING_TOKEN' ? 'Bearer' : `Bearer error="invalid_token", error_description="${description}"`;
  }
  if (status === 503) headers['retry-after'] = String(error.retryAfterSeconds ?? 5);
  const internal = status === 500;
  return {
    status,
    headers,
    body: JSON.stringify({
      type: `urn:entitlement-guard:problem:${error.code.toLowerCase()}`,
      title: TITLES[status] ?? 'Error',
      status,
      detail: internal ? `See the log of invocation ${invocationId}.` : error.message,
      code: error.code,
      invocationId,
      ...(internal ? {} : error.details),
    }),
  };
}
