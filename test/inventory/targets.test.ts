/**
 * Scan target parsing: IPv4 CIDRs and ranges, IPv6 addresses and small prefixes, host names (resolver injected,
 * no DNS), merging of overlapping targets, the large-range guard, and errors that point at the bad target.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { intToIpv4, ipv4ToInt } from '../../src/core/ip.js';
import { LnmtError } from '../../src/core/errors.js';
import { addresses, parseTarget, parseTargets, type ParseTargetsOptions, type TargetSet } from '../../src/inventory/targets.js';

const MAX = 65536;
const noDns = async (name: string): Promise<string[]> => {
  throw Object.assign(new Error(`unexpected lookup of ${name}`), { code: 'ENOTFOUND' });
};
const opts = (o: Partial<ParseTargetsOptions> = {}): ParseTargetsOptions => ({ maxAddresses: MAX, force: false, resolve: noDns, ...o });

function all(set: TargetSet): string[] {
  return [...addresses(set)];
}

async function rejects(targets: string[], o: Partial<ParseTargetsOptions> = {}): Promise<LnmtError> {
  try {
    await parseTargets(targets, opts(o));
  } catch (err) {
    assert.ok(err instanceof LnmtError, String(err));
    return err;
  }
  assert.fail(`parseTargets(${JSON.stringify(targets)}) should have thrown`);
}

describe('IPv4 CIDRs', () => {
  it('a /24 is its 254 hosts: no network or broadcast address', async () => {
    const set = await parseTargets(['192.168.1.0/24'], opts());
    assert.equal(set.count, 254);
    assert.deepEqual(set.v4, [[ipv4ToInt('192.168.1.1'), ipv4ToInt('192.168.1.254')]]);
    const list = all(set);
    assert.equal(list[0], '192.168.1.1');
    assert.equal(list.at(-1), '192.168.1.254');
  });

  it('a host address with a prefix means its network', async () => {
    const set = await parseTargets(['10.1.2.77/30'], opts());
    assert.deepEqual(all(set), ['10.1.2.77', '10.1.2.78']);
  });

  it('/31 is two hosts (RFC 3021) and /32 is one', async () => {
    assert.deepEqual(all(await parseTargets(['10.0.0.4/31'], opts())), ['10.0.0.4', '10.0.0.5']);
    assert.deepEqual(all(await parseTargets(['10.0.0.4/32'], opts())), ['10.0.0.4']);
  });

  it('/0 is refused without --force, and accepted with it without listing 4 billion addresses', async () => {
    const err = await rejects(['0.0.0.0/0']);
    assert.equal(err.code, 'LNMT_ERR_TARGET_TOO_LARGE');
    assert.match(err.message, /4,294,967,294 addresses/);
    const set = await parseTargets(['0.0.0.0/0'], opts({ force: true }));
    assert.equal(set.count, 2 ** 32 - 2);
    assert.deepEqual(set.v4, [[1, 2 ** 32 - 2]]);
    const it = addresses(set);
    assert.equal(it.next().value, '0.0.0.1');
    assert.equal(it.next().value, '0.0.0.2');
  });

  it('bad prefixes are reported', async () => {
    assert.throws(() => parseTarget('10.0.0.0/33'), /0\.\.32/);
    assert.throws(() => parseTarget('10.0.0.0/abc'), /not a number/);
    assert.throws(() => parseTarget('10.0.0/24'), /not an IP address/);
  });

  it('property: a CIDR covers exactly its hosts, all inside the network', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 20, max: 32 }), async (n, bits) => {
        const set = await parseTargets([`${intToIpv4(n)}/${bits}`], opts());
        const size = 2 ** (32 - bits);
        assert.equal(set.count, bits >= 31 ? size : size - 2);
        const net = Math.floor(n / size) * size;
        const list = all(set);
        assert.equal(list.length, set.count);
        for (const a of list) {
          const v = ipv4ToInt(a);
          assert.ok(v >= net && v < net + size);
          if (bits < 31) assert.ok(v !== net && v !== net + size - 1, 'network/broadcast excluded');
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('IPv4 ranges', () => {
  it('full form a.b.c.d-e.f.g.h, inclusive', async () => {
    const set = await parseTargets(['10.0.0.1-10.0.0.50'], opts());
    assert.equal(set.count, 50);
    assert.equal(all(set).at(-1), '10.0.0.50');
  });

  it('short form a.b.c.d-N ends in the same /24', async () => {
    assert.deepEqual(all(await parseTargets(['10.0.0.250-253'], opts())), ['10.0.0.250', '10.0.0.251', '10.0.0.252', '10.0.0.253']);
  });

  it('may cross octet boundaries', async () => {
    const set = await parseTargets(['10.0.0.254-10.0.1.1'], opts());
    assert.deepEqual(all(set), ['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']);
  });

  it('a single-address range is one address', async () => {
    assert.deepEqual(all(await parseTargets(['10.0.0.9-9'], opts())), ['10.0.0.9']);
  });

  it('reversed ranges and bad ends are errors', () => {
    assert.throws(() => parseTarget('10.0.0.50-10.0.0.1'), /before its start/);
    assert.throws(() => parseTarget('10.0.0.50-7'), /before its start/);
    assert.throws(() => parseTarget('10.0.0.1-256'), /range end/);
    assert.throws(() => parseTarget('10.0.0.300-10.0.0.301'), /range start/);
  });
});

describe('IPv6', () => {
  it('single addresses are normalised (RFC 5952)', async () => {
    const set = await parseTargets(['FD00:0:0:0::0001', 'fe80::1'], opts());
    assert.deepEqual(set.v6.sort(), ['fd00::1', 'fe80::1']);
    assert.equal(set.count, 2);
  });

  it('an IPv4-mapped IPv6 address is the IPv4 address', async () => {
    const set = await parseTargets(['::ffff:10.0.0.1'], opts());
    assert.deepEqual(all(set), ['10.0.0.1']);
  });

  it('a /120 is 256 addresses, a /128 one; a /112 is the largest sweep', async () => {
    const set = await parseTargets(['fd00::abcd/120'], opts());
    assert.equal(set.count, 256);
    assert.equal(set.v6[0], 'fd00::ab00');
    assert.equal(set.v6.at(-1), 'fd00::abff');
    assert.equal((await parseTargets(['fd00::5/128'], opts())).count, 1);
    assert.equal((await parseTargets(['fd00::/112'], opts())).count, 65536);
    assert.throws(() => parseTarget('fd00::/64'), /too large to sweep/);
    assert.throws(() => parseTarget('fd00::/129'), /0\.\.128/);
  });

  it('a bad IPv6 address is reported as such', () => {
    assert.throws(() => parseTarget('fd00::g1'), /not a valid IPv6 address/);
  });
});

describe('host names', () => {
  it('are resolved with the injected resolver; every address is a target', async () => {
    const asked: string[] = [];
    const resolve = async (name: string) => {
      asked.push(name);
      return name === 'router.lan' ? ['192.168.1.1', 'fd00::1'] : ['192.168.1.2'];
    };
    const set = await parseTargets(['Router.LAN.', 'nas'], opts({ resolve }));
    assert.deepEqual(asked.sort(), ['nas', 'router.lan'], 'lower-cased, trailing dot removed');
    assert.deepEqual(set.names.get('router.lan'), ['192.168.1.1', 'fd00::1']);
    assert.deepEqual(all(set), ['192.168.1.1', '192.168.1.2', 'fd00::1']);
    assert.equal(set.count, 3);
  });

  it('a name that does not resolve is an error naming its index and the resolver code', async () => {
    const resolve = async (name: string) => {
      if (name === 'ghost') throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
      if (name === 'empty') return [];
      return ['10.0.0.1'];
    };
    const err = await rejects(['ok', 'ghost', 'empty'], { resolve });
    assert.equal(err.code, 'LNMT_ERR_TARGET');
    assert.deepEqual(err.details.map((d) => d.where), ['targets[1]', 'targets[2]']);
    assert.match(err.details[0]!.message, /ENOTFOUND/);
    assert.match(err.details[1]!.message, /no addresses/);
  });

  it('invalid names are rejected without a lookup', () => {
    assert.throws(() => parseTarget('bad_name!'), /neither an address nor a valid hostname/);
    assert.throws(() => parseTarget('-lead.example'), /neither/);
    assert.throws(() => parseTarget(`${'a'.repeat(64)}.example`), /neither/);
  });
});

describe('merging', () => {
  it('overlapping and contained targets are merged, each address once', async () => {
    const set = await parseTargets(['10.0.0.0/24', '10.0.0.10-20', '10.0.0.5', '10.0.0.200-10.0.1.10'], opts());
    assert.deepEqual(set.v4, [[ipv4ToInt('10.0.0.1'), ipv4ToInt('10.0.1.10')]]);
    assert.equal(set.count, 254 + 1 + 11); // .1-.254, .255, 10.0.1.0-.10
  });

  it('adjacent ranges join; gaps stay apart; output is sorted', async () => {
    const set = await parseTargets(['10.0.0.11-20', '10.0.0.1-10', '10.0.0.30', '9.9.9.9'], opts());
    assert.deepEqual(set.v4.map(([s, e]) => `${intToIpv4(s)}-${intToIpv4(e)}`), ['9.9.9.9-9.9.9.9', '10.0.0.1-10.0.0.20', '10.0.0.30-10.0.0.30']);
    assert.equal(set.count, 22);
  });

  it('duplicate IPv6 addresses, and names resolving to listed addresses, count once', async () => {
    const set = await parseTargets(['fd00::1', 'fd00:0::1', 'fd00::/127', 'box', '10.0.0.1'], opts({ resolve: async () => ['10.0.0.1', 'fd00::1'] }));
    assert.deepEqual(set.v4, [[ipv4ToInt('10.0.0.1'), ipv4ToInt('10.0.0.1')]]);
    assert.deepEqual(set.v6.slice().sort(), ['fd00::', 'fd00::1']);
    assert.equal(set.count, 3);
    assert.equal(all(set)[0], '10.0.0.1', 'IPv4 first, then IPv6');
  });

  it('property: the merged count equals the size of the union, with every address once and in order', async () => {
    const range = fc.tuple(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 40 })).map(([s, len]) => [s, s + len] as const);
    await fc.assert(
      fc.asyncProperty(fc.array(range, { minLength: 1, maxLength: 12 }), async (ranges) => {
        const base = ipv4ToInt('10.20.0.0');
        const targets = ranges.map(([s, e]) => (s === e ? intToIpv4(base + s) : `${intToIpv4(base + s)}-${intToIpv4(base + e)}`));
        const set = await parseTargets(targets, opts());
        const want = new Set<number>();
        for (const [s, e] of ranges) for (let i = s; i <= e; i++) want.add(base + i);
        const got = all(set).map(ipv4ToInt);
        assert.equal(set.count, want.size);
        assert.deepEqual(got, [...want].sort((a, b) => a - b));
        for (let i = 1; i < set.v4.length; i++) assert.ok(set.v4[i]![0] > set.v4[i - 1]![1] + 1, 'ranges neither overlap nor touch');
      }),
      { numRuns: 150 },
    );
  });
});

describe('the large-range guard', () => {
  it('a /16 (65,534 hosts) passes; a /15 is refused without force and accepted with it', async () => {
    assert.equal((await parseTargets(['10.0.0.0/16'], opts())).count, 65534);
    const err = await rejects(['10.0.0.0/15']);
    assert.equal(err.code, 'LNMT_ERR_TARGET_TOO_LARGE');
    assert.match(err.details[0]!.allowed ?? '', /--force/);
    assert.equal((await parseTargets(['10.0.0.0/15'], opts({ force: true }))).count, 131070);
  });

  it('counts the union: many small targets adding up past the limit are refused too', async () => {
    const targets = Array.from({ length: 3 }, (_, i) => `10.${i}.0.0/16`);
    const err = await rejects(targets);
    assert.equal(err.code, 'LNMT_ERR_TARGET_TOO_LARGE');
    // ...but the same /16 three times is still one /16.
    assert.equal((await parseTargets(['10.0.0.0/16', '10.0.0.0/16', '10.0.0.0/17'], opts())).count, 65534);
  });

  it('follows the configured limit', async () => {
    const err = await rejects(['10.0.0.0/24'], { maxAddresses: 100 });
    assert.match(err.message, /more than the limit of 100/);
  });
});

describe('errors', () => {
  it('every bad target is reported at once, with its index in numeric order, value and what is allowed', async () => {
    const targets = ['10.0.0.1', 'bad!', '10.0.0.0/33', 'fd00::g', ...Array.from({ length: 6 }, (_, i) => `10.0.1.${i}`), '1.2.3', '10.0.0.5-1'];
    const err = await rejects(targets);
    assert.equal(err.code, 'LNMT_ERR_TARGET');
    assert.deepEqual(err.details.map((d) => d.where), ['targets[1]', 'targets[2]', 'targets[3]', 'targets[10]', 'targets[11]']);
    assert.equal(err.details[0]!.value, 'bad!');
    assert.match(err.details[0]!.allowed ?? '', /CIDR/);
    assert.match(err.message, /invalid scan targets/);
  });

  it('an empty list is an error; `where` prefixes API field names', async () => {
    const empty = await rejects([]);
    assert.match(empty.message, /no scan targets/);
    const api = await rejects(['10.0.0.1', ''], { where: 'body.targets' });
    assert.equal(api.details[0]!.where, 'body.targets[1]');
    assert.match(api.details[0]!.message, /empty target/);
  });

  it('legacy IPv4 forms are not addresses (no octal, no short forms)', () => {
    assert.throws(() => parseTarget('10.1'), /not a valid IPv4 address/);
    // "010.0.0.1" would be read as octal 8.0.0.1: scanning a network the user never named.
    assert.throws(() => parseTarget('010.0.0.1'), /not a valid IPv4 address/);
    assert.throws(() => parseTarget('10.0.0.010/24'), /not an IP address/);
    assert.throws(() => parseTarget('10.0.0.01-5'), /range start/);
    assert.throws(() => parseTarget('10.0.0.256'), /not a valid IPv4 address/);
  });

  it('guards IPv6 networks before expanding them, with a ceiling even under --force', async () => {
    const seventeen = Array.from({ length: 17 }, (_, i) => `fd00:${i.toString(16)}::/112`);
    await assert.rejects(parseTargets(seventeen, { maxAddresses: 65_536, force: true }), (e: LnmtError) => e.code === 'LNMT_ERR_TARGET_TOO_LARGE' && /even with --force/.test(e.message));
    await assert.rejects(parseTargets(['fd00::/112', 'fd01::/112'], { maxAddresses: 65_536, force: false }), (e: LnmtError) => e.code === 'LNMT_ERR_TARGET_TOO_LARGE');
    const ok = await parseTargets(['fd00::/112', 'fd01::/112'], { maxAddresses: 65_536, force: true });
    assert.equal(ok.count, 131_072);
    // Overlapping IPv6 targets are counted once.
    assert.equal((await parseTargets(['fd00::/120', 'fd00::1', 'fd00::/124'], { maxAddresses: 65_536, force: false })).count, 256);
  });
});
