/**
 * Collects one LF-terminated line from a stream of chunks, never holding more than `cap` bytes: a line that grows
 * past the cap is reported as an overflow instead of being buffered. The buffer grows by doubling, so a client
 * that sends one byte at a time costs linear, not quadratic, work.
 */
export class LineReader {
  private buf: Buffer = Buffer.alloc(0);
  private len = 0;

  constructor(private cap: number) {}

  /** Bytes held for the line in progress. */
  get pending(): number {
    return this.len;
  }

  setCap(cap: number): void {
    this.cap = cap;
  }

  /**
   * Takes bytes from `chunk` starting at `off`. `line` is the completed line (latin1, one char per byte, CR before
   * the LF removed) or null when the chunk ended first; `next` is where the caller continues.
   */
  take(chunk: Buffer, off: number): { line: string | null; next: number; overflow: boolean } {
    const lf = chunk.indexOf(10, off);
    const end = lf === -1 ? chunk.length : lf;
    if (this.len + (end - off) > this.cap) return { line: null, next: chunk.length, overflow: true };
    this.append(chunk, off, end);
    if (lf === -1) return { line: null, next: chunk.length, overflow: false };
    let n = this.len;
    if (n > 0 && this.buf[n - 1] === 13) n--;
    const line = this.buf.toString('latin1', 0, n);
    this.len = 0;
    return { line, next: lf + 1, overflow: false };
  }

  private append(chunk: Buffer, from: number, to: number): void {
    const n = to - from;
    if (n === 0) return;
    if (this.len + n > this.buf.length) {
      const grown = Buffer.alloc(Math.min(this.cap, Math.max(256, (this.len + n) * 2)));
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    chunk.copy(this.buf, this.len, from, to);
    this.len += n;
  }
}
