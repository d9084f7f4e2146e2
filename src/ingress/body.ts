import { asciiLower } from '../ascii.js';
import { AppError } from '../errors.js';
import { duplicateKeyError, findDuplicateKey } from './duplicate-keys.js';

/** Largest callout body accepted. Entra's bodies are a few KiB; this leaves room for many answers. */
export const MAX_BODY_BYTES = 256 * 1024;

const JSON_MEDIA_TYPE = /^application\/(?:json|[a-z0-9.+-]+\+json)$/;
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Checks the media type: JSON, and UTF-8 when a charset is named. */
export function assertJsonContentType(contentType: string | null): void {
  const [mediaType = '', ...params] = (contentType ?? '').split(';');
  if (!JSON_MEDIA_TYPE.test(asciiLower(mediaType.trim()))) {
    throw new AppError('CALLOUT.UNSUPPORTED_MEDIA_TYPE', 'The callout body must be sent as application/json.', {
      details: { contentType: (contentType ?? '(none)').slice(0, 100) },
    });
  }
  for (const param of params) {
    const [name = '', value = ''] = param.split('=').map((s) => asciiLower(s.trim()));
    if (name === 'charset' && value.replace(/"/g, '') !== 'utf-8' && value.replace(/"/g, '') !== 'utf8') {
      throw new AppError('CALLOUT.UNSUPPORTED_MEDIA_TYPE', 'The callout body must be UTF-8 encoded JSON.', {
        details: { charset: value.slice(0, 40) },
      });
    }
  }
}

/**
 * Size-checks, decodes and parses the body. Nothing about its meaning yet, but a key given twice
 * in one object (after unescaping and ASCII case folding) is refused: `JSON.parse` would keep the
 * last silently, and a body that says two things is not read either way.
 */
export function parseJsonBody(body: Uint8Array, contentType: string | null): unknown {
  assertJsonContentType(contentType);
  if (body.byteLength > MAX_BODY_BYTES) {
    throw new AppError('CALLOUT.TOO_LARGE', `The callout body is larger than ${MAX_BODY_BYTES} bytes.`, {
      details: { bytes: body.byteLength, limit: MAX_BODY_BYTES },
    });
  }
  let text: string;
  try {
    text = decoder.decode(body);
  } catch (cause) {
    throw new AppError('CALLOUT.INVALID_JSON', 'The callout body is not valid UTF-8.', { cause });
  }
  if (text.trim() === '') throw new AppError('CALLOUT.INVALID_JSON', 'The callout body is empty.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (cause) {
    throw new AppError('CALLOUT.INVALID_JSON', 'The callout body is not valid JSON.', { cause });
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) throw duplicateKeyError(duplicate);
  return parsed;
}
