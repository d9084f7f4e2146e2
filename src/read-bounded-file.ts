import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** Why a file given by path was not read: `problem` is the words that follow its path in a message. */
export class FileRefused extends Error {
  override readonly name = 'FileRefused';
  constructor(
    readonly path: string,
    readonly reason: 'unreadable' | 'not-a-file' | 'too-large',
    readonly problem: string,
    options?: { cause: unknown },
  ) {
    super(`${path} ${problem}`, options);
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function unreadable(path: string, error: unknown): FileRefused {
  const code = (error as { code?: unknown }).code;
  return new FileRefused(path, 'unreadable', `cannot be read (${typeof code === 'string' ? code : 'error'})`, { cause: error });
}

function notAFile(path: string, stats: Stats): FileRefused {
  return new FileRefused(path, 'not-a-file', `is ${kindOf(stats)}, not a regular file`);
}

function openRegular(path: string): { fd: number; size: number } {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const stats = (() => {
      try {
        return statSync(path);
      } catch {
        return undefined;
      }
    })();
    if (stats !== undefined && !stats.isFile()) throw notAFile(path, stats);
    throw unreadable(path, error);
  }
  const stats = fstatSync(fd);
  if (!stats.isFile()) {
    closeSync(fd);
    throw notAFile(path, stats);
  }
  return { fd, size: stats.size };
}

/**
 * Reads a file named by a user (a setting, a command-line flag): only a regular file (checked on
 * the open handle, so a FIFO or a device is refused before anything is read), and at most
 * `maxBytes` of it, counted as they are read (a size from stat can lie: /proc, a growing file).
 * Throws FileRefused.
 */
export function readBoundedFile(path: string, maxBytes: number): Buffer {
  const { fd, size } = openRegular(path);
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // What stat says only sizes the buffers; the bound is on what arrives.
      const chunk = Buffer.allocUnsafe(Math.min(maxBytes + 1 - total, Math.max(size - total + 1, 64 * 1024), 8 * 1024 * 1024));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) return Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > maxBytes) throw new FileRefused(path, 'too-large', `is larger than ${maxBytes} bytes`);
    }
  } catch (error) {
    if (error instanceof FileRefused) throw error;
    throw unreadable(path, error);
  } finally {
    closeSync(fd);
  }
}
