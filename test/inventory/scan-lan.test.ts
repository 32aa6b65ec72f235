/**
 * The scanner against the test LAN (network namespaces, see test/fixtures/netns/test-lan.ts): 36 hosts of
 * known kinds and MACs plus absent addresses. Needs root (CAP_NET_ADMIN to build namespaces); in CI it must run.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestLan, VENDOR_MACS, macFor, type HostKind } from '../fixtures/netns/test-lan.js';

const SCAN = join(import.meta.dirname, '../fixtures/netns/scan-in-ns.ts');

interface ScanOutput {
  result: { id: string; summary: Record<string, any>; hosts: Array<{ ip: string; up: boolean; mac: string | null; vendor: string | null; mac_private: boolean; method: string | null; hostname: string | null }> };
  events: Array<{ type: string; data: any }>;
  notices: string[];
  wallMs: number;
}

/** 36 hosts: 24 normal, 6 with one open TCP port (ICMP dropped), 6 firewalled; .200-.254 absent. */
function lanSpec() {
  const hosts: Array<{ octet: number; kind: HostKind; mac: string; port?: number }> = [];
  const vendors = [VENDOR_MACS.raspberry, VENDOR_MACS.vmware, VENDOR_MACS.apple, VENDOR_MACS.intel];
  for (let i = 0; i < 36; i++) {
    const octet = 10 + i * 3; // spread out, with absent addresses between them
    const kind: HostKind = i % 6 === 4 ? 'tcp-only' : i % 6 === 5 ? 'firewalled' : 'icmp';
    // Every ninth host has a randomised (locally administered) MAC: no vendor, marked private.
    const mac = i % 9 === 8 ? macFor('da:a1:19', i) : macFor(vendors[i % vendors.length]!, i);
    hosts.push({ octet, kind, mac, ...(kind === 'tcp-only' ? { port: 443 } : {}) });
  }
  return { hosts };
}

