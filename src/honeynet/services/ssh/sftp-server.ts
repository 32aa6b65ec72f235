import ssh2, { type Attributes, type SFTPWrapper } from 'ssh2';
import type { HoneypotSession } from '../../runtime/honeypot-session.js';
import type { Quarantine } from '../../runtime/quarantine.js';
import { UploadSink } from './upload-sink.js';

const { STATUS_CODE, OPEN_MODE } = ssh2.utils.sftp;
const MAX_HANDLES = 64;

function dirAttrs(now: number): Attributes {
  const t = Math.floor(now / 1000);
  return { mode: 0o40755, uid: 0, gid: 0, size: 4096, atime: t, mtime: t };
}

/**
 * An SFTP server that takes uploads and gives nothing away: files opened for writing stream into the
 * quarantine (`honeypot.upload` on close); paths resolve as if everything were a writable directory, so `scp`
 * (SFTP mode, OpenSSH 9's default) and `sftp put` succeed; reads and listings answer with permission denied
 * or empty. At most 64 open handles per session.
 */
export function serveSftp(sftp: SFTPWrapper, session: HoneypotSession, quarantine: Quarantine, now: () => number): void {
  const uploads = new Map<string, UploadSink>();
  const dirs = new Set<string>();
  let next = 0;
  const newHandle = () => Buffer.from(String(++next).padStart(8, '0'));
  const key = (h: Buffer) => h.toString('latin1');
  session.onClose(() => {
    for (const u of uploads.values()) void u.abort();
    uploads.clear();
  });

  sftp.on('REALPATH', (id, path) => {
    const p = path === '.' || path === '' ? '/root' : path.startsWith('/') ? path : `/root/${path}`;
    sftp.name(id, [{ filename: p.slice(0, 1024), longname: p.slice(0, 1024), attrs: dirAttrs(now()) }]);
  });
  sftp.on('STAT', (id, path) => (path.endsWith('/') || !/\.[A-Za-z0-9]{1,8}$/.test(path) ? sftp.attrs(id, dirAttrs(now())) : sftp.status(id, STATUS_CODE.NO_SUCH_FILE)));
  sftp.on('LSTAT', (id, path) => (path.endsWith('/') || !/\.[A-Za-z0-9]{1,8}$/.test(path) ? sftp.attrs(id, dirAttrs(now())) : sftp.status(id, STATUS_CODE.NO_SUCH_FILE)));
  sftp.on('OPEN', (id, filename, flags) => {
    if (!(flags & OPEN_MODE.WRITE)) return sftp.status(id, STATUS_CODE.PERMISSION_DENIED);
    if (uploads.size >= MAX_HANDLES) return sftp.status(id, STATUS_CODE.FAILURE);
    const h = newHandle();
    uploads.set(key(h), new UploadSink(session, quarantine, filename, 'sftp'));
    sftp.handle(id, h);
  });
  sftp.on('WRITE', (id, handle, _offset, data) => {
    const u = uploads.get(key(handle));
    if (!u) return sftp.status(id, STATUS_CODE.FAILURE);
    session.touch();
    u.write(data).then(() => sftp.status(id, STATUS_CODE.OK), () => sftp.status(id, STATUS_CODE.FAILURE));
  });
  sftp.on('FSTAT', (id, handle) => (uploads.has(key(handle)) ? sftp.attrs(id, { mode: 0o100644, uid: 0, gid: 0, size: 0, atime: Math.floor(now() / 1000), mtime: Math.floor(now() / 1000) }) : sftp.status(id, STATUS_CODE.FAILURE)));
  sftp.on('CLOSE', (id, handle) => {
    const k = key(handle);
    const u = uploads.get(k);
    uploads.delete(k);
    dirs.delete(k);
    if (!u) return sftp.status(id, STATUS_CODE.OK);
    u.finish().then(() => sftp.status(id, STATUS_CODE.OK), () => sftp.status(id, STATUS_CODE.FAILURE));
  });
  sftp.on('OPENDIR', (id) => {
    const h = newHandle();
    dirs.add(key(h));
    sftp.handle(id, h);
  });
  sftp.on('READDIR', (id) => sftp.status(id, STATUS_CODE.EOF));
  sftp.on('READ', (id) => sftp.status(id, STATUS_CODE.PERMISSION_DENIED));
  for (const ev of ['SETSTAT', 'FSETSTAT', 'MKDIR', 'REMOVE', 'RMDIR', 'RENAME', 'SYMLINK'] as const) {
    sftp.on(ev as 'SETSTAT', (id: number) => sftp.status(id, STATUS_CODE.OK));
  }
  sftp.on('READLINK', (id) => sftp.status(id, STATUS_CODE.NO_SUCH_FILE));
  // The client is done (EOF): like sshd when sftp-server exits, report exit status 0, then close the channel.
  // ssh2's SFTP object has no exit(); its protocol and channel id are what Channel.exit() uses (ssh2 ~1.17).
  sftp.on('end', () => {
    const internals = sftp as unknown as { _protocol?: { exitStatus(id: number, status: number): void }; outgoing?: { id: number; state: string } };
    if (internals._protocol && internals.outgoing?.state === 'open') internals._protocol.exitStatus(internals.outgoing.id, 0);
    sftp.end();
  });
  sftp.on('EXTENDED', (id) => sftp.status(id, STATUS_CODE.OP_UNSUPPORTED));
}
