/**
 * UMAC against RFC 4418's test vectors (appendix: key "abcdefghijklmnop", nonce "bcdefghi"; 32-, 64- and 96-bit
 * tags; the 2^25-byte row as corrected by the RFC's erratum), and the SSH adapter ssh2's cipher classes drive.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Umac } from '../../../src/honeynet/ssh-crypto/umac.js';
import { sshUmacFactory } from '../../../src/honeynet/ssh-crypto/ssh2-umac-mac.js';

const KEY = Buffer.from('abcdefghijklmnop');
const NONCE = Buffer.from('bcdefghi');

/** [message, UMAC-32, UMAC-64, UMAC-96] from RFC 4418 Appendix. */
const RFC_VECTORS: Array<[string, Buffer, string, string, string]> = [
  ['<empty>', Buffer.alloc(0), '113145FB', '6E155FAD26900BE1', '32FEDB100C79AD58F07FF764'],
  ["'a' * 3", Buffer.alloc(3, 'a'), '3B91D102', '44B5CB542F220104', '185E4FE905CBA7BD85E4C2DC'],
  ["'a' * 2^10", Buffer.alloc(1 << 10, 'a'), '599B350B', '26BF2F5D60118BD9', '7A54ABE04AF82D60FB298C3C'],
  ["'a' * 2^15", Buffer.alloc(1 << 15, 'a'), '58DCF532', '27F8EF643B0D118D', '7B136BD911E4B734286EF2BE'],
  ["'a' * 2^20", Buffer.alloc(1 << 20, 'a'), 'DB6364D1', 'A4477E87E9F55853', 'F8ACFA3AC31CFEEA047F7B11'],
  ["'abc' * 1", Buffer.from('abc'), 'ABF3A3A0', 'D4D7B9F6BD4FBFCF', '883C3D4B97A61976FFCF2323'],
  ["'abc' * 500", Buffer.from('abc'.repeat(500)), 'ABEB3C8B', 'D4CF26DDEFD5C01A', '8824A260C53C66A36C9260A6'],
];

const hex = (b: Buffer) => b.toString('hex').toUpperCase();

describe('UMAC (RFC 4418)', () => {
  for (const [name, message, t32, t64, t96] of RFC_VECTORS) {
    it(`matches the RFC's 32-, 64- and 96-bit tags for ${name}`, () => {
      assert.equal(hex(new Umac(KEY, 4).tag(message, NONCE)), t32);
      assert.equal(hex(new Umac(KEY, 8).tag(message, NONCE)), t64);
      assert.equal(hex(new Umac(KEY, 12).tag(message, NONCE)), t96);
    });

    it(`UMAC-128 (umac-128@openssh.com) extends the 96-bit tag for ${name}`, () => {
      // The RFC lists no 128-bit column: the fourth UHASH iteration is appended, the pad is the same AES block.
      const tag = new Umac(KEY, 16).tag(message, NONCE);
      assert.equal(tag.length, 16);
      assert.equal(hex(tag.subarray(0, 12)), t96);
    });
  }

  it("matches the erratum's 64-bit tag for 'a' * 2^25 (past 2^17 bytes of L1 output: the POLY128 stage)", { timeout: 30_000 }, () => {
    assert.equal(hex(new Umac(KEY, 8).tag(Buffer.alloc(1 << 25, 'a'), NONCE)), 'FACA46F856E9B45F');
  });

  it('keeps the message words independent of the Buffer pool offset', () => {
    const pooled = Buffer.from('abc'.repeat(500)); // small Buffers share a pool: byteOffset is not 0
    const copy = new Uint8Array(pooled);
    assert.deepEqual(new Umac(KEY, 8).tag(pooled.subarray(1), NONCE), new Umac(KEY, 8).tag(copy.subarray(1), NONCE));
  });

  it('refuses wrong key, tag and nonce sizes', () => {
    assert.throws(() => new Umac(Buffer.alloc(15), 8), RangeError);
    assert.throws(() => new Umac(KEY, 6 as 8), RangeError);
    assert.throws(() => new Umac(KEY, 8).tag(Buffer.alloc(1), Buffer.alloc(0)), RangeError);
  });
});

describe('UMAC as ssh2 drives a MAC (umac-64/128@openssh.com)', () => {
  it('takes the first four bytes (the packet sequence number) as the 8-byte big-endian nonce, the rest as the message', () => {
    const key = Buffer.from('0123456789abcdef');
    const packet = Buffer.from('\x00\x00\x00\x0c\x0aSSH packet\x00\x00');
    const seqno = Buffer.from([0x00, 0x01, 0x02, 0x03]);
    for (const len of [8, 16] as const) {
      const mac = sshUmacFactory(len)(key);
      // ssh2 feeds the sequence number, then the packet in pieces that may split anywhere.
      mac.update(seqno.subarray(0, 3)).update(Buffer.concat([seqno.subarray(3), packet.subarray(0, 5)])).update(packet.subarray(5));
      const nonce = Buffer.from([0, 0, 0, 0, 0x00, 0x01, 0x02, 0x03]);
      assert.deepEqual(mac.digest(), new Umac(key, len).tag(packet, nonce));
    }
  });

  it('differs per sequence number and per key', () => {
    const mac = (key: string, seq: number) => {
      const m = sshUmacFactory(8)(Buffer.from(key));
      const s = Buffer.alloc(4);
      s.writeUInt32BE(seq);
      return m.update(s).update(Buffer.from('payload')).digest().toString('hex');
    };
    assert.notEqual(mac('0123456789abcdef', 1), mac('0123456789abcdef', 2));
    assert.notEqual(mac('0123456789abcdef', 1), mac('fedcba9876543210', 1));
  });
});
