import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { AppContext } from '../../app/context.js';
import { isLnmtError, LnmtError } from '../../core/errors.js';
import type { CheckRow } from '../../store/tables/monitor.js';
import { FlagCheck } from '../flags.js';
import { ago, dash, renderTable, rtt } from '../format.js';
import type { CliRuntime, CommandGroup } from '../runtime.js';
import { findDevice, parseRef } from './devices.js';

/** Kept here so `--help` does not load the monitor. */
const TYPES = ['icmp', 'tcp', 'http', 'dns', 'presence'] as const;
const STATES = ['up', 'down', 'unknown'] as const;

interface AddOpts {
  name?: string;
  device?: string;
  interval?: string;
  timeout?: string;
  retries?: string;
  param: string[];
  params?: string;
  tag: string[];
  disabled?: boolean;
  json?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** `lnmt checks list|add|show|remove|run`: health checks from the terminal. */
export const checksCommands: CommandGroup = {
  name: 'checks',
  register(program, rt) {
    const checks = program.command('checks').description('list, add, show, remove and run health checks (ICMP, TCP, HTTP(S), DNS, device presence)');

    checks
      .command('list')
      .alias('ls')
      .description('list checks with their state, last result and 24 h uptime')
      .option('--type <type>', `only this type: ${TYPES.join(', ')}`)
      .option('--state <state>', `only checks in this state: ${STATES.join(', ')}`)
      .option('--device <id|ip>', 'only checks attached to this device')
      .option('--tag <tag>', 'only checks with this tag')
      .option('--json', 'print {total, items} as JSON')
      .action(async (opts, cmd) => list(rt, cmd as unknown as CommandUnknownOpts, opts));

    checks
      .command('add')
      .description('add a check; a running server starts it within 5 s')
      .argument('<type>', `check type: ${TYPES.join(', ')}`)
      .argument('[target]', 'what to check: host or IP (icmp), host:port (tcp), URL (http), name (dns); default: the --device')
      .option('--name <name>', 'a unique name (default: "<type> <target>")')
      .option('--device <id|ip>', 'attach to a device of the inventory (its uptime then includes this check)')
      .option('--interval <duration>', 'how often: 30s, 5m, 1h (default: monitor.defaults.intervalSec)')
      .option('--timeout <ms>', 'give up after this many ms (default: monitor.defaults.timeoutMs)')
      .option('--retries <n>', 'failures after the first before the check is down (default: monitor.defaults.retries)')
      .option('--param <key=value>', 'a type parameter, repeatable (e.g. --param keyword=ok --param maxResponseMs=500)', collect, [] as string[])
      .option('--params <json>', 'all type parameters as a JSON object')
      .option('--tag <tag>', 'a tag, repeatable', collect, [] as string[])
      .option('--disabled', 'store it without running it')
      .option('--json', 'print the check as JSON')
      .addHelpText('after', [
        '',
        'Parameters per type (see the README for all):',
        '  http      method, expectStatus (a JSON list: \'["200-299",301]\'), keyword, notKeyword, jsonPath + expectedValue,',
        '            maxResponseMs, followRedirects, maxRedirects, tlsVerify, ca, headers, body, certWarningDays',
        '  dns       recordType (A, AAAA, MX, TXT, ...), server (ip[:port]), expected (a JSON list), match (all, any, exact)',
        '  tcp       send, expect',
        '  icmp      count',
        '  presence  maxAgeSec',
        '',
        'Examples:',
        '  lnmt checks add http https://intranet.example/health --param keyword=ok --interval 30s',
        '  lnmt checks add tcp 192.0.2.10:22 --retries 3',
        '  lnmt checks add presence --device 192.0.2.10',
      ].join('\n'))
      .action(async (type, target, opts, cmd) => add(rt, cmd as unknown as CommandUnknownOpts, type, target, opts as AddOpts));

    checks
      .command('show')
      .description('one check: definition, uptime over 24h/7d/30d and its newest results')
      .argument('<id|name>')
      .option('--json', 'print as JSON')
      .action(async (ref, opts, cmd) => show(rt, cmd as unknown as CommandUnknownOpts, ref, opts));

    checks
      .command('remove')
      .alias('rm')
      .description('remove a check with its results and history')
      .argument('<id|name>')
      .option('--json', 'print the removed check as JSON')
      .action(async (ref, opts, cmd) => remove(rt, cmd as unknown as CommandUnknownOpts, ref, opts));

    checks
      .command('run')
      .description('run checks now (in this process) and print the results; they are stored like scheduled runs')
      .argument('[id|name...]', 'checks to run (default: every enabled check, or those matching --type/--tag/--device)')
      .option('--type <type>', 'only this type')
      .option('--tag <tag>', 'only checks with this tag')
      .option('--device <id|ip>', 'only checks of this device')
      .option('--json', 'print the results as JSON')
      .action(async (refs, opts, cmd) => run(rt, cmd as unknown as CommandUnknownOpts, refs, opts));
  },
};

/** `30`, `30s`, `5m`, `1h` → seconds. */
function parseInterval(check: FlagCheck, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d{1,6})(s|m|h|d)?$/.exec(raw.trim());
  const sec = m ? Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's'] : NaN;
  if (!(sec >= 1 && sec <= 86400)) {
    check.add({ where: '--interval', value: raw, message: 'not a usable interval', allowed: 'a duration from 1s to 1d: a number of seconds, or with a unit s, m, h, d (e.g. 30s, 5m)' });
    return undefined;
  }
  return sec;
}

