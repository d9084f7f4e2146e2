// HTTP over a bare socket: Node's clients normalize Host and stop at the first error, this does not.
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  /** The final status (after any 100 Continue), undefined when nothing came back. */
  readonly status: number | undefined;
  readonly interim: readonly number[];
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The connection was reset (ECONNRESET, EPIPE) rather than closed. */
  readonly reset: boolean;
  /** Milliseconds from connecting to the first byte of an answer, and to the close. */
  readonly firstByteMs: number | undefined;
  readonly closedMs: number;
}

function unchunk(text: string): string {
  let out = '';
  for (let rest = text; ; ) {
    const line = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, line), 16);
    if (line < 0 || !(size > 0)) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}

function parse(text: string): Pick<RawAnswer, 'status' | 'interim' | 'headers' | 'body'> {
  const interim: number[] = [];
  let rest = text;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return { status: undefined, interim, headers: {}, body: rest };
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    rest = rest.slice(end + 4);
    if (status >= 100 && status < 200) {
      interim.push(status);
      continue;
    }
    const headers: Record<string, string> = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    return { status: Number.isNaN(status) ? undefined : status, interim, headers, body: headers['transfer-encoding'] === 'chunked' ? unchunk(rest) : rest };
  }
}

/**
 * Connects to `url`'s port, lets `send` write what it wants (it may keep writing while the
 * answer arrives), and collects everything until the server closes, or `timeoutMs`.
 */
export function rawExchange(url: string, send: (socket: Socket) => Promise<void> | void, timeoutMs = 15_000): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    let firstByteMs: number | undefined;
    let reset = false;
    const socket = connect({ host: hostname, port: Number(port) });
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      firstByteMs ??= performance.now() - started;
      chunks.push(chunk);
    });
    socket.on('error', () => {
      reset = true;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ ...parse(Buffer.concat(chunks).toString('latin1')), reset, firstByteMs, closedMs: performance.now() - started });
    });
    socket.once('connect', () => {
      Promise.resolve(send(socket)).catch(() => {
        // the server may close while we still write: what it answered is what counts
      });
    });
  });
}

/** Writes `data`, waiting for the socket to take it; false once the socket can take no more. */
export async function writeAll(socket: Socket, data: string | Buffer): Promise<boolean> {
  if (socket.destroyed || !socket.writable) return false;
  if (socket.write(data)) return true;
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      socket.off('drain', onDrain).off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    socket.once('drain', onDrain).once('close', onClose);
  });
}

export const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });
