import { createHash } from 'node:crypto';
import type { HoneypotSession } from './honeypot-session.js';

const PREVIEW_BYTES = 512;

/**
 * Keeps the first `maxBytes` a client sends and reports them once as `honeypot.payload` (size, sha256, an escaped
 * preview), when the session ends or the cap is reached. Memory per connection is the cap, nothing more; bytes
 * past it are counted, not kept.
 */
export class FirstPayload {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private total = 0;
  private reported = false;

  constructor(
    private readonly session: HoneypotSession,
    private readonly maxBytes: number,
  ) {
    session.onClose(() => this.report());
  }

  add(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.reported || this.kept >= this.maxBytes) return;
    const take = chunk.subarray(0, this.maxBytes - this.kept);
    this.chunks.push(Buffer.from(take));
    this.kept += take.length;
    if (this.kept >= this.maxBytes) this.report();
  }

  /** Emits the event now (at most once); nothing when the client sent nothing. */
  report(): void {
    if (this.reported || this.total === 0) return;
    this.reported = true;
    const data = Buffer.concat(this.chunks);
    this.chunks.length = 0;
    this.session.emit('honeypot.payload', { size: data.length, sha256: createHash('sha256').update(data).digest('hex'), preview: escapeBytes(data.subarray(0, PREVIEW_BYTES)), truncated: this.total > data.length });
  }
}

/** Printable ASCII as is, `\r` `\n` `\t` `\\` escaped, everything else as `\xNN`. */
export function escapeBytes(b: Buffer): string {
  let out = '';
  for (const c of b) {
    if (c === 0x5c) out += '\\\\';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x09) out += '\\t';
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** The inverse for configured banners: `\r`, `\n`, `\t`, `\\` and `\xNN` become bytes; other text is UTF-8. */
export function unescapeBanner(s: string): Buffer {
  const parts: Buffer[] = [];
  let text = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch !== '\\' || i + 1 >= s.length) {
      text += ch;
      continue;
    }
    const n = s[i + 1]!;
    const hex = n === 'x' ? /^[0-9a-fA-F]{2}$/.exec(s.slice(i + 2, i + 4)) : null;
    if (n === 'r' || n === 'n' || n === 't' || n === '\\') {
      text += n === 'r' ? '\r' : n === 'n' ? '\n' : n === 't' ? '\t' : '\\';
      i++;
    } else if (hex) {
      parts.push(Buffer.from(text, 'utf8'), Buffer.from([parseInt(hex[0], 16)]));
      text = '';
      i += 3;
    } else text += ch;
  }
  parts.push(Buffer.from(text, 'utf8'));
  return Buffer.concat(parts);
}
