import { FsError } from './fs-error.js';
import {
  byteLength,
  nodeSize,
  readContent,
  type DirNode,
  type DynamicView,
  type FileContent,
  type FileNode,
  type FsNode,
  type NodeMeta,
} from './fs-node.js';
import { splitPath } from './path.js';

/** Who performs filesystem operations: permission checks use it, created files are owned by it. */
export interface FsIdentity {
  uid: number;
  gid: number;
  /** Every group the process is in (primary included). */
  groups: number[];
}

/** A resolved path: the node and the real (symlink-free) components that reach it. */
export interface Resolved {
  node: FsNode;
  parts: string[];
}

const MAX_LINKS = 40;
const MAX_NAME = 255;
/** What a new directory costs against the cap (one ext4 block), and any other new inode. */
const DIR_COST = 4096;
const INODE_COST = 256;
/** Filesystems where nothing can be created (like procfs and sysfs). */
const VIRTUAL_ROOTS = new Set(['proc', 'sys']);
const DEVICE_READ_BYTES = 65_536;

export interface SessionFsOptions {
  /** Byte budget of everything the session adds; beyond it writes fail with ENOSPC. */
  capBytes: number;
  now: () => number;
  identity: FsIdentity;
}

/**
 * One session's view of the filesystem: the persona's immutable base tree plus a copy-on-write overlay. A change
 * clones only the directories on the changed path (and the changed node); base nodes are never mutated, so any
 * number of sessions share one base. Everything the session adds is charged against a byte cap.
 */
export class SessionFs {
  identity: FsIdentity;
  private root: DirNode;
  /** Nodes this session created or cloned, with the bytes charged for each. */
  private readonly owned = new Map<FsNode, number>();
  private used = 0;
  private readonly cap: number;
  private readonly clock: () => number;

  constructor(baseRoot: DirNode, opts: SessionFsOptions) {
    this.root = baseRoot;
    this.cap = opts.capBytes;
    this.clock = opts.now;
    this.identity = opts.identity;
  }

  /** Bytes charged to the overlay so far. */
  get usedBytes(): number {
    return this.used;
  }

  get capBytes(): number {
    return this.cap;
  }

  view(): DynamicView {
    return { now: this.clock() };
  }

  // ---- permission checks -------------------------------------------------------------------------------------

  /** `access(2)`-like check for the current identity; root passes everything except execute without any x bit. */
  can(node: NodeMeta, want: 'r' | 'w' | 'x'): boolean {
    const bit = want === 'r' ? 4 : want === 'w' ? 2 : 1;
    if (this.identity.uid === 0) return want !== 'x' || (node.mode & 0o111) !== 0 || (node as FsNode).kind === 'dir';
    if (node.uid === this.identity.uid) return ((node.mode >> 6) & bit) !== 0;
    if (this.identity.groups.includes(node.gid)) return ((node.mode >> 3) & bit) !== 0;
    return (node.mode & bit) !== 0;
  }

  private need(node: NodeMeta, want: 'r' | 'w' | 'x'): void {
    if (!this.can(node, want)) throw new FsError('EACCES');
  }

  // ---- lookup ------------------------------------------------------------------------------------------------

  /** Resolves an absolute path, following symlinks (the last one only if `follow`). */
  resolve(path: string, follow = true): Resolved {
    const queue = splitPath(path);
    const dirs: DirNode[] = [this.root];
    const parts: string[] = [];
    let links = 0;
    let node: FsNode = this.root;
    while (queue.length > 0) {
      const comp = queue.shift()!;
      if (comp.length > MAX_NAME) throw new FsError('ENAMETOOLONG');
      const cur = dirs[dirs.length - 1]!;
      if (comp === '.') {
        node = cur;
        continue;
      }
      if (comp === '..') {
        if (dirs.length > 1) {
          dirs.pop();
          parts.pop();
        }
        node = dirs[dirs.length - 1]!;
        continue;
      }
      this.need(cur, 'x');
      const child = cur.children.get(comp);
      if (!child) throw new FsError('ENOENT');
      if (child.kind === 'link' && (queue.length > 0 || follow)) {
        if (++links > MAX_LINKS) throw new FsError('ELOOP');
        const target = splitPath(child.target);
        if (child.target.startsWith('/')) {
          dirs.length = 1;
          parts.length = 0;
        }
        queue.unshift(...target);
        node = dirs[dirs.length - 1]!;
        continue;
      }
      if (queue.length > 0 && child.kind !== 'dir') throw new FsError('ENOTDIR');
      node = child;
      parts.push(comp);
      if (child.kind === 'dir') dirs.push(child);
    }
    return { node, parts };
  }

