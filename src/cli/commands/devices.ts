import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { AppContext } from '../../app/context.js';
import { LnmtError } from '../../core/errors.js';
import type { DeviceFilter, DeviceListQuery } from '../../store/repositories/device-repo.js';
import type { DeviceRow } from '../../store/schema.js';
import { DEVICE_CSV_HEADER, deviceCsv, deviceView, historyView } from '../device-view.js';
import { FlagCheck } from '../flags.js';
import { ago, dash, renderTable, rtt, shortTime } from '../format.js';
import { writeAsync, type CliStream } from '../io.js';
import type { CliRuntime, CommandGroup } from '../runtime.js';
import { DEVICE_STATUSES } from '../../core/events.js';

const STATUSES = DEVICE_STATUSES;
/** Same list as DEVICE_SORTS in the device repository (kept here so `--help` does not load the store). */
const SORTS = ['ip', 'hostname', 'vendor', 'status', 'last_seen', 'first_seen', 'rtt_ms', 'mac'] as const;
const MAX_LIMIT = 10_000;
const HISTORY_ROWS = 20;

interface FilterOpts {
  status?: string;
  vendor?: string;
  subnet?: string;
  search?: string;
}

/** `lnmt devices list|show|add|remove|export`: the inventory from the terminal. */
export const devicesCommands: CommandGroup = {
  name: 'devices',
  register(program, rt) {
    const devices = program.command('devices').description('list, show, add, remove and export devices of the inventory');

    withFilters(devices.command('list').description('list devices (filtered, sorted, paged)'))
      .option('--sort <field>', `sort by: ${SORTS.join(', ')}`, 'ip')
      .option('--order <dir>', 'asc or desc', 'asc')
      .option('--limit <n>', `devices per page (1..${MAX_LIMIT})`, '100')
      .option('--offset <n>', 'skip this many devices', '0')
      .option('--json', 'print {total, limit, offset, items} as JSON')
      .option('--csv', 'print CSV with a header line')
      .action(async (opts, cmd) => list(rt, cmd as unknown as CommandUnknownOpts, opts as FilterOpts & ListOpts));

    devices
      .command('show')
      .description('show one device and its recent status history')
      .argument('<id|ip>', 'device id or IP address')
      .option('--json', 'print {device, history} as JSON')
      .action(async (ref, opts, cmd) => show(rt, cmd as unknown as CommandUnknownOpts, ref, opts));

    devices
      .command('add')
      .description('add a device by hand (status unknown until a scan sees it)')
      .argument('<ip>', 'IPv4 or IPv6 address')
      .option('--mac <mac>', 'MAC address (aa:bb:cc:dd:ee:ff, aa-bb-..., aabb.ccdd.eeff)')
      .option('--hostname <name>', 'host name')
      .option('--name <label>', 'your label for the device')
      .option('--notes <text>', 'free-text notes')
      .option('--json', 'print the new device as JSON')
      .action(async (ip, opts, cmd) => add(rt, cmd as unknown as CommandUnknownOpts, ip, opts));

    devices
      .command('remove')
      .alias('rm')
      .description('remove a device and its history from the inventory')
      .argument('<id|ip>', 'device id or IP address')
      .option('--json', 'print the removed device as JSON')
      .action(async (ref, opts, cmd) => remove(rt, cmd as unknown as CommandUnknownOpts, ref, opts));

    withFilters(devices.command('export').description('export every device (streamed, any inventory size)'))
      .option('--format <format>', 'csv or json', 'csv')
      .option('-o, --output <file>', 'write to this file instead of stdout')
      .action(async (opts, cmd) => exportDevices(rt, cmd as unknown as CommandUnknownOpts, opts as FilterOpts & ExportOpts));
  },
};

function withFilters<C extends CommandUnknownOpts>(cmd: C): C {
  cmd
    .option('--status <status>', `only devices with this status: ${STATUSES.join(', ')}`)
    .option('--vendor <text>', 'vendor name contains this text (case-insensitive)')
    .option('--subnet <cidr>', 'only addresses inside this CIDR, e.g. 192.168.1.0/24')
    .option('-q, --search <text>', 'text found in ip, mac, hostname, vendor, name or notes');
  return cmd;
}

async function checkFilters(check: FlagCheck, o: FilterOpts): Promise<DeviceFilter> {
  const f: DeviceFilter = {};
  f.status = check.choice('--status', o.status, STATUSES);
  f.vendor = o.vendor === undefined ? undefined : check.text('--vendor', o.vendor, 200);
  f.q = o.search === undefined ? undefined : check.text('--search', o.search, 200);
  if (o.subnet !== undefined) {
    const { parseSubnet, SUBNET_ALLOWED } = await import('../../core/ip.js');
    const subnet = parseSubnet(o.subnet);
    if (subnet) f.subnet = subnet;
    else check.add({ where: '--subnet', value: o.subnet, message: 'not a CIDR', allowed: SUBNET_ALLOWED });
  }
  return f;
}

interface ListOpts {
  sort: string;
  order: string;
  limit: string;
  offset: string;
  json?: boolean;
  csv?: boolean;
}

