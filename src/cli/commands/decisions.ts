import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Decision } from '../../response/decision.js';
import { FlagCheck } from '../flags.js';
import { dash, renderTable, shortTime } from '../format.js';
import type { CliRuntime, CommandGroup } from '../runtime.js';

const ACTIONS = ['ban', 'tag'] as const;

interface AddOpts {
  duration?: string;
  reason?: string;
  tag?: boolean;
  json?: boolean;
}

/** `lnmt decisions add|list|remove`: bans and tags of addresses and networks. */
export const decisionsCommands: CommandGroup = {
  name: 'decisions',
  register(program, rt) {
    const decisions = program.command('decisions').description('ban or tag addresses and networks (with expiry), list and remove decisions');

    decisions
      .command('add')
      .description('ban (or --tag) an address or CIDR; refused when it overlaps the allowlist (a running server applies it within a second)')
      .argument('<ip|cidr>', 'IPv4/IPv6 address or network, e.g. 203.0.113.7 or 198.51.100.0/24')
      .option('--duration <d>', 'how long: 30m, 4h, 7d or permanent (default response.defaultDuration, longer for repeat offenders)')
      .option('--reason <text>', 'why (shown in lists, blocklists and alerts)')
      .option('--tag', 'tag instead of ban: recorded and alerted, not blocked')
      .option('--json', 'print the decision as JSON')
      .action(async (target, opts, cmd) => add(rt, cmd as unknown as CommandUnknownOpts, target, opts as AddOpts));

    decisions
      .command('list')
      .alias('ls')
      .description('decisions in force, newest first')
      .option('--all', 'also expired and removed ones')
      .option('--action <action>', `only ${ACTIONS.join(' or ')}`)
      .option('--limit <n>', 'entries (1..1000)', '100')
      .option('--json', 'print {total, items} as JSON')
      .action(async (opts, cmd) => list(rt, cmd as unknown as CommandUnknownOpts, opts));

    decisions
      .command('remove')
      .alias('rm')
      .description('remove a decision by id, or every decision in force on an address or CIDR')
      .argument('<id|target>', 'decision id, or the address/CIDR')
      .option('--json', 'print the removed decisions as JSON')
      .action(async (ref, opts, cmd) => remove(rt, cmd as unknown as CommandUnknownOpts, ref, opts));
  },
};

function until(d: Decision): string {
  return d.expires_at === null ? 'permanent' : shortTime(d.expires_at);
}

async function add(rt: CliRuntime, cmd: CommandUnknownOpts, target: string, o: AddOpts): Promise<void> {
  const check = new FlagCheck();
  check.text('<ip|cidr>', target, 64);
  check.text('--reason', o.reason, 500);
  check.done();
  const { parseDecisionDuration, decisionView } = await import('../../response/decision-input.js');
  const durationMs = parseDecisionDuration(o.duration, '--duration');
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: true }, async (ctx) => {
    const r = await ctx.response.decisions.add({ target, action: o.tag ? 'tag' : 'ban', durationMs, reason: o.reason, origin: 'manual' }, { target: '<ip|cidr>' });
    const d = r.decision;
    if (o.json) return rt.json({ ...decisionView(d), created: r.created });
    const verb = d.action === 'ban' ? 'banned' : 'tagged';
    if (!r.created) rt.print(`${d.target} is already ${verb} until ${until(d)} (id ${d.id}); nothing changed`);
    else rt.print(`${verb} ${d.target} until ${until(d)} (id ${d.id}${d.escalation > 0 ? `, repeat offender: ${d.escalation} earlier ban(s)` : ''})`);
  });
}

async function list(rt: CliRuntime, cmd: CommandUnknownOpts, o: { all?: boolean; action?: string; limit: string; json?: boolean }): Promise<void> {
  const check = new FlagCheck();
  const action = check.choice('--action', o.action, ACTIONS);
  const limit = check.int('--limit', o.limit, { min: 1, max: 1000 }) ?? 100;
  check.done();
  const { decisionView } = await import('../../response/decision-input.js');
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const { items, total } = await ctx.response.decisions.list({ active: !o.all, action, limit, offset: 0 });
    if (o.json) return rt.json({ total, items: items.map(decisionView) });
    if (items.length === 0) {
      rt.print(o.all ? 'no decisions' : 'no decisions in force (add one with `lnmt decisions add <ip|cidr>`)');
      return;
    }
    rt.print(
      renderTable(
        ['TARGET', 'ACTION', 'UNTIL (UTC)', 'ORIGIN', 'ESC', 'REASON', 'ID', ...(o.all ? ['REMOVED'] : [])].map((h) => rt.c.bold(h)),
        items.map((d) => [d.target, d.action === 'ban' ? rt.c.red('ban') : 'tag', until(d), d.rule ? `rule ${d.rule}` : d.origin, String(d.escalation), d.reason.slice(0, 60), d.id, ...(o.all ? [d.removed_reason ? `${d.removed_reason} ${shortTime(d.removed_at)}` : dash(null)] : [])]),
      ),
    );
    if (total > items.length) rt.note(`${items.length} of ${total} shown (--limit)`);
  });
}

async function remove(rt: CliRuntime, cmd: CommandUnknownOpts, ref: string, o: { json?: boolean }): Promise<void> {
  const check = new FlagCheck();
  check.text('<id|target>', ref, 64);
  check.done();
  const { decisionView } = await import('../../response/decision-input.js');
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: true }, async (ctx) => {
    const gone = await ctx.response.decisions.remove(ref, '<id|target>');
    if (o.json) return rt.json(gone.map(decisionView));
    for (const d of gone) rt.print(`removed ${d.action} of ${d.target} (id ${d.id})`);
  });
}
