import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

export interface QuarantinedFile {
  sha256: string;
  size: number;
  /** Where it is kept (`<dir>/<sha256>`), or null when it was not kept (over the total cap). */
  path: string | null;
  /** More bytes arrived than `maxFileBytes`; the hash and size are of the kept prefix. */
  truncated: boolean;
}

/** One upload in progress: bytes are hashed and written as they come, never held in memory. */
export interface QuarantineWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Hashes, names the file by its sha256 (read-only, never executable) and returns what was kept. */
  finish(): Promise<QuarantinedFile>;
  /** Drops a partial upload (connection lost). */
  abort(): Promise<void>;
  /** The cap was reached: what is kept will not change, however the upload ends. */
  readonly capped: boolean;
}

/**
 * Attackers' files, kept for analysis: named by sha256 inside one directory, mode 0400 (never executable),
 * each capped at `maxFileBytes` and all of them at `maxTotalBytes` (beyond it files are hashed but not kept).
 * Names come from the content only, so nothing an attacker sends can choose a path.
 */
export class Quarantine {
  private used = -1;

  constructor(private readonly opts: { dir: string; maxFileBytes: number; maxTotalBytes: number }) {}

  private async usedBytes(): Promise<number> {
    if (this.used >= 0) return this.used;
    await mkdir(this.opts.dir, { recursive: true, mode: 0o700 });
    let total = 0;
    for (const name of await readdir(this.opts.dir)) {
      if (/^[0-9a-f]{64}$/.test(name)) total += (await stat(join(this.opts.dir, name))).size;
    }
    this.used = total;
    return total;
  }

  async begin(): Promise<QuarantineWriter> {
    await this.usedBytes();
    const tmp = join(this.opts.dir, `.incoming-${randomBytes(8).toString('hex')}`);
    const fh: FileHandle = await open(tmp, 'wx', 0o600);
    const hash = createHash('sha256');
    let size = 0;
    let truncated = false;
    let closed = false;
    const close = async () => {
      if (!closed) {
        closed = true;
        await fh.close();
      }
    };
    return {
      write: async (chunk) => {
        if (closed || truncated) return;
        const room = this.opts.maxFileBytes - size;
        const part = chunk.byteLength > room ? chunk.subarray(0, room) : chunk;
        if (part.byteLength < chunk.byteLength) truncated = true;
        if (part.byteLength === 0) return;
        hash.update(part);
        size += part.byteLength;
        await fh.write(part);
      },
      finish: async () => {
        await close();
        const sha256 = hash.digest('hex');
        const final = join(this.opts.dir, sha256);
        const exists = await stat(final).then(() => true, () => false);
        if (exists) {
          await rm(tmp, { force: true });
          return { sha256, size, path: final, truncated };
        }
        if (this.used + size > this.opts.maxTotalBytes) {
          await rm(tmp, { force: true });
          return { sha256, size, path: null, truncated };
        }
        this.used += size; // reserved before the awaits, so concurrent uploads cannot overshoot the cap together
        await chmod(tmp, 0o400);
        await rename(tmp, final);
        return { sha256, size, path: final, truncated };
      },
      abort: async () => {
        await close();
        await rm(tmp, { force: true });
      },
      get capped() {
        return truncated;
      },
    };
  }

  /** A whole buffer at once (small payloads, e.g. a fetched URL's pretend body). */
  async keep(data: Uint8Array): Promise<QuarantinedFile> {
    const w = await this.begin();
    await w.write(data);
    return w.finish();
  }
}
