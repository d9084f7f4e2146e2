import type { IncomingMessage } from 'node:http';

export type BodyRead =
  | { readonly kind: 'body'; readonly bytes: Buffer }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'aborted' };

/** A declared Content-Length over `maxBytes`: refused before a byte of the body is read. */
export function declaresTooMuch(req: IncomingMessage, maxBytes: number): boolean {
  const declared = req.headers['content-length'];
  return declared !== undefined && Number(declared) > maxBytes;
}

/**
 * Reads a request body of at most `maxBytes`, all of it by `deadline` (epoch ms); the caller has
 * refused a declared length over it already (declaresTooMuch, before any 100 Continue). Past either,
 * it stops keeping what arrives but leaves the stream flowing: the rest is read and dropped, so
 * that the answer can be delivered before the connection closes (see linger in write-answer.ts).
 */
export function readBody(req: IncomingMessage, maxBytes: number, deadline: number): Promise<BodyRead> {
  req.on('error', () => {}); // a client that goes away is 'aborted' below, never an uncaught error
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (result: BodyRead) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('close', onClose);
      req.resume();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) settle({ kind: 'too-large' });
      else chunks.push(chunk);
    };
    const onEnd = () => {
      settle({ kind: 'body', bytes: Buffer.concat(chunks, size) });
    };
    const onClose = () => {
      settle({ kind: 'aborted' });
    };
    const timer = setTimeout(() => {
      settle({ kind: 'timeout' });
    }, Math.max(0, deadline - Date.now()));
    req.on('data', onData).once('end', onEnd).once('close', onClose);
  });
}
