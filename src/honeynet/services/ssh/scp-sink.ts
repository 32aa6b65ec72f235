import type { ServerChannel } from 'ssh2';
import type { HoneypotSession } from '../../runtime/honeypot-session.js';
import type { Quarantine } from '../../runtime/quarantine.js';
import { UploadSink } from './upload-sink.js';

/** `scp -t <dir>` (legacy protocol, `scp -O`): the sink side of an upload. */
export function isScpSink(command: string): boolean {
  return /^\s*scp\s(?:.*\s)?-[a-zA-Z]*t/.test(command);
}

/**
 * The scp sink protocol: acknowledge with a NUL, read `C<mode> <size> <name>` (or `D`/`E`/`T` lines, which are
 * acknowledged and otherwise ignored), take exactly `<size>` bytes into the quarantine, expect the sender's NUL,
 * acknowledge, repeat until the client closes. Control lines are capped at 4 KiB.
 */
export function serveScpSink(stream: ServerChannel, session: HoneypotSession, quarantine: Quarantine): void {
  let line = '';
  let remaining = 0;
  let upload: UploadSink | null = null;
  let awaitingNul = false;
  let chain: Promise<void> = Promise.resolve();
  const ack = () => stream.write(Buffer.from([0]));
  ack();
  stream.on('data', (d: Buffer) => {
    chain = chain.then(async () => {
      let i = 0;
      while (i < d.length) {
        if (remaining > 0 && upload) {
          const part = d.subarray(i, i + remaining);
          await upload.write(part);
          remaining -= part.length;
          i += part.length;
          if (remaining === 0) awaitingNul = true;
          continue;
        }
        if (awaitingNul) {
          awaitingNul = false;
          i++; // the sender's NUL after the file data
          await upload?.finish();
          upload = null;
          ack();
          continue;
        }
        const b = d[i++]!;
        if (b !== 0x0a) {
          if (line.length < 4096) line += String.fromCharCode(b);
          continue;
        }
        const m = /^C([0-7]{4}) (\d{1,15}) (.*)$/.exec(line);
        line = '';
        if (m) {
          upload = new UploadSink(session, quarantine, m[3]!, 'scp');
          remaining = Number(m[2]);
          if (remaining === 0) awaitingNul = true;
        }
        ack();
      }
    }).catch(() => session.close('service error'));
  });
  stream.on('end', () => {
    void chain.then(() => upload?.abort());
    stream.exit(0);
    stream.end();
  });
}
