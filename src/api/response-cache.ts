import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BROTLI_QUALITY, GZIP_LEVEL } from './plugins/compress.js';

/** A serialised response body, its ETag, and compressed variants made on first demand. */
export interface CachedBody {
  body: Buffer;
  etag: string;
  br?: Buffer;
  gzip?: Buffer;
}

export interface ResponseCacheOptions {
  /**
   * The data version: any change means every cached body may be stale. For devices: the tracker's write
   * generation (writes in this process) plus SQLite's `data_version` (commits by other processes, such as a
   * CLI `lnmt scan` against the same file) or, on PostgreSQL, the current second.
   */
  version: () => string;
  maxEntries?: number;
  maxBytes?: number;
  /** Compress when the client asks and the body is at least this many bytes (`api.compressThreshold`). */
  compressThreshold: number;
}

/**
 * Caches serialised GET responses by a canonical key of their (validated) inputs, all dropped together when the
 * data version moves. A dashboard polling the same page, or many clients reading it, costs one query per
 * change instead of one per request; responses carry an ETag so unchanged pages revalidate as 304s.
 */
export class ResponseCache {
  private readonly entries = new Map<string, CachedBody>();
  private version = '';
  private bytes = 0;

  constructor(private readonly opts: ResponseCacheOptions) {}

  /** Checks the data version; call once per request, then pass the result to `get`/`set`. */
  currentVersion(): string {
    const v = this.opts.version();
    if (v !== this.version) {
      this.entries.clear();
      this.bytes = 0;
      this.version = v;
    }
    return v;
  }

  get(key: string): CachedBody | undefined {
    return this.entries.get(key);
  }

  /** Stores a body computed under `version`; dropped if the data moved on meanwhile. */
  set(key: string, body: Buffer, version: string): CachedBody {
    const entry = { body, etag: `W/"${createHash('sha1').update(body).digest('base64url')}"` };
    if (version !== this.version || body.length > (this.opts.maxBytes ?? 64 * 1024 * 1024) / 8) return entry;
    const old = this.entries.get(key);
    if (old) this.delete(key, old);
    while (this.entries.size >= (this.opts.maxEntries ?? 512) || this.bytes + body.length > (this.opts.maxBytes ?? 64 * 1024 * 1024)) {
      const first = this.entries.entries().next();
      if (first.done) break;
      this.delete(first.value[0], first.value[1]);
    }
    this.entries.set(key, entry);
    this.bytes += body.length;
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Sends a cached body: 304 when the client's `If-None-Match` matches, otherwise the body — br or gzip from
   * the entry's memoised variants when the client accepts them (so a popular page is compressed once per data
   * version, not once per request), identity otherwise.
   */
  send(req: FastifyRequest, reply: FastifyReply, c: CachedBody): FastifyReply {
    void reply.header('etag', c.etag).header('cache-control', 'private, no-cache').header('vary', 'accept-encoding');
    const inm = req.headers['if-none-match'];
    if (inm !== undefined && (inm === c.etag || inm.split(',').some((t) => t.trim() === c.etag))) return reply.code(304).send();
    void reply.type('application/json; charset=utf-8');
    const enc = c.body.length >= this.opts.compressThreshold ? pickEncoding(req.headers['accept-encoding']) : null;
    if (enc === 'br') {
      c.br ??= brotliCompressSync(c.body, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: c.body.length } });
      return reply.header('content-encoding', 'br').send(c.br);
    }
    if (enc === 'gzip') {
      c.gzip ??= gzipSync(c.body, { level: GZIP_LEVEL });
      return reply.header('content-encoding', 'gzip').send(c.gzip);
    }
    return reply.send(c.body);
  }

  private delete(key: string, e: CachedBody): void {
    this.entries.delete(key);
    this.bytes -= e.body.length;
  }
}

/** br if accepted, else gzip if accepted, else null (identity). Honours `q=0` refusals. */
export function pickEncoding(header: string | undefined): 'br' | 'gzip' | null {
  if (!header) return null;
  let br = false;
  let gzip = false;
  let star = false;
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const refused = params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p));
    if (refused) continue;
    if (name === 'br') br = true;
    else if (name === 'gzip' || name === 'x-gzip') gzip = true;
    else if (name === '*') star = true;
  }
  return br ? 'br' : gzip || star ? 'gzip' : null;
}
