import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pidAlive } from '../core/pid-alive.js';

/**
 * `<dataDir>/serve.json`: written by a running `lnmt serve`, removed when it stops, read by `lnmt status`.
 * A file left by a crashed server is recognised as stale by its pid (and by its health endpoint).
 */
export interface ServeState {
  pid: number;
  url: string;
  started_at: string;
  version: string;
}

export const SERVE_STATE_FILE = 'serve.json';

export function serveStatePath(dataDir: string, cwd: string): string {
  return resolve(cwd, dataDir, SERVE_STATE_FILE);
}

export async function readServeState(path: string): Promise<ServeState | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const s = JSON.parse(text) as Partial<ServeState>;
    if (typeof s.pid !== 'number' || typeof s.url !== 'string') return null;
    return { pid: s.pid, url: s.url, started_at: String(s.started_at ?? ''), version: String(s.version ?? '') };
  } catch {
    return null;
  }
}

/** Written to a temporary name and renamed, so a reader never sees half a file. */
export async function writeServeState(path: string, state: ServeState): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o644 });
  await rename(tmp, path);
}

/** Removes the file only if it is still ours (another server may have taken over the data dir). */
export async function removeServeState(path: string, pid: number): Promise<void> {
  const s = await readServeState(path);
  if (s && s.pid !== pid) return;
  await rm(path, { force: true });
}

export { pidAlive };

export type HealthProbe = { ok: true; status: number; ms: number; body: unknown } | { ok: false; error: string; ms: number };

/** GET `<url>/api/health` with a short timeout. */
export async function probeHealth(url: string, timeoutMs = 2000): Promise<HealthProbe> {
  const t = performance.now();
  try {
    const res = await fetch(new URL('/api/health', url), { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    const ms = performance.now() - t;
    return res.ok ? { ok: true, status: res.status, ms, body } : { ok: false, error: `HTTP ${res.status}`, ms };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { ok: false, error: e.cause?.code ?? (e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : e.message), ms: performance.now() - t };
  }
}
