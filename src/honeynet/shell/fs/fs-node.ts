/**
 * Nodes of the fake filesystem. The base tree of a persona is built once and never mutated; a session's overlay
 * replaces nodes on the path it changes (copy-on-write), so every session sees the base plus its own changes.
 */

/** What a dynamic file (e.g. `/proc/uptime`) is computed from when read. */
export interface DynamicView {
  /** The session clock (epoch ms). */
  now: number;
}

/** A file's bytes: fixed text, or computed on each read (`/proc`, lazily generated downloads). */
export type FileContent = string | ((view: DynamicView) => string);

export interface NodeMeta {
  /** Permission bits only (0o7777); the type comes from `kind`. */
  mode: number;
  uid: number;
  gid: number;
  /** Modification time, epoch ms. */
  mtime: number;
}

export interface FileNode extends NodeMeta {
  kind: 'file';
  content: FileContent;
  /** Size shown by `ls`/`stat` when it differs from the content (binaries are short stand-ins; /proc files are 0). */
  size?: number;
  /** The registry command this file runs when executed (`/usr/bin/ls` → `ls`). */
  command?: string;
}

export interface DirNode extends NodeMeta {
  kind: 'dir';
  children: Map<string, FsNode>;
}

export interface LinkNode extends NodeMeta {
  kind: 'link';
  target: string;
}

/** A character device: `/dev/null` discards, `/dev/zero` and `/dev/urandom` read as bytes, `/dev/tty` is the terminal. */
export interface DeviceNode extends NodeMeta {
  kind: 'device';
  device: 'null' | 'zero' | 'urandom' | 'tty';
  major: number;
  minor: number;
}

export type FsNode = FileNode | DirNode | LinkNode | DeviceNode;

/** Bytes of a text as stored on disk (UTF-8). */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The size `ls -l` shows. */
export function nodeSize(node: FsNode, view: DynamicView): number {
  switch (node.kind) {
    case 'file':
      if (node.size !== undefined) return node.size;
      return typeof node.content === 'string' ? byteLength(node.content) : byteLength(node.content(view));
    case 'dir':
      return 4096;
    case 'link':
      return byteLength(node.target);
    case 'device':
      return 0;
  }
}

/** The content of a file node as text. */
export function readContent(node: FileNode, view: DynamicView): string {
  return typeof node.content === 'string' ? node.content : node.content(view);
}
