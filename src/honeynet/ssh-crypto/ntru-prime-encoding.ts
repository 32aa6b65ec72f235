/**
 * The byte encodings of Streamlined NTRU Prime (the specification's Encode/Decode and Small encoding), written
 * from the specification.
 *
 * Encode packs integers 0 <= R[i] < M[i] (M[i] < 16384) into few bytes: neighbours are merged pairwise into one
 * integer of range M[i]*M[i+1], low bytes are emitted while that range is at least 16384, and the halved list
 * is encoded again, until one integer remains (emitted in full). Decode replays that plan: which bytes belong
 * to which pair depends on the ranges only, so it is computed first, then values are rebuilt top-down.
 */

const LIMIT = 16384;

export function encodeMixedRadix(values: ArrayLike<number>, ranges: ArrayLike<number>): Buffer {
  const out: number[] = [];
  let r = Array.from(values);
  let m = Array.from(ranges);
  while (r.length > 1) {
    const r2: number[] = [];
    const m2: number[] = [];
    for (let i = 0; i + 1 < r.length; i += 2) {
      let value = r[i]! + r[i + 1]! * m[i]!;
      let range = m[i]! * m[i + 1]!;
      while (range >= LIMIT) {
        out.push(value & 0xff);
        value >>>= 8;
        range = (range + 255) >>> 8;
      }
      r2.push(value);
      m2.push(range);
    }
    if (r.length % 2 === 1) {
      r2.push(r[r.length - 1]!);
      m2.push(m[m.length - 1]!);
    }
    r = r2;
    m = m2;
  }
  let value = r[0]!;
  for (let range = m[0]!; range > 1; range = (range + 255) >>> 8) {
    out.push(value & 0xff);
    value >>>= 8;
  }
  return Buffer.from(out);
}

interface Level {
  ranges: number[];
  /** Bytes each pair contributed at this level (0, 1 or 2). */
  widths: number[];
  /** Where this level's bytes start in the encoding. */
  start: number;
}

/** The inverse of {@link encodeMixedRadix}; out-of-range input decodes to some in-range values, as in the spec. */
export function decodeMixedRadix(bytes: Uint8Array, ranges: ArrayLike<number>): Uint16Array {
  const levels: Level[] = [];
  let m = Array.from(ranges);
  let position = 0;
  while (m.length > 1) {
    const widths: number[] = [];
    const m2: number[] = [];
    for (let i = 0; i + 1 < m.length; i += 2) {
      const range = m[i]! * m[i + 1]!;
      if (range > 256 * (LIMIT - 1)) {
        widths.push(2);
        m2.push((((range + 255) >>> 8) + 255) >>> 8);
      } else if (range >= LIMIT) {
        widths.push(1);
        m2.push((range + 255) >>> 8);
      } else {
        widths.push(0);
        m2.push(range);
      }
    }
    if (m.length % 2 === 1) m2.push(m[m.length - 1]!);
    levels.push({ ranges: m, widths, start: position });
    position += widths.reduce((a, b) => a + b, 0);
    m = m2;
  }
  const top = m[0]!;
  const byte = (i: number) => bytes[i] ?? 0;
  let r = [top === 1 ? 0 : top <= 256 ? byte(position) % top : (byte(position) + (byte(position + 1) << 8)) % top];
  for (let l = levels.length - 1; l >= 0; l--) {
    const { ranges: lm, widths, start } = levels[l]!;
    const out: number[] = [];
    let p = start;
    widths.forEach((width, k) => {
      const bottom = width === 2 ? byte(p) + 256 * byte(p + 1) : width === 1 ? byte(p) : 0;
      p += width;
      const value = bottom + 256 ** width * r[k]!;
      const m0 = lm[2 * k]!;
      out.push(value % m0, Math.floor(value / m0) % lm[2 * k + 1]!);
    });
    if (lm.length % 2 === 1) out.push(r[r.length - 1]!);
    r = out;
  }
  return Uint16Array.from(r);
}

/** Small polynomials (coefficients -1, 0, 1): four 2-bit fields (value + 1) per byte, low bits first. */
export function encodeSmall(coefficients: Int8Array): Buffer {
  const out = Buffer.alloc(Math.ceil(coefficients.length / 4));
  coefficients.forEach((c, i) => {
    out[i >>> 2]! |= (c + 1) << ((i & 3) * 2);
  });
  return out;
}

export function decodeSmall(bytes: Uint8Array, count: number): Int8Array {
  const out = new Int8Array(count);
  for (let i = 0; i < count; i++) out[i] = ((bytes[i >>> 2]! >>> ((i & 3) * 2)) & 3) - 1;
  return out;
}
