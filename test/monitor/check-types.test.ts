/**
 * The check-type registry and what every type promises the monitor: canonical targets, errors that name the
 * field, parameter schemas with defaults, semantic parameter checks; the presence type (the tracker's own view of
 * a device, from a fake `deps.device`); and the small parsers the types share.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Value from 'typebox/value';
import { LnmtError } from '../../src/core/errors.js';
import type { CheckDevice, CheckType } from '../../src/monitor/check-type.js';
import { parseJsonPath, parseStatusSpec, jsonPathGet, jsonValueMatches } from '../../src/monitor/http-matchers.js';
import { describeNetError } from '../../src/monitor/net-errors.js';
import { formatMs } from '../../src/monitor/outcome.js';
import { CHECK_TYPES, getCheckType } from '../../src/monitor/types/index.js';
import { checkDeps, runCheck } from '../fixtures/servers/run-check.js';

function validationError(fn: () => unknown): LnmtError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof LnmtError, String(err));
    assert.equal(err.code, 'LNMT_ERR_VALIDATION');
    return err;
  }
  assert.fail('expected a validation error');
}

const type = (name: string): CheckType => getCheckType(name);
const norm = (name: string, target: string | undefined, device: { id: number; ip: string } | null = null): string => type(name).normalizeTarget(target, device);
const DEVICE = { id: 7, ip: '192.0.2.7' };
const DEVICE6 = { id: 8, ip: '2001:db8::8' };

describe('registry', () => {
  it('lists the five types, each under its own name, with a description and an example target that normalises', () => {
    assert.deepEqual([...CHECK_TYPES.keys()], ['icmp', 'tcp', 'http', 'dns', 'presence']);
    for (const [name, t] of CHECK_TYPES) {
      assert.equal(t.type, name);
      assert.ok(t.description.length > 10);
      assert.equal(t.normalizeTarget(t.targetExample, null), t.targetExample, `${name}: its example is canonical`);
      assert.equal((t.params as { type?: string }).type, 'object');
      assert.equal((t.params as { additionalProperties?: boolean }).additionalProperties, false, `${name}: unknown params are refused`);
    }
  });

  it('an unknown type is a validation error naming `type` and the known ones', () => {
    const err = validationError(() => getCheckType('smtp'));
    assert.deepEqual(err.details, [{ where: 'type', value: 'smtp', allowed: 'icmp, tcp, http, dns, presence', message: 'unknown check type' }]);
  });
});

describe('parameter schemas and defaults', () => {
  const defaults = (name: string, given: Record<string, unknown> = {}): unknown => Value.Default(type(name).params, Value.Clone(given));

  it('fill the documented defaults', () => {
    assert.deepEqual(defaults('icmp'), { count: 1 });
    assert.deepEqual(defaults('tcp'), {});
    assert.deepEqual(defaults('http'), { method: 'GET', headers: {}, followRedirects: true, maxRedirects: 5, tlsVerify: true });
    assert.deepEqual(defaults('dns'), { recordType: 'A', match: 'all' });
    assert.deepEqual(defaults('presence'), {});
  });

  it('refuse unknown parameters and bad values', () => {
    const errs = (name: string, given: Record<string, unknown>) => [...Value.Errors(type(name).params, defaults(name, given))].length;
    assert.ok(errs('icmp', { count: 0 }) > 0);
    assert.ok(errs('icmp', { cnt: 2 }) > 0);
    assert.ok(errs('http', { method: 'FETCH' }) > 0);
    assert.ok(errs('http', { expectStatus: ['200-2999'] }) > 0);
    assert.ok(errs('http', { expectStatus: [700] }) > 0);
    assert.ok(errs('dns', { recordType: 'ANY' }) > 0);
    assert.ok(errs('dns', { match: 'some' }) > 0);
    assert.equal(errs('http', { expectStatus: [200, '301-302', '2xx'], headers: { 'X-A': 'b' }, expectedValue: { any: ['json'] }, jsonPath: '$.a' }), 0);
  });

  it('validateParams: what the schema cannot say, naming params.<name>', () => {
    const http = type('http');
    const where = (p: Record<string, unknown>) => validationError(() => http.validateParams!(defaults('http', p))).details[0]?.where;
    assert.equal(where({ expectStatus: [200, '299-200'] }), 'params.expectStatus.1');
    assert.equal(where({ jsonPath: '$.a[x]' }), 'params.jsonPath');
    assert.match(validationError(() => http.validateParams!(defaults('http', { jsonPath: '$.a[x]' }))).message, /position 4/);
    assert.equal(where({ expectedValue: 'up' }), 'params.expectedValue');
    assert.equal(where({ headers: { 'Bad Name': 'x' } }), 'params.headers.Bad Name');
    assert.equal(where({ headers: { 'X-Inject': 'a\r\nEvil: 1' } }), 'params.headers.X-Inject');
    assert.equal(where({ headers: { Connection: 'keep-alive' } }), 'params.headers.Connection');
    assert.equal(where({ method: 'HEAD', keyword: 'x' }), 'params.keyword');
    assert.equal(where({ ca: '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----' }), 'params.ca');
    http.validateParams!(defaults('http', { expectStatus: ['2xx', 204], jsonPath: 'data.items[0].state', expectedValue: 'green', headers: { Host: 'vhost.example' } }));

    const dns = type('dns');
    const dnsWhere = (p: Record<string, unknown>) => validationError(() => dns.validateParams!(defaults('dns', p))).details[0]?.where;
    assert.equal(dnsWhere({ server: '10.0.0.300' }), 'params.server');
    assert.equal(dnsWhere({ server: '10.0.0.53:70000' }), 'params.server');
    assert.equal(dnsWhere({ expected: ['192.0.2.1', 'www.example'] }), 'params.expected.1');
    assert.equal(dnsWhere({ recordType: 'AAAA', expected: ['192.0.2.1'] }), 'params.expected.0');
    for (const server of ['192.0.2.53', '192.0.2.53:5353', '2001:db8::53', '[2001:db8::53]:5353']) dns.validateParams!(defaults('dns', { server }));
  });
});

describe('normalizeTarget', () => {
  it('icmp: an address or a host name, canonical; a device gives its IP', () => {
    assert.equal(norm('icmp', ' 192.0.2.1 '), '192.0.2.1');
    assert.equal(norm('icmp', '2001:DB8:0::1'), '2001:db8::1');
    assert.equal(norm('icmp', '[2001:db8::1]'), '2001:db8::1');
    assert.equal(norm('icmp', 'Router.LAN.'), 'router.lan');
    assert.equal(norm('icmp', undefined, DEVICE), '192.0.2.7');
    for (const bad of ['10.1', '010.0.0.1', '0x7f.1', '2130706433', 'bad host', 'a..b', '-x.lan', 'x'.repeat(64) + '.lan']) {
      assert.equal(validationError(() => norm('icmp', bad)).details[0]?.where, 'target', bad);
    }
    assert.match(validationError(() => norm('icmp', undefined)).details[0]!.message, /attach it to a device/);
  });

  it('tcp: host:port with IPv6 in brackets; a device takes a bare port', () => {
    assert.equal(norm('tcp', 'DB.lan:05432'), 'db.lan:5432');
    assert.equal(norm('tcp', '[2001:DB8::1]:22'), '[2001:db8::1]:22');
    assert.equal(norm('tcp', '22', DEVICE), '192.0.2.7:22');
    assert.equal(norm('tcp', ':443', DEVICE6), '[2001:db8::8]:443');
    assert.equal(norm('tcp', 'other.lan:22', DEVICE), 'other.lan:22');
    const v6 = validationError(() => norm('tcp', '2001:db8::1:22'));
    assert.match(v6.details[0]!.message, /brackets/);
    assert.match(validationError(() => norm('tcp', 'db.lan:0')).details[0]!.message, /port 0 is out of range/);
    assert.match(validationError(() => norm('tcp', 'db.lan:70000')).details[0]!.message, /out of range/);
    assert.match(validationError(() => norm('tcp', 'db.lan')).details[0]!.message, /host:port/);
    assert.match(validationError(() => norm('tcp', '22')).details[0]!.message, /host:port/);
    assert.match(validationError(() => norm('tcp', undefined, DEVICE)).details[0]!.message, /needs a port/);
    assert.equal(validationError(() => norm('tcp', '[10.0.0.1]:22')).details[0]?.where, 'target');
  });

  it('http: http(s) URLs, lower-case scheme and host, default port and fragment dropped; no credentials', () => {
    assert.equal(norm('http', 'HTTPS://Example.COM:443/Health?x=1#top'), 'https://example.com/Health?x=1');
    assert.equal(norm('http', 'http://[2001:DB8::1]:8080'), 'http://[2001:db8::1]:8080/');
    assert.equal(norm('http', undefined, DEVICE), 'http://192.0.2.7/');
    assert.equal(norm('http', undefined, DEVICE6), 'http://[2001:db8::8]/');
    assert.match(validationError(() => norm('http', 'example.com/health')).details[0]!.message, /not a URL/);
    assert.match(validationError(() => norm('http', 'ftp://example.com/')).details[0]!.message, /scheme ftp/);
    const creds = validationError(() => norm('http', 'https://admin:hunter2@example.com/'));
    assert.doesNotMatch(JSON.stringify(creds.details), /hunter2/, 'the password is not echoed back');
    assert.match(creds.details[0]!.message, /credentials/);
  });

  it('dns: a name (SRV-style labels too) or an address (for PTR); required', () => {
    assert.equal(norm('dns', 'WWW.Example.com.'), 'www.example.com');
    assert.equal(norm('dns', '_sip._tcp.example.com'), '_sip._tcp.example.com');
    assert.equal(norm('dns', '2001:DB8::1'), '2001:db8::1');
    assert.equal(validationError(() => norm('dns', undefined, DEVICE)).details[0]?.where, 'target');
    assert.equal(validationError(() => norm('dns', 'not a name')).details[0]?.where, 'target');
  });

  it('presence: the device id; no device and no target names deviceId', () => {
    assert.equal(norm('presence', undefined, DEVICE), '7');
    assert.equal(norm('presence', '7', DEVICE), '7');
    assert.equal(norm('presence', '12'), '12');
    const none = validationError(() => norm('presence', undefined));
    assert.equal(none.details[0]?.where, 'target');
    assert.match(none.details[0]!.message, /deviceId/);
    assert.match(validationError(() => norm('presence', '8', DEVICE)).details[0]!.message, /attached to device 7/);
    assert.equal(validationError(() => norm('presence', 'router')).details[0]?.where, 'target');
  });
});

describe('presence check', () => {
  const NOW = 1_800_000_000_000;
  const dev = (over: Partial<CheckDevice>): CheckDevice => ({ id: 7, ip: '192.0.2.7', status: 'online', lastSeen: NOW - 12_000, lastChecked: NOW - 12_000, rttMs: 0.3, ...over });
  const run = (device: CheckDevice | null | Error, params: Record<string, unknown> = {}) =>
    runCheck(type('presence'), undefined, params, {
      device: DEVICE,
      deps: checkDeps({ now: () => NOW, device: async (id) => {
        assert.equal(id, 7);
        if (device instanceof Error) throw device;
        return device;
      } }),
    });

  it('online: up, with the age and RTT; latency is the device RTT', async () => {
    const o = await run(dev({}));
    assert.equal(o.ok, true);
    assert.equal(o.message, 'online (seen 12 s ago, rtt 0.3 ms)');
    assert.equal(o.latencyMs, 0.3);
    assert.deepEqual(o.details, { deviceId: 7, ip: '192.0.2.7', status: 'online', lastSeen: NOW - 12_000, lastChecked: NOW - 12_000, ageSec: 12 });
  });

  it('offline or unknown: down', async () => {
    const off = await run(dev({ status: 'offline', lastSeen: NOW - 3 * 3600_000, rttMs: null }));
    assert.deepEqual([off.ok, off.message, off.latencyMs], [false, 'offline (last seen 3 h ago)', null]);
    const unknown = await run(dev({ status: 'unknown', lastSeen: null, rttMs: null }));
    assert.deepEqual([unknown.ok, unknown.message], [false, 'presence unknown (never seen)']);
  });

  it('maxAgeSec: an online status older than that is stale, so down', async () => {
    assert.equal((await run(dev({}), { maxAgeSec: 60 })).ok, true);
    const stale = await run(dev({ lastSeen: NOW - 15 * 60_000 }), { maxAgeSec: 300 });
    assert.equal(stale.ok, false);
    assert.equal(stale.message, 'online, but last seen 15 min ago: older than 300 s, presence unknown');
  });

  it('a removed device or a failing lookup is a down outcome, not an exception', async () => {
    assert.equal((await run(null)).message, 'device 7 is not in the inventory (removed?)');
    assert.equal((await run(new Error('database is locked'))).message, 'device lookup failed: database is locked');
  });
});

describe('shared parsers', () => {
  it('status specs', () => {
    assert.deepEqual(parseStatusSpec(204), [204, 204]);
    assert.deepEqual(parseStatusSpec('200 - 299'), [200, 299]);
    assert.deepEqual(parseStatusSpec('3XX'), [300, 399]);
    for (const bad of ['299-200', '600', '99', '2x', 'abc', '200-']) assert.equal(parseStatusSpec(bad), null, bad);
  });

  it('JSON paths', () => {
    assert.deepEqual(parseJsonPath('$'), []);
    assert.deepEqual(parseJsonPath('$.a.b[2]["c d"][\'e\']'), ['a', 'b', 2, 'c d', 'e']);
    assert.deepEqual(parseJsonPath('data.items[-1]'), ['data', 'items', -1]);
    assert.throws(() => parseJsonPath('$..a'), /position 2/);
    assert.throws(() => parseJsonPath('$.a['), /position 4/);
    assert.throws(() => parseJsonPath('.a'), /position 1/);
    assert.deepEqual(jsonPathGet({ a: [1, { b: null }] }, ['a', 1, 'b']), { found: true, value: null });
    assert.deepEqual(jsonPathGet({ a: [1] }, ['a', 3]), { found: false, missing: '$.a[3]' });
    assert.deepEqual(jsonPathGet({ a: 'str' }, ['a', 'length']), { found: false, missing: '$.a.length' }, 'only JSON members, not JS properties');
    assert.equal(jsonValueMatches({ a: [1, 2] }, { a: [1, 2] }), true);
    assert.equal(jsonValueMatches(null, 'null'), true);
    assert.equal(jsonValueMatches('42', 42), true);
    assert.equal(jsonValueMatches('up', 'UP'), false);
  });

  it('network error messages', () => {
    const err = (code: string) => Object.assign(new Error(`x ${code}`), { code });
    assert.equal(describeNetError(err('ECONNREFUSED')), 'connection refused');
    assert.equal(describeNetError(err('EHOSTUNREACH')), 'host unreachable');
    assert.equal(describeNetError(err('ENOTFOUND'), 'db.lan'), 'DNS lookup of db.lan failed: name not found (ENOTFOUND)');
    assert.equal(describeNetError(err('EAI_AGAIN'), 'db.lan'), 'DNS lookup of db.lan failed: temporary resolver failure (EAI_AGAIN)');
    assert.equal(describeNetError(Object.assign(new Error('odd'), { code: 'EWHAT' })), 'odd (EWHAT)');
  });

  it('milliseconds in messages', () => {
    assert.equal(formatMs(0.042), '0.04 ms');
    assert.equal(formatMs(0.999), '1 ms');
    assert.equal(formatMs(0.3), '0.3 ms');
    assert.equal(formatMs(3.06), '3.1 ms');
    assert.equal(formatMs(9.96), '10 ms');
    assert.equal(formatMs(12.4), '12 ms');
  });
});