describe('scanner on the test LAN', { timeout: 300_000 }, () => {
  let lan: TestLan;
  let dataDir: string;
  let dns: ReturnType<TestLan['spawnInScanner']> | undefined;

  function scan(targets: string[], env: Record<string, string> = {}, wrap: string[] = []): ScanOutput {
    const r = lan.execInScanner([...wrap, process.execPath, '--import', 'tsx', SCAN, JSON.stringify({ dataDir, targets, env })], { timeoutMs: 120_000 });
    assert.equal(r.status, 0, `scan failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as ScanOutput;
  }

  before(async () => {
    lan = await TestLan.create(lanSpec(), { ipv6: true });
    dataDir = mkdtempSync(join(tmpdir(), 'lnmt-lan-'));
    // A PTR-only DNS server inside the scanner namespace, so reverse DNS has real answers to find.
    dns = lan.spawnInScanner([process.execPath, '--import', 'tsx', join(import.meta.dirname, '../fixtures/netns/ptr-server.ts'), '127.0.0.1', '5300', JSON.stringify(Object.fromEntries(lan.hosts.filter((_, i) => i % 4 === 0).map((h) => [h.ip, `host-${h.ip.split('.')[3]}.lan.test`])))]);
    await new Promise<void>((resolve, reject) => {
      dns!.stdout!.once('data', () => resolve());
      dns!.once('exit', (c) => reject(new Error(`ptr server exited ${c}`)));
    });
  });

  after(async () => {
    await lan?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const dnsEnv = () => ({ LNMT_SCANNER__DNS_SERVERS: '127.0.0.1:5300' });

  it('finds exactly the live hosts, with their MACs, vendors and hostnames', () => {
    const out = scan([lan.cidr], dnsEnv());
    const up = out.result.hosts.filter((h) => h.up);
    const expected = [`${lan.prefix}.1`, ...lan.hosts.map((h) => h.ip)].sort();
    assert.deepEqual(up.map((h) => h.ip).sort(), expected, 'up hosts = every host namespace + the scanner itself');
    assert.equal(out.result.summary.addresses, 254);
    assert.equal(out.result.summary.discovered, expected.length);
    for (const h of lan.hosts) {
      const got = up.find((x) => x.ip === h.ip)!;
      assert.equal(got.mac, h.mac, `MAC of ${h.ip}`);
      const priv = parseInt(h.mac.slice(0, 2), 16) & 2;
      if (priv) {
        assert.equal(got.mac_private, true, `${h.ip} has a randomised MAC`);
        assert.equal(got.vendor, null);
      } else {
        const want = { 'b8:27:eb': /Raspberry Pi/, '00:50:56': /VMware/, '3c:22:fb': /Apple/, '00:1b:21': /Intel/ }[h.mac.slice(0, 8)];
        assert.match(got.vendor ?? '', want!, `vendor of ${h.ip} (${h.mac})`);
      }
      // Firewalled hosts answer only ARP; the others may answer by any method, but it must be named.
      if (h.kind === 'firewalled') assert.equal(got.method, 'arp', `${h.ip} drops all IP, so only ARP can find it`);
      else assert.match(got.method ?? '', /^(icmp|tcp:\d+|arp)$/);
    }
    for (const [i, h] of lan.hosts.entries()) {
      const got = up.find((x) => x.ip === h.ip)!;
      assert.equal(got.hostname, i % 4 === 0 ? `host-${h.ip.split('.')[3]}.lan.test` : null, `hostname of ${h.ip}`);
    }
    const discovered = out.events.filter((e) => e.type === 'device.discovered');
    assert.equal(discovered.length, expected.length);
    assert.deepEqual(out.events.map((e) => e.type).filter((t) => t.startsWith('scan.')), ['scan.started', 'scan.finished']);
    // ICMP answers from normal hosts: at least some hosts are credited to ICMP or TCP, not all to ARP.
    assert.ok((out.result.summary.methods.icmp ?? 0) + (out.result.summary.methods.tcp ?? 0) > 0);
  });

  // Runs before the link flaps below: taking a veth down and up drops its IPv6 address in this sandbox.
  it('sweeps an IPv6 /120 on the segment: every host by ICMPv6, TCP or NDP, with its MAC', () => {
    const out = scan([`${lan.prefix6}/120`]);
    const up = out.result.hosts.filter((h) => h.up);
    const expected = [`${lan.prefix6}1`, ...lan.hosts.map((h) => h.ip6!)];
    const got = new Set(up.map((h) => h.ip));
    assert.deepEqual(expected.filter((ip) => !got.has(ip)), [], 'missed');
    assert.equal(got.size, expected.length, 'nothing extra');
    assert.equal(out.result.summary.addresses, 256);
    for (const h of lan.hosts) {
      const got = up.find((x) => x.ip === h.ip6)!;
      assert.equal(got.mac, h.mac, `MAC of ${h.ip6}`);
      if (h.kind === 'firewalled') assert.equal(got.method, 'ndp', `${h.ip6} answers only neighbour discovery`);
    }
    // Results come back in numeric address order, IPv6 included (::a before ::f before ::10).
    const keys = out.result.hosts.map((h) => h.ip);
    const sorted = [...keys].sort((a, b) => (BigInt(`0x${a.split(':').slice(-1)[0] || '0'}`) < BigInt(`0x${b.split(':').slice(-1)[0] || '0'}`) ? -1 : 1));
    assert.deepEqual(keys, sorted);
  });

  it('reports hosts going offline and coming back, and MAC changes, as events', () => {
    const target = lan.hosts[0]!; // a normal host
    const firewalled = lan.hosts.find((h) => h.kind === 'firewalled')!;
    const octet = (h: { ip: string }) => Number(h.ip.split('.')[3]);
    lan.setLink(octet(target), false);
    lan.setLink(octet(firewalled), false);
    const down = scan([lan.cidr]);
    const changed = down.events.filter((e) => e.type === 'device.state_changed');
    assert.deepEqual(changed.map((e) => [e.data.device.ip, e.data.previous, e.data.current]).sort(), [
      [target.ip, 'online', 'offline'],
      [firewalled.ip, 'online', 'offline'],
    ].sort());
    assert.equal(down.events.filter((e) => e.type === 'device.discovered').length, 0);
    assert.equal(down.result.summary.went_offline, 2);

    lan.setLink(octet(target), true);
    lan.setLink(octet(firewalled), true);
    const newMac = macFor(VENDOR_MACS.cisco, 4242);
    const oldMac = lan.hosts[1]!.mac;
    lan.setMac(octet(lan.hosts[1]!), newMac);
    const back = scan([lan.cidr]);
    const back2 = back.events.filter((e) => e.type === 'device.state_changed');
    assert.deepEqual(back2.map((e) => [e.data.device.ip, e.data.previous, e.data.current]).sort(), [
      [target.ip, 'offline', 'online'],
      [firewalled.ip, 'offline', 'online'],
    ].sort());
    const macChange = back.events.filter((e) => e.type === 'device.changed');
    assert.equal(macChange.length, 1);
    assert.equal(macChange[0]!.data.device.ip, lan.hosts[1]!.ip);
    assert.deepEqual(macChange[0]!.data.changes.find((c: any) => c.field === 'mac'), { field: 'mac', from: oldMac, to: newMac });
    assert.match(macChange[0]!.data.device.vendor ?? '', /Cisco/);
  });

  it('without CAP_NET_RAW it says ICMP is unavailable and still finds every host', () => {
    const out = scan([lan.cidr], {}, ['setpriv', '--inh-caps=-net_raw', '--bounding-set=-net_raw']);
    assert.ok(out.notices.some((n) => /ICMP echo disabled/.test(n) && /CAP_NET_RAW/.test(n)), `notices: ${out.notices.join(' | ')}`);
    const up = out.result.hosts.filter((h) => h.up).map((h) => h.ip).sort();
    assert.deepEqual(up, [`${lan.prefix}.1`, ...lan.hosts.map((h) => h.ip)].sort());
    assert.equal(out.result.summary.methods.icmp, undefined);
  });

  it('the status cache answers a repeated scan without probing', () => {
    const r = lan.execInScanner([process.execPath, '--import', 'tsx', SCAN, JSON.stringify({ dataDir, targets: [`${lan.prefix}.10-${lan.prefix}.40`], noCache: false })]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as ScanOutput;
    // .10, .13, ... .40 are the 11 known devices of that range, all answered within the TTL; the 20 addresses
    // never seen have no cache entry and are probed.
    assert.equal(out.result.summary.cached, 11);
    assert.equal(out.result.summary.probed, 20);
    assert.equal(out.result.hosts.filter((h) => h.up).length, 11);
  });

  it('a scan whose process is killed (-9) is reported failed, not running forever', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lnmt-kill-'));
    const bin = join(import.meta.dirname, '../../bin/lnmt.js');
    try {
      // Only absent addresses with a long timeout: the scan is still waiting when it is killed.
      const p = lan.spawnInScanner([process.execPath, bin, 'scan', `${lan.prefix}.200-${lan.prefix}.254`, '--timeout', '30000', '--no-cache', '--no-dns', '--data-dir', dir]);
      const statusJson = () => JSON.parse(execFileSync(process.execPath, [bin, 'status', '--json', '--data-dir', dir], { encoding: 'utf8' })) as { last_scan: { status: string; error: string | null } | null };
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && !existsSync(join(dir, 'lnmt.db'))) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1500)); // the scan row is written right after the store opens
      const exited = new Promise((r) => p.once('exit', r));
      process.kill(p.pid!, 'SIGKILL'); // `ip netns exec` execs the command: this pid is the lnmt process
      await exited;
      const after = statusJson().last_scan!;
      assert.equal(after.status, 'failed');
      assert.match(after.error ?? '', /interrupted/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a renumbered host (same MAC, new address) stays one device with a new IP', () => {
    const h = lan.hosts[2]!;
    const from = h.ip;
    const before = scan([lan.cidr]).result.summary; // everything known and online first
    assert.equal(before.discovered, 0);
    lan.setIp(Number(from.split('.')[3]), 250);
    const out = scan([lan.cidr]);
    assert.equal(out.events.filter((e) => e.type === 'device.discovered').length, 0, 'no new device');
    const moves = out.events.filter((e) => e.type === 'device.changed' && e.data.changes.some((c: any) => c.field === 'ip'));
    assert.equal(moves.length, 1);
    assert.deepEqual(moves[0]!.data.changes, [{ field: 'ip', from, to: h.ip }]);
    assert.equal(moves[0]!.data.device.mac, h.mac);
    const row = out.result.hosts.find((x) => x.ip === h.ip)!;
    assert.equal(row.up, true);
    assert.equal(out.result.hosts.some((x) => x.ip === from), false, 'the old address is no longer a device');
  });
});