/** `key=value` → a parameter; values that parse as JSON (numbers, booleans, lists) are taken as such. */
function parseParams(check: FlagCheck, pairs: string[], json: string | undefined): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  if (json !== undefined) {
    try {
      const v = JSON.parse(json) as unknown;
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
      out = v as Record<string, unknown>;
    } catch (e) {
      check.add({ where: '--params', value: json, message: `not a JSON object (${(e as Error).message})`, allowed: 'a JSON object, e.g. {"expectStatus":"200-299"}' });
    }
  }
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) {
      check.add({ where: '--param', value: p, message: 'not key=value', allowed: 'key=value, e.g. keyword=ok' });
      continue;
    }
    const key = p.slice(0, eq);
    const raw = p.slice(eq + 1);
    let value: unknown = raw;
    if (/^(-?\d+(\.\d+)?|true|false|null|\[.*\]|\{.*\})$/s.test(raw.trim())) {
      try {
        value = JSON.parse(raw);
      } catch {
        value = raw;
      }
    }
    (out ??= {})[key] = value;
  }
  return out;
}

/** Error fields as the CLI user typed them: `intervalSec` → `--interval`, `params.keyword` → `--param keyword`. */
function toFlags(err: unknown): never {
  if (isLnmtError(err)) {
    const map: Record<string, string> = { name: '--name', type: '<type>', target: '[target]', deviceId: '--device', intervalSec: '--interval', timeoutMs: '--timeout', retries: '--retries', tags: '--tag', enabled: '--disabled' };
    for (const d of err.details) {
      if (d.where.startsWith('params.')) d.where = `--param ${d.where.slice(7)}`;
      else if (d.where === 'params') d.where = '--params';
      else d.where = map[d.where.replace(/\.\d+$/, '')] ?? d.where;
    }
  }
  throw err;
}

async function deviceFilter(ctx: AppContext, raw: string | undefined): Promise<number | undefined> {
  if (raw === undefined) return undefined;
  return Number((await findDevice(ctx, await parseRef(raw))).id);
}

