import { describe, expect, test } from 'vitest';
import { errorAnswer, STATUS_BY_CODE } from '../functions/http-answers.js';
import { AppError, ERROR_CODES } from '../src/errors.js';

function body(answer: { body?: unknown }): Record<string, unknown> {
  return JSON.parse(answer.body as string) as Record<string, unknown>;
}

describe('one mapping from error codes to answers', () => {
  test('every code has a status', () => {
    for (const code of ERROR_CODES) expect(STATUS_BY_CODE[code]).toBeGreaterThanOrEqual(400);
  });

  test('4xx answers are problem+json with the code and the reason', () => {
    const answer = errorAnswer(new AppError('CALLOUT.ID_MISMATCH', 'callbackUriPath names another request than the callout body.', { details: { field: 'request' } }), 'inv-1');
    expect(answer.status).toBe(400);
    expect((answer.headers as Record<string, string>)['content-type']).toContain('application/problem+json');
    expect(body(answer)).toMatchObject({ status: 400, code: 'CALLOUT.ID_MISMATCH', field: 'request', invocationId: 'inv-1', type: 'urn:entitlement-guard:problem:callout.id_mismatch' });
  });

  test('401 says how to authenticate', () => {
    expect((errorAnswer(new AppError('CALLOUT.MISSING_TOKEN', 'no token'), 'i').headers as Record<string, string>)['www-authenticate']).toBe('Bearer');
    expect((errorAnswer(new AppError('CALLOUT.INVALID_TOKEN', 'its "aud" claim check failed'), 'i').headers as Record<string, string>)['www-authenticate']).toBe(
      'Bearer error="invalid_token", error_description="its \'aud\' claim check failed"',
    );
  });

  test('503 tells the relay when to come back', () => {
    const answer = errorAnswer(new AppError('GRAPH.THROTTLED', 'throttled', { retryable: true, retryAfterSeconds: 17 }), 'i');
    expect(answer.status).toBe(503);
    expect((answer.headers as Record<string, string>)['retry-after']).toBe('17');
  });

  test('500 reveals nothing but the invocation', () => {
    const answer = errorAnswer(new Error('secret internals at /home/site'), 'inv-9');
    expect(answer.status).toBe(500);
    expect(answer.body as string).not.toContain('secret internals');
    expect(body(answer)).toMatchObject({ code: 'INTERNAL', detail: 'See the log of invocation inv-9.' });
  });
});