  stat(path: string): FsNode {
    return this.resolve(path, true).node;
  }

  lstat(path: string): FsNode {
    return this.resolve(path, false).node;
  }

  exists(path: string): boolean {
    try {
      this.resolve(path, true);
      return true;
    } catch {
      return false;
    }
  }

  /** The canonical path (`readlink -f`). */
  realpath(path: string): string {
    return `/${this.resolve(path, true).parts.join('/')}`;
  }

  /** Entries of a directory, unsorted. */
  readdir(path: string): Array<[string, FsNode]> {
    const node = this.stat(path);
    if (node.kind !== 'dir') throw new FsError('ENOTDIR');
    this.need(node, 'r');
    return [...node.children];
  }

  /** Like `readdir` but without the read-permission check (globbing skips unreadable dirs instead). */
  tryReaddir(path: string): Array<[string, FsNode]> {
    try {
      return this.readdir(path);
    } catch {
      return [];
    }
  }

  readFile(path: string): string {
    const node = this.stat(path);
    if (node.kind === 'dir') throw new FsError('EISDIR');
    this.need(node, 'r');
    if (node.kind === 'device') {
      if (node.device === 'zero') return '\0'.repeat(DEVICE_READ_BYTES);
      if (node.device === 'urandom') {
        let out = '';
        for (let i = 0; i < DEVICE_READ_BYTES; i++) out += String.fromCharCode(Math.floor(Math.random() * 256));
        return out;
      }
      return '';
    }
    return readContent(node as FileNode, this.view());
  }

  size(node: FsNode): number {
    return nodeSize(node, this.view());
  }

  // ---- copy-on-write -----------------------------------------------------------------------------------------

  private ownDir(dir: DirNode): DirNode {
    if (this.owned.has(dir)) return dir;
    const clone: DirNode = { ...dir, children: new Map(dir.children) };
    this.owned.set(clone, 0);
    return clone;
  }

  /** The session's own copy of the directory at `parts` (all real directories), cloning the path from the root. */
  private mutableDir(parts: string[]): DirNode {
    this.root = this.ownDir(this.root);
    let dir = this.root;
    for (const part of parts) {
      const child = dir.children.get(part);
      if (!child || child.kind !== 'dir') throw new FsError('ENOTDIR');
      const own = this.ownDir(child);
      if (own !== child) dir.children.set(part, own);
      dir = own;
    }
    return dir;
  }

  /** The session's own copy of the node named `name` in the mutable directory `dir`. */
  private mutableChild(dir: DirNode, name: string): FsNode {
    const child = dir.children.get(name);
    if (!child) throw new FsError('ENOENT');
    if (this.owned.has(child)) return child;
    const clone = child.kind === 'dir' ? { ...child, children: new Map(child.children) } : { ...child };
    this.owned.set(clone, 0);
    dir.children.set(name, clone);
    return clone;
  }

  /** Splits a path into its resolved parent directory and the final name (not followed). */
  private parentOf(path: string): { dir: DirNode; parts: string[]; name: string } {
    const comps = splitPath(path);
    const name = comps.pop();
    if (name === undefined || name === '.' || name === '..') throw new FsError('EBUSY');
    if (name.length > MAX_NAME) throw new FsError('ENAMETOOLONG');
    const { node, parts } = this.resolve(`/${comps.join('/')}`, true);
    if (node.kind !== 'dir') throw new FsError('ENOTDIR');
    return { dir: node, parts, name };
  }

  private charge(bytes: number): void {
    if (bytes > 0 && this.used + bytes > this.cap) throw new FsError('ENOSPC');
    this.used += bytes;
  }

  private release(node: FsNode): void {
    if (node.kind === 'dir') {
      for (const child of node.children.values()) if (this.owned.has(child)) this.release(child);
    }
    const charged = this.owned.get(node);
    if (charged !== undefined) {
      this.used -= charged;
      this.owned.delete(node);
    }
  }

  private checkWritableDir(dir: DirNode, parts: string[]): void {
    if (parts.length > 0 && VIRTUAL_ROOTS.has(parts[0]!)) throw new FsError('ENOENT');
    this.need(dir, 'w');
    this.need(dir, 'x');
  }

