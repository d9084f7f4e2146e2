import type { Node } from 'web-tree-sitter';
import type { BicepFile } from './bicep-tree.js';

/**
 * `#disable-next-line <codes>`: the compiler reports none of those diagnostics on the next line
 * (no code: none at all). Read from the text, line by line.
 */

/** Whether the line before this node is `#disable-next-line` naming the code (or naming none). */
export function isDisabled(file: BicepFile, node: Node, code: string): boolean {
  const previous = file.text.split('\n')[node.startPosition.row - 1] ?? '';
  const pragma = /^\s*#disable-next-line\b(.*)$/.exec(previous);
  if (pragma === null) return false;
  const codes = (pragma[1] ?? '').replace(/\/\/.*$/, '').trim().split(/\s+/).filter((c) => c !== '');
  return codes.length === 0 || codes.includes(code);
}
