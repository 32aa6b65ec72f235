import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { ChannelView } from '../../notify/channel-catalog.js';
import type { TestResult } from '../../notify/notification-service.js';
import type { NotifyDeliveryRow } from '../../store/tables/notify.js';
import { FlagCheck } from '../flags.js';
import { dash, renderTable, shortTime } from '../format.js';
import type { CliRuntime, CommandGroup } from '../runtime.js';

/** Same lists as the notifier registry and the config schema (kept here so `--help` loads neither). */
const TYPES = ['webhook', 'slack', 'discord', 'email', 'syslog', 'log'] as const;
const SEVERITIES = ['info', 'notice', 'warning', 'critical'] as const;
const STATUSES = ['sent', 'failed', 'suppressed'] as const;
const MAX_LOG_LIMIT = 1000;

/** Repeatable flags; no default, so `--help` shows none. */
const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];
/** `a,b` and repeated flags both give lists. */
const split = (vals: string[] | undefined) => (vals ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

interface AddOpts {
  type: string;
  url?: string;
  secret?: string;
  header?: string[];
  host?: string;
  port?: string;
  security?: string;
  user?: string;
  password?: string;
  from?: string;
  to?: string[];
  transport?: string;
  facility?: string;
  events?: string[];
  minSeverity?: string;
  devices?: string[];
  tags?: string[];
  disabled?: boolean;
  json?: boolean;
}

/** Settings field → the flag that sets it, so errors name what the user typed. */
const FLAG_OF: Record<string, string> = {
  name: '<name>', type: '--type', 'settings.url': '--url', 'settings.secret': '--secret', 'settings.headers': '--header', 'settings.host': '--host',
  'settings.port': '--port', 'settings.security': '--security', 'settings.user': '--user', 'settings.password': '--password',
  'settings.from': '--from', 'settings.to': '--to', 'settings.transport': '--transport', 'settings.facility': '--facility',
  'filter.events': '--events', 'filter.minSeverity': '--min-severity', 'filter.devices': '--devices', 'filter.tags': '--tags',
};

/** `settings.headers.X-Token` → `--header`, `filter.devices[2]` → `--devices`. */
export function flagFor(where: string): string {
  const base = where.replace(/\[\d+\]$/, '');
  if (FLAG_OF[base]) return FLAG_OF[base]!;
  const parent = base.split('.').slice(0, 2).join('.');
  return FLAG_OF[parent] ?? where;
}

/** `lnmt notify channels list|add|remove`, `lnmt notify test`, `lnmt notify log`. */
export const notifyCommands: CommandGroup = {
  name: 'notify',
  register(program, rt) {
    const notify = program.command('notify').description('notification channels (webhook, Slack, Discord, e-mail, syslog, log), test messages and the delivery log');
    const channels = notify.command('channels').description('list, add and remove notification channels');

    channels
      .command('list')
      .alias('ls')
      .description('list channels (secrets masked), from the store and the config file')
      .option('--json', 'print the channels as JSON')
      .action(async (opts, cmd) => list(rt, cmd as unknown as CommandUnknownOpts, opts));

    channels
      .command('add')
      .description('add a channel; settings depend on --type (a running server picks it up within 5 s)')
      .argument('<name>', 'unique channel name (letters, digits, . _ -)')
      .requiredOption('--type <type>', `channel type: ${TYPES.join(', ')}`)
      .option('--url <url>', 'webhook, slack, discord: the http(s) URL to POST to (redirects are never followed)')
      .option('--secret <key>', 'webhook: HMAC-SHA256 signing key (X-Lnmt-Signature header)')
      .option('--header <"Name: value">', 'webhook: extra header (repeatable)', collect)
      .option('--host <host>', 'email: SMTP server; syslog: receiver')
      .option('--port <port>', 'email: default by --security (465, 587, 25); syslog: default 514')
      .option('--security <mode>', 'email: starttls (default), tls or none')
      .option('--user <user>', 'email: SMTP login (with --password)')
      .option('--password <password>', 'email: SMTP password')
      .option('--from <address>', 'email: sender, e.g. "LNMT <lnmt@example.org>"')
      .option('--to <address>', 'email: recipient (repeatable or comma-separated)', collect)
      .option('--transport <proto>', 'syslog: udp (default) or tcp')
      .option('--facility <name>', 'syslog: facility name or number (default local0)')
      .option('--events <types>', 'only these event types, e.g. check.*,device.discovered (repeatable)', collect)
      .option('--min-severity <level>', `only alerts at least this severe: ${SEVERITIES.join(', ')}`)
      .option('--devices <refs>', 'only alerts about these devices: ids, IPs or MACs (repeatable or comma-separated)', collect)
      .option('--tags <tags>', 'only alerts carrying one of these check tags (repeatable or comma-separated)', collect)
      .option('--disabled', 'add it switched off')
      .option('--json', 'print the new channel as JSON')
      .addHelpText('after', '\nSecrets given as flags may stay in your shell history; the API (POST /api/notifications/channels) avoids that.')
      .action(async (name, opts, cmd) => add(rt, cmd as unknown as CommandUnknownOpts, name, opts as AddOpts));

    channels
      .command('remove')
      .alias('rm')
      .description('remove a channel (its delivery log stays)')
      .argument('<id|name>', 'channel id or name')
      .option('--json', 'print the removed channel as JSON')
      .action(async (ref, opts, cmd) => remove(rt, cmd as unknown as CommandUnknownOpts, ref, opts));

    notify
      .command('test')
      .description('send a test message to a channel now and print the delivery result (exit 1 when it failed)')
      .argument('<channel>', 'channel id or name')
      .option('--json', 'print {channel, status, attempts, latency_ms, detail, error} as JSON')
      .action(async (ref, opts, cmd) => test(rt, cmd as unknown as CommandUnknownOpts, ref, opts));

    notify
      .command('log')
      .description('the delivery log, newest first: sent, failed (after retries) and suppressed (throttled) alerts')
      .option('--channel <id|name>', 'only this channel')
      .option('--status <status>', `only this status: ${STATUSES.join(', ')}`)
      .option('--rule <id>', 'only this alert rule (or test)')
      .option('--limit <n>', `entries (1..${MAX_LOG_LIMIT})`, '50')
      .option('--offset <n>', 'skip this many entries', '0')
      .option('--json', 'print {total, limit, offset, items} as JSON')
      .action(async (opts, cmd) => log(rt, cmd as unknown as CommandUnknownOpts, opts));
  },
};

/** One line naming where a channel delivers, without secrets. */
function target(c: ChannelView): string {
  const s = c.settings;
  switch (c.type) {
    case 'email':
      return `${String(s.host)}:${String(s.port)} → ${Array.isArray(s.to) ? s.to.join(', ') : ''}`;
    case 'syslog':
      return `${String(s.transport)}://${String(s.host)}:${String(s.port)}`;
    case 'log':
      return 'process log';
    default:
      return typeof s.url === 'string' ? s.url : '-';
  }
}

function filterText(c: ChannelView): string {
  const f = c.filter;
  const parts = [f.events?.length ? f.events.join(',') : null, f.minSeverity ? `>=${f.minSeverity}` : null, f.devices?.length ? `devices:${f.devices.join(',')}` : null, f.tags?.length ? `tags:${f.tags.join(',')}` : null];
  return parts.filter(Boolean).join(' ') || 'all';
}

async function list(rt: CliRuntime, cmd: CommandUnknownOpts, o: { json?: boolean }): Promise<void> {
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const views = (await ctx.notify.channels.list()).map((d) => ctx.notify.view(d));
    if (o.json) return rt.json(views);
    if (views.length === 0) {
      rt.print('no notification channels (add one with `lnmt notify channels add <name> --type ...`)');
      return;
    }
    rt.print(
      renderTable(
        ['NAME', 'TYPE', 'ENABLED', 'SOURCE', 'TARGET', 'FILTER', 'ID', 'PROBLEM'].map((h) => rt.c.bold(h)),
        views.map((c) => [c.name, c.type, c.enabled ? 'yes' : rt.c.yellow('no'), c.source, target(c), filterText(c), c.id, c.problem ? rt.c.red(c.problem) : '-']),
      ),
    );
  });
}

