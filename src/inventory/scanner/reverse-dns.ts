import { Resolver } from 'node:dns/promises';

const MAX_ENTRIES = 65_536;

/**
 * Reverse DNS with a short timeout and a cache shared by the scans of a process (bounded, 5-minute TTL). Lookups run while probing continues, so they
 * add no wall time unless the resolver is slow, and then at most `timeoutMs`.
 */
export class ReverseDns {
  private readonly resolver: Resolver;
  private readonly cache = new Map<string, { name: string | null; expires: number }>();

  constructor(opts: { timeoutMs: number; servers?: string[]; ttlMs?: number }) {
    this.resolver = new Resolver({ timeout: opts.timeoutMs, tries: 1 });
    if (opts.servers && opts.servers.length > 0) this.resolver.setServers(opts.servers);
    this.ttlMs = opts.ttlMs ?? 300_000;
  }

  private readonly ttlMs: number;

  async lookup(ip: string): Promise<string | null> {
    const hit = this.cache.get(ip);
    if (hit && hit.expires > Date.now()) return hit.name;
    let name: string | null = null;
    try {
      const names = await this.resolver.reverse(ip);
      name = names[0]?.replace(/\.$/, '').toLowerCase() ?? null;
    } catch {
      name = null;
    }
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!); // oldest first
    this.cache.set(ip, { name, expires: Date.now() + this.ttlMs });
    return name;
  }

  cancel(): void {
    this.resolver.cancel();
  }
}
