import { isGuidText } from './guid.js';
import { httpsOrigin, notAnOrigin } from './https-origin.js';

/**
 * Where an operator command (what-if, scan, register) reads: the tenant emulator in-process (a
 * tenant file, or the sample), or a real tenant with the operator's own sign-in.
 */
export type TenantSource =
  | { readonly kind: 'emulator'; readonly tenantFile: string | undefined }
  | { readonly kind: 'live'; readonly tenantId: string; readonly graphBaseUrl: string };

/** The flags that choose it, for node:util parseArgs. */
export const TENANT_SOURCE_OPTIONS = {
  tenant: { type: 'string' },
  live: { type: 'boolean' },
  'tenant-id': { type: 'string' },
  graph: { type: 'string' },
} as const;

export interface TenantSourceFlags {
  readonly tenant?: string | undefined;
  readonly live?: boolean | undefined;
  readonly 'tenant-id'?: string | undefined;
  readonly graph?: string | undefined;
}

/** The source the flags name, or the one-line reason they do not name one. */
export function tenantSourceOf(flags: TenantSourceFlags): TenantSource | { readonly problem: string } {
  const tenantId = flags['tenant-id'];
  if (flags.live === true) {
    if (flags.tenant !== undefined) return { problem: '--tenant names a tenant file for the emulator; with --live give --tenant-id' };
    if (tenantId === undefined) return { problem: '--live needs --tenant-id <tenant id>' };
    if (!isGuidText(tenantId)) return { problem: `--tenant-id must be a GUID, not "${tenantId}"` };
    const graphBaseUrl = flags.graph === undefined ? 'https://graph.microsoft.com' : httpsOrigin(flags.graph);
    if (graphBaseUrl === undefined) return { problem: notAnOrigin('--graph', 'https://graph.microsoft.com', flags.graph ?? '') };
    return { kind: 'live', tenantId: tenantId.toLowerCase(), graphBaseUrl };
  }
  if (tenantId !== undefined || flags.graph !== undefined) return { problem: '--tenant-id and --graph are for --live' };
  return { kind: 'emulator', tenantFile: flags.tenant };
}