async function add(rt: CliRuntime, cmd: CommandUnknownOpts, name: string, o: AddOpts): Promise<void> {
  const check = new FlagCheck();
  const type = check.choice('--type', o.type, TYPES);
  const settings: Record<string, unknown> = {};
  // Only the flags given become settings: the channel type says which it needs and which it does not know.
  for (const key of ['url', 'secret', 'host', 'security', 'user', 'password', 'from', 'transport', 'facility'] as const) {
    if (o[key] !== undefined) settings[key] = o[key];
  }
  if (o.port !== undefined) settings.port = check.int('--port', o.port, { min: 1, max: 65535 });
  if (o.to) settings.to = split(o.to);
  if (o.header) {
    const headers: Record<string, string> = {};
    for (const h of o.header) {
      const i = h.indexOf(':');
      if (i <= 0) check.add({ where: '--header', value: h, message: 'not a header', allowed: '"Name: value"' });
      else headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
    }
    settings.headers = headers;
  }
  const filter: Record<string, unknown> = {};
  if (o.events) filter.events = split(o.events);
  if (o.minSeverity !== undefined) filter.minSeverity = check.choice('--min-severity', o.minSeverity, SEVERITIES);
  if (o.devices) filter.devices = split(o.devices);
  if (o.tags) filter.tags = split(o.tags);
  check.done();
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const def = await ctx.notify.channels.create({ name, type: type!, enabled: !o.disabled, settings, filter }, flagFor);
    const view = ctx.notify.view(def);
    if (o.json) return rt.json(view);
    rt.print(`added ${view.type} channel "${view.name}" (id ${view.id})${view.enabled ? '' : ', disabled'}: ${target(view)}`);
    rt.note(`try it: lnmt notify test ${view.name}`);
  });
}

