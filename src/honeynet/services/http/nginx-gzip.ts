import { crc32, deflateRawSync } from 'node:zlib';
import type { HttpRequest } from './http-request-parser.js';

/**
 * nginx's gzip filter as Debian and Ubuntu configure it: `gzip on;` in nginx.conf and every other gzip_*
 * directive at its default. So: only `text/html` (gzip_types), only HTTP/1.1 and up (gzip_http_version), never
 * for a request that came through a proxy (a Via header; gzip_proxied off), only statuses 200, 403 and 404, only
 * bodies of 20 bytes or more when the length is known (gzip_min_length), and only when Accept-Encoding has a
 * `gzip` token whose q is not 0. Checked against nginx 1.22.1 from Debian 12 (test/honeynet/services/
 * http-nginx-reference.test.ts).
 */
export function nginxGzips(req: HttpRequest | null, status: number, contentType: string | null | undefined, knownLength: number | null): boolean {
  if (!req || req.version !== '1.1') return false;
  if (status !== 200 && status !== 403 && status !== 404) return false;
  if (!contentType || !/^text\/html\b/i.test(contentType)) return false;
  if (knownLength !== null && knownLength < 20) return false;
  if (req.headers.some(([n]) => n.toLowerCase() === 'via')) return false;
  return acceptsGzip(req);
}

/** ngx_http_gzip_accept_encoding: a `gzip` token (not `x-gzip`), case-insensitive, and a q that is not zero. */
function acceptsGzip(req: HttpRequest): boolean {
  for (const [name, value] of req.headers) {
    if (name.toLowerCase() !== 'accept-encoding') continue;
    const lower = value.toLowerCase();
    for (let at = lower.indexOf('gzip'); at >= 0; at = lower.indexOf('gzip', at + 4)) {
      const before = at === 0 ? '' : lower[at - 1]!;
      const after = lower[at + 4] ?? '';
      if ((before === '' || before === ',' || before === ' ') && (after === '' || after === ',' || after === ' ' || after === ';')) {
        return quality(lower.slice(at + 4)) > 0;
      }
    }
  }
  return false;
}

/** The `;q=` after a token, in thousandths as nginx reads it (1 when absent, 0 when malformed). */
function quality(rest: string): number {
  const m = /^\s*;\s*q\s*=\s*([0-9.]+)/.exec(rest);
  if (!m) return /^\s*(,|$)/.test(rest) ? 1000 : 0;
  const q = Number(m[1]);
  return Number.isFinite(q) && q <= 1 ? Math.round(q * 1000) : 0;
}

/** nginx's fixed gzip header: no name, no mtime, XFL 4 (fastest, its default level 1), OS 3 (Unix). */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x03]);

/**
 * The body compressed as nginx does it: level 1, and for a body of known length a window and memory level
 * shrunk to fit it (ngx_http_gzip_filter_memory). nginx links the system zlib and Node bundles its own, so
 * the deflate bytes may differ slightly; the header, the trailer and what it inflates to do not.
 */
export function nginxGzip(body: Buffer, knownLength: boolean): Buffer {
  let wbits = 15;
  let memLevel = 8;
  if (knownLength && body.length > 0) {
    while (body.length < (1 << (wbits - 1)) - 262) {
      wbits--;
      memLevel--;
    }
    if (memLevel < 1) memLevel = 1;
  }
  const deflated = deflateRawSync(body, { level: 1, windowBits: Math.max(9, wbits), memLevel });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(body) >>> 0, 0);
  trailer.writeUInt32LE(body.length >>> 0, 4);
  return Buffer.concat([GZIP_HEADER, deflated, trailer]);
}
