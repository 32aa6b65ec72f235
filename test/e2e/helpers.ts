/**
 * Shared by the numbered CLI end-to-end tests: they spawn the real binary (`node bin/lnmt.js`, which runs the
 * compiled dist/) in a temporary working directory with a clean environment, and look at exit code, stdout and
 * stderr exactly as a user or a script would.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'lnmt.js');
const DIST_MAIN = join(ROOT, 'dist', 'cli', 'main.js');
/** esbuild bundle (scripts/bundle.mjs) that bin/lnmt.js prefers when present. */
const BUNDLE_SCRIPT = join(ROOT, 'scripts', 'bundle.mjs');
const BUNDLE_MAIN = join(ROOT, 'dist', 'bundle', 'main.js');

export const ESC = /\u001b\[/;

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  input?: string;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * `npm test` builds dist/ first (`npm run build`: tsc, then the esbuild bundle); when a test file is run on
 * its own, build here if an output is missing or older than the sources, so the binary under test is the code
 * under test.
 */
export function ensureBuilt(): void {
  const outputs = existsSync(BUNDLE_SCRIPT) ? [DIST_MAIN, BUNDLE_MAIN] : [DIST_MAIN];
  const newest = newestMtime(join(ROOT, 'src'));
  if (outputs.every((o) => existsSync(o) && statSync(o).mtimeMs >= newest)) return;
  const steps = [[join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')]];
  if (existsSync(BUNDLE_SCRIPT)) steps.push([BUNDLE_SCRIPT]);
  for (const step of steps) {
    const r = spawnSync(process.execPath, step, { cwd: ROOT, encoding: 'utf8' });
    if (step[0] === BUNDLE_SCRIPT && r.status !== 0) throw new Error(`bundling failed:\n${r.stdout}${r.stderr}`);
  }
  for (const o of outputs) if (!existsSync(o)) throw new Error(`building ${o} failed`);
}

/** The environment of a user with no LNMT settings and no colour preferences. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('LNMT_') || k === 'NO_COLOR' || k === 'FORCE_COLOR' || k === 'NODE_OPTIONS' || k === 'NODE_TEST_CONTEXT') continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Starts `lnmt <args>` and returns the child (for long-running commands like `serve`). */
export function start(args: string[], opts: RunOptions): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: cleanEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs `lnmt <args>` to completion. */
export function lnmt(args: string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = start(args, opts);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lnmt ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 30_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin!.end(opts.input ?? '');
  });
}

/** A fresh directory under the system temp dir; `cleanup()` removes every one made. */
export class TempDirs {
  private readonly dirs: string[] = [];
  make(prefix = 'lnmt-e2e-'): string {
    const d = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(d);
    return d;
  }
  cleanup(): void {
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}

/** A TCP port nothing listens on right now (the kernel's pick from the ephemeral range). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}`);
}

/** `curl -s` with the status code on the last line, as a user would call the API. */
export function curl(args: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', ['-sS', '--max-time', '10', '-w', '\n%{http_code}', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`curl ${args.join(' ')} exited ${code}: ${err}`));
      const i = out.lastIndexOf('\n');
      resolve({ status: Number(out.slice(i + 1)), body: out.slice(0, i) });
    });
  });
}