  private newMeta(mode: number): NodeMeta {
    return { mode, uid: this.identity.uid, gid: this.identity.gid, mtime: this.clock() };
  }

  // ---- mutations ---------------------------------------------------------------------------------------------

  /** Creates or replaces (or appends to) a regular file; follows a final symlink like `open(O_CREAT)`. */
  writeFile(path: string, data: FileContent, opts: { append?: boolean; mode?: number; size?: number; command?: string } = {}): void {
    let target = path;
    try {
      const existing = this.resolve(path, true);
      target = `/${existing.parts.join('/')}`;
      const node = existing.node;
      if (node.kind === 'dir') throw new FsError('EISDIR');
      this.need(node, 'w');
      if (node.kind === 'device') return;
      if (existing.parts.length > 0 && VIRTUAL_ROOTS.has(existing.parts[0]!)) throw new FsError('EACCES');
    } catch (err) {
      if (!(err instanceof FsError) || err.code !== 'ENOENT') throw err;
      // a dangling symlink: create its target
      try {
        const link = this.resolve(path, false).node;
        if (link.kind === 'link') target = link.target.startsWith('/') ? link.target : `${path}/../${link.target}`;
      } catch {
        // the path itself does not exist
      }
    }
    const { dir, parts, name } = this.parentOf(target);
    const current = dir.children.get(name);
    if (!current) this.checkWritableDir(dir, parts);
    const view = this.view();
    const prefix = opts.append && current?.kind === 'file' ? readContent(current, view) : '';
    const content = typeof data === 'string' ? prefix + data : data;
    const bytes = opts.size ?? (typeof content === 'string' ? byteLength(content) : byteLength(content(view)));
    const oldCharge = current ? (this.owned.get(current) ?? 0) : 0;
    const newCharge = bytes + INODE_COST;
    this.charge(newCharge - oldCharge);
    const parent = this.mutableDir(parts);
    const node: FileNode = current?.kind === 'file'
      ? { ...current, content, mtime: this.clock() }
      : { kind: 'file', ...this.newMeta(opts.mode ?? 0o644), content };
    if (opts.size !== undefined) node.size = opts.size;
    else delete node.size;
    if (opts.command !== undefined) node.command = opts.command;
    else delete node.command;
    if (current) this.owned.delete(current);
    this.owned.set(node, newCharge);
    parent.children.set(name, node);
  }

  mkdir(path: string, mode = 0o755): void {
    const { dir, parts, name } = this.parentOf(path);
    if (dir.children.has(name)) throw new FsError('EEXIST');
    this.checkWritableDir(dir, parts);
    this.charge(DIR_COST);
    const node: DirNode = { kind: 'dir', ...this.newMeta(mode), children: new Map() };
    this.owned.set(node, DIR_COST);
    this.mutableDir(parts).children.set(name, node);
  }

  symlink(target: string, path: string): void {
    const { dir, parts, name } = this.parentOf(path);
    if (dir.children.has(name)) throw new FsError('EEXIST');
    this.checkWritableDir(dir, parts);
    this.charge(INODE_COST);
    const node: FsNode = { kind: 'link', ...this.newMeta(0o777), target };
    this.owned.set(node, INODE_COST);
    this.mutableDir(parts).children.set(name, node);
  }

  /** Removes a non-directory (the link itself for a symlink). */
  unlink(path: string): void {
    const { dir, parts, name } = this.parentOf(path);
    const node = dir.children.get(name);
    if (!node) throw new FsError('ENOENT');
    if (node.kind === 'dir') throw new FsError('EISDIR');
    this.checkRemovable(dir, parts, node);
    this.mutableDir(parts).children.delete(name);
    this.release(node);
  }

  rmdir(path: string): void {
    const { dir, parts, name } = this.parentOf(path);
    const node = dir.children.get(name);
    if (!node) throw new FsError('ENOENT');
    if (node.kind !== 'dir') throw new FsError('ENOTDIR');
    if (node.children.size > 0) throw new FsError('ENOTEMPTY');
    if (parts.length === 0 && ['proc', 'sys', 'dev', 'run'].includes(name)) throw new FsError('EBUSY');
    this.checkRemovable(dir, parts, node);
    this.mutableDir(parts).children.delete(name);
    this.release(node);
  }

