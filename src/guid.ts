/**
 * Ids from outside are GUIDs before they go anywhere (docs/protocol.md §10). `Guid` is a string only
 * `parseGuid` can make: code that holds one knows it was checked, lower-cased, and is safe in a
 * Graph path or an OData literal. Casting to `Guid` anywhere else is refused by lint.
 */
declare const guidBrand: unique symbol;
export type Guid = string & { readonly [guidBrand]: 'Guid' };

const GUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The GUID in canonical (lower-case) form, or undefined when `value` is not exactly one. */
export function parseGuid(value: unknown): Guid | undefined {
  // eslint-disable-next-line no-restricted-syntax -- the one place a Guid is made
  return typeof value === 'string' && GUID_TEXT.test(value) ? (value.toLowerCase() as Guid) : undefined;
}

export function isGuidText(value: unknown): boolean {
  return typeof value === 'string' && GUID_TEXT.test(value);
}

/** A GUID the code itself wrote or made (tests, tools): anything else is a bug, thrown. */
export function guidOf(value: string): Guid {
  const id = parseGuid(value);
  if (id === undefined) throw new Error(`"${value}" is not a GUID`);
  return id;
}
