/** POSIX path helpers for the fake filesystem (never the real one: `node:path` would follow the host's rules). */

/** Splits an absolute or relative path into components, resolving `.` and `..` lexically against `cwd`. */
export function normalizePath(path: string, cwd = '/'): string {
  const parts: string[] = [];
  const input = path.startsWith('/') ? path : `${cwd}/${path}`;
  for (const part of input.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** Path components of a normalized absolute path (`/` has none). */
export function splitPath(abs: string): string[] {
  return abs.split('/').filter((p) => p !== '');
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

export function dirname(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const i = trimmed.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return trimmed.slice(0, i);
}

export function basename(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (trimmed === '/') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}
