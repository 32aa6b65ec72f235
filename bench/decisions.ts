/**
 * `npm run bench -- decisions [--decisions 100000] [--sample 1000]`: applying N bans to an nftables set in one
 * transaction vs one `nft` command per IP (sampled, extrapolated). Target (issue 6): 100,000 in < 2 s.
 * Needs root and nft (runs in a network namespace it creates).
 */
import { nftApplyBenchmark } from './_nft-apply.js';
import { option, printTable, ratio, writeResult } from './harness.js';

export async function run(args: string[]): Promise<void> {
  const r = await nftApplyBenchmark({ decisions: option(args, 'decisions', 100_000), sample: option(args, 'sample', 1_000) });
  printTable([
    { approach: `one nft -f transaction (${r.decisions} bans)`, ms: r.totalMs, 'script ms': r.scriptMs, 'nft ms': r.applyMs, 'in set': r.elementsInSet, 'vs per-IP': ratio(r.totalMs, r.perIpExtrapolatedMs, false) },
    { approach: `one nft command per IP (${r.sample} measured)`, ms: r.perIpSampleMs, 'script ms': null, 'nft ms': null, 'in set': r.sample, 'vs per-IP': null },
    { approach: `one nft command per IP (${r.decisions}, EXTRAPOLATED)`, ms: r.perIpExtrapolatedMs, 'script ms': null, 'nft ms': null, 'in set': null, 'vs per-IP': null },
  ]);
  process.stdout.write(`\nbulk apply of ${r.decisions} decisions: ${(r.totalMs / 1000).toFixed(2)} s (target < 2 s: ${r.totalMs < 2000 ? 'met' : 'NOT met'}); per-IP approach extrapolated: ${(r.perIpExtrapolatedMs / 1000).toFixed(1)} s; ratio x${r.speedup.toFixed(0)}\n`);
  writeResult('decisions', { nftApply: r, targetMs: 2000, met: r.totalMs < 2000 });
}
