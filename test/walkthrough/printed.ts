/** Reading what a command printed for a person: its blocks and its `export NAME='value'` lines. */

/** The lines from the one starting with `heading` to the next empty line. */
export function printedBlock(text: string, heading: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  if (start < 0) throw new Error(`no "${heading}" in:\n${text}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** The `export NAME='value'` lines of a text, as a shell would set them. */
export function exportsOf(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of text.matchAll(/^export ([A-Z_][A-Z0-9_]*)='([^']*)'$/gm)) env[match[1] ?? ''] = match[2] ?? '';
  return env;
}
