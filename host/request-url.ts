import type { IncomingMessage } from 'node:http';

/** RFC 9110 Host: a name or IPv4 address (letters, digits, `-._~`) or a bracketed IPv6 literal, and a port. */
const HOST = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

function parse(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** Where an HTTP/1.0 request without Host was received. */
function localAuthority(req: IncomingMessage): string {
  const address = req.socket.localAddress ?? '127.0.0.1';
  return `${address.includes(':') ? `[${address}]` : address}:${String(req.socket.localPort ?? 80)}`;
}

/**
 * The URL a request names, built from its Host header and its target, or why it cannot be one
 * (an answer of 400). Never throws: the Host header and the target are the client's bytes.
 * The target is appended to the authority, never resolved against it, so `//evil/x` stays a path.
 */
export function requestUrl(req: IncomingMessage): URL | { readonly code: 'HOST.INVALID_HOST' | 'HOST.BAD_REQUEST'; readonly problem: string } {
  const hosts = req.rawHeaders.filter((name, i) => i % 2 === 0 && name.toLowerCase() === 'host').length;
  if (hosts > 1) return { code: 'HOST.INVALID_HOST', problem: 'The request has more than one Host header.' };
  const host = req.headers.host ?? (req.httpVersion === '1.0' ? localAuthority(req) : undefined);
  if (host === undefined) return { code: 'HOST.INVALID_HOST', problem: 'An HTTP/1.1 request needs a Host header.' };
  if (!HOST.test(host) || parse(`http://${host}/`) === undefined) return { code: 'HOST.INVALID_HOST', problem: 'The Host header is not a host name or address with an optional port.' };
  const target = req.url ?? '';
  if (/^https?:\/\//i.test(target)) {
    // absolute-form (RFC 9112 3.2.2): its authority is the host.
    const url = parse(target);
    return url === undefined || !HOST.test(url.host) ? { code: 'HOST.BAD_REQUEST', problem: 'The request target is not a valid URL.' } : url;
  }
  if (!target.startsWith('/')) return { code: 'HOST.BAD_REQUEST', problem: 'The request target must be a path.' };
  const url = parse(`http://${host}${target}`);
  if (url === undefined) return { code: 'HOST.BAD_REQUEST', problem: 'The request target is not a valid path.' };
  return url;
}
