import { graphPath, type GraphPath } from '../../src/graph/graph-path.js';
import { guidOf, type Guid } from '../../src/guid.js';

/** A path as tests write it (`/users/{id}?$select=id`), made by the production builder. */
export function pathOf(raw: string): GraphPath {
  const [path = '', query] = raw.split('?', 2);
  const segments = path.split('/').slice(1).map(decodeURIComponent);
  return query === undefined ? graphPath(segments) : graphPath(segments, Object.fromEntries(new URLSearchParams(query)));
}

/** A GUID literal of a test, checked. */
export const guid = (text: string): Guid => guidOf(text);
