/**
 * Records by id with an index per key (e.g. assignments by target and by access package), so a
 * read filtered on one key or several costs the smallest index's entries, not a scan of all.
 */
export class IndexedRecords<T extends { readonly id: string }, K extends string> {
  private readonly items = new Map<string, T>();
  private readonly indexes = new Map<K, Map<string, Set<string>>>();

  constructor(private readonly keys: Readonly<Record<K, (item: T) => string>>) {
    for (const key of Object.keys(keys) as K[]) this.indexes.set(key, new Map());
  }

  get(id: string): T | undefined {
    return this.items.get(id.toLowerCase());
  }

  all(): T[] {
    return [...this.items.values()];
  }

  /** Adds a record, or replaces the one of the same id. */
  add(item: T): void {
    this.remove(item.id);
    this.items.set(item.id, item);
    for (const [key, index] of this.indexes) {
      const value = this.keys[key](item);
      const ids = index.get(value) ?? new Set<string>();
      ids.add(item.id);
      index.set(value, ids);
    }
  }

  remove(id: string): T | undefined {
    const item = this.items.get(id.toLowerCase());
    if (item === undefined) return undefined;
    this.items.delete(item.id);
    for (const [key, index] of this.indexes) index.get(this.keys[key](item))?.delete(item.id);
    return item;
  }

  /** The records whose keys equal every given value (all records when none is given), in the order added. */
  where(filter: Readonly<Partial<Record<K, string | undefined>>>): T[] {
    const given = (Object.entries(filter) as [K, string | undefined][]).filter((e): e is [K, string] => e[1] !== undefined);
    if (given.length === 0) return this.all();
    const candidates = given
      .map(([key, value]) => this.indexes.get(key)?.get(value) ?? new Set<string>())
      .reduce((smallest, ids) => (ids.size < smallest.size ? ids : smallest));
    return [...candidates].flatMap((id) => {
      const item = this.items.get(id);
      return item !== undefined && given.every(([key, value]) => this.keys[key](item) === value) ? [item] : [];
    });
  }
}