async function list(rt: CliRuntime, cmd: CommandUnknownOpts, o: FilterOpts & ListOpts): Promise<void> {
  const check = new FlagCheck();
  const filter = await checkFilters(check, o);
  const q: DeviceListQuery = {
    ...filter,
    sort: check.choice('--sort', o.sort, SORTS),
    order: check.choice('--order', o.order, ['asc', 'desc'] as const),
    limit: check.int('--limit', o.limit, { min: 1, max: MAX_LIMIT }) ?? 100,
    offset: check.int('--offset', o.offset, { min: 0, max: Number.MAX_SAFE_INTEGER }) ?? 0,
  };
  if (o.json && o.csv) check.add({ where: '--json/--csv', message: 'choose one output format', allowed: 'either --json or --csv' });
  check.done();
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const { items, total } = await ctx.repos.devices.list(q);
    if (o.json) return rt.json({ total, limit: q.limit, offset: q.offset, items: items.map(deviceView) });
    if (o.csv) {
      await writeAsync(rt.io.stdout, DEVICE_CSV_HEADER);
      for (const r of items) await writeAsync(rt.io.stdout, deviceCsv(r));
      return;
    }
    if (items.length === 0) {
      rt.print(total === 0 ? 'no devices' : `no devices at offset ${q.offset} (${total} in total)`);
      return;
    }
    const now = Date.now();
    rt.print(
      renderTable(
        ['ID', 'IP', 'STATUS', 'MAC', 'VENDOR', 'HOSTNAME', 'NAME', 'RTT', 'METHOD', 'LAST SEEN'].map((h) => rt.c.bold(h)),
        items.map((d) => [String(d.id), d.ip, statusText(rt, d.status), dash(d.mac), vendorText(d), dash(d.hostname), dash(d.name), rtt(d.rtt_ms), dash(d.method), ago(d.last_seen, now)]),
      ),
    );
    const last = q.offset + items.length;
    rt.print(rt.c.dim(`${q.offset + 1}-${last} of ${total} device${total === 1 ? '' : 's'}${last < total ? ` (next page: --offset ${last})` : ''}`));
  });
}

export function statusText(rt: CliRuntime, s: string): string {
  return s === 'online' ? rt.c.green(s) : s === 'offline' ? rt.c.red(s) : rt.c.yellow(s);
}

export function vendorText(d: { vendor: string | null; mac: string | null; mac_private: number | boolean }): string {
  if (d.mac_private === 1 || d.mac_private === true) return '(private MAC)';
  return dash(d.vendor ?? (d.mac ? '(unknown)' : null));
}

/** `<id|ip>` → a lookup, checked before the store is opened. */
export async function parseRef(ref: string): Promise<{ id: number } | { ip: string }> {
  if (/^\d+$/.test(ref) && Number(ref) <= Number.MAX_SAFE_INTEGER) return { id: Number(ref) };
  const { normalizeIp } = await import('../../core/ip.js');
  const ip = normalizeIp(ref);
  if (ip) return { ip };
  throw new LnmtError('LNMT_ERR_VALIDATION', `"${ref}" is neither a device id nor an IP address`, {
    details: [{ where: '<id|ip>', value: ref, message: 'not a device id or IP address', allowed: 'a device id (a number, see `lnmt devices list`) or an IPv4/IPv6 address' }],
  });
}

export async function findDevice(ctx: AppContext, ref: { id: number } | { ip: string }): Promise<DeviceRow> {
  const row = 'id' in ref ? await ctx.repos.devices.get(ref.id) : await ctx.repos.devices.getByIp(ref.ip);
  if (!row) throw new LnmtError('LNMT_ERR_NOT_FOUND', 'id' in ref ? `no device with id ${ref.id}` : `no device with IP ${ref.ip}`);
  return row;
}

async function show(rt: CliRuntime, cmd: CommandUnknownOpts, raw: string, o: { json?: boolean }): Promise<void> {
  const ref = await parseRef(raw);
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const d = await findDevice(ctx, ref);
    const history = await ctx.repos.devices.history(d.id, HISTORY_ROWS);
    if (o.json) return rt.json({ device: deviceView(d), history: history.map(historyView) });
    const fields: Array<[string, string]> = [
      ['id', String(d.id)],
      ['ip', d.ip],
      ['status', statusText(rt, d.status)],
      ['mac', dash(d.mac)],
      ['vendor', vendorText(d)],
      ['hostname', dash(d.hostname)],
      ['name', dash(d.name)],
      ['notes', dash(d.notes)],
      ['rtt', rtt(d.rtt_ms)],
      ['method', dash(d.method)],
      ['source', d.source],
      ['first seen', shortTime(d.first_seen)],
      ['last seen', `${shortTime(d.last_seen)}${d.last_seen ? ` (${ago(d.last_seen)})` : ''}`],
      ['last checked', shortTime(d.last_checked)],
    ];
    for (const [k, v] of fields) rt.print(`${rt.c.bold(`${k}:`.padEnd(14))}${v}`);
    rt.print();
    if (history.length === 0) {
      rt.print('no status history yet');
      return;
    }
    rt.print(rt.c.bold(`recent history (latest ${history.length}):`));
    rt.print(renderTable(['TIME (UTC)', 'STATUS', 'RTT', 'METHOD', 'SCAN'].map((h) => rt.c.bold(h)), history.map((h) => [shortTime(h.time), statusText(rt, h.status), rtt(h.rtt_ms), dash(h.method), dash(h.scan_id)])));
  });
}

