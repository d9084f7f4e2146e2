import type { EntitlementKind, Holding, HoldingSource } from './sod-model.js';

/** A holding; its key is made only when asked (for the few holdings a conflict names). Ids arrive lower-case from the fact reads. */
export class Held implements Holding {
  constructor(
    readonly kind: EntitlementKind,
    readonly id: string,
    readonly displayName: string | undefined,
    readonly source: HoldingSource,
    readonly eligible?: boolean,
  ) {}

  get key(): string {
    return `${this.kind}:${this.id}`;
  }
}

/** Whether an id is among many, asked of a few ids only (group exemptions of a conflict). */
export interface Membership {
  has(id: string): boolean;
}

/**
 * Membership answered by one pass over the list per id asked, remembered: a user's ten thousand
 * groups are never copied into a set for the one or two exemption groups a conflict may name.
 */
export function scannedMembership(refs: readonly { readonly id: string }[]): Membership {
  const known = new Map<string, boolean>();
  return {
    has(id) {
      let found = known.get(id);
      if (found === undefined) known.set(id, (found = refs.some((r) => r.id === id)));
      return found;
    },
  };
}
