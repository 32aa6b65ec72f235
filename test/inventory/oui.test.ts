/**
 * MAC vendor lookup against the IEEE registries in oui-data (MA-L 24-bit, MA-M 28-bit, MA-S 36-bit prefixes):
 * longest match wins, locally administered (randomised) MACs have no vendor and are marked private, and every
 * common way of writing a MAC is understood.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isPrivateMac, lookupMac, normalizeMac } from '../../src/inventory/oui.js';

const TABLE = createRequire(import.meta.url)('oui-data') as Record<string, string>;
const first = (entry: string | undefined) => entry?.split('\n')[0]!.trim() ?? null;

describe('known vendors (MA-L)', () => {
  const cases: Array<[string, string]> = [
    ['00:1b:63:12:34:56', 'Apple, Inc.'],
    ['b8:27:eb:00:00:01', 'Raspberry Pi Foundation'],
    ['dc:a6:32:aa:bb:cc', 'Raspberry Pi Trading Ltd'],
    ['00:50:56:01:02:03', 'VMware, Inc.'],
    ['00:0c:29:ff:ee:dd', 'VMware, Inc.'],
  ];
  for (const [mac, vendor] of cases) {
    it(`${mac} → ${vendor}`, () => {
      assert.deepEqual(lookupMac(mac), { mac, vendor, private: false });
    });
  }

  it('the vendor is the first line of the registry entry (no address lines)', () => {
    const info = lookupMac('00:1b:63:00:00:00')!;
    assert.ok(!info.vendor!.includes('\n'));
    assert.ok(TABLE['001B63']!.includes('\n'), 'the raw entry does carry an address');
  });

  it('an unregistered universal prefix has no vendor but is not private', () => {
    // Find an unassigned MA-L prefix with the universal bit (deterministic: the first gap in the table).
    let n = 0x000000;
    while (TABLE[n.toString(16).toUpperCase().padStart(6, '0')] !== undefined || (n >> 16) & 0x02) n++;
    const hex = n.toString(16).padStart(6, '0');
    const mac = `${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:00:00:01`;
    assert.deepEqual(lookupMac(mac), { mac, vendor: null, private: false });
  });
});

describe('MA-M and MA-S: the longest registered prefix wins', () => {
  it('an MA-M block (28 bits) names its owner, not the registration authority that holds the MA-L', () => {
    assert.equal(first(TABLE['100648']), 'IEEE Registration Authority');
    assert.equal(lookupMac('10:06:48:0a:bc:de')!.vendor, first(TABLE['1006480']));
    assert.equal(lookupMac('10:06:48:1a:bc:de')!.vendor, first(TABLE['1006481']));
    assert.notEqual(first(TABLE['1006480']), first(TABLE['1006481']));
  });

  it('an MA-S block (36 bits) names its owner', () => {
    assert.equal(first(TABLE['001BC5']), 'IEEE Registration Authority');
    assert.equal(lookupMac('00:1b:c5:06:5f:ff')!.vendor, first(TABLE['001BC5065']));
    assert.equal(lookupMac('00:1b:c5:06:5f:ff')!.vendor, 'Plair Media Inc.');
  });

  it('property: the vendor is the longest of the MA-S, MA-M, MA-L entries present', () => {
    const keys = Object.keys(TABLE).filter((k) => !(parseInt(k.slice(0, 2), 16) & 0x02));
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 12, maxLength: 12 }), (key, tail) => {
        const hex = (key + tail.map((d) => d.toString(16).toUpperCase()).join('')).slice(0, 12);
        const mac = hex.match(/../g)!.join(':').toLowerCase();
        const want = first(TABLE[hex.slice(0, 9)] ?? TABLE[hex.slice(0, 7)] ?? TABLE[hex.slice(0, 6)]);
        assert.deepEqual(lookupMac(mac), { mac, vendor: want, private: false });
      }),
      { numRuns: 500 },
    );
  });
});

describe('private (locally administered, randomised) MACs', () => {
  it('the second hex digit 2, 6, A or E marks a MAC private: no vendor', () => {
    for (const mac of ['02:11:22:33:44:55', 'da:a1:19:00:00:01', 'f6:00:00:00:00:00', '3e:aa:bb:cc:dd:ee']) {
      assert.equal(isPrivateMac(mac), true, mac);
      assert.deepEqual(lookupMac(mac), { mac, vendor: null, private: true });
    }
    assert.equal(isPrivateMac('00:1b:63:00:00:00'), false);
  });

  it('even a prefix that the IEEE once assigned is not reported when the local bit is set', () => {
    assert.ok(TABLE['02608C'] !== undefined, 'oui-data lists 02:60:8C (3COM)');
    assert.deepEqual(lookupMac('02:60:8c:00:00:01'), { mac: '02:60:8c:00:00:01', vendor: null, private: true });
  });

  it('property: any MAC with bit 0x02 of the first octet is private and has no vendor', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (bytes) => {
        bytes[0] = bytes[0]! | 0x02;
        const mac = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
        const info = lookupMac(mac)!;
        assert.equal(info.private, true);
        assert.equal(info.vendor, null);
      }),
    );
  });
});

describe('MAC normalisation', () => {
  it('accepts colon, dash, Cisco dot and bare forms, any case, surrounding space', () => {
    for (const form of ['00:1B:63:AA:BB:CC', '00-1b-63-aa-bb-cc', '001b.63aa.bbcc', '001B63AABBCC', '  00:1b:63:aa:bb:cc ', '00.1b.63.aa.bb.cc']) {
      assert.equal(normalizeMac(form), '00:1b:63:aa:bb:cc', form);
    }
  });

  it('rejects what is not six octets of hex', () => {
    for (const bad of ['', '00:1b:63:aa:bb', '00:1b:63:aa:bb:cc:dd', '00:1b:63:aa:bb:cg', '001b63aabbc', '0:1b:63:aa:bb:cc', 'not a mac', '00::1b:63:aa:bb:cc']) {
      assert.equal(normalizeMac(bad), null, bad);
      assert.equal(lookupMac(bad), null, bad);
    }
  });

  it('property: every form of a random MAC normalises to the same colon form', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), fc.boolean(), (bytes, upper) => {
        const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0'));
        const canonical = hex.join(':');
        const forms = [hex.join(':'), hex.join('-'), hex.join(''), `${hex[0]}${hex[1]}.${hex[2]}${hex[3]}.${hex[4]}${hex[5]}`];
        for (const f of forms) assert.equal(normalizeMac(upper ? f.toUpperCase() : f), canonical);
        assert.equal(lookupMac(forms[2]!)!.mac, canonical);
      }),
    );
  });
});