  private checkRemovable(dir: DirNode, parts: string[], node: FsNode): void {
    if (parts.length > 0 && VIRTUAL_ROOTS.has(parts[0]!)) throw new FsError(this.identity.uid === 0 ? 'EPERM' : 'EACCES');
    this.need(dir, 'w');
    this.need(dir, 'x');
    const sticky = (dir.mode & 0o1000) !== 0;
    if (sticky && this.identity.uid !== 0 && node.uid !== this.identity.uid && dir.uid !== this.identity.uid) {
      throw new FsError('EPERM');
    }
  }

  /** `rename(2)`: replaces a file at `to`; `to` must not be a non-empty directory. */
  rename(from: string, to: string): void {
    const src = this.parentOf(from);
    const node = src.dir.children.get(src.name);
    if (!node) throw new FsError('ENOENT');
    this.checkRemovable(src.dir, src.parts, node);
    const dst = this.parentOf(to);
    const srcPath = [...src.parts, src.name];
    if (node.kind === 'dir' && dst.parts.length >= srcPath.length && srcPath.every((p, i) => dst.parts[i] === p)) {
      throw new FsError('EINVAL');
    }
    const replaced = dst.dir.children.get(dst.name);
    if (replaced === node) return;
    if (replaced?.kind === 'dir') {
      if (node.kind !== 'dir') throw new FsError('EISDIR');
      if (replaced.children.size > 0) throw new FsError('ENOTEMPTY');
    } else if (replaced && node.kind === 'dir') {
      throw new FsError('ENOTDIR');
    }
    this.checkWritableDir(dst.dir, dst.parts);
    this.mutableDir(src.parts).children.delete(src.name);
    this.mutableDir(dst.parts).children.set(dst.name, node);
    if (replaced) this.release(replaced);
  }

  /** Copies a regular file (content shared, bytes charged like a real copy). */
  copyFile(from: string, to: string): void {
    const node = this.stat(from);
    if (node.kind === 'dir') throw new FsError('EISDIR');
    this.need(node, 'r');
    if (node.kind !== 'file') {
      this.writeFile(to, this.readFile(from));
      return;
    }
    const opts: { mode: number; size?: number; command?: string } = { mode: node.mode & 0o777 };
    if (node.size !== undefined) opts.size = node.size;
    if (node.command !== undefined) opts.command = node.command;
    this.writeFile(to, node.content, opts);
  }

  private mutateNode(path: string, follow: boolean): FsNode {
    const { parts } = this.resolve(path, follow);
    if (parts.length === 0) {
      this.root = this.ownDir(this.root);
      return this.root;
    }
    const name = parts[parts.length - 1]!;
    return this.mutableChild(this.mutableDir(parts.slice(0, -1)), name);
  }

  chmod(path: string, mode: number): void {
    const node = this.stat(path);
    if (this.identity.uid !== 0 && node.uid !== this.identity.uid) throw new FsError('EPERM');
    this.mutateNode(path, true).mode = mode & 0o7777;
  }

  chown(path: string, uid: number, gid: number, follow = true): void {
    this.resolve(path, follow);
    if (this.identity.uid !== 0) throw new FsError('EPERM');
    const node = this.mutateNode(path, follow);
    node.uid = uid;
    node.gid = gid;
  }

  /** `touch` on an existing path: sets the mtime. */
  setMtime(path: string, ms: number): void {
    const node = this.stat(path);
    if (this.identity.uid !== 0 && node.uid !== this.identity.uid) this.need(node, 'w');
    this.mutateNode(path, true).mtime = ms;
  }

  /**
   * Adds a session-private node without permission checks or charge: the session's own /proc entries. Only the
   * session setup calls this.
   */
  inject(path: string, node: FsNode): void {
    const comps = splitPath(path);
    const name = comps.pop()!;
    const dir = this.mutableDir(comps);
    dir.children.set(name, node);
  }
}

/** The type letter `ls -l` shows for a node. */
export function typeChar(node: FsNode): string {
  switch (node.kind) {
    case 'dir':
      return 'd';
    case 'link':
      return 'l';
    case 'device':
      return 'c';
    default:
      return '-';
  }
}

/** `-rw-r--r--` */
export function modeString(node: FsNode): string {
  const m = node.mode;
  const rwx = (shift: number, special: number, ch: string): string => {
    const bits = (m >> shift) & 7;
    const x = (bits & 1) !== 0;
    const s = (m & special) !== 0;
    return `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${s ? (x ? ch : ch.toUpperCase()) : x ? 'x' : '-'}`;
  };
  return typeChar(node) + rwx(6, 0o4000, 's') + rwx(3, 0o2000, 's') + rwx(0, 0o1000, 't');
}
