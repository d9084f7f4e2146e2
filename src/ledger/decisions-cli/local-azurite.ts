import type { LedgerLocation } from '../ledger-url.js';

/** Azurite's one built-in storage account, whose key Microsoft publishes (the same in every Azurite). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
/**
 * Azurite's development account key, public and the same in every Azurite (Microsoft documents it:
 * learn.microsoft.com/azure/storage/common/storage-use-azurite, "Well-known storage account and
 * key"). Azurite takes it next to OAuth tokens; it opens nothing in Azure.
 */
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Whether the ledger is Azurite's development account on this machine: a loopback host and the
 * path-style account `devstoreaccount1`. Such a table is read with Azurite's published key, not
 * a sign-in (no Entra ID issues tokens for it).
 */
export function isLocalAzurite(location: LedgerLocation): boolean {
  const url = new URL(location.accountUrl);
  return LOOPBACK.test(url.hostname) && url.pathname === `/${AZURITE_ACCOUNT}`;
}

/** TLS failures that mean this process does not trust the server's certificate (Node's error codes). */
const UNTRUSTED = new Set(['SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED']);

/**
 * What works instead, when a local Azurite could not be read for `code` (a Node error code):
 * nothing listens (the demo's Azurite lives only while the demo runs), its certificate is not
 * trusted, or it does not speak HTTPS. Undefined for any other failure.
 */
export function localAzuriteHint(code: string): string | undefined {
  if (code === 'ECONNREFUSED') return "no Azurite listens there; the demo's ledger lives only while the demo runs: npm run demo -- --keep keeps it and prints how to read it";
  if (UNTRUSTED.has(code)) return "its certificate is not trusted: export NODE_EXTRA_CA_CERTS=<its CA's PEM file> (npm run demo -- --keep prints the demo's)";
  if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER') return 'it does not answer HTTPS: start Azurite with --cert and --key, or read the demo\'s (npm run demo -- --keep)';
  return undefined;
}
