import { Resolver } from 'node:dns/promises';

/**
 * PTR lookups with a hard timeout and a bounded cache with a TTL (misses and timeouts are cached too, so a
 * dead resolver costs one timeout per address per TTL, not one per sighting). Used by the scanner (names of
 * discovered hosts) and the threat pipeline (names of new attack sources). Names are lower-case, without the
 * trailing dot.
 */
export interface ReverseDnsOptions {
  timeoutMs: number;
  /** `ip` or `ip:port` of the resolvers; the system's when absent. */
  servers?: string[];
  /** How long an answer (or a miss) is reused; 5 minutes by default. */
  ttlMs?: number;
  /** Addresses cached at most (oldest dropped first); 65,536 by default. */
  maxEntries?: number;
}

export class ReverseDns {
  private readonly resolver: Resolver;
  private readonly cache = new Map<string, { name: string | null; expires: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(private readonly opts: ReverseDnsOptions) {
    // c-ares may take up to about twice its own timeout; the race in `lookup` is the bound that holds.
    this.resolver = new Resolver({ timeout: opts.timeoutMs, tries: 1 });
    if (opts.servers && opts.servers.length > 0) this.resolver.setServers(opts.servers);
    this.ttlMs = opts.ttlMs ?? 300_000;
    this.maxEntries = opts.maxEntries ?? 65_536;
  }

  async lookup(ip: string): Promise<string | null> {
    const hit = this.cache.get(ip);
    if (hit && hit.expires > Date.now()) return hit.name;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), this.opts.timeoutMs);
      timer.unref();
    });
    const asked = this.resolver.reverse(ip).then(
      (names) => names[0]?.replace(/\.$/, '').toLowerCase() || null,
      () => null,
    );
    const name = await Promise.race([asked, timeout]);
    clearTimeout(timer);
    this.cache.delete(ip);
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value!); // oldest first
    this.cache.set(ip, { name, expires: Date.now() + this.ttlMs });
    return name;
  }

  cancel(): void {
    this.resolver.cancel();
  }
}
