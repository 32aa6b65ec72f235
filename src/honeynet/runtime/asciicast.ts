import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/**
 * An asciicast v2 transcript (`asciinema play` replays it): a header line, then one `[seconds, "o"|"i", text]`
 * line per chunk of output or input. Bounded: past `maxBytes` the recording stops with a marker line, so a
 * session that floods output cannot fill the disk.
 */
export class AsciicastRecorder {
  private readonly out: WriteStream;
  private readonly started: number;
  private bytes = 0;
  private stopped = false;

  constructor(
    readonly path: string,
    header: { width: number; height: number; title: string; env?: Record<string, string>; timestamp?: number },
    private readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    this.out.on('error', () => {
      this.stopped = true;
    });
    this.started = this.now();
    const h = { version: 2, width: header.width, height: header.height, timestamp: Math.floor((header.timestamp ?? this.started) / 1000), title: header.title, env: header.env ?? { TERM: 'xterm-256color', SHELL: '/bin/bash' } };
    this.line(JSON.stringify(h));
  }

  output(text: string): void {
    this.event('o', text);
  }

  input(text: string): void {
    this.event('i', text);
  }

  resize(width: number, height: number): void {
    this.event('r', `${width}x${height}`);
  }

  private event(kind: 'o' | 'i' | 'r', text: string): void {
    if (this.stopped || text.length === 0) return;
    const t = Math.round(this.now() - this.started) / 1000;
    const l = JSON.stringify([t, kind, text]);
    if (this.bytes + l.length + 1 > this.maxBytes) {
      this.line(JSON.stringify([t, 'o', '\r\n[lnmt: recording truncated at the size limit]\r\n']));
      this.stopped = true;
      return;
    }
    this.line(l);
  }

  private line(l: string): void {
    this.bytes += Buffer.byteLength(l) + 1;
    this.out.write(`${l}\n`);
  }

  close(): Promise<void> {
    this.stopped = true;
    return new Promise((resolve) => this.out.end(resolve));
  }
}
