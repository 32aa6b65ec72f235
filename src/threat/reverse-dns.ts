import { Resolver } from 'node:dns/promises';
import { Lru } from './lru.js';

/** PTR lookups for new sources: cached (bounded, misses too) and cut off after a timeout. */
export class ReverseDns {
  private readonly cache: Lru<string, string | null>;
  private readonly resolver = new Resolver({ timeout: 1000, tries: 1 });

  constructor(private readonly opts: { timeoutMs: number; cacheSize: number; servers?: string[] }) {
    this.cache = new Lru(opts.cacheSize);
    if (opts.servers?.length) this.resolver.setServers(opts.servers);
  }

  async lookup(ip: string): Promise<string | null> {
    const hit = this.cache.get(ip);
    if (hit !== undefined) return hit;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((r) => {
      timer = setTimeout(() => r(null), this.opts.timeoutMs);
      timer.unref();
    });
    const name = await Promise.race([this.resolver.reverse(ip).then((n) => n[0] ?? null, () => null), timeout]);
    clearTimeout(timer);
    this.cache.set(ip, name);
    return name;
  }

  cancel(): void {
    this.resolver.cancel();
  }
}

/** An optional GeoIP/ASN lookup (e.g. over a MaxMind database); none is bundled, so it is off by default. */
export type GeoLookup = (ip: string) => { country?: string; asn?: number; org?: string } | null;
