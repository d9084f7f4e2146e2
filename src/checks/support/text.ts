/** Policy values listed in a message: the first `max`, then how many more. */
export function listOf(values: readonly string[], max = 5): string {
  const shown = values.slice(0, max).join(', ');
  return values.length > max ? `${shown} and ${values.length - max} more` : shown;
}

/** At most `max` characters, an ellipsis marking the cut. */
export function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Length in characters as a reader counts them (graphemes), ignoring outer whitespace. */
export function visibleLength(text: string | undefined): number {
  return text === undefined ? 0 : Array.from(GRAPHEMES.segment(text.trim())).length;
}

/** Compiles a policy's pattern, or says why it does not compile. */
export function compilePattern(pattern: string, flags = 'u'): RegExp | string {
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
