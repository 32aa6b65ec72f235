import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { FlagCheck } from '../flags.js';
import type { CliRuntime, CommandGroup } from '../runtime.js';

/** Same list as the exporter registry (kept here so `--help` loads no exporter). */
const FORMATS = ['plain', 'json', 'nft', 'ipset', 'stix'] as const;

/** `lnmt blocklist`: the bans in force, in a format a firewall reads. */
export const blocklistCommands: CommandGroup = {
  name: 'blocklist',
  register(program, rt) {
    program
      .command('blocklist')
      .description('print the bans in force: plain (one IP/CIDR per line), json, nft (nft -f script), ipset (ipset restore) or stix (STIX 2.1 bundle)')
      .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'plain')
      .option('--since <cursor>', 'only additions and removals after this change-log cursor (formats plain and json)')
      .action(async (opts, cmd) => blocklist(rt, cmd as unknown as CommandUnknownOpts, opts));
  },
};

async function blocklist(rt: CliRuntime, cmd: CommandUnknownOpts, o: { format: string; since?: string }): Promise<void> {
  const check = new FlagCheck();
  const format = check.choice('--format', o.format, FORMATS);
  const since = check.int('--since', o.since, { min: 0, max: Number.MAX_SAFE_INTEGER });
  if (since !== undefined && format !== 'plain' && format !== 'json') check.add({ where: '--since', value: o.since, message: `no incremental form of --format ${format}`, allowed: 'with --format plain or json' });
  check.done();
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const list = ctx.response.blocklist;
    if (since !== undefined) {
      const c = await list.changes(since, 100_000);
      if (format === 'json') return rt.json(c);
      const { changesText } = await import('../../response/blocklist.js');
      rt.io.stdout.write(changesText(c));
      return;
    }
    const snap = await list.snapshot(format!, '--format');
    rt.io.stdout.write(snap.body.endsWith('\n') || snap.body.length === 0 ? snap.body : `${snap.body}\n`);
    rt.note(`${snap.count} ban(s); cursor ${snap.cursor} (continue with --since ${snap.cursor})`);
  });
}
