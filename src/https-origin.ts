/**
 * The origin of an https URL that is nothing but an origin (no path, query, fragment or
 * credentials), or undefined: how every setting and flag naming Graph or an authority is read.
 */
export function httpsOrigin(text: string): string | undefined {
  try {
    const url = new URL(text);
    const bare = url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
    return url.protocol === 'https:' && bare ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** The message for a value that is not one. */
export const notAnOrigin = (name: string, example: string, value: string): string => `${name} must be an https origin such as ${example} (no path), not "${value}"`;
