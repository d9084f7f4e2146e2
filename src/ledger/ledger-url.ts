/** A table name: 3-63 letters and digits, starting with a letter (Azure Table Storage's rule). */
const TABLE = /^[A-Za-z][A-Za-z0-9]{2,62}$/;
/** A storage account name, as it appears in a path-style URL (Azurite, an IP host). */
const ACCOUNT = /^[a-z0-9]{3,24}$/;

export interface LedgerLocation {
  /** The account's table endpoint: https://<account>.table.core.windows.net, or path-style https://127.0.0.1:10002/<account>. */
  readonly accountUrl: string;
  readonly table: string;
}

const pathStyle = (hostname: string): boolean => hostname === 'localhost' || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.startsWith('[');

/**
 * DECISION_LEDGER_URL read: `https://<account>.table.<cloud suffix>/<table>` (any cloud's table
 * endpoint), or path-style `https://<ip or localhost>:<port>/<account>/<table>` (Azurite). No
 * query (no SAS token) and no credentials: the managed identity signs in.
 */
export function ledgerLocation(text: string): LedgerLocation | { problem: string } {
  const example = 'https://<account>.table.core.windows.net/<table>';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: `must be a table URL such as ${example}` };
  }
  if (url.protocol !== 'https:') return { problem: `must be an https URL such as ${example}` };
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    return { problem: 'must carry no query (no SAS token), fragment or credentials: the managed identity signs in' };
  }
  const parts = url.pathname.replace(/\/$/, '').split('/').slice(1);
  const table = parts.at(-1) ?? '';
  if (pathStyle(url.hostname)) {
    if (parts.length !== 2 || !ACCOUNT.test(parts[0] ?? '') || !TABLE.test(table)) return { problem: 'on an IP host must be https://<host>:<port>/<account>/<table>' };
    return { accountUrl: `${url.origin}/${parts[0] ?? ''}`, table };
  }
  if (parts.length !== 1 || !TABLE.test(table)) return { problem: `must name one table after the host (3-63 letters and digits, starting with a letter), such as ${example}` };
  return { accountUrl: url.origin, table };
}
