import type { CommandContext, ShellCommand } from '../command.js';
import { errorText } from '../fs/fs-error.js';
import type { FsNode } from '../fs/fs-node.js';
import { joinPath } from '../fs/path.js';
import { modeString } from '../fs/session-fs.js';
import { coreutilsHuman } from '../system/human-size.js';
import { lsTime } from '../system/time-format.js';
import { groupName, userName } from './lib/inputs.js';
import { parseOptions, usageError } from './lib/options.js';

const MAX_ENTRIES = 5_000;

interface Entry {
  name: string;
  path: string;
  node: FsNode;
}

const byName = (a: Entry, b: Entry): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Terminal columns like `ls -C`: column-major, as many columns as fit the width. */
export function columns(names: string[], width: number): string {
  if (names.length === 0) return '';
  for (let cols = Math.min(names.length, Math.max(1, Math.floor(width / 3))); cols >= 1; cols--) {
    const rows = Math.ceil(names.length / cols);
    const widths: number[] = [];
    for (let c = 0; c < cols; c++) {
      const col = names.slice(c * rows, (c + 1) * rows);
      widths.push(Math.max(0, ...col.map((n) => n.length)));
    }
    if (widths.some((w, c) => w === 0 && c < cols)) continue;
    const total = widths.reduce((a, b) => a + b, 0) + 2 * (cols - 1);
    if (total <= width || cols === 1) {
      let out = '';
      for (let r = 0; r < rows; r++) {
        const cells: string[] = [];
        for (let c = 0; c < cols; c++) {
          const name = names[c * rows + r];
          if (name === undefined) continue;
          const isLast = c === cols - 1 || names[(c + 1) * rows + r] === undefined;
          cells.push(isLast ? name : name.padEnd(widths[c]! + 2));
        }
        out += `${cells.join('')}\n`;
      }
      return out;
    }
  }
  return `${names.join('\n')}\n`;
}

function nlink(node: FsNode): number {
  if (node.kind !== 'dir') return 1;
  let n = 2;
  for (const child of node.children.values()) if (child.kind === 'dir') n++;
  return n;
}

function classify(node: FsNode): string {
  if (node.kind === 'dir') return '/';
  if (node.kind === 'link') return '@';
  if (node.kind === 'file' && (node.mode & 0o111) !== 0) return '*';
  return '';
}

