import type { ContainerClient } from '@azure/storage-blob';

export interface ScanFiles {
  readonly csv: string;
  readonly markdown: string;
}

/** `20260615T020000Z`: sortable, and without the colons that are awkward in blob URLs. */
export function scanStamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

const TYPES = { csv: 'text/csv; charset=utf-8', md: 'text/markdown; charset=utf-8' } as const;

/**
 * Writes one scan's reports to the container: `sod-scan/<stamp>.csv` and `.md`, kept as history,
 * then `sod-scan/latest.csv` and `latest.md` overwritten, so `latest` never names a scan whose
 * files are not all there. The container client carries the credential (the managed identity in
 * Azure); it is not created here. Returns the blob names written.
 */
export async function writeScanBlobs(container: ContainerClient, files: ScanFiles, at: Date, folder = 'sod-scan'): Promise<string[]> {
  const written: string[] = [];
  const put = async (name: string, body: string, type: string) => {
    const blob = `${folder}/${name}`;
    await container.getBlockBlobClient(blob).upload(body, Buffer.byteLength(body), { blobHTTPHeaders: { blobContentType: type } });
    written.push(blob);
  };
  const stamp = scanStamp(at);
  await Promise.all([put(`${stamp}.csv`, files.csv, TYPES.csv), put(`${stamp}.md`, files.markdown, TYPES.md)]);
  await Promise.all([put('latest.csv', files.csv, TYPES.csv), put('latest.md', files.markdown, TYPES.md)]);
  return written;
}
