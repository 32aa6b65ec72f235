/**
 * The little of ASN.1 DER that SPNEGO (RFC 4178) and CredSSP's TSRequest (MS-CSSP) need: one TLV read with
 * bounded lengths, and TLV building. Hostile input is the normal case, so every read checks the bytes it has and
 * returns null instead of throwing.
 */
export interface Tlv {
  tag: number;
  /** The value bytes (a view into the input). */
  value: Buffer;
  /** Offset just past this TLV in the input. */
  end: number;
}

/** Deepest nesting the parsers follow; real tokens use 6 or 7 levels. */
export const MAX_DER_DEPTH = 12;

/**
 * One TLV at `offset`: single-byte tags only (all SPNEGO/CredSSP tags are), definite lengths of up to 4 bytes.
 * Null when the bytes are not a complete TLV.
 */
export function readTlv(buf: Buffer, offset = 0): Tlv | null {
  if (offset + 2 > buf.length) return null;
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) return null;
  let len = buf[offset + 1]!;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > buf.length) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (p + len > buf.length) return null;
  return { tag, value: buf.subarray(p, p + len), end: p + len };
}

/** Every TLV inside a constructed value, in order; null if any is malformed. */
export function readChildren(value: Buffer, max = 32): Tlv[] | null {
  const out: Tlv[] = [];
  let p = 0;
  while (p < value.length) {
    if (out.length >= max) return null;
    const t = readTlv(value, p);
    if (!t) return null;
    out.push(t);
    p = t.end;
  }
  return out;
}

/** The child with context tag [n] (0xa0 + n) of a SEQUENCE's children. */
export function contextChild(children: Tlv[], n: number): Tlv | undefined {
  return children.find((c) => c.tag === 0xa0 + n);
}

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const value = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(value.length), value]);
}

export const seq = (...parts: Buffer[]): Buffer => tlv(0x30, ...parts);
export const ctx = (n: number, ...parts: Buffer[]): Buffer => tlv(0xa0 + n, ...parts);
export const octets = (b: Buffer): Buffer => tlv(0x04, b);

/** DER INTEGER of a non-negative number below 2^32 (minimal two's complement, as CredSSP peers write it). */
export function derInteger(n: number): Buffer {
  const bytes: number[] = [];
  let v = n >>> 0;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

/** An INTEGER's value as an unsigned 32-bit number (CredSSP errorCode is an NTSTATUS, written either way). */
export function readInteger(t: Tlv | undefined): number | null {
  if (!t || t.tag !== 0x02 || t.value.length === 0 || t.value.length > 5) return null;
  let v = 0;
  for (const b of t.value) v = (v * 256 + b) % 0x100000000;
  return v >>> 0;
}

/** OBJECT IDENTIFIER bytes of a dotted OID. */
export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}
