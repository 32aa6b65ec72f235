/**
 * The server side of a Telnet line discipline (the client is in character mode after WILL ECHO + WILL SGA): it
 * echoes what is typed (or nothing, for passwords), handles backspace/delete, ^U, ^C and ^D, and ends a line on CR
 * (CR LF, CR NUL), or a bare LF. Lines are capped at `maxLine` bytes; bytes past it are dropped, as a real tty
 * stops accepting input at its buffer size.
 */
export type LineEvent = { kind: 'line'; text: string } | { kind: 'interrupt' } | { kind: 'eof' };

export class LineEditor {
  private buf: number[] = [];
  private lastCr = false;
  /** Echo typed characters (off while a password is typed). */
  echo = true;
  /** The client refused our WILL ECHO (DONT ECHO): it echoes locally, so nothing is echoed here, not even CR LF. */
  clientEchoes = false;

  constructor(private readonly write: (bytes: Buffer) => void, private readonly maxLine = 4096) {}

  feed(bytes: Uint8Array): LineEvent[] {
    const out: LineEvent[] = [];
    for (const b of bytes) {
      if (this.lastCr && (b === 0x0a || b === 0x00)) {
        this.lastCr = false;
        continue; // the second half of CR LF / CR NUL
      }
      this.lastCr = false;
      if (b === 0x0d || b === 0x0a) {
        this.lastCr = b === 0x0d;
        if (!this.clientEchoes) this.write(Buffer.from('\r\n'));
        out.push({ kind: 'line', text: Buffer.from(this.buf).toString('utf8') });
        this.buf = [];
      } else if (b === 0x7f || b === 0x08) {
        if (this.buf.length > 0) {
          // Erase one character (a whole UTF-8 sequence).
          let n = 1;
          while (n < this.buf.length && (this.buf[this.buf.length - n]! & 0xc0) === 0x80) n++;
          this.buf.length -= n;
          if (this.echo && !this.clientEchoes) this.write(Buffer.from('\b \b'));
        }
      } else if (b === 0x15) {
        if (this.echo && !this.clientEchoes && this.buf.length) this.write(Buffer.from('\b \b'.repeat(Buffer.from(this.buf).toString('utf8').length)));
        this.buf = [];
      } else if (b === 0x03) {
        this.buf = [];
        this.write(Buffer.from('^C\r\n'));
        out.push({ kind: 'interrupt' });
      } else if (b === 0x04) {
        if (this.buf.length === 0) out.push({ kind: 'eof' });
      } else if (b >= 0x20 || b === 0x09) {
        if (this.buf.length < this.maxLine) {
          this.buf.push(b);
          if (this.echo && !this.clientEchoes) this.write(Buffer.from([b]));
        }
      }
      // Other control bytes (escape sequences' ESC, arrows) are ignored, as a dumb line discipline does.
    }
    return out;
  }
}
