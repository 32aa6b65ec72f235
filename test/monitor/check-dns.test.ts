/**
 * The DNS check type against a tiny UDP responder on 127.0.0.1 (test/fixtures/servers/dns-responder.ts): record
 * types, expected answers in the three match modes, NXDOMAIN, NODATA, SERVFAIL, and a server that never answers.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { dnsCheck } from '../../src/monitor/types/dns.js';
import { startDnsResponder, type DnsResponder } from '../fixtures/servers/dns-responder.js';
import { runCheck } from '../fixtures/servers/run-check.js';

describe('dns check', () => {
  let dns: DnsResponder;
  let mute: DnsResponder;

  before(async () => {
    dns = await startDnsResponder({
      'www.test.lan': {
        A: ['127.0.0.10', '127.0.0.11'],
        AAAA: ['2001:db8::10'],
        TXT: [['v=spf1 -all'], ['part one, ', 'part two']],
        MX: [[20, 'backup.test.lan'], [10, 'mail.test.lan']],
      },
      'alias.test.lan': { CNAME: 'www.test.lan' },
      '_http._tcp.test.lan': { SRV: [[10, 5, 8080, 'www.test.lan']] },
      '10.0.0.127.in-addr.arpa': { PTR: ['www.test.lan'] },
      'empty.test.lan': {},
      'broken.test.lan': { servfail: true },
    });
    mute = await startDnsResponder({}, { silent: true });
  });

  after(async () => {
    await Promise.all([dns.close(), mute.close()]);
  });

  const q = (target: string, params: Record<string, unknown> = {}, timeoutMs = 2000) => runCheck(dnsCheck, target, { server: dns.server, ...params }, { timeoutMs });

  it('A: up with the answers, their TTL and the query time; the query went to the given server', async () => {
    dns.queries.length = 0;
    const o = await q('WWW.test.lan.');
    assert.equal(o.ok, true, o.message);
    assert.match(o.message, /^A 127\.0\.0\.10, 127\.0\.0\.11 in [\d.]+ ms$/);
    assert.deepEqual(o.details, { server: dns.server, recordType: 'A', answers: ['127.0.0.10', '127.0.0.11'], ttl: 300 });
    assert.ok(o.latencyMs! > 0);
    assert.deepEqual(dns.queries, [{ name: 'www.test.lan', type: 1 }]);
  });

  it('AAAA, TXT (strings joined), MX (by preference), SRV, CNAME and PTR (an address target)', async () => {
    assert.deepEqual((await q('www.test.lan', { recordType: 'AAAA' })).details?.answers, ['2001:db8::10']);
    assert.deepEqual((await q('www.test.lan', { recordType: 'TXT' })).details?.answers, ['v=spf1 -all', 'part one, part two']);
    assert.deepEqual((await q('www.test.lan', { recordType: 'MX' })).details?.answers, ['10 mail.test.lan', '20 backup.test.lan']);
    assert.deepEqual((await q('_http._tcp.test.lan', { recordType: 'SRV' })).details?.answers, ['10 5 8080 www.test.lan']);
    assert.deepEqual((await q('alias.test.lan', { recordType: 'CNAME' })).details?.answers, ['www.test.lan']);
    assert.deepEqual((await q('alias.test.lan')).details?.answers, ['127.0.0.10', '127.0.0.11'], 'A through a CNAME');
    const ptr = await q('127.0.0.10', { recordType: 'PTR' });
    assert.equal(ptr.ok, true, ptr.message);
    assert.deepEqual(ptr.details?.answers, ['www.test.lan']);
    assert.equal(dns.queries.at(-1)?.name, '10.0.0.127.in-addr.arpa');
  });

  describe('expected answers', () => {
    it('match all (default): every expected value must be answered; others may be there too', async () => {
      assert.equal((await q('www.test.lan', { expected: ['127.0.0.11'] })).ok, true);
      const o = await q('www.test.lan', { expected: ['127.0.0.11', '127.0.0.99'] });
      assert.equal(o.ok, false);
      assert.match(o.message, /^A 127\.0\.0\.10, 127\.0\.0\.11 in [\d.]+ ms; missing 127\.0\.0\.99$/);
      assert.deepEqual(o.details?.missing, ['127.0.0.99']);
      assert.ok(o.latencyMs !== null);
    });

    it('match any: one expected value is enough', async () => {
      assert.equal((await q('www.test.lan', { expected: ['127.0.0.99', '127.0.0.10'], match: 'any' })).ok, true);
      const o = await q('www.test.lan', { expected: ['127.0.0.98', '127.0.0.99'], match: 'any' });
      assert.equal(o.ok, false);
      assert.match(o.message, /; none of 127\.0\.0\.98, 127\.0\.0\.99$/);
    });

    it('match exact: the answers are the expected values, no more', async () => {
      assert.equal((await q('www.test.lan', { expected: ['127.0.0.11', '127.0.0.10'], match: 'exact' })).ok, true);
      const o = await q('www.test.lan', { expected: ['127.0.0.10'], match: 'exact' });
      assert.equal(o.ok, false);
      assert.match(o.message, /; unexpected 127\.0\.0\.11$/);
      const both = await q('www.test.lan', { expected: ['127.0.0.10', '127.0.0.12'], match: 'exact' });
      assert.match(both.message, /; missing 127\.0\.0\.12; unexpected 127\.0\.0\.11$/);
    });

    it('compares addresses as addresses, names without case or final dot, MX by host name alone', async () => {
      assert.equal((await q('www.test.lan', { recordType: 'AAAA', expected: ['2001:DB8:0:0::10'] })).ok, true);
      assert.equal((await q('alias.test.lan', { recordType: 'CNAME', expected: ['WWW.Test.Lan.'] })).ok, true);
      assert.equal((await q('www.test.lan', { recordType: 'MX', expected: ['mail.test.lan', '20 backup.test.lan'] })).ok, true);
      assert.equal((await q('www.test.lan', { recordType: 'TXT', expected: ['V=SPF1 -ALL'] })).ok, false, 'TXT is compared exactly');
    });
  });

  describe('failures', () => {
    it('NXDOMAIN', async () => {
      const o = await q('nope.test.lan');
      assert.equal(o.ok, false);
      assert.equal(o.message, `NXDOMAIN: nope.test.lan does not exist (${dns.server})`);
      assert.equal(o.details?.code, 'ENOTFOUND');
    });

    it('NODATA: the name exists without records of the type', async () => {
      const o = await q('empty.test.lan', { recordType: 'MX' });
      assert.equal(o.ok, false);
      assert.equal(o.message, `no MX records for empty.test.lan (${dns.server})`);
    });

    it('SERVFAIL', async () => {
      const o = await q('broken.test.lan');
      assert.equal(o.ok, false);
      assert.equal(o.message, `SERVFAIL from ${dns.server} for broken.test.lan`);
    });

    it('a server that never answers: one try, failed at the timeout', async () => {
      const t0 = performance.now();
      const o = await runCheck(dnsCheck, 'www.test.lan', { server: mute.server }, { timeoutMs: 300 });
      const took = performance.now() - t0;
      assert.equal(o.ok, false);
      assert.equal(o.message, `no answer from ${mute.server} within 300 ms`);
      assert.ok(took >= 250 && took < 1000, `took ${took} ms`);
      assert.equal(mute.queries.length, 1, 'tries: 1');
    });

    it('stops at once when the monitor aborts', async () => {
      const ctl = new AbortController();
      setTimeout(() => ctl.abort(), 30);
      const o = await runCheck(dnsCheck, 'www.test.lan', { server: mute.server }, { timeoutMs: 5000, signal: ctl.signal });
      assert.equal(o.message, 'cancelled (monitor stopping)');
    });

    it('a port where nothing listens', async () => {
      const probe = createSocket('udp4');
      await new Promise<void>((r) => probe.bind(0, '127.0.0.1', r));
      const server = `127.0.0.1:${probe.address().port}`;
      await new Promise<void>((r) => probe.close(() => r()));
      const o = await runCheck(dnsCheck, 'www.test.lan', { server }, { timeoutMs: 500 });
      assert.equal(o.ok, false);
      assert.equal(o.message, `connection refused by ${server} (no DNS server on that port?)`);
    });

    it('an address target with a record type other than PTR says what to change', async () => {
      const o = await q('127.0.0.10');
      assert.equal(o.ok, false);
      assert.equal(o.message, '127.0.0.10 is an address: only recordType PTR looks up addresses');
    });
  });
});
