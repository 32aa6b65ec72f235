/**
 * The monitor against the namespace test LAN: ICMP (shared raw socket) and TCP checks of real hosts, one of
 * which goes off the network and comes back. Checks run in the scanner namespace; only LAN addresses are probed.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import type { AnyEvent } from '../../src/core/events.js';
import { TestLan, macFor, VENDOR_MACS } from '../fixtures/netns/test-lan.js';

describe('monitor on the test LAN', { timeout: 120_000 }, () => {
  let lan: TestLan;
  let proc: ChildProcess;
  let dir: string;
  const events: AnyEvent[] = [];

  before(async () => {
    lan = await TestLan.create({ hosts: [
      { octet: 10, kind: 'icmp', mac: macFor(VENDOR_MACS.raspberry, 10) },
      { octet: 11, kind: 'tcp-only', mac: macFor(VENDOR_MACS.raspberry, 11), port: 8022 },
    ] });
    dir = mkdtempSync(join(tmpdir(), 'lnmt-monitor-lan-'));
    const checks = [
      { type: 'icmp', target: lan.host(10).ip, name: 'ping-10', intervalSec: 1, timeoutMs: 500, retries: 1 },
      { type: 'tcp', target: `${lan.host(11).ip}:8022`, name: 'tcp-11', intervalSec: 1, timeoutMs: 500, retries: 1 },
      { type: 'icmp', target: lan.host(11).ip, name: 'ping-11-firewalled', intervalSec: 1, timeoutMs: 500, retries: 0 },
    ];
    proc = lan.spawnInScanner([process.execPath, '--import', 'tsx', join(import.meta.dirname, '../fixtures/netns/monitor-in-ns.ts'), JSON.stringify({ dataDir: dir, checks })]);
    proc.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
    const rl = createInterface({ input: proc.stdout! });
    rl.on('line', (l) => {
      const v = JSON.parse(l) as AnyEvent | { ready: true };
      if ('type' in v) events.push(v);
    });
  });
  after(async () => {
    proc?.kill();
    await lan?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const changes = (name: string) => events.filter((e) => e.type === 'check.state_changed' && e.data.check.name === name).map((e) => (e.type === 'check.state_changed' ? e.data.current : ''));
  async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (cond()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`timed out waiting for ${what}; events: ${JSON.stringify(events.filter((e) => e.type === 'check.state_changed').map((e) => e.type === 'check.state_changed' && [e.data.check.name, e.data.current]))}`);
  }

  it('ICMP and TCP checks of live hosts come up; a host that only answers TCP is down for ICMP', async () => {
    await until('ping-10 up', () => changes('ping-10').includes('up'));
    await until('tcp-11 up', () => changes('tcp-11').includes('up'));
    await until('ping-11 down', () => changes('ping-11-firewalled').includes('down'));
    const r = events.find((e) => e.type === 'check.result' && e.data.check.name === 'ping-10' && e.data.ok)!;
    assert.ok(r.type === 'check.result' && r.data.latency_ms! > 0 && r.data.latency_ms! < 100);
  });

  it('a host that leaves the network goes down after the retries and comes back up', async () => {
    lan.setLink(10, false);
    await until('ping-10 down', () => changes('ping-10').includes('down'));
    const down = events.find((e) => e.type === 'check.state_changed' && e.data.check.name === 'ping-10' && e.data.current === 'down')!;
    assert.ok(down.type === 'check.state_changed' && down.data.streak === 2 && down.data.previous === 'up');
    lan.setLink(10, true);
    await until('ping-10 up again', () => changes('ping-10').join(',') === 'up,down,up');
    assert.deepEqual(changes('tcp-11'), ['up'], 'the other host was not affected');
  });
});