async function list(rt: CliRuntime, cmd: CommandUnknownOpts, o: { type?: string; state?: string; device?: string; tag?: string; json?: boolean }): Promise<void> {
  const check = new FlagCheck();
  const state = check.choice('--state', o.state, STATES);
  const tag = check.text('--tag', o.tag, 64);
  check.done();
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const { rows, total } = await ctx.repos.checks.list({ type: o.type, state, tag, deviceId: await deviceFilter(ctx, o.device), limit: 10_000, offset: 0 });
    const uptimes = await ctx.monitor.history.checkUptimes(86_400_000, rows.map((r) => r.id));
    const { checkView } = await import('../../views/check-view.js');
    if (o.json) return rt.json({ total, items: rows.map((r) => checkView(r, uptimes.get(r.id) ?? null)) });
    if (rows.length === 0) {
      rt.print('no checks (add one with `lnmt checks add <type> <target>`)');
      return;
    }
    const now = Date.now();
    rt.print(
      renderTable(
        ['NAME', 'TYPE', 'TARGET', 'STATE', 'LAST RUN', 'LATENCY', 'UPTIME 24H', 'EVERY', 'MESSAGE'].map((h) => rt.c.bold(h)),
        rows.map((r) => [r.name, r.type, r.target, stateText(rt, r), ago(r.last_run_at, now), rtt(r.last_latency_ms), pct(uptimes.get(r.id) ?? null), every(r.interval_ms), dash(r.last_message)]),
      ),
    );
    rt.note(`${total} check(s); ${rows.filter((r) => r.state === 'down').length} down`);
  });
}

function stateText(rt: CliRuntime, r: Pick<CheckRow, 'state' | 'enabled' | 'flapping'>): string {
  if (Number(r.enabled) !== 1) return rt.c.dim('disabled');
  const s = r.state === 'up' ? rt.c.green('up') : r.state === 'down' ? rt.c.red('down') : rt.c.yellow('unknown');
  return Number(r.flapping) === 1 ? `${s} ${rt.c.yellow('(flapping)')}` : s;
}

export function pct(v: number | null): string {
  return v === null ? '-' : `${v >= 99.995 ? '100' : v.toFixed(2)}%`;
}

