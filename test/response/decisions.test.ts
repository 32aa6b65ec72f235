/**
 * Decisions on both databases with an injected clock: add / replace / remove, escalation for repeat offenders,
 * allowlist refusals (manual) and downgrades (rules), the expiry sweep with `decision.removed`, the policy that
 * maps `threat.detected` to decisions, and the change-log cursor.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { MemoryBus } from '../../src/core/bus/memory-bus.js';
import { LnmtError } from '../../src/core/errors.js';
import { makeEvent, type AnyEvent } from '../../src/core/events.js';
import { silentLogger } from '../../src/core/logger.js';
import { configEntries, scanTargetEntries } from '../../src/response/allowlist.js';
import { BlocklistService } from '../../src/response/blocklist.js';
import { DecisionService } from '../../src/response/decision-service.js';
import { escalatedDuration } from '../../src/response/escalation.js';
import { responseSettings } from '../../src/response/response-settings.js';
import type { Store } from '../../src/store/store.js';
import { postgresDialect, requirePostgres, sqliteDialect } from '../fixtures/dialects.js';

const pgUp = await requirePostgres('the decision store tests');
const H = 3_600_000;
const T0 = Date.parse('2026-03-01T00:00:00.000Z');

describe('escalation and settings (pure)', () => {
  it('duration × multiplier^earlier, capped, permanent stays permanent', () => {
    const o = { multiplier: 2, maxDurationMs: 24 * H };
    assert.equal(escalatedDuration(4 * H, 0, o), 4 * H);
    assert.equal(escalatedDuration(4 * H, 1, o), 8 * H);
    assert.equal(escalatedDuration(4 * H, 2, o), 16 * H);
    assert.equal(escalatedDuration(4 * H, 3, o), 24 * H);
    assert.equal(escalatedDuration(48 * H, 3, o), 48 * H);
    assert.equal(escalatedDuration(null, 5, o), null);
  });

  it('config errors name the key', () => {
    assert.throws(() => responseSettings({ allowlist: ['10.0.0.0/8', 'nope'], escalation: { lookback: '0s' } }), (err: LnmtError) => {
      assert.equal(err.code, 'LNMT_ERR_CONFIG');
      assert.deepEqual(err.details.map((d) => d.where).sort(), ['response.allowlist[1]', 'response.escalation.lookback']);
      return true;
    });
    const s = responseSettings(undefined);
    assert.equal(s.defaultDurationMs, 4 * H);
    assert.equal(s.enforce.enabled, false);
  });

  it('scan-job targets and config entries become allowlist entries', () => {
    const e = scanTargetEntries([{ name: 'lan', params: '{"targets":["192.168.1.0/24","host.lan","10.9.9.9"]}' }, { name: 'bad', params: 'x' }]);
    assert.deepEqual(e.map((x) => x.target), ['192.168.1.0/24', '10.9.9.9']);
    assert.match(e[0]!.source, /scan job "lan"/);
    assert.deepEqual(configEntries(['2001:db8::/32']).map((x) => x.source), ['response.allowlist[0]']);
  });
});

for (const dialect of [sqliteDialect(), postgresDialect()]) {
  describe(`decisions on ${dialect.name}`, { skip: dialect.name === 'postgres' && !pgUp ? 'PostgreSQL not reachable (required when CI is set)' : false }, () => {
    let store: Store;
    let bus: MemoryBus;
    let events: AnyEvent[];
    let now = T0;
    const settings = responseSettings({
      allowlist: ['10.0.0.0/8', 'fd00:1::/32'],
      allowlistOwnNetworks: false,
      policy: [
        { rules: ['canary-*'], action: 'ban', duration: '30d' },
        { rules: ['noise'], action: 'none' },
        { minSeverity: 'high', action: 'ban', duration: '1h' },
        { minSeverity: 'medium', action: 'tag', duration: '2h' },
      ],
      escalation: { multiplier: 2, lookback: '7d', maxDuration: '1d' },
    });
    let svc: DecisionService;

    before(async () => {
      store = await dialect.open();
      bus = new MemoryBus({ logger: silentLogger() });
      bus.subscribe({ name: 'capture', types: ['decision.*'] }, (batch) => {
        events.push(...batch);
      });
      svc = new DecisionService({ store, bus, settings, sensor: 'test', logger: silentLogger(), now: () => now });
    });
    after(async () => {
      await bus?.close();
      await store?.close();
      await dialect.cleanup();
    });
    beforeEach(async () => {
      await bus.drain();
      events = [];
    });

    it('adds a ban with the default duration; an equal one is not added twice; a longer one replaces it', async () => {
      now = T0;
      const a = await svc.add({ target: '203.0.113.7', action: 'ban', origin: 'manual', reason: 'by hand' });
      assert.equal(a.created, true);
      assert.equal(a.decision.expires_at, T0 + 4 * H);
      assert.equal(a.decision.family, 4);
      const again = await svc.add({ target: '203.0.113.7', action: 'ban', origin: 'api', durationMs: 1 * H });
      assert.equal(again.created, false);
      assert.equal(again.decision.id, a.decision.id);
      const longer = await svc.add({ target: '203.0.113.7', action: 'ban', origin: 'api', durationMs: null });
      assert.equal(longer.created, true);
      assert.equal(longer.decision.expires_at, null);
      const active = await svc.list({ active: true, limit: 10, offset: 0 });
      assert.deepEqual(active.items.map((d) => d.id), [longer.decision.id]);
      await bus.drain();
      assert.deepEqual(events.map((e) => `${e.type}:${'reason' in e.data ? e.data.reason : ''}`), ['decision.added:by hand', 'decision.removed:replaced', 'decision.added:manual']);
      await svc.remove('203.0.113.7', '<id|target>');
    });

    it('normalises targets (IPv6, CIDR) and refuses bad or too wide ones naming the input', async () => {
      now = T0 + 1000;
      const d = (await svc.add({ target: '2001:DB8:0:0::1/48', action: 'ban', origin: 'api' }, { target: 'body.target' })).decision;
      assert.equal(d.target, '2001:db8::/48');
      assert.equal(d.family, 6);
      await assert.rejects(svc.add({ target: '300.1.1.1', action: 'ban', origin: 'api' }, { target: 'body.target' }), (err: LnmtError) => err.code === 'LNMT_ERR_VALIDATION' && err.details[0]!.where === 'body.target');
      await assert.rejects(svc.add({ target: '1.0.0.0/4', action: 'ban', origin: 'api' }, { target: 'body.target' }), /too wide/);
      await svc.remove(d.id, 'params.id');
    });

    it('refuses a manual ban on the allowlist naming the entry; a tag is allowed; a rule ban becomes a tag', async () => {
      now = T0 + 2000;
      await assert.rejects(svc.add({ target: '10.1.2.3', action: 'ban', origin: 'manual' }, { target: '<ip|cidr>' }), (err: LnmtError) => {
        assert.equal(err.code, 'LNMT_ERR_CONFLICT');
        assert.match(err.message, /allowlist \(response\.allowlist\[0\]: 10\.0\.0\.0\/8\)/);
        assert.equal(err.details[0]!.where, '<ip|cidr>');
        return true;
      });
      // A network that merely contains an allowlisted range is refused too.
      await assert.rejects(svc.add({ target: 'fd00::/16', action: 'ban', origin: 'api' }), /fd00:1::\/32/);
      const tag = await svc.add({ target: '10.1.2.3', action: 'tag', origin: 'manual' });
      assert.equal(tag.decision.action, 'tag');
      const fromRule = await svc.add({ target: '10.1.2.4', action: 'ban', origin: 'rule', rule: 'ssh-brute' });
      assert.equal(fromRule.decision.action, 'tag');
      assert.match(fromRule.decision.reason, /allowlisted by response\.allowlist\[0\]/);
      assert.equal(fromRule.allowlisted?.target, '10.0.0.0/8');
      const bans = await svc.list({ active: true, action: 'ban', limit: 10, offset: 0 });
      assert.equal(bans.total, 0);
      for (const t of ['10.1.2.3', '10.1.2.4']) await svc.remove(t, 'x');
    });

    it('escalates repeat offenders within the lookback, capped; the count resets after it', async () => {
      const target = '198.51.100.9';
      const durations: Array<number | null> = [];
      now = T0 + 10 * H;
      for (let i = 0; i < 5; i++) {
        const d = (await svc.add({ target, action: 'ban', origin: 'rule', rule: 'x', baseDurationMs: 4 * H })).decision;
        durations.push(d.expires_at! - now);
        assert.equal(d.escalation, i);
        now = d.expires_at! + 1;
        await svc.sweep();
      }
      assert.deepEqual(durations, [4 * H, 8 * H, 16 * H, 24 * H, 24 * H]);
      now += 8 * 24 * H; // past the 7-day lookback of the last ban
      const fresh = (await svc.add({ target, action: 'ban', origin: 'rule', rule: 'x', baseDurationMs: 4 * H })).decision;
      assert.equal(fresh.escalation, 0);
      assert.equal(fresh.expires_at! - now, 4 * H);
      await svc.remove(target, 'x');
    });

    it('the sweep removes expired decisions once, with decision.removed (reason expired)', async () => {
      now = T0 + 100 * 24 * H;
      const a = (await svc.add({ target: '192.0.2.1', action: 'ban', origin: 'api', durationMs: 60_000 })).decision;
      const b = (await svc.add({ target: '192.0.2.2', action: 'ban', origin: 'api', durationMs: 120_000 })).decision;
      await bus.drain();
      events = [];
      now += 59_999;
      assert.equal(await svc.sweep(), 0);
      now += 1;
      assert.equal(await svc.sweep(), 1);
      assert.equal(await svc.sweep(), 0);
      assert.equal((await svc.get(a.id))!.removed_reason, 'expired');
      assert.equal((await svc.get(b.id))!.removed_at, null);
      await bus.drain();
      assert.deepEqual(events.map((e) => [e.type, 'target' in e.data ? e.data.target : '', 'reason' in e.data ? e.data.reason : '']), [['decision.removed', '192.0.2.1', 'expired']]);
      now += 60_000;
      assert.equal(await svc.sweep(), 1);
    });

    it('maps threat.detected through the policy (first match; none; below every threshold)', async () => {
      now = T0 + 200 * 24 * H;
      const threat = (src_ip: string, rule: string, severity: 'low' | 'medium' | 'high' | 'critical') =>
        makeEvent('threat.detected', { rule, rule_type: 't', severity, src_ip, score: 10, summary: 's', evidence: [], sensors: ['s1'] }, { sensor: 's1', now }) as AnyEvent;
      const made = await svc.fromThreats([
        threat('192.0.2.10', 'canary-credential', 'low'),
        threat('192.0.2.11', 'noise', 'critical'),
        threat('192.0.2.12', 'ssh-brute', 'high'),
        threat('192.0.2.13', 'port-scan', 'medium'),
        threat('192.0.2.14', 'port-scan', 'low'),
        threat('192.0.2.12', 'ssh-brute', 'critical'),
        threat('not-an-ip', 'ssh-brute', 'critical'),
      ]);
      assert.equal(made, 3);
      const items = (await svc.list({ active: true, limit: 50, offset: 0 })).items;
      const by = Object.fromEntries(items.map((d) => [d.target, d]));
      assert.equal(by['192.0.2.10']!.expires_at! - now, 30 * 24 * H);
      assert.equal(by['192.0.2.10']!.rule, 'canary-credential');
      assert.equal(by['192.0.2.11'], undefined);
      assert.equal(by['192.0.2.12']!.expires_at! - now, H);
      assert.equal(by['192.0.2.13']!.action, 'tag');
      assert.equal(by['192.0.2.14'], undefined);
      for (const d of items) await svc.remove(d.id, 'x');
    });

    it('change-log cursor: additions and removals after a cursor, ETag moves with changes and with expiry', async () => {
      now = T0 + 300 * 24 * H;
      const list = new BlocklistService({ decisions: svc, node: 'n', nft: { table: 't', set: 's' }, now: () => now });
      const { cursor: c0, etag: e0 } = await list.etag('plain');
      const a = (await svc.add({ target: '192.0.2.50', action: 'ban', origin: 'api', durationMs: 60_000 })).decision;
      await svc.add({ target: '192.0.2.51', action: 'tag', origin: 'api' });
      await svc.add({ target: '192.0.2.0/28', action: 'ban', origin: 'api' });
      const { etag: e1 } = await list.etag('plain');
      assert.notEqual(e1, e0);
      const ch = await list.changes(c0, 100);
      assert.equal(ch.reset, false);
      assert.deepEqual(ch.changes.map((c) => `${c.op} ${c.target}`), ['add 192.0.2.50', 'add 192.0.2.0/28']);
      // Paging: one change at a time, the cursor moves past tags as well.
      const p1 = await list.changes(c0, 1);
      assert.equal(p1.more, true);
      const snap = await list.snapshot('plain');
      assert.equal(snap.body, '192.0.2.50\n192.0.2.0/28\n');
      now += 60_001; // expired, not yet swept: the ETag changes already
      const { etag: e2 } = await list.etag('plain');
      assert.notEqual(e2, e1);
      assert.equal((await list.snapshot('plain')).body, '192.0.2.0/28\n');
      await svc.sweep();
      const after2 = await list.changes(Number(ch.cursor), 100);
      assert.deepEqual(after2.changes.map((c) => `${c.op} ${c.target} ${c.reason}`), [`remove 192.0.2.50 expired`]);
      assert.equal(after2.changes[0]!.id, a.id);
      assert.equal((await list.changes(Number(after2.cursor), 100)).changes.length, 0);
      assert.equal((await list.changes(99_999_999, 10)).reset, true);
      await svc.remove('192.0.2.0/28', 'x');
      await svc.remove('192.0.2.51', 'x');
    });

    it('removing what is not there is NOT_FOUND naming the input', async () => {
      await assert.rejects(svc.remove('192.0.2.99', 'params.id'), (err: LnmtError) => err.code === 'LNMT_ERR_NOT_FOUND' && err.details[0]!.where === 'params.id');
    });
  });
}
