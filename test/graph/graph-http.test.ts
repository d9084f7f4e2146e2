import { describe, expect, it } from 'vitest';
import { readCapped } from '../../src/graph/graph-http.js';

const MiB = 1024 * 1024;

/** A body streamed in chunks without a declared length, counting how much was pulled from it. */
function chunked(total: number, chunk = 64 * 1024): { response: Response; pulled: () => number } {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) {
        controller.close();
        return;
      }
      const size = Math.min(chunk, total - sent);
      sent += size;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
  });
  return { response: new Response(stream), pulled: () => sent };
}

describe('reading a Graph answer', () => {
  it('reads an answer within the cap', async () => {
    expect(await readCapped(new Response('{"value":[]}'))).toBe('{"value":[]}');
    expect(await readCapped(new Response(null))).toBe('');
  });

  it('refuses a declared length over 1 MiB before reading it', async () => {
    const body = chunked(4 * MiB);
    const response = new Response(body.response.body, { headers: { 'content-length': String(4 * MiB) } });
    await expect(readCapped(response)).rejects.toThrow('Graph answer too large');
    expect(body.pulled()).toBeLessThan(MiB);
  });

  it('stops reading a chunked answer once it passes 1 MiB, instead of holding it whole', async () => {
    const body = chunked(64 * MiB);
    await expect(readCapped(body.response)).rejects.toThrow('Graph answer too large');
    expect(body.pulled()).toBeLessThan(2 * MiB);
  });

  it('a chunked answer just under the cap is read whole', async () => {
    const body = chunked(MiB - 10);
    expect((await readCapped(body.response)).length).toBe(MiB - 10);
  });
});
