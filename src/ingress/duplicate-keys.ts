import { asciiLower } from '../ascii.js';
import { AppError } from '../errors.js';

/** A key given twice in one object of a JSON text. */
export interface DuplicateKey {
  /** The key as first given (unescaped). */
  readonly key: string;
  /** The key as given the second time (unescaped); differs from `key` in ASCII case at most. */
  readonly again: string;
  /** Where the object holding both is: keys (as first given) and array indices from the root. */
  readonly path: readonly (string | number)[];
}

interface ObjectFrame {
  readonly kind: 'object';
  /** The keys seen so far, unescaped and ASCII-folded, to the spelling first given. */
  readonly keys: Map<string, string>;
  /** The key whose value is being read, as first given. */
  key: string;
  expectKey: boolean;
}

interface ArrayFrame {
  readonly kind: 'array';
  index: number;
}

type Frame = ObjectFrame | ArrayFrame;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Finds the first key that one object of a JSON text gives twice, comparing keys after JSON
 * unescaping (`"St\u0061ge"` is `"Stage"`) and ASCII case folding (`Stage` is `stage`; the Kelvin
 * sign is not `k`). `JSON.parse` keeps the last of two equal keys silently; this reads the text
 * itself. One pass, no recursion: linear in the text, whatever its nesting.
 *
 * `text` must be JSON that `JSON.parse` accepts; on other text the answer means nothing, but the
 * scan still ends without throwing.
 */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  const stack: Frame[] = [];
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top?.kind === 'object' && top.expectKey) {
        const key = unescape(text, i, end);
        const folded = asciiLower(key);
        const first = top.keys.get(folded);
        if (first !== undefined) return { key: first, again: key, path: pathOf(stack) };
        top.keys.set(folded, key);
        top.key = key;
        top.expectKey = false;
      }
      i = end + 1;
      continue;
    }
    switch (c) {
      case 0x7b: // {
        stack.push({ kind: 'object', keys: new Map(), key: '', expectKey: true });
        break;
      case 0x5b: // [
        stack.push({ kind: 'array', index: 0 });
        break;
      case 0x7d: // }
      case 0x5d: // ]
        stack.pop();
        break;
      case 0x2c: {
        // ,
        const top = stack[stack.length - 1];
        if (top?.kind === 'object') top.expectKey = true;
        else if (top?.kind === 'array') top.index++;
        break;
      }
      default:
        // Whitespace, `:`, numbers, true, false, null: nothing to track.
        break;
    }
    i++;
  }
  return undefined;
}

/** The index of the quote closing the string that opens at `start` (or the text's length). */
function stringEnd(text: string, start: number): number {
  let j = start + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) return j;
    j += c === BACKSLASH ? 2 : 1;
  }
  return text.length;
}

/** The string between the quotes at `start` and `end`, escapes decoded as JSON decodes them. */
function unescape(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw; // not JSON after all: compare the raw text
  }
}

function pathOf(stack: readonly Frame[]): (string | number)[] {
  // The innermost frame is the object holding the duplicate; each outer frame names its child.
  return stack.slice(0, -1).map((frame) => (frame.kind === 'object' ? frame.key : frame.index));
}

/**
 * The refusal of a body that gives a key twice: `The callout body gives "Stage" twice (at /data).`
 * Key and place are quoted from the body, so they are bounded and reduced to printable ASCII.
 */
export function duplicateKeyError(found: DuplicateKey): AppError {
  const where = pointer(found.path);
  const also = found.again === found.key ? '' : `, also as "${printable(found.again)}"`;
  return new AppError('CALLOUT.INVALID_BODY', `The callout body gives "${printable(found.key)}" twice${also} (at ${where}).`, {
    details: { field: printable(found.key), path: where },
  });
}

/** An untrusted key, safe to quote in a message: bounded, printable ASCII, no quotes. */
function printable(key: string): string {
  const safe = key.slice(0, 60).replace(/[^\x20-\x7e]|["\\]/g, '?');
  return key.length > 60 ? `${safe}...` : safe;
}

/** A JSON Pointer (RFC 6901) over the keys as given, bounded; the root is "the top level". */
function pointer(path: DuplicateKey['path']): string {
  if (path.length === 0) return 'the top level';
  const text = path.map((step) => `/${typeof step === 'number' ? step : printable(step).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
