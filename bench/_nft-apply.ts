/**
 * Applying decisions to an nftables set, as `response.enforce` does: N bans in one `nft -f` transaction (the
 * whole table with its elements, per-element timeouts), against the one-command-per-IP approach (fail2ban's
 * `nft add element ...` per ban) timed on a sample and extrapolated to N. Runs in a network namespace of its
 * own (needs root and nft). The `pipeline` benchmark calls `nftApplyBenchmark`; `bench/decisions.ts` runs it alone.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import type { BlocklistEntry } from '../src/response/decision.js';
import { commandRunner } from '../src/response/enforce/nft-runner.js';
import { nftTableScript } from '../src/response/enforce/nft-script.js';

export interface NftApplyResult {
  decisions: number;
  /** Building the script from the entries. */
  scriptMs: number;
  /** `nft -f -` of the script: one transaction. */
  applyMs: number;
  totalMs: number;
  elementsInSet: number;
  sample: number;
  /** One `nft add element` process per IP, for `sample` IPs. */
  perIpSampleMs: number;
  /** perIpSampleMs × decisions / sample (extrapolated, not measured). */
  perIpExtrapolatedMs: number;
  /** perIpExtrapolatedMs / totalMs. */
  speedup: number;
}

/** N distinct IPv4 bans from 100.64.0.0/10, one hour each. */
export function syntheticBans(n: number, now: number): BlocklistEntry[] {
  const out: BlocklistEntry[] = [];
  for (let i = 0; i < n; i++) {
    const v = 0x64400000 + i;
    out.push({ id: `b${i}`, target: `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`, family: 4, reason: 'bench', origin: 'rule', rule: 'bench', created_at: now, expires_at: now + 3_600_000 + (i % 600) * 1000 });
  }
  return out;
}

export async function nftApplyBenchmark(opts: { decisions?: number; sample?: number } = {}): Promise<NftApplyResult> {
  const n = opts.decisions ?? 100_000;
  const sample = opts.sample ?? 1_000;
  const ns = `lnmt-bnft-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    const target = { table: 'lnmt_response', set: 'banned' };
    const run = commandRunner(['ip', 'netns', 'exec', ns, 'nft']);
    const now = Date.now();
    const bans = syntheticBans(n, now);
    const t0 = performance.now();
    const script = nftTableScript(target, bans, now);
    const t1 = performance.now();
    await run.run(script);
    const t2 = performance.now();
    const listed = execFileSync('ip', ['netns', 'exec', ns, 'nft', '-j', 'list', 'set', 'inet', target.table, target.set], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const parsed = JSON.parse(listed) as { nftables: Array<{ set?: { elem?: unknown[] } }> };
    const elementsInSet = parsed.nftables.find((o) => o.set)?.set?.elem?.length ?? 0;

    // The anti-example: one process per ban, into an empty table of the same shape.
    await run.run(nftTableScript(target, [], now));
    const sampleBans = syntheticBans(sample, now);
    const t3 = performance.now();
    for (const b of sampleBans) {
      const r = spawnSync('ip', ['netns', 'exec', ns, 'nft', 'add', 'element', 'inet', target.table, target.set, `{ ${b.target} timeout 3600s }`]);
      if (r.status !== 0) throw new Error(`nft add element failed: ${r.stderr.toString()}`);
    }
    const perIpSampleMs = performance.now() - t3;
    const totalMs = t2 - t0;
    const perIpExtrapolatedMs = (perIpSampleMs * n) / sample;
    return { decisions: n, scriptMs: t1 - t0, applyMs: t2 - t1, totalMs, elementsInSet, sample, perIpSampleMs, perIpExtrapolatedMs, speedup: perIpExtrapolatedMs / totalMs };
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
}