async function remove(rt: CliRuntime, cmd: CommandUnknownOpts, ref: string, o: { json?: boolean }): Promise<void> {
  const check = new FlagCheck();
  check.text('<id|name>', ref, 100);
  check.done();
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const def = await ctx.notify.channels.remove(ref, '<id|name>');
    if (o.json) return rt.json(ctx.notify.view(def));
    rt.print(`removed ${def.type} channel "${def.name}" (id ${def.id})`);
  });
}

async function test(rt: CliRuntime, cmd: CommandUnknownOpts, ref: string, o: { json?: boolean }): Promise<void> {
  const check = new FlagCheck();
  check.text('<channel>', ref, 100);
  check.done();
  const loaded = await rt.loadConfig(cmd);
  const r: TestResult = await rt.withContext(loaded, { persistEvents: false }, (ctx) => ctx.notify.test(ref, '<channel>'));
  if (r.status === 'failed') rt.exitCode = 1;
  if (o.json) return rt.json(r);
  const fields: Array<[string, string]> = [
    ['channel', `${r.channel.name} (${r.channel.type}, ${r.channel.id})`],
    ['status', r.status === 'sent' ? rt.c.green('sent') : rt.c.red('failed')],
    ['attempts', String(r.attempts)],
    ['latency', `${Math.round(r.latency_ms)} ms`],
    ['detail', dash(r.detail)],
    ['error', dash(r.error)],
  ];
  for (const [k, v] of fields) rt.print(`${rt.c.bold(`${k}:`.padEnd(10))}${v}`);
}

interface LogOpts {
  channel?: string;
  status?: string;
  rule?: string;
  limit: string;
  offset: string;
  json?: boolean;
}

async function log(rt: CliRuntime, cmd: CommandUnknownOpts, o: LogOpts): Promise<void> {
  const check = new FlagCheck();
  const status = check.choice('--status', o.status, STATUSES);
  const limit = check.int('--limit', o.limit, { min: 1, max: MAX_LOG_LIMIT }) ?? 50;
  const offset = check.int('--offset', o.offset, { min: 0, max: Number.MAX_SAFE_INTEGER }) ?? 0;
  const channel = check.text('--channel', o.channel, 100);
  const rule = check.text('--rule', o.rule, 64);
  check.done();
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const channelId = channel === undefined ? undefined : ((await ctx.notify.channels.find(channel))?.id ?? channel);
    const { items, total } = await ctx.notify.deliveries({ limit, offset, channelId, status, rule });
    if (o.json) return rt.json({ total, limit, offset, items: items.map((r) => ({ ...r, time: new Date(r.time).toISOString() })) });
    if (items.length === 0) {
      rt.print(total === 0 ? 'no deliveries logged' : `no entries at offset ${offset} (${total} in total)`);
      return;
    }
    rt.print(
      renderTable(
        ['TIME (UTC)', 'CHANNEL', 'RULE', 'STATUS', 'TRIES', 'LATENCY', 'KEY', 'RESULT'].map((h) => rt.c.bold(h)),
        items.map((r: NotifyDeliveryRow) => [shortTime(r.time), r.channel_name, r.rule, statusText(rt, r.status), String(r.attempts), r.latency_ms === null ? '-' : `${Math.round(r.latency_ms)} ms`, r.alert_key, dash(r.error ?? r.detail)]),
      ),
    );
    const last = offset + items.length;
    rt.print(rt.c.dim(`${offset + 1}-${last} of ${total}${last < total ? ` (next page: --offset ${last})` : ''}`));
  });
}

function statusText(rt: CliRuntime, s: string): string {
  return s === 'sent' ? rt.c.green(s) : s === 'failed' ? rt.c.red(s) : rt.c.yellow(s);
}

