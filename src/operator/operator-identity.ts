/**
 * Who is signed in, from the operator's own access token: its claims read without verifying the
 * signature (it is our token, just issued to us; nothing is authorised on it here). The ledger
 * names the user principal name (`upn`, or `unique_name` in v1 tokens), else the object id.
 */
export function operatorFromToken(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined || payload === '') return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return undefined;
  const read = (name: string): string | undefined => {
    const value = (claims as Record<string, unknown>)[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 200) : undefined;
  };
  const upn = read('upn') ?? read('unique_name');
  if (upn !== undefined) return upn;
  const oid = read('oid');
  return oid === undefined ? undefined : `oid:${oid}`;
}
