import { isIP } from 'node:net';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { LnmtError } from '../../core/errors.js';
import { FlagCheck } from '../flags.js';
import { ago, dash, renderTable, shortTime } from '../format.js';
import type { CliRuntime, CommandGroup } from '../runtime.js';

const SORTS = ['score', 'last_seen', 'first_seen', 'events'] as const;
const KINDS = ['credentials', 'commands', 'uploads', 'timing'] as const;

/** `lnmt threats top|show|campaigns`: who attacks the honeypots, how hard, and who acts together. */
export const threatsCommands: CommandGroup = {
  name: 'threats',
  register(program, rt) {
    const t = program.command('threats').description('attacker profiles (decaying threat scores), one attacker in detail, campaigns');

    t.command('top')
      .description('attackers, highest current threat score first')
      .option('--sort <field>', `sort by: ${SORTS.join(', ')}`, 'score')
      .option('--min-score <n>', 'only scores at or above this')
      .option('--internal', 'only sources that are devices of our inventory')
      .option('--limit <n>', 'rows (1..1000)', '20')
      .option('--offset <n>', 'skip this many', '0')
      .option('--json', 'print {items, more} as JSON')
      .action(async (opts, cmd) => top(rt, cmd as unknown as CommandUnknownOpts, opts));

    t.command('show')
      .description('one attacker: profile, detections and its latest events')
      .argument('<ip>', 'the source IP address')
      .option('--events <n>', 'latest events to show (0..10000)', '50')
      .option('--json', 'print {attacker, detections, timeline} as JSON')
      .action(async (ip, opts, cmd) => show(rt, cmd as unknown as CommandUnknownOpts, ip, opts));

    t.command('campaigns')
      .description('sources and sensors sharing credentials, command sequences, uploads or timing')
      .option('--kind <kind>', `only: ${KINDS.join(', ')}`)
      .option('--limit <n>', 'rows (1..1000)', '20')
      .option('--json', 'print {total, items} as JSON')
      .action(async (opts, cmd) => campaigns(rt, cmd as unknown as CommandUnknownOpts, opts));
  },
};

async function top(rt: CliRuntime, cmd: CommandUnknownOpts, o: { sort: string; minScore?: string; internal?: boolean; limit: string; offset: string; json?: boolean }): Promise<void> {
  const check = new FlagCheck();
  const limit = check.int('--limit', o.limit, { min: 1, max: 1000 })!;
  const offset = check.int('--offset', o.offset, { min: 0, max: 10_000_000 })!;
  if (!(SORTS as readonly string[]).includes(o.sort)) check.add({ where: '--sort', value: o.sort, message: 'unknown sort field', allowed: SORTS.join(', ') });
  const minScore = o.minScore === undefined ? undefined : Number(o.minScore);
  if (minScore !== undefined && !(minScore >= 0)) check.add({ where: '--min-score', value: o.minScore, message: 'not a score', allowed: 'a number >= 0' });
  check.done();
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const { items, more } = await ctx.threat.queries.attackers({ sort: o.sort as (typeof SORTS)[number], limit, offset, minScore, internal: o.internal });
    if (o.json) return rt.json({ items, more });
    if (items.length === 0) return rt.print('no attackers yet');
    const now = Date.now();
    rt.print(
      renderTable(
        ['IP', 'SCORE', 'EVENTS', 'AUTH', 'LOGINS', 'CMDS', 'PORTS', 'SERVICES', 'SENSORS', 'LAST SEEN', 'FLAGS'].map((h) => rt.c.bold(h)),
        items.map((a) => [a.ip, a.score.toFixed(1), String(a.events), String(a.counts.auths), String(a.counts.logins), String(a.counts.commands), String(a.ports), a.services.slice(0, 4).join(',') || '-', String(a.sensors.length), ago(Date.parse(a.last_seen), now), [a.internal ? rt.c.red('INTERNAL') : '', ...a.tags.slice(0, 3)].filter(Boolean).join(' ') || '-']),
      ),
    );
    rt.note(`${items.length} attacker(s)${more ? `; more with --offset ${offset + limit}` : ''}`);
  });
}

