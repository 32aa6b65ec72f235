import type { Logger } from 'pino';
import { TOKEN_PREFIX, type TokenRepo, type TokenRole } from '../store/repositories/token-repo.js';

/** Who is calling: the API token behind a request. */
export interface Principal {
  id: string;
  name: string;
  role: TokenRole;
}

export interface TokenAuthOptions {
  /**
   * How long a successful lookup is trusted. Revoking a token (`lnmt token revoke`) therefore takes effect
   * within this time on a running server, without the server polling the store per request.
   */
  ttlMs?: number;
  /** How long an unknown secret is remembered as unknown, so floods of bad tokens do not reach the store. */
  negativeTtlMs?: number;
  /** `last_used_at` is written in one batch this often (and on close), never per request. */
  touchIntervalMs?: number;
  /** Cache entries kept at most; the cache is cleared when full (bad-token floods cannot grow memory). */
  maxEntries?: number;
  logger?: Logger;
  now?: () => number;
}

interface Entry {
  principal: Principal | null;
  expires: number;
}

export const DEFAULT_TOKEN_TTL_MS = 5000;

/**
 * Bearer-token authentication with a short-lived in-memory cache (the store keeps only the secret's SHA-256).
 * A cached answer costs one Map lookup; concurrent
 * misses for one secret share a single store query.
 */
export class TokenAuthenticator {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Principal | null>>();
  private readonly used = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly repo: TokenRepo, private readonly opts: TokenAuthOptions = {}) {
    this.ttlMs = opts.ttlMs ?? DEFAULT_TOKEN_TTL_MS;
    this.negativeTtlMs = opts.negativeTtlMs ?? 2000;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.now = opts.now ?? Date.now;
    this.timer = setInterval(() => void this.flushUsage(), opts.touchIntervalMs ?? 30_000);
    this.timer.unref();
  }

  /** The token for a presented secret, or null. Synchronous when cached (the hot path). */
  authenticate(secret: string): Principal | null | Promise<Principal | null> {
    if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return null;
    // Keyed by the secret itself: hashing on every request cost ~1% of the hot path. The store only ever
    // sees (and keeps) the SHA-256.
    const key = secret;
    const hit = this.cache.get(key);
    if (hit && hit.expires > this.now()) {
      if (hit.principal) this.used.add(hit.principal.id);
      return hit.principal;
    }
    let p = this.inflight.get(key);
    if (!p) {
      p = this.lookup(key, secret).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  /** Forgets every cached answer (e.g. after revoking a token in this process). */
  invalidate(): void {
    this.cache.clear();
  }

  /** Writes `last_used_at` for the tokens used since the last flush. */
  async flushUsage(): Promise<void> {
    if (this.used.size === 0) return;
    const ids = [...this.used];
    this.used.clear();
    try {
      await this.repo.touch(ids, this.now());
    } catch (err) {
      this.opts.logger?.warn({ err }, 'recording token usage failed');
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flushUsage();
  }

  private async lookup(key: string, secret: string): Promise<Principal | null> {
    // findActive hashes the secret; the hash is what the store is queried with.
    const row = await this.repo.findActive(secret);
    const principal: Principal | null = row ? { id: row.id, name: row.name, role: row.role } : null;
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(key, { principal, expires: this.now() + (principal ? this.ttlMs : this.negativeTtlMs) });
    if (principal) this.used.add(principal.id);
    return principal;
  }
}