/** `ls` with the options attackers and admins use: -a -A -l -h -R -1 -d -t -r -S -F -n -i --color. */
export const ls = {
  name: 'ls',
  aliases: ['dir'],
  paths: ['/usr/bin/ls', '/usr/bin/dir'],
  run(args, io, ctx) {
    const opts = parseOptions(args, {
      flags: 'aAlhR1dtrSFniCxgo',
      long: { all: 'a', 'almost-all': 'A', 'human-readable': 'h', recursive: 'R', directory: 'd', reverse: 'r', classify: 'F', 'numeric-uid-gid': 'n', inode: 'i', 'color=': 'color', color: 'colorflag', help: 'help' },
    });
    if (!opts.ok) {
      usageError(io.err, 'ls', opts.error);
      return 2;
    }
    const f = opts.flags;
    const long = f.has('l') || f.has('n') || f.has('g') || f.has('o');
    const all = f.has('a');
    const almost = f.has('A') && !all;
    const onePerLine = f.has('1') || (!io.stdoutIsTerminal && !f.has('C') && !f.has('x'));
    const width = Number(ctx.state.get('COLUMNS') ?? 80) || 80;
    const now = ctx.now();
    let status = 0;
    let budget = MAX_ENTRIES;

    const sortEntries = (entries: Entry[]): Entry[] => {
      const sorted = [...entries];
      if (f.has('t')) sorted.sort((a, b) => b.node.mtime - a.node.mtime || byName(a, b));
      else if (f.has('S')) sorted.sort((a, b) => ctx.fs.size(b.node) - ctx.fs.size(a.node) || byName(a, b));
      else sorted.sort(byName);
      if (f.has('r')) sorted.reverse();
      return sorted;
    };

    const display = (e: Entry): string => {
      let name = e.name;
      if (io.stdoutIsTerminal && /[\s'"$`\\!*?&;|<>(){}[\]]/.test(name)) name = `'${name.replace(/'/g, `'\\''`)}'`;
      return f.has('F') ? name + classify(e.node) : name;
    };

    const longLines = (entries: Entry[], withTotal: boolean): string => {
      const rows = entries.map((e) => {
        const size = e.node.kind === 'device' ? `${e.node.major}, ${e.node.minor}` : f.has('h') ? coreutilsHuman(ctx.fs.size(e.node)) : String(ctx.fs.size(e.node));
        let name = display(e);
        if (e.node.kind === 'link') name += ` -> ${e.node.target}`;
        return {
          inode: String(1_000 + (Math.abs(hashName(e.path)) % 900_000)),
          mode: modeString(e.node),
          links: String(nlink(e.node)),
          owner: f.has('n') ? String(e.node.uid) : userName(ctx, e.node.uid),
          group: f.has('n') ? String(e.node.gid) : groupName(ctx, e.node.gid),
          size,
          time: lsTime(e.node.mtime, now),
          name,
        };
      });
      const w = (key: 'links' | 'owner' | 'group' | 'size' | 'inode'): number => Math.max(0, ...rows.map((r) => r[key].length));
      const [wl, wo, wg, ws, wi] = [w('links'), w('owner'), w('group'), w('size'), w('inode')];
      let out = '';
      if (withTotal) {
        const blocks = entries.reduce((sum, e) => sum + (e.node.kind === 'link' || e.node.kind === 'device' ? 0 : Math.ceil(ctx.fs.size(e.node) / 4096) * 4), 0);
        out += `total ${f.has('h') ? coreutilsHuman(blocks * 1024) : blocks}\n`;
      }
      for (const r of rows) {
        const owner = f.has('g') ? '' : `${r.owner.padEnd(wo)} `;
        const group = f.has('o') ? '' : `${r.group.padEnd(wg)} `;
        out += `${f.has('i') ? `${r.inode.padStart(wi)} ` : ''}${r.mode} ${r.links.padStart(wl)} ${owner}${group}${r.size.padStart(ws)} ${r.time} ${r.name}\n`;
      }
      return out;
    };

    const format = (entries: Entry[], withTotal: boolean): string => {
      if (long) return longLines(entries, withTotal);
      const names = entries.map((e) => (f.has('i') ? `${1_000 + (Math.abs(hashName(e.path)) % 900_000)} ` : '') + display(e));
      return onePerLine ? names.map((n) => `${n}\n`).join('') : columns(names, width);
    };

    const listDir = (path: string, label: string): { text: string; subdirs: Entry[] } => {
      let raw: Array<[string, FsNode]>;
      try {
        raw = ctx.fs.readdir(path);
      } catch (err) {
        io.err(`ls: cannot open directory '${label}': ${errorText(err)}\n`);
        status = 2;
        return { text: '', subdirs: [] };
      }
      const entries: Entry[] = [];
      if (all) {
        entries.push({ name: '.', path, node: ctx.fs.stat(path) });
        entries.push({ name: '..', path: joinPath(path, '..'), node: ctx.fs.stat(path === '/' ? '/' : joinPath(path, '..')) });
      }
      for (const [name, node] of raw) {
        if (!all && !almost && name.startsWith('.')) continue;
        if (--budget < 0) break;
        entries.push({ name, path: joinPath(path, name), node });
      }
      const sorted = sortEntries(entries);
      return { text: format(sorted, true), subdirs: sorted.filter((e) => e.node.kind === 'dir' && e.name !== '.' && e.name !== '..') };
    };

    const operands = opts.operands.length > 0 ? opts.operands : ['.'];
    const files: Entry[] = [];
    const dirs: Entry[] = [];
    for (const op of operands) {
      const path = ctx.resolve(op);
      try {
        const lnode = ctx.fs.lstat(path);
        const node = lnode.kind === 'link' && !long ? ctx.fs.stat(path) : lnode.kind === 'link' && op.endsWith('/') ? ctx.fs.stat(path) : lnode;
        const target = node.kind === 'link' ? safeStat(ctx, path) : node;
        if (target?.kind === 'dir' && !f.has('d') && !(long && node.kind === 'link')) dirs.push({ name: op, path, node: target });
        else files.push({ name: op, path, node });
      } catch (err) {
        io.err(`ls: cannot access '${op}': ${errorText(err)}\n`);
        status = 2;
      }
    }
    let out = format(sortEntries(files), false);
    const multiple = operands.length > 1 || f.has('R');
    const queue = sortEntries(dirs).map((d) => ({ path: d.path, label: d.name }));
    let first = files.length === 0;
    while (queue.length > 0 && budget > 0) {
      const { path, label } = queue.shift()!;
      const { text, subdirs } = listDir(path, label);
      if (multiple) out += `${first ? '' : '\n'}${label}:\n`;
      out += text;
      first = false;
      if (f.has('R')) queue.unshift(...subdirs.map((d) => ({ path: d.path, label: label === '/' ? `/${d.name}` : `${label}/${d.name}` })));
    }
    io.out(out);
    return status;
  },
} satisfies ShellCommand;

function safeStat(ctx: CommandContext, path: string): FsNode | undefined {
  try {
    return ctx.fs.stat(path);
  } catch {
    return undefined;
  }
}

function hashName(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}