async function show(rt: CliRuntime, cmd: CommandUnknownOpts, ip: string, o: { events: string; json?: boolean }): Promise<void> {
  const check = new FlagCheck();
  const events = check.int('--events', o.events, { min: 0, max: 10_000 })!;
  if (isIP(ip) === 0) check.add({ where: '<ip>', value: ip, message: 'not an IP address', allowed: 'an IPv4 or IPv6 address' });
  check.done();
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const r = await ctx.threat.queries.attacker(ip, { events, detections: 100 });
    if (!r) throw new LnmtError('LNMT_ERR_NOT_FOUND', `no attacker profile for ${ip}`, { details: [{ where: '<ip>', value: ip, message: 'this address has not touched a honeypot', allowed: 'an IP from `lnmt threats top`' }] });
    if (o.json) return rt.json({ attacker: r.attacker, detections: r.detections.map((d) => JSON.parse(d.body) as unknown), timeline: r.timeline });
    const a = r.attacker;
    rt.print(`${rt.c.bold(a.ip)}  score ${rt.c.bold(a.score.toFixed(1))}${a.rdns ? `  (${a.rdns})` : ''}`);
    if (a.device) rt.print(rt.c.red(`INTERNAL DEVICE #${a.device.id}: ${dash(a.device.hostname)} ${dash(a.device.mac)} ${dash(a.device.vendor)}, first seen ${dash(a.device.first_seen)}`));
    rt.print(`first seen ${shortTime(Date.parse(a.first_seen))}, last seen ${shortTime(Date.parse(a.last_seen))}, ${a.events} events on ${a.sensors.join(', ')}`);
    rt.print(`services ${a.services.join(', ') || '-'}; ports ${a.port_list.slice(0, 30).join(', ') || '-'}${a.port_list.length > 30 ? ', ...' : ''}`);
    if (a.credentials.length) rt.print(`credentials tried (latest ${Math.min(10, a.credentials.length)} of ${a.counts.auths}): ${a.credentials.slice(-10).join('  ')}`);
    if (a.commands.length) rt.print(`commands: ${a.commands.slice(-10).map((c) => `\n  $ ${c}`).join('')}`);
    if (a.uploads.length) rt.print(`uploads: ${a.uploads.join(', ')}`);
    if (a.network) rt.print(`network ${a.network.key}: ${a.network.sources} source(s), score ${a.network.score}`);
    rt.print();
    rt.print(rt.c.bold(`detections (${r.detections.length})`));
    for (const d of r.detections) {
      const body = JSON.parse(d.body) as { data: { summary: string } };
      rt.print(`${shortTime(Number(d.time))}  ${d.severity.toUpperCase().padEnd(8)} ${d.rule.padEnd(20)} ${body.data.summary}`);
    }
    rt.print();
    rt.print(rt.c.bold(`latest events (${r.timeline.length})`));
    for (const e of r.timeline) {
      const d = e.data as unknown as Record<string, unknown>;
      const what = e.type === 'honeypot.auth' ? `${d.service} login ${d.username}/${d.password ?? d.fingerprint ?? ''} ${d.success ? 'ACCEPTED' : 'failed'}` : e.type === 'honeypot.command' ? `$ ${d.input}` : e.type === 'honeypot.connect' ? `${d.service} connect :${d.decoy ?? d.dst_port}` : e.type;
      rt.print(`${rt.c.dim(e.time.replace('T', ' ').slice(0, 23))}  ${what}`);
    }
  });
}

async function campaigns(rt: CliRuntime, cmd: CommandUnknownOpts, o: { kind?: string; limit: string; json?: boolean }): Promise<void> {
  const check = new FlagCheck();
  const limit = check.int('--limit', o.limit, { min: 1, max: 1000 })!;
  if (o.kind !== undefined && !(KINDS as readonly string[]).includes(o.kind)) check.add({ where: '--kind', value: o.kind, message: 'unknown campaign kind', allowed: KINDS.join(', ') });
  check.done();
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const { items, total } = await ctx.threat.queries.campaigns({ kind: o.kind, sort: 'last_seen', limit, offset: 0 });
    if (o.json) return rt.json({ total, items });
    if (items.length === 0) return rt.print('no campaigns yet');
    const now = Date.now();
    rt.print(
      renderTable(
        ['ID', 'KIND', 'SHARED', 'MEMBERS', 'SENSORS', 'SCORE', 'FIRST SEEN', 'LAST SEEN', 'SOURCES'].map((h) => rt.c.bold(h)),
        items.map((c) => [c.id.slice(0, 8), c.kind, c.key.length > 40 ? `${c.key.slice(0, 37)}...` : c.key, String(c.members), String(c.sensors.length), c.score.toFixed(1), ago(Date.parse(c.first_seen), now), ago(Date.parse(c.last_seen), now), c.sources.slice(0, 3).join(',') + (c.sources.length > 3 ? ',...' : '')]),
      ),
    );
    rt.note(`${items.length} of ${total} campaign(s)`);
  });
}
