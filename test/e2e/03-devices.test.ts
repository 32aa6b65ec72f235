/** `lnmt devices list|show|add|remove|export` against a temporary data directory. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createContext } from '../../src/app/context.js';
import { loadConfig } from '../../src/core/config/load-config.js';
import { silentLogger } from '../../src/core/logger.js';
import { ESC, TempDirs, ensureBuilt, lnmt } from './helpers.js';

const dirs = new TempDirs();
let cwd: string;
const run = (args: string[]) => lnmt(args, { cwd });

const CSV_HEADER = 'id,ip,mac,vendor,mac_private,hostname,name,notes,status,rtt_ms,method,source,first_seen,last_seen,last_checked,created_at,updated_at';
const DEVICE_KEYS = ['id', 'ip', 'mac', 'vendor', 'mac_private', 'hostname', 'name', 'notes', 'status', 'rtt_ms', 'method', 'source', 'first_seen', 'last_seen', 'last_checked', 'created_at', 'updated_at'];

before(() => {
  ensureBuilt();
  cwd = dirs.make();
});
after(() => dirs.cleanup());

describe('devices add', () => {
  it('adds a device with MAC (vendor looked up), hostname, name and notes', async () => {
    const r = await run(['devices', 'add', '10.0.0.5', '--mac', '00-1B-63-AA-BB-CC', '--hostname', 'mac-mini', '--name', 'office mac', '--notes', 'desk 4']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^added device 1: 10\.0\.0\.5 \(00:1b:63:aa:bb:cc, Apple, Inc\.\)$/m);
    assert.doesNotMatch(r.stdout, ESC);
  });

  it('--json prints the device; a randomised MAC has no vendor and is marked private', async () => {
    const r = await run(['devices', 'add', '10.0.0.6', '--mac', 'da:a1:19:00:00:01', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(d), DEVICE_KEYS);
    assert.equal(d.ip, '10.0.0.6');
    assert.equal(d.mac_private, true);
    assert.equal(d.vendor, null);
    assert.equal(d.status, 'unknown');
    assert.equal(d.source, 'manual');
    assert.match(d.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('IPv6 addresses are stored in canonical form', async () => {
    const r = await run(['devices', 'add', 'FD00:0:0::10', '--name', '=HYPERLINK("x")', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).ip, 'fd00::10');
  });

  it('a duplicate IP is a conflict: exit 1, nothing changed', async () => {
    const r = await run(['devices', 'add', '10.0.0.5']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /a device with IP 10\.0\.0\.5 already exists \(id 1\) \[LNMT_ERR_CONFLICT\]/);
  });

  it('bad input names the argument or flag, the value and what is allowed: exit 2', async () => {
    const r = await run(['devices', 'add', '10.0.0.300', '--mac', '00:11:22:33:44', '--hostname', 'bad host!']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: 3 invalid options \[LNMT_ERR_VALIDATION\]$/m);
    assert.match(r.stderr, /^ {2}<ip>: not an IP address; got "10\.0\.0\.300"; allowed: an IPv4 address/m);
    assert.match(r.stderr, /^ {2}--mac: not a MAC address; got "00:11:22:33:44"; allowed: six hex octets/m);
    assert.match(r.stderr, /^ {2}--hostname: not a host name; got "bad host!"/m);
  });
});

describe('devices list', () => {
  it('prints a table with a header and a count line; no escape codes when piped', async () => {
    const r = await run(['devices', 'list']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^ID +IP +STATUS +MAC +VENDOR +HOSTNAME +NAME +RTT +METHOD +LAST SEEN$/);
    assert.match(r.stdout, /^1 +10\.0\.0\.5 +unknown +00:1b:63:aa:bb:cc +Apple, Inc\. +mac-mini +office mac/m);
    assert.match(r.stdout, /^2 +10\.0\.0\.6 +unknown +da:a1:19:00:00:01 +\(private MAC\)/m);
    assert.match(lines.at(-1)!, /^1-3 of 3 devices$/);
    assert.doesNotMatch(r.stdout, ESC);
    assert.equal(r.stderr, '');
  });

  it('--json: {total, limit, offset, items}, IPv4 before IPv6 in address order', async () => {
    const r = await run(['devices', 'list', '--json']);
    const body = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(body), ['total', 'limit', 'offset', 'items']);
    assert.equal(body.total, 3);
    assert.equal(body.limit, 100);
    assert.equal(body.offset, 0);
    assert.deepEqual(body.items.map((d: { ip: string }) => d.ip), ['10.0.0.5', '10.0.0.6', 'fd00::10']);
    for (const d of body.items) assert.deepEqual(Object.keys(d), DEVICE_KEYS);
  });

  it('--csv: the header, one row per device, formula-looking text neutralised', async () => {
    const r = await run(['devices', 'list', '--csv']);
    assert.equal(r.code, 0);
    const lines = r.stdout.split('\r\n');
    assert.equal(lines[0], CSV_HEADER);
    assert.equal(lines.length, 5); // header, 3 rows, trailing empty
    assert.match(lines[1]!, /^1,10\.0\.0\.5,00:1b:63:aa:bb:cc,"Apple, Inc\.",false,mac-mini,office mac,desk 4,unknown,,,manual,/);
    assert.match(lines[3]!, /^3,fd00::10,,,false,,"'=HYPERLINK\(""x""\)",/);
  });

  it('filters: --status, --vendor, --subnet, -q/--search', async () => {
    const ips = async (...args: string[]) => {
      const r = await run(['devices', 'list', '--json', ...args]);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout).items as Array<{ ip: string }>).map((d) => d.ip);
    };
    assert.deepEqual(await ips('--status', 'unknown'), ['10.0.0.5', '10.0.0.6', 'fd00::10']);
    assert.deepEqual(await ips('--status', 'online'), []);
    assert.deepEqual(await ips('--vendor', 'APPLE'), ['10.0.0.5']);
    assert.deepEqual(await ips('--subnet', '10.0.0.6/32'), ['10.0.0.6']);
    assert.deepEqual(await ips('--subnet', 'fd00::/64'), ['fd00::10']);
    assert.deepEqual(await ips('-q', 'desk'), ['10.0.0.5']);
    assert.deepEqual(await ips('--search', 'da:a1'), ['10.0.0.6']);
  });

  it('sorting and paging: --sort, --order, --limit, --offset', async () => {
    const r = await run(['devices', 'list', '--json', '--sort', 'ip', '--order', 'desc', '--limit', '1', '--offset', '1']);
    const body = JSON.parse(r.stdout);
    assert.equal(body.total, 3);
    assert.deepEqual(body.items.map((d: { ip: string }) => d.ip), ['10.0.0.6']);
    const t = await run(['devices', 'list', '--limit', '2']);
    assert.match(t.stdout, /^1-2 of 3 devices \(next page: --offset 2\)$/m);
  });

  it('bad flag values: every one named with the value and what is allowed, exit 2', async () => {
    const r = await run(['devices', 'list', '--limit', 'abc', '--status', 'bogus', '--sort', 'size', '--order', 'up', '--offset', '-1', '--subnet', '10.0.0.0/99']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /6 invalid options \[LNMT_ERR_VALIDATION\]/);
    assert.match(r.stderr, /--limit: not an integer; got "abc"; allowed: an integer from 1 to 10000/);
    assert.match(r.stderr, /--status: not an accepted value; got "bogus"; allowed: one of online, offline, unknown/);
    assert.match(r.stderr, /--sort: not an accepted value; got "size"; allowed: one of ip, hostname, vendor, status, last_seen, first_seen, rtt_ms, mac/);
    assert.match(r.stderr, /--order: not an accepted value; got "up"; allowed: one of asc, desc/);
    assert.match(r.stderr, /--offset: out of range; got "-1"/);
    assert.match(r.stderr, /--subnet: not a CIDR; got "10\.0\.0\.0\/99"/);
    const big = await run(['devices', 'list', '--limit', '100000']);
    assert.match(big.stderr, /--limit: out of range; got "100000"; allowed: an integer from 1 to 10000/);
  });
});

describe('devices show', () => {
  it('by id and by IP, with fields and history', async () => {
    const byId = await run(['devices', 'show', '1']);
    assert.equal(byId.code, 0, byId.stderr);
    assert.match(byId.stdout, /^ip: +10\.0\.0\.5$/m);
    assert.match(byId.stdout, /^vendor: +Apple, Inc\.$/m);
    assert.match(byId.stdout, /^notes: +desk 4$/m);
    assert.match(byId.stdout, /no status history yet/);
    const byIp = await run(['devices', 'show', '10.0.0.5', '--json']);
    const body = JSON.parse(byIp.stdout);
    assert.deepEqual(Object.keys(body), ['device', 'history']);
    assert.equal(body.device.id, 1);
    assert.deepEqual(body.history, []);
  });

  it('unknown device: exit 1; neither id nor IP: exit 2', async () => {
    const missing = await run(['devices', 'show', '10.9.9.9']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no device with IP 10\.9\.9\.9 \[LNMT_ERR_NOT_FOUND\]/);
    const bad = await run(['devices', 'show', 'router']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /<id\|ip>: not a device id or IP address; got "router"/);
  });
});

describe('devices remove', () => {
  it('removes by IP; the device is gone; removing again is exit 1', async () => {
    const r = await run(['devices', 'remove', '10.0.0.6']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^removed device 2: 10\.0\.0\.6$/m);
    assert.equal((await run(['devices', 'show', '2'])).code, 1);
    const again = await run(['devices', 'rm', '2']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no device with id 2/);
  });
});

describe('devices export (streamed)', () => {
  let big: string;
  const N = 2600; // more than one page of the repository's iterator (2,000)

  before(async () => {
    // Seed a second data dir through the tracker, as a scan would: N online devices with history.
    big = dirs.make();
    const { config } = loadConfig({ env: { LNMT_DATA_DIR: join(big, 'lnmt-data') }, cwd: big });
    const ctx = await createContext(config, { logger: silentLogger(), persistEvents: false });
    const now = Date.now();
    await ctx.tracker.observe(
      Array.from({ length: N }, (_, i) => ({ ip: `10.50.${i >> 8}.${i & 255}`, up: true, method: 'tcp:22', rtt_ms: 1.5, mac: null, hostname: i === 7 ? '-cmd' : null, time: now, scan_id: null })),
    );
    await ctx.close();
  });

  it('CSV to stdout: header plus every device, in address order', async () => {
    const r = await lnmt(['devices', 'export'], { cwd: big });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\r\n');
    assert.equal(lines[0], CSV_HEADER);
    assert.equal(lines.length, N + 2);
    assert.match(lines[1]!, /^\d+,10\.50\.0\.0,/);
    assert.match(lines[N]!, new RegExp(`^\\d+,10\\.50\\.${(N - 1) >> 8}\\.${(N - 1) & 255},`));
    assert.match(lines[8]!, /,'-cmd,/, 'a hostname starting with - is neutralised');
    assert.match(r.stderr, new RegExp(`exported ${N} devices`));
  });

  it('JSON to a file with --output: a complete array, no partial file left', async () => {
    const r = await lnmt(['devices', 'export', '--format', 'json', '--output', 'devices.json'], { cwd: big });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    const items = JSON.parse(readFileSync(join(big, 'devices.json'), 'utf8')) as Array<Record<string, unknown>>;
    assert.equal(items.length, N);
    assert.deepEqual(Object.keys(items[0]!), DEVICE_KEYS);
    assert.equal(items[0]!.status, 'online');
    assert.ok(!readdirSync(big).some((f) => f.includes('.partial')));
  });

  it('filters apply to exports too; an empty export is still a valid document', async () => {
    const r = await lnmt(['devices', 'export', '--format', 'json', '--subnet', '10.50.1.0/24'], { cwd: big });
    assert.equal(JSON.parse(r.stdout).length, 256);
    const none = await lnmt(['devices', 'export', '--format', 'json', '--status', 'offline'], { cwd: big });
    assert.deepEqual(JSON.parse(none.stdout), []);
  });

  it('a bad --format is exit 2 and writes nothing', async () => {
    const r = await lnmt(['devices', 'export', '--format', 'xml', '-o', 'x.xml'], { cwd: big });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--format: not an accepted value; got "xml"; allowed: one of csv, json/);
    assert.equal(existsSync(join(big, 'x.xml')), false);
  });
});
