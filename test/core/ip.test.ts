/** Address normalisation and keys: the one place user-typed addresses become canonical. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cidrKeyRange, intToIpv4, ipKey, ipv4ToInt, normalizeIp, parseSubnet } from '../../src/core/ip.js';

describe('normalizeIp', () => {
  it('canonical forms: dotted quad, RFC 5952 IPv6, IPv4-mapped IPv6 as IPv4', () => {
    assert.equal(normalizeIp('192.168.1.10'), '192.168.1.10');
    assert.equal(normalizeIp('0.0.0.0'), '0.0.0.0');
    assert.equal(normalizeIp('FD00:0000:0:0::0001'), 'fd00::1');
    assert.equal(normalizeIp('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
    assert.equal(normalizeIp('::ffff:10.0.0.1'), '10.0.0.1');
    assert.equal(normalizeIp('::ffff:a00:1'), '10.0.0.1');
  });

  it('rejects legacy IPv4 forms: short, octal (leading zero), hex, out of range', () => {
    for (const bad of ['10.1', '10.0.1', '010.0.0.1', '10.0.0.01', '0x0a.0.0.1', '10.0.0.256', '1.2.3.4.5', '', ' 10.0.0.1', 'host']) {
      assert.equal(normalizeIp(bad), null, bad);
    }
  });

  it('property: every dotted quad round-trips through the integer form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => {
        const ip = intToIpv4(n);
        assert.equal(normalizeIp(ip), ip);
        assert.equal(ipv4ToInt(ip), n);
      }),
    );
  });
});

describe('ipKey and cidrKeyRange', () => {
  it('keys sort numerically, IPv4 before IPv6 (mapped into ::ffff:0:0/96)', () => {
    const ips = ['10.0.0.9', '10.0.0.10', '9.255.255.255', 'fd00::1', '::1'];
    const sorted = ips.slice().sort((a, b) => (ipKey(a) < ipKey(b) ? -1 : 1));
    assert.deepEqual(sorted, ['::1', '9.255.255.255', '10.0.0.9', '10.0.0.10', 'fd00::1']);
  });

  it('a CIDR range contains exactly its addresses', () => {
    const [lo, hi] = cidrKeyRange('192.168.1.0/24');
    const inside = (ip: string) => ipKey(ip) >= lo && ipKey(ip) <= hi;
    assert.ok(inside('192.168.1.0') && inside('192.168.1.255'));
    assert.ok(!inside('192.168.0.255') && !inside('192.168.2.0'));
    const [lo6, hi6] = cidrKeyRange('fd00::/64');
    assert.ok(ipKey('fd00::abcd') >= lo6 && ipKey('fd00::abcd') <= hi6);
    assert.ok(!(ipKey('fd01::') <= hi6));
  });

  it('parses subnets strictly and normalises them to their network address', () => {
    assert.equal(parseSubnet('10.0.0.7/24'), '10.0.0.0/24');
    assert.equal(parseSubnet('192.168.1.0/24'), '192.168.1.0/24');
    assert.equal(parseSubnet('FD00::1/64'), 'fd00::/64');
    assert.equal(parseSubnet('0.0.0.0/0'), '0.0.0.0/0');
    for (const bad of ['010.0.0.0/8', '10.0.0.0/33', 'fd00::/129', '10.0.0.0', '10.0.0.0/x', 'abc/8', '10.1/16']) assert.equal(parseSubnet(bad), null, bad);
  });
});
