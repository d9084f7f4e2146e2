/**
 * ASCII-only case folding for protocol text: JSON keys, paths, ids, media types, header names.
 * `String.prototype.toLowerCase` applies Unicode case mapping, under which the Kelvin sign
 * (U+212A) becomes `k` and `İ` (U+0130) becomes `i̇`, so text that is not the ASCII word can
 * compare equal to it. Here only `A`–`Z` fold; every other code unit stays what it is.
 */

const ASCII_UPPER = /[A-Z]/g;

/** `s` with `A`–`Z` mapped to `a`–`z` and nothing else changed (same length, same code units). */
export function asciiLower(s: string): string {
  // On ASCII text the built-in lower-casing is exactly A–Z → a–z, and much faster than a replace.
  if (ASCII_ONLY.test(s)) return s.toLowerCase();
  return s.replace(ASCII_UPPER, (c) => String.fromCharCode(c.charCodeAt(0) + 0x20));
}

// eslint-disable-next-line no-control-regex
const ASCII_ONLY = /^[\u0000-\u007f]*$/;

/** Whether `a` and `b` are equal once `A`–`Z` are folded to `a`–`z`. */
export function asciiEqualsIgnoreCase(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y && foldCode(x) !== foldCode(y)) return false;
  }
  return true;
}

function foldCode(code: number): number {
  return code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
}