interface AddOpts {
  mac?: string;
  hostname?: string;
  name?: string;
  notes?: string;
  json?: boolean;
}

async function add(rt: CliRuntime, cmd: CommandUnknownOpts, rawIp: string, o: AddOpts): Promise<void> {
  const check = new FlagCheck();
  const { normalizeIp } = await import('../../core/ip.js');
  const ip = normalizeIp(rawIp);
  if (!ip) check.add({ where: '<ip>', value: rawIp, message: 'not an IP address', allowed: 'an IPv4 address (192.168.1.10) or IPv6 address (fd00::10)' });
  if (o.mac !== undefined) {
    const { normalizeMac } = await import('../../inventory/oui.js');
    if (!normalizeMac(o.mac)) check.add({ where: '--mac', value: o.mac, message: 'not a MAC address', allowed: 'six hex octets: aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff or aabbccddeeff' });
  }
  if (o.hostname !== undefined && !/^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_][A-Za-z0-9_-]{0,62})*\.?$/.test(o.hostname)) {
    check.add({ where: '--hostname', value: o.hostname, message: 'not a host name', allowed: 'letters, digits, hyphens and dots, at most 253 characters' });
  }
  const name = check.text('--name', o.name, 200);
  const notes = o.notes === undefined ? undefined : o.notes.length <= 4000 ? o.notes : (check.add({ where: '--notes', value: `${o.notes.slice(0, 20)}...`, message: 'too long', allowed: 'at most 4000 characters' }), undefined);
  check.done();
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: true }, async (ctx) => {
    const row = await ctx.tracker.add({ ip: ip!, mac: o.mac ?? null, hostname: o.hostname ?? null, name: name ?? null, notes: notes ?? null }, 'device');
    if (o.json) return rt.json(deviceView(row));
    rt.print(`added device ${row.id}: ${row.ip}${row.mac ? ` (${row.mac}${row.vendor ? `, ${row.vendor}` : ''})` : ''}`);
  });
}

async function remove(rt: CliRuntime, cmd: CommandUnknownOpts, raw: string, o: { json?: boolean }): Promise<void> {
  const ref = await parseRef(raw);
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: true }, async (ctx) => {
    const d = await findDevice(ctx, ref);
    const row = await ctx.tracker.remove(d.id);
    if (o.json) return rt.json(deviceView(row));
    rt.print(`removed device ${row.id}: ${row.ip}${row.hostname ? ` (${row.hostname})` : ''}`);
  });
}

interface ExportOpts {
  format: string;
  output?: string;
}

async function exportDevices(rt: CliRuntime, cmd: CommandUnknownOpts, o: FilterOpts & ExportOpts): Promise<void> {
  const check = new FlagCheck();
  const filter = await checkFilters(check, o);
  const format = check.choice('--format', o.format, ['csv', 'json'] as const);
  if (o.output !== undefined && o.output.trim() === '') check.add({ where: '--output', value: o.output, message: 'empty file name', allowed: 'a file path' });
  check.done();
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    // A file is written next to its final name and renamed at the end: an interrupted export never leaves a
    // truncated file where a complete one is expected.
    const target = o.output === undefined ? null : resolve(rt.io.cwd, o.output);
    const temp = target ? `${target}.${process.pid}.partial` : null;
    const file = temp ? createWriteStream(temp, { flags: 'wx' }) : null;
    const out: CliStream = file ?? rt.io.stdout;
    const fileError = file ? new Promise<never>((_, reject) => file.once('error', reject)) : null;
    fileError?.catch(() => {});
    let n = 0;
    try {
      const write = async (s: string) => (fileError ? Promise.race([writeAsync(out, s), fileError]) : writeAsync(out, s));
      if (format === 'csv') await write(DEVICE_CSV_HEADER);
      else await write('[');
      for await (const row of ctx.repos.devices.iterate(filter)) {
        await write(format === 'csv' ? deviceCsv(row) : `${n === 0 ? '\n' : ',\n'}${JSON.stringify(deviceView(row))}`);
        n++;
      }
      if (format === 'json') await write(n === 0 ? ']\n' : '\n]\n');
      if (file && temp && target) {
        await new Promise<void>((res, rej) => file.end((err?: Error | null) => (err ? rej(err) : res())));
        await rename(temp, target);
      }
    } catch (err) {
      if (file && temp) {
        file.destroy();
        await rm(temp, { force: true });
      }
      throw new LnmtError('LNMT_ERR_INTERNAL', `export failed after ${n} devices${target ? ` (${target} was not written)` : ''}`, { cause: err });
    }
    rt.note(`exported ${n} device${n === 1 ? '' : 's'}${target ? ` to ${target}` : ''}`);
  });
}
