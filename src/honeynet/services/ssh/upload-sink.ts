import type { HoneypotSession } from '../../runtime/honeypot-session.js';
import type { Quarantine, QuarantineWriter } from '../../runtime/quarantine.js';

/**
 * One file an attacker is uploading: bytes go straight to the quarantine (hashed as they arrive, capped), and
 * when it ends a `honeypot.upload` event names it by sha256. Writes at unexpected offsets are taken in order of
 * arrival (clients write sequentially); the name is recorded as sent and never used as a path.
 */
export class UploadSink {
  private writer: Promise<QuarantineWriter>;
  private size = 0;
  private finished = false;

  constructor(
    private readonly session: HoneypotSession,
    quarantine: Quarantine,
    private readonly filename: string,
    private readonly via: 'scp' | 'sftp',
  ) {
    this.writer = quarantine.begin();
  }

  async write(data: Buffer): Promise<void> {
    if (this.finished) return;
    this.size += data.length;
    await (await this.writer).write(data);
  }

  async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const f = await (await this.writer).finish();
    this.session.emit('honeypot.upload', { filename: this.filename.slice(0, 1024), size: f.size, sha256: f.sha256, quarantine: f.path, truncated: f.truncated, via: this.via });
  }

  /**
   * The transfer broke off (connection lost or closed at a limit). A partial upload is dropped, but one that
   * already reached the per-file cap is kept and recorded: its kept prefix is exactly what a completed upload
   * would have left, and a capped upload cut off at the session's byte limit is the usual case of a huge one.
   */
  async abort(): Promise<void> {
    if (this.finished) return;
    const w = await this.writer;
    if (w.capped) return this.finish();
    this.finished = true;
    await w.abort();
  }
}
