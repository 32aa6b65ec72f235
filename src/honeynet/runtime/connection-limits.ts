/**
 * Admission control for honeypot listeners, which are attacked by design: a global cap on open connections, a
 * per-source-IP cap, and a per-source connect rate (token bucket). Memory is bounded whatever the attacker does:
 * per-IP counters exist only while connections are open, and rate buckets live in an LRU of `maxTrackedIps`
 * (an evicted bucket restarts full, which only ever lets a flood of distinct sources through at the global cap).
 */
export interface ConnectionLimitSettings {
  maxConnections: number;
  maxPerIp: number;
  connectsPerMinutePerIp: number;
  /** Rate buckets kept at most (default 100,000 ≈ 10 MB). */
  maxTrackedIps?: number;
}

export type Admission = { ok: true; release: () => void } | { ok: false; reason: 'global-limit' | 'per-ip-limit' | 'rate-limit' };

interface Bucket {
  tokens: number;
  at: number;
}

export class ConnectionLimits {
  private open = 0;
  private readonly perIp = new Map<string, number>();
  /** Insertion order is recency order (re-inserted on use): the first key is the least recently seen. */
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxTracked: number;
  readonly refused = { 'global-limit': 0, 'per-ip-limit': 0, 'rate-limit': 0 };

  constructor(private readonly s: ConnectionLimitSettings, private readonly now: () => number = Date.now) {
    this.maxTracked = s.maxTrackedIps ?? 100_000;
  }

  get openConnections(): number {
    return this.open;
  }

  get trackedIps(): number {
    return this.buckets.size;
  }

  admit(ip: string): Admission {
    if (this.open >= this.s.maxConnections) return this.refuse('global-limit');
    const mine = this.perIp.get(ip) ?? 0;
    if (mine >= this.s.maxPerIp) return this.refuse('per-ip-limit');
    if (!this.takeToken(ip)) return this.refuse('rate-limit');
    this.open++;
    this.perIp.set(ip, mine + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.open--;
        const n = (this.perIp.get(ip) ?? 1) - 1;
        if (n <= 0) this.perIp.delete(ip);
        else this.perIp.set(ip, n);
      },
    };
  }

  private refuse(reason: 'global-limit' | 'per-ip-limit' | 'rate-limit'): Admission {
    this.refused[reason]++;
    return { ok: false, reason };
  }

  private takeToken(ip: string): boolean {
    const cap = this.s.connectsPerMinutePerIp;
    const t = this.now();
    let b = this.buckets.get(ip);
    if (b) {
      this.buckets.delete(ip);
      b.tokens = Math.min(cap, b.tokens + ((t - b.at) / 60_000) * cap);
      b.at = t;
    } else {
      b = { tokens: cap, at: t };
      if (this.buckets.size >= this.maxTracked) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(ip, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
