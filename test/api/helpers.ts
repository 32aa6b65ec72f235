import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createContext, type AppContext } from '../../src/app/context.js';
import { loadConfig } from '../../src/core/config/load-config.js';
import { silentLogger } from '../../src/core/logger.js';
import { buildApp, type BuildAppOptions } from '../../src/api/app.js';
import type { HostObservation } from '../../src/inventory/device-tracker.js';

export interface TestApi {
  dir: string;
  ctx: AppContext;
  app: FastifyInstance;
  admin: string;
  viewer: string;
  /** `{ authorization: 'Bearer ...' }` for a role. */
  auth(role?: 'admin' | 'viewer'): Record<string, string>;
  close(): Promise<void>;
}

/** A fresh SQLite data dir (mkdtemp) and a context on it; env overrides are LNMT_* settings. */
export async function makeContext(env: Record<string, string> = {}): Promise<{ dir: string; ctx: AppContext }> {
  const dir = mkdtempSync(join(tmpdir(), 'lnmt-api-test-'));
  // cwd: dir, so a ./lnmt.yaml in the repository never leaks into the test config.
  const { config } = loadConfig({ env: { LNMT_DATA_DIR: dir, LNMT_LOG__LEVEL: 'silent', ...env }, cwd: dir });
  const ctx = await createContext(config, { logger: silentLogger(), persistEvents: false });
  return { dir, ctx };
}

/** makeContext plus an app (inject only) and two tokens. */
export async function makeApi(env: Record<string, string> = {}, opts: BuildAppOptions = {}): Promise<TestApi> {
  const { dir, ctx } = await makeContext(env);
  const app = await buildApp(ctx, opts);
  const admin = (await ctx.repos.tokens.create('test-admin', 'admin')).secret;
  const viewer = (await ctx.repos.tokens.create('test-viewer', 'viewer')).secret;
  return {
    dir,
    ctx,
    app,
    admin,
    viewer,
    auth: (role = 'viewer') => ({ authorization: `Bearer ${role === 'admin' ? admin : viewer}` }),
    async close() {
      await app.close();
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const T0 = Date.parse('2026-01-15T10:00:00.000Z');

/** Known data: n devices 10.0.<i/256>.<i%256+1>, every third offline, vendor from a real OUI on every other. */
export function observations(n: number, base = T0): HostObservation[] {
  const out: HostObservation[] = [];
  for (let i = 0; i < n; i++) {
    const b = i + 1;
    out.push({
      ip: `10.0.${b >> 8}.${b & 255}`,
      up: true,
      method: i % 2 === 0 ? 'icmp' : 'tcp:22',
      rtt_ms: (i % 17) + 0.5,
      // 00:1b:63 is Apple's OUI; 02:... is locally administered (private, no vendor).
      mac: i % 2 === 0 ? `00:1b:63:00:${hex(b >> 8)}:${hex(b & 255)}` : `02:00:00:00:${hex(b >> 8)}:${hex(b & 255)}`,
      hostname: `host-${String(i).padStart(4, '0')}.lan`,
      time: base + i * 1000,
      scan_id: null,
    });
  }
  return out;
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** Seeds n devices, then marks every third one offline. */
export async function seed(ctx: AppContext, n: number): Promise<void> {
  const obs = observations(n);
  await ctx.tracker.observe(obs);
  await ctx.tracker.observe(obs.filter((_, i) => i % 3 === 0).map((o) => ({ ...o, up: false, time: o.time + 3_600_000 })));
}

/** A TCP port nothing listens on (bound, then released): probing it gets a RST, which proves the host is up. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