function every(ms: number): string {
  const s = ms / 1000;
  return s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`;
}

async function add(rt: CliRuntime, cmd: CommandUnknownOpts, type: string, target: string | undefined, o: AddOpts): Promise<void> {
  const check = new FlagCheck();
  const name = check.text('--name', o.name, 120);
  const intervalSec = parseInterval(check, o.interval);
  const timeoutMs = check.int('--timeout', o.timeout, { min: 10, max: 120000 });
  const retries = check.int('--retries', o.retries, { min: 0, max: 100 });
  const params = parseParams(check, o.param, o.params);
  check.done();
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: true }, async (ctx) => {
    const deviceId = await deviceFilter(ctx, o.device);
    const row = await ctx.monitor
      .create({
        type,
        ...(target !== undefined ? { target } : {}),
        ...(name !== undefined ? { name } : {}),
        ...(deviceId !== undefined ? { deviceId } : {}),
        ...(params !== undefined ? { params } : {}),
        ...(intervalSec !== undefined ? { intervalSec } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(retries !== undefined ? { retries } : {}),
        ...(o.tag.length > 0 ? { tags: o.tag } : {}),
        ...(o.disabled ? { enabled: false } : {}),
      })
      .catch(toFlags);
    const { checkView } = await import('../../views/check-view.js');
    if (o.json) return rt.json(checkView(row));
    rt.print(`added check "${row.name}" (id ${row.id}): ${row.type} ${row.target} every ${every(row.interval_ms)}`);
    rt.note(o.disabled ? 'disabled: it will not run until enabled' : 'a running `lnmt serve` picks it up within 5 s; `lnmt checks run` runs it now');
  });
}

async function show(rt: CliRuntime, cmd: CommandUnknownOpts, ref: string, o: { json?: boolean }): Promise<void> {
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const row = await ctx.monitor.find(ref);
    await ctx.monitor.maintain();
    const DAY = 86_400_000;
    const summary: Record<string, Awaited<ReturnType<typeof ctx.monitor.history.checkSummary>>> = {};
    for (const [label, ms] of [['24h', DAY], ['7d', 7 * DAY], ['30d', 30 * DAY]] as const) summary[label] = await ctx.monitor.history.checkSummary(row.id, ms);
    const recent = await ctx.repos.checkResults.recent(row.id, 10);
    const { checkView, checkResultView } = await import('../../views/check-view.js');
    if (o.json) return rt.json({ check: checkView(row), summary, recent: recent.map(checkResultView) });
    const now = Date.now();
    const fields: Array<[string, string]> = [
      ['id', row.id],
      ['name', row.name],
      ['type', row.type],
      ['target', row.target],
      ['device', dash(row.device_id)],
      ['state', `${stateText(rt, row)} since ${ago(row.state_since, now)}`],
      ['every', `${every(row.interval_ms)}, timeout ${row.timeout_ms} ms, down after ${Number(row.retries) + 1} failure(s)`],
      ['params', row.params],
      ['tags', (JSON.parse(row.tags) as string[]).join(', ') || '-'],
    ];
    for (const [k, v] of fields) rt.print(`${rt.c.bold(k.padEnd(8))} ${v}`);
    rt.print();
    rt.print(renderTable(['WINDOW', 'UPTIME', 'RESULTS', 'DOWN', 'LAT AVG', 'LAT P95', 'LAT MAX'].map((h) => rt.c.bold(h)), Object.entries(summary).map(([w, s]) => [w, pct(s.uptime), String(s.total), String(s.down), rtt(s.latency.avg), rtt(s.latency.p95), rtt(s.latency.max)])));
    rt.print();
    rt.print(renderTable(['WHEN', 'RESULT', 'LATENCY', 'MESSAGE'].map((h) => rt.c.bold(h)), recent.map((r) => [ago(r.time, now), Number(r.ok) === 1 ? rt.c.green('ok') : rt.c.red('fail'), rtt(r.latency_ms), dash(r.message)])));
  });
}

async function remove(rt: CliRuntime, cmd: CommandUnknownOpts, ref: string, o: { json?: boolean }): Promise<void> {
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const row = await ctx.monitor.remove(ref);
    const { checkView } = await import('../../views/check-view.js');
    if (o.json) return rt.json(checkView(row));
    rt.print(`removed check "${row.name}" (id ${row.id}) with its results and history`);
  });
}

async function run(rt: CliRuntime, cmd: CommandUnknownOpts, refs: string[], o: { type?: string; tag?: string; device?: string; json?: boolean }): Promise<void> {
  const check = new FlagCheck();
  const tag = check.text('--tag', o.tag, 64);
  check.done();
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: true }, async (ctx) => {
    const ids: string[] = [];
    for (const r of refs) ids.push((await ctx.monitor.find(r)).id);
    const deviceId = await deviceFilter(ctx, o.device);
    const summary = await ctx.monitor.runChecks({ ...(ids.length ? { ids } : {}), ...(o.type ? { type: o.type } : {}), ...(tag ? { tags: [tag] } : {}), ...(deviceId !== undefined ? { deviceId } : {}) });
    if (summary.ran === 0) throw new LnmtError('LNMT_ERR_NOT_FOUND', 'no enabled check matches', { details: [{ where: refs.length ? '[id|name...]' : '--type/--tag/--device', message: 'nothing to run', allowed: 'see `lnmt checks list`' }] });
    const rows = ids.length ? await Promise.all(ids.map((id) => ctx.repos.checks.get(id))) : (await ctx.repos.checks.list({ type: o.type, tag, deviceId, enabled: true, limit: 10_000, offset: 0 })).rows;
    const done = rows.filter((r): r is CheckRow => r !== undefined);
    const { checkView } = await import('../../views/check-view.js');
    if (o.json) return rt.json({ ...summary, items: done.map((r) => checkView(r)) });
    rt.print(renderTable(['NAME', 'RESULT', 'STATE', 'LATENCY', 'MESSAGE'].map((h) => rt.c.bold(h)), done.map((r) => [r.name, Number(r.last_ok) === 1 ? rt.c.green('ok') : rt.c.red('fail'), stateText(rt, r), rtt(r.last_latency_ms), dash(r.last_message)])));
    rt.note(`${summary.ran} run in ${summary.durationMs} ms: ${summary.up} ok, ${summary.down} failed`);
    if (summary.down > 0) rt.exitCode = 1;
  });
}
