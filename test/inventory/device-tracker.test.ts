import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createContext, type AppContext } from '../../src/app/context.js';
import { loadConfig } from '../../src/core/config/load-config.js';
import type { AnyEvent } from '../../src/core/events.js';
import { silentLogger } from '../../src/core/logger.js';
import { DeviceIndex } from '../../src/inventory/device-index.js';
import type { HostObservation } from '../../src/inventory/device-tracker.js';

const obs = (ip: string, up: boolean, extra: Partial<HostObservation> = {}): HostObservation => ({ ip, up, method: up ? 'icmp' : null, rtt_ms: up ? 1 : null, time: Date.now(), scan_id: 's', ...extra });

describe('device index', () => {
  it('finds entries by MAC per address family and follows MAC and IP edits', () => {
    const idx = new DeviceIndex();
    const v4 = { id: 1, ip: '10.0.0.1', mac: 'b8:27:eb:00:00:01', vendor: null, hostname: null, status: 'online' as const, rtt_ms: null, method: null, last_checked: null };
    const v6 = { ...v4, id: 2, ip: 'fd00::1' };
    idx.put(v4);
    idx.put(v6);
    assert.equal(idx.byMac('b8:27:eb:00:00:01', 4)?.id, 1);
    assert.equal(idx.byMac('b8:27:eb:00:00:01', 6)?.id, 2);
    idx.setMac(v4, '00:50:56:00:00:09');
    assert.equal(idx.byMac('b8:27:eb:00:00:01', 4), undefined);
    assert.equal(idx.byMac('00:50:56:00:00:09', 4)?.id, 1);
    idx.setIp(v4, '10.0.0.9');
    assert.equal(idx.get('10.0.0.1'), undefined);
    assert.equal(idx.get('10.0.0.9')?.id, 1);
    idx.remove('10.0.0.9');
    assert.equal(idx.byMac('00:50:56:00:00:09', 4), undefined);
    assert.equal(idx.size, 1);
  });
});

describe('device tracker', () => {
  let dir: string;
  let ctx: AppContext;
  const events: AnyEvent[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lnmt-tracker-'));
    const { config } = loadConfig({ env: { LNMT_DATA_DIR: dir }, cwd: dir });
    ctx = await createContext(config, { logger: silentLogger() });
    ctx.bus.subscribe({ name: 'test' }, (b) => void events.push(...b));
  });
  after(async () => {
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function record(list: HostObservation[]): Promise<AnyEvent[]> {
    events.length = 0;
    await ctx.tracker.observe(list);
    await ctx.bus.drain();
    return events.slice();
  }

  it('discovers answering addresses only, with vendor from the MAC', async () => {
    const evs = await record([obs('10.1.0.1', true, { mac: 'B8-27-EB-00-00-01', hostname: 'pi.lan' }), obs('10.1.0.2', false)]);
    assert.deepEqual(evs.map((e) => e.type), ['device.discovered']);
    const d = (await ctx.repos.devices.getByIp('10.1.0.1'))!;
    assert.equal(d.mac, 'b8:27:eb:00:00:01');
    assert.match(d.vendor ?? '', /Raspberry Pi/);
    assert.equal(d.hostname, 'pi.lan');
    assert.equal(await ctx.repos.devices.getByIp('10.1.0.2'), undefined);
  });

  it('emits state changes with the previous state, and MAC/hostname changes', async () => {
    let evs = await record([obs('10.1.0.1', false)]);
    assert.deepEqual(evs.map((e) => [e.type, (e.data as any).previous, (e.data as any).current]), [['device.state_changed', 'online', 'offline']]);
    evs = await record([obs('10.1.0.1', true, { mac: '00:50:56:00:00:01', hostname: 'vm.lan' })]);
    const changed = evs.find((e) => e.type === 'device.changed')!;
    assert.deepEqual((changed.data as any).changes.map((c: any) => c.field), ['mac', 'vendor', 'hostname']);
    assert.ok(evs.some((e) => e.type === 'device.state_changed' && (e.data as any).current === 'online'));
  });

  it('treats a known MAC at a new address (old one silent) as the same device, not across families', async () => {
    await record([obs('10.1.0.1', false)]);
    let evs = await record([obs('10.1.0.77', true, { mac: '00:50:56:00:00:01' })]);
    const move = evs.find((e) => e.type === 'device.changed')!;
    assert.deepEqual((move.data as any).changes, [{ field: 'ip', from: '10.1.0.1', to: '10.1.0.77' }]);
    assert.equal(evs.some((e) => e.type === 'device.discovered'), false);
    // The same MAC over IPv6: a second device (dual stack), not a move.
    evs = await record([obs('fd00::77', true, { mac: '00:50:56:00:00:01' })]);
    assert.deepEqual(evs.map((e) => e.type), ['device.discovered']);
    assert.equal((await ctx.repos.devices.getByIp('10.1.0.77'))!.mac, '00:50:56:00:00:01');
  });

  it('follows writes made by another process on the same database', async () => {
    await record([obs('10.1.5.1', true)]); // index loaded and current
    const { config } = loadConfig({ env: { LNMT_DATA_DIR: dir }, cwd: dir });
    const other = await createContext(config, { logger: silentLogger(), persistEvents: false });
    try {
      await other.tracker.add({ ip: '10.1.5.2' }, 'device'); // e.g. `lnmt devices add` next to `serve`
      const gone = (await other.repos.devices.getByIp('10.1.5.1'))!;
      await other.tracker.remove(gone.id); // e.g. `lnmt devices remove`
    } finally {
      await other.close();
    }
    // Neither a duplicate insert for .2 nor a history row for the deleted .1: both are seen fresh.
    const evs = await record([obs('10.1.5.2', true), obs('10.1.5.1', true)]);
    assert.deepEqual(evs.map((e) => [e.type, (e.data as any).device.ip]).sort(), [['device.discovered', '10.1.5.1'], ['device.state_changed', '10.1.5.2']].sort());
    assert.equal((await ctx.repos.devices.getByIp('10.1.5.2'))!.status, 'online');
  });

  it('manual add, patch and remove emit their events and validate fields', async () => {
    events.length = 0;
    const row = await ctx.tracker.add({ ip: '10.1.0.200', mac: null, name: 'printer' }, 'body');
    await assert.rejects(ctx.tracker.add({ ip: '10.1.0.200' }, 'body'), /already exists/);
    await assert.rejects(ctx.tracker.add({ ip: '10.1.0.999' }, 'body'), (e: any) => e.details[0].where === 'body.ip');
    await ctx.tracker.patch(row.id, { hostname: 'printer.lan' });
    await ctx.tracker.remove(row.id);
    await ctx.bus.drain();
    assert.deepEqual(events.map((e) => e.type), ['device.added', 'device.changed', 'device.removed']);
  });
});
