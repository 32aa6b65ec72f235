import type { DeviceNode, DirNode, FileContent, FileNode, FsNode, LinkNode, NodeMeta } from './fs-node.js';
import { splitPath } from './path.js';

export type MetaOptions = Partial<NodeMeta>;

/** Builds a tree of nodes by absolute path; parents are created like `mkdir -p` (root-owned, 0755). */
export class TreeBuilder {
  readonly root: DirNode;
  private readonly defaultTime: number;

  constructor(defaultTime: number) {
    this.defaultTime = defaultTime;
    this.root = { kind: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: defaultTime, children: new Map() };
  }

  private meta(opts: MetaOptions | undefined, mode: number): NodeMeta {
    return {
      mode: opts?.mode ?? mode,
      uid: opts?.uid ?? 0,
      gid: opts?.gid ?? 0,
      mtime: opts?.mtime ?? this.defaultTime,
    };
  }

  dir(path: string, opts?: MetaOptions): DirNode {
    let cur = this.root;
    const parts = splitPath(path);
    parts.forEach((part, i) => {
      const existing = cur.children.get(part);
      if (existing?.kind === 'dir') {
        if (i === parts.length - 1 && opts) Object.assign(existing, this.meta({ ...existing, ...opts }, existing.mode));
        cur = existing;
        return;
      }
      const created: DirNode = {
        kind: 'dir',
        ...this.meta(i === parts.length - 1 ? opts : undefined, 0o755),
        children: new Map(),
      };
      cur.children.set(part, created);
      cur = created;
    });
    return cur;
  }

  private parentOf(path: string): [DirNode, string] {
    const parts = splitPath(path);
    const name = parts.pop();
    if (name === undefined) throw new Error(`not a file path: ${path}`);
    return [this.dir(`/${parts.join('/')}`), name];
  }

  file(path: string, content: FileContent, opts?: MetaOptions & { size?: number; command?: string }): FileNode {
    const [parent, name] = this.parentOf(path);
    const node: FileNode = { kind: 'file', ...this.meta(opts, 0o644), content };
    if (opts?.size !== undefined) node.size = opts.size;
    if (opts?.command !== undefined) node.command = opts.command;
    parent.children.set(name, node);
    return node;
  }

  link(path: string, target: string, opts?: MetaOptions): LinkNode {
    const [parent, name] = this.parentOf(path);
    const node: LinkNode = { kind: 'link', ...this.meta(opts, 0o777), target };
    parent.children.set(name, node);
    return node;
  }

  device(path: string, device: DeviceNode['device'], major: number, minor: number, opts?: MetaOptions): DeviceNode {
    const [parent, name] = this.parentOf(path);
    const node: DeviceNode = { kind: 'device', ...this.meta(opts, 0o666), device, major, minor };
    parent.children.set(name, node);
    return node;
  }

  /** Places an already built node (e.g. a shared subtree). */
  put(path: string, node: FsNode): void {
    const [parent, name] = this.parentOf(path);
    parent.children.set(name, node);
  }
}
