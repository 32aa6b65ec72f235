/**
 * `lnmt scan` on loopback only (127.0.0.0/8 answers on every address here, so nothing outside this machine is
 * ever probed). A TCP RST from a closed port proves a host is up: the probed port is one nothing listens on.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ESC, TempDirs, ensureBuilt, freePort, lnmt, start, waitFor } from './helpers.js';
import type { HostResult } from '../../src/inventory/scanner/scan-types.js';

const dirs = new TempDirs();
let cwd: string;
let closed: number;
const run = (args: string[]) => lnmt(args, { cwd, timeoutMs: 60_000 });

/** What `lnmt scan --json` prints per host. */
type Host = HostResult;

before(async () => {
  ensureBuilt();
  cwd = dirs.make();
  closed = await freePort();
});
after(() => dirs.cleanup());

describe('lnmt scan 127.0.0.1', () => {
  it('--json: the ScanResult with 127.0.0.1 up, proven by the RST of a closed port', async () => {
    const r = await run(['scan', '127.0.0.1', '--json', '--ports', String(closed), '--no-icmp', '--no-dns']);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(res).sort(), ['hosts', 'id', 'status', 'summary', 'targets']);
    assert.equal(res.status, 'finished');
    assert.deepEqual(res.targets, ['127.0.0.1']);
    assert.match(res.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    assert.equal(res.summary.addresses, 1);
    assert.equal(res.summary.online, 1);
    assert.equal(res.summary.discovered, 1);
    assert.equal(res.summary.probed, 1);
    assert.deepEqual(res.summary.methods, { tcp: 1 });
    const [h] = res.hosts as Host[];
    assert.equal(res.hosts.length, 1);
    assert.equal(h!.ip, '127.0.0.1');
    assert.equal(h!.up, true);
    assert.equal(h!.method, `tcp:${closed}`);
    assert.equal(typeof h!.rtt_ms, 'number');
    assert.equal(h!.cached, false);
    assert.equal(typeof h!.device_id, 'number');
    assert.doesNotMatch(r.stdout, ESC);
  });

  it('the device is in the inventory, online, with its history', async () => {
    const r = await run(['devices', 'show', '127.0.0.1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const { device, history } = JSON.parse(r.stdout);
    assert.equal(device.status, 'online');
    assert.equal(device.source, 'scan');
    assert.equal(device.method, `tcp:${closed}`);
    assert.equal(history.length, 1);
    assert.equal(history[0].status, 'online');
  });

  it('a repeated scan is answered from the status cache; --no-cache probes again', async () => {
    const cached = JSON.parse((await run(['scan', '127.0.0.1', '--json', '--ports', String(closed), '--no-icmp', '--no-dns'])).stdout);
    assert.equal(cached.summary.cached, 1);
    assert.equal(cached.summary.probed, 0);
    assert.equal(cached.hosts[0].cached, true);
    assert.equal(cached.summary.discovered, 0);
    const fresh = JSON.parse((await run(['scan', '127.0.0.1', '--json', '--no-cache', '--ports', String(closed), '--no-icmp', '--no-dns'])).stdout);
    assert.equal(fresh.summary.probed, 1);
    assert.equal(fresh.hosts[0].cached, false);
    assert.equal(fresh.hosts[0].up, true);
  });

  it('the human output: a table of hosts and a summary line, no escape codes when piped', async () => {
    const r = await run(['scan', '127.0.0.1-4', '--no-cache', '--ports', String(closed), '--no-icmp', '--no-dns']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^IP +STATUS +MAC +VENDOR +HOSTNAME +RTT +METHOD +NEW$/);
    assert.match(r.stdout, new RegExp(`^127\\.0\\.0\\.1 +up +- +- +- +[\\d.]+ ms +tcp:${closed}$`, 'm'), 'known device: not new');
    assert.match(r.stdout, new RegExp(`^127\\.0\\.0\\.4 +up +- +- +- +[\\d.]+ ms +tcp:${closed} +new$`, 'm'));
    assert.match(lines.at(-1)!, /^scanned 4 addresses in [\d.]+ m?s: 4 up, 3 new \(tcp 4\)$/);
    assert.doesNotMatch(r.stdout + r.stderr, ESC);
  });

  it('with the default methods (ICMP when allowed, default ports, reverse DNS) loopback is up too', async () => {
    const r = await run(['scan', '127.0.0.1', '--json', '--no-cache']);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.equal(res.hosts[0].up, true);
    assert.match(res.hosts[0].method, /^(icmp|tcp:\d+)$/);
    // Notices (e.g. "ICMP unavailable: ...") go to stderr, never into the JSON on stdout.
    for (const n of res.summary.notices as string[]) assert.ok(r.stderr.includes(n), n);
  });

  it('SIGINT stops a scan: what was found is kept and printed, status "cancelled", exit 130', async () => {
    const dir = dirs.make();
    const child = start(['scan', '127.0.0.0/16', '--json', '--no-dns', '--no-icmp', '--ports', String(closed)], { cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    // 65,534 loopback addresses take seconds here; interrupt once the scan row exists.
    await waitFor('the scan to start', () => (existsSync(join(dir, 'lnmt-data', 'lnmt.db')) ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    assert.match(stderr, /interrupted: stopping the scan/);
    const res = JSON.parse(stdout);
    assert.equal(res.status, 'cancelled');
    assert.ok(res.summary.online < 65534, `online ${res.summary.online}`);
    const status = JSON.parse((await lnmt(['status', '--json'], { cwd: dir })).stdout);
    assert.equal(status.last_scan.status, 'cancelled');
    assert.equal(status.devices.online, res.summary.online);
  });

  it('lnmt status shows the last scan', async () => {
    const r = await run(['status']);
    assert.match(r.stdout, /^last scan: +finished .*\(127\.0\.0\.1\): 1 address, 1 up, 0 new/m);
  });
});

describe('lnmt scan input errors: exit 2, nothing created', () => {
  const cases: Array<[string, string[], RegExp[]]> = [
    ['bad targets, each with its index', ['scan', '127.0.0.1', '300.1.1.1', 'bad_host!'], [/invalid scan targets \[LNMT_ERR_TARGET\]/, /targets\[1\]: "300\.1\.1\.1" is not a valid IPv4 address/, /targets\[2\]: "bad_host!" is neither an address nor a valid hostname/]],
    ['more than a /16 without --force', ['scan', '10.0.0.0/8'], [/targets cover 16,777,214 addresses, more than the limit of 65,536 \(scanner\.maxAddresses\) \[LNMT_ERR_TARGET_TOO_LARGE\]/, /or pass --force/]],
    ['scan flags are config keys, named with flag and key', ['scan', '127.0.0.1', '--timeout', 'soon', '--retries', '99', '--concurrency', '0'], [/scanner\.timeoutMs \(from flag --timeout\): invalid value; got "soon"; allowed: an integer from 50 to 60000/, /scanner\.retries \(from flag --retries\): invalid value; got 99; allowed: an integer from 0 to 10/, /scanner\.concurrency \(from flag --concurrency\): invalid value; got 0; allowed: an integer from 1 to 4096/]],
    ['bad ports', ['scan', '127.0.0.1', '--ports', '22,http,70000'], [/scanner\.tcpPorts\.1 \(from flag --ports\): invalid value; got "http"/, /scanner\.tcpPorts\.2 \(from flag --ports\): invalid value; got 70000; allowed: an integer from 1 to 65535/]],
    ['too many ports', ['scan', '127.0.0.1', '--ports', '1-1000'], [/--ports: too many ports; got "1-1000"; allowed: at most 64 ports/]],
  ];
  for (const [name, args, wants] of cases) {
    it(name, async () => {
      const dir = dirs.make();
      const r = await lnmt(args, { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      for (const w of wants) assert.match(r.stderr, w);
      assert.deepEqual(readdirSync(dir), [], 'no data dir, no scan row');
    });
  }

  it('--force lifts the size guard (limit lowered to 256 with LNMT_SCANNER__MAX_ADDRESSES)', async () => {
    const dir = dirs.make();
    const env = { LNMT_SCANNER__MAX_ADDRESSES: '256' };
    const args = ['scan', '127.0.0.0/24', '127.1.0.0/24', '--ports', String(closed), '--no-icmp', '--no-dns', '--json'];
    const refused = await lnmt(args, { cwd: dir, env });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /targets cover 508 addresses, more than the limit of 256/);
    assert.deepEqual(readdirSync(dir), []);
    const forced = await lnmt([...args, '--force'], { cwd: dir, env, timeoutMs: 120_000 });
    assert.equal(forced.code, 0, forced.stderr);
    const res = JSON.parse(forced.stdout);
    assert.equal(res.summary.addresses, 508);
    assert.equal(res.summary.online, 508);
  });
});
